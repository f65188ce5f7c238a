"""Forms whose fields every instance shares (issue 15: the submission's CPU).

Django copies a form's fields for every instance (``copy.deepcopy(base_fields)``:
each field, its widget and the widget's attributes), so that an instance may
change its own. A form that never does (no ``self.fields[...] = ...``, no
choices or attributes set per request) can share them: ``fields_shared``
makes the copy a new dict of the same field objects. Rendering does not
change a field or a widget (a bound field builds its attributes afresh), so
a form shown with errors leaves nothing behind for the next one.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms

_Form = TypeVar("_Form", bound=type[forms.Form])


class _SharedFields(dict[str, forms.Field]):
    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, forms.Field]:
        return dict(self)


def fields_shared(form_class: _Form) -> _Form:
    """Class decorator: ``form_class``'s instances share its declared fields."""
    fields: dict[str, forms.Field] = form_class.base_fields  # type: ignore[attr-defined]
    form_class.base_fields = _SharedFields(fields)  # type: ignore[attr-defined]
    return form_class
