"""Staff forms: registering a phone or in-person complaint, and one form per
transition, built from the fields the transition declares."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.forms.models import modelform_factory
from django.utils.translation import gettext_lazy as _

from .models import Category, Channel, Complaint, Kind, Language, Priority, RootCause, Stage
from .models.decision_call import CallOutcome
from .services.acknowledgement import STAFF_ACKNOWLEDGEMENT_CHANNELS
from .services.submission import STAFF_CHANNELS
from .staff import assignable_users
from .workflow import CUSTOMER_ANSWERS, Transition


class RegisterForm(forms.Form):
    """A complaint taken on the phone or at the desk (or typed in from a letter)."""

    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[(c.value, c.label) for c in STAFF_CHANNELS],
        initial=Channel.PHONE,
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, initial=Kind.COMPLAINT)
    name = forms.CharField(label=_("Customer's name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=30)
    language = forms.ChoiceField(
        label=_("Customer's language"), choices=Language.choices, initial=Language.TURKISH
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea)
    # Required on the phone and at the desk (complaints.privacy); the text is shown above.
    privacy_notice_read_out = forms.BooleanField(
        label=_("I read the privacy notice out to the customer"),
        required=False,
        help_text=_("Required for phone and in-person complaints."),
    )


class TransitionForm(forms.ModelForm):
    note = forms.CharField(
        label=_("Note for the history"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, transition: Transition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.transition = transition
        if "assignee" in self.fields:
            self.fields["assignee"].queryset = assignable_users()  # type: ignore[attr-defined]
        if "category" in self.fields:
            field = self.fields["category"]
            field.queryset = Category.objects.filter(active=True)  # type: ignore[attr-defined]
            field.label_from_instance = lambda c: c.choice_label  # type: ignore[attr-defined]
            field.help_text = _(
                "Each criterion carries its default priority; the description tells "
                "similar criteria apart."
            )
        if "root_cause" in self.fields:
            self.fields["root_cause"].queryset = RootCause.objects.filter(active=True)  # type: ignore[attr-defined]
        if "customer_answer_channel" in self.fields:
            self.fields["customer_answer_channel"].choices = [("", "---------"), *Channel.choices]  # type: ignore[attr-defined]
        if "priority" in self.fields:
            # Blank means "the category's default": never a "required" error.
            self.fields["priority"].required = False
            self.fields["priority"].help_text = _("Leave empty to use the category's default.")

    def _post_clean(self) -> None:
        # The service validates against the locked row; don't touch the instance here.
        pass

    def transition_fields(self) -> dict[str, Any]:
        values = {
            name: self.cleaned_data.get(name)
            for name in self.transition.fields
            if name in self.fields
        }
        values.update(self.transition.implies)
        return values


def transition_form_class(transition: Transition) -> type[TransitionForm]:
    return modelform_factory(Complaint, form=TransitionForm, fields=list(transition.asks))  # type: ignore[return-value]


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Representative"), queryset=get_user_model().objects.none()
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignable_users()  # type: ignore[attr-defined]


class ReprioritizeForm(forms.Form):
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class RecategorizeForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        field.queryset = Category.objects.filter(active=True)  # type: ignore[attr-defined]
        field.label_from_instance = lambda c: c.choice_label  # type: ignore[attr-defined]


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}))
    internal = forms.BooleanField(
        label=_("Internal note (staff only)"), required=False, initial=True
    )


class AskCustomerForm(forms.Form):
    """Ask the customer for information: the resolution clock pauses until they answer."""

    question = forms.CharField(
        label=_("Question to the customer"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ResumeForm(forms.Form):
    note = forms.CharField(
        label=_("Note for the history"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("E.g. the customer answered on the phone."),
    )


class DecisionCallForm(forms.Form):
    """A call to the customer about the decision (complaints.services.decision_call_record)."""

    phone = forms.CharField(label=_("Number called"), max_length=30)
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=CallOutcome.choices, widget=forms.RadioSelect
    )
    decision = forms.CharField(
        label=_("The decision you told the customer"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("A call that reached the customer notifies it; one that did not, does not."),
    )
    answer = forms.ChoiceField(
        label=_("The customer's answer on the call"),
        choices=[("", _("No answer on the call")), *((a.value, a.label) for a in CUSTOMER_ANSWERS)],
        required=False,
    )
    reason = forms.CharField(
        label=_("Why the solution is not enough for them"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Required when they rejected it."),
    )
    note = forms.CharField(
        label=_("Note for the history"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, complaint: Complaint, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "call")
        super().__init__(*args, **kwargs)
        self.fields["phone"].initial = complaint.contact_phone
        if complaint.stage == Stage.RESPONDED:
            # The decision usually restates the solution proposal: start from it.
            self.fields["decision"].initial = complaint.decision or complaint.solution_proposal
        else:
            del self.fields["decision"]  # notified already: a call does not change it


class AcknowledgeForm(forms.Form):
    """The acknowledgement notice did not arrive: staff gave the tracking number
    themselves (issue 10, item 5)."""

    channel = forms.ChoiceField(
        label=_("Given by"),
        choices=[(c.value, c.label) for c in STAFF_ACKNOWLEDGEMENT_CHANNELS],
    )
    note = forms.CharField(
        label=_("Note for the history"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
