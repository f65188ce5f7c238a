from django import forms
from django.utils.translation import gettext_lazy as _


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the proposed solution not enough for you?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
        strip=True,
        error_messages={"required": _("Tell us why, so that we can look at it again.")},
    )
