"""The forms of the customer's page (and the file field the web form shares).

They check shape only; the services check the process, and
complaints.attachments is the one check of a file.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from .attachments import attachments_check, limits_text
from .models import Answer


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleaned to a list, checked by content and limits."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        items = data if isinstance(data, list | tuple) else [data]
        files = [single(item, initial) for item in items if item]
        files = [f for f in files if f]
        attachments_check(files)
        return files


def attachments_field() -> MultipleFileField:
    field = MultipleFileField(label=_("Files (optional)"), help_text=lazy(limits_text, str)())
    field.widget.attrs["accept"] = (
        ".pdf,.jpg,.jpeg,.png,.gif,.webp,.heic,.txt,.doc,.docx,.xls,.xlsx,.odt,.ods"
    )
    return field


class CodeRequestForm(forms.Form):
    via = forms.ChoiceField(label=_("Send the code to"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, contacts: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["via"].choices = list(contacts.items())  # type: ignore[attr-defined]
        if contacts:
            self.fields["via"].initial = next(iter(contacts))


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("The 6-digit code"),
        regex=r"^\s*\d{3}\s?\d{3}\s*$",
        max_length=9,
        error_messages={"invalid": _("Type the 6 digits of the code.")},
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": r"\d{6}",
                "maxlength": "6",
                "size": "8",
            }
        ),
    )


class CustomerMessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"] = attachments_field()


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=Answer.choices, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why is the proposed solution not enough for you?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Needed when you reject it, so that we can look at it again."),
    )
