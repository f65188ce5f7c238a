"""The widgets written in Python (common.widgets) write what Django's widget
templates write, byte for byte."""

from __future__ import annotations

from datetime import date

import pytest
from django import forms
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from common import widgets

CHOICES = [
    ("", _("All")),
    ("high", _("High")),
    ("a&b", 'Quotes " and <tags> & ampersands'),
    ("safe", mark_safe("<b>safe</b>")),
    (_("Group"), [("g1", "In a group"), ("g2", _("Normal"))]),
    (7, "A number"),
]


def form_class(select: type[forms.Select], date_input: type[forms.DateInput]) -> type[forms.Form]:
    class Filters(forms.Form):
        day = forms.DateField(
            label=_("Received from"), required=False, widget=date_input(attrs={"type": "date"})
        )
        other_day = forms.DateField(required=True, widget=date_input(attrs={"class": "x&y"}))
        choice = forms.ChoiceField(choices=CHOICES, required=False, widget=select)
        typed = forms.TypedChoiceField(
            choices=CHOICES, required=True, coerce=str, widget=select(attrs={"data-x": True})
        )

    return Filters


@pytest.mark.parametrize("language", ["tr", "en"])
@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"day": "2026-11-30", "choice": "a&b", "typed": "g2", "other_day": "2026-01-01"},
        {"day": "not a date", "choice": "nope", "typed": "7", "other_day": ""},
        {"choice": "safe", "typed": "", "day": '"><script>'},
    ],
)
def test_each_field_is_written_as_djangos_templates_write_it(language, data):
    ours = form_class(widgets.Select, widgets.DateInput)
    djangos = form_class(forms.Select, forms.DateInput)
    with translation.override(language):
        mine, theirs = ours(data), djangos(data)
        if data is not None:
            mine.is_valid()
            theirs.is_valid()
        for name in theirs.fields:
            assert str(mine[name]) == str(theirs[name]), name


def test_an_initial_date_is_formatted_as_django_formats_it():
    ours = form_class(widgets.Select, widgets.DateInput)(initial={"day": date(2026, 12, 2)})
    djangos = form_class(forms.Select, forms.DateInput)(initial={"day": date(2026, 12, 2)})

    assert str(ours["day"]) == str(djangos["day"])
