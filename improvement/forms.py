"""The survey's form (customers) and the staff forms of the improvement loop."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from .capa_workflow import CapaTransition
from .models import SCORE_FIELDS

SCALE = [
    (1, _("1 – Very poor")),
    (2, _("2 – Poor")),
    (3, _("3 – Fair")),
    (4, _("4 – Good")),
    (5, _("5 – Very good")),
]

QUESTIONS = {
    "ease": _("How easy was it to make your complaint?"),
    "informed": _("How well were you kept informed while it was handled?"),
    "timeliness": _("How satisfied are you with the time it took?"),
    "fairness": _("How fair was the outcome?"),
    "overall": _("Overall, how satisfied are you with how your complaint was handled?"),
}


class SurveyForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in SCORE_FIELDS:
            self.fields[name] = forms.TypedChoiceField(
                label=QUESTIONS[name],
                choices=SCALE,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose a score from 1 to 5.")},
            )
        self.fields["comment"] = forms.CharField(
            label=_("Anything you would like to tell us? (optional)"),
            required=False,
            max_length=4000,
            widget=forms.Textarea(attrs={"rows": 4}),
        )

    def scale_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in SCORE_FIELDS]

    def scores(self) -> dict[str, int]:
        return {name: self.cleaned_data[name] for name in SCORE_FIELDS}


class CapaTransitionForm(forms.Form):
    """The fields one step of the register takes, plus a note."""

    def __init__(self, *args: Any, transition: CapaTransition, **kwargs: Any) -> None:
        from .models import CorrectiveAction

        super().__init__(*args, **kwargs)
        self.transition = transition
        for name in transition.fields:
            model_field = cast(models.Field, CorrectiveAction._meta.get_field(name))
            formfield = model_field.formfield()
            assert formfield is not None
            formfield.required = False  # the guards say what is missing
            if isinstance(formfield, forms.DateField):
                formfield.widget = forms.DateInput(attrs={"type": "date"})
            self.fields[name] = formfield
        self.fields["note"] = forms.CharField(
            label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
        )

    def transition_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.transition.fields}


class ReviewForm(forms.Form):
    date_from = forms.DateField(
        label=_("Period from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("Period to"), widget=forms.DateInput(attrs={"type": "date"}))
    format = forms.ChoiceField(label=_("Format"), choices=[("pdf", "PDF"), ("xlsx", "XLSX")])
    language = forms.ChoiceField(
        label=_("Language"), choices=[("tr", "Türkçe"), ("en", "English")], required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if start > end:
                raise forms.ValidationError(_("The start of the period is after its end."))
            if (end - start).days > 366 * 3:
                raise forms.ValidationError(_("Choose a period of at most three years."))
        return data
