"""Forms sharing their fields between instances (common.forms.fields_shared):
the public form is not copied field by field per request, and one request's
form leaves nothing in the next one's."""

from __future__ import annotations

from django import forms
from django.utils.datastructures import MultiValueDict

from common.forms import fields_shared
from intake.forms import SubmitForm


def _blank_html() -> str:
    return str(SubmitForm(initial={"submission_id": "c5b1e5b0-3d6c-4f59-9e56-0d3c1d6a2f10"}))


def test_a_form_shown_with_errors_leaves_nothing_in_the_next_one():
    before = _blank_html()
    invalid = SubmitForm({"name": "", "email": "not-an-address", "kind": "x"}, MultiValueDict())
    assert not invalid.is_valid()
    shown = str(invalid)
    assert 'aria-invalid="true"' in shown

    assert _blank_html() == before
    assert 'aria-invalid="true"' not in before


def test_instances_share_the_declared_fields_but_not_the_dict():
    first, second = SubmitForm(), SubmitForm()
    assert first.fields["name"] is second.fields["name"]

    first.fields["extra"] = forms.CharField()
    assert "extra" not in second.fields
    assert "extra" not in SubmitForm.base_fields


def test_a_form_without_the_decorator_still_copies_its_fields():
    class Plain(forms.Form):
        name = forms.CharField()

    Shared = fields_shared(type("Shared", (Plain,), {}))

    assert Plain().fields["name"] is not Plain().fields["name"]
    assert Shared().fields["name"] is Shared().fields["name"]
