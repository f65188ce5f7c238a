import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import fields_shared
from complaints.customer_forms import attachments_field
from complaints.models import Kind


@fields_shared
class SubmitForm(forms.Form):
    """The public web form. Field rules beyond shape live in the intake service.

    Its fields are shared by every instance (common.forms): none is changed per request.
    """

    name = forms.CharField(
        label=_("Your name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Give an e-mail address or a phone number so we can reach you."),
    )
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        help_text=_("For example 0532 123 45 67."),
    )
    kind = forms.ChoiceField(
        label=_("What would you like to send?"),
        choices=Kind.choices,
        initial=Kind.COMPLAINT,
        widget=forms.RadioSelect,
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 8}), max_length=10000
    )
    # A fresh id per rendered form: a double submit returns the first complaint.
    submission_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    # The privacy notice version shown with the form, recorded on the complaint.
    # A missing or unknown number records the version in force (intake.views).
    privacy_notice_version = forms.CharField(
        widget=forms.HiddenInput, required=False, max_length=12
    )

    # Checked by content and limits (complaints.attachments), with the other fields.
    attachments = attachments_field()

    def clean(self):
        # Said at once, with the other missing fields; the intake service
        # enforces the same rule for every channel.
        data = super().clean() or {}
        no_contact = not data.get("email") and not (data.get("phone") or "").strip()
        if no_contact and "email" not in self.errors and "phone" not in self.errors:
            self.add_error("email", _("Give an e-mail address or a phone number."))
        return data
