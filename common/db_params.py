"""The fields and parameters of an INSERT of one new row (common.db's hot paths).

Django prepares every value for the database through the field
(``get_db_prep_save``: a few calls each). Most of a new row's values come
back as they went in: None for most fields, a str for text, a bool for a
boolean (the complaint's 56 values: 30 None, 18 str; about 0.1 ms of CPU a
complaint). Those are passed as they are; the rest, and every field of a
class not listed here (a subclass may prepare otherwise), go through Django.
tests/common/test_db_plain_values.py checks each value passed as it is
against Django's own preparation, for every model.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.expressions import RawSQL

__all__ = ["insert_fields", "insert_params", "plain_kind"]


def insert_fields(model: type[models.Model]) -> list[models.Field]:
    fields = _FIELDS.get(model)
    if fields is None:
        meta = model._meta
        fields = _FIELDS[model] = [
            f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field
        ]
    return fields


_FIELDS: dict[type[models.Model], list[models.Field]] = {}


def insert_params(
    model: type[models.Model], values: list[Any], connection: Any, *, leaving_out: Any = None
) -> list[Any]:
    """The parameters of an INSERT of ``values``, one per insert field (RawSQL: its own)."""
    params: list[Any] = []
    for field, value, plain in zip(insert_fields(model), values, _plain_values(model), strict=True):
        if field is leaving_out:
            continue
        if isinstance(value, RawSQL):
            params.extend(value.params)
        elif plain is not None and (value is None or isinstance(value, plain)):
            params.append(value)  # what get_db_prep_save returns for it
        else:
            params.append(field.get_db_prep_save(value, connection=connection))
    return params


# The classes whose get_db_prep_save returns None for None and, for text, a
# str as it is (for a boolean, a bool). Exact classes: not their subclasses.
_TEXT_FIELDS = {models.CharField, models.TextField, models.EmailField, models.SlugField}
_NONE_ONLY_FIELDS = {models.DateTimeField, models.DateField, models.ForeignKey}
_NONE_ONLY_FIELDS |= {models.IntegerField, models.PositiveIntegerField}
_NONE_ONLY_FIELDS |= {models.BigIntegerField, models.PositiveSmallIntegerField}
_PLAIN_KINDS: dict[type, Any] = {**dict.fromkeys(_TEXT_FIELDS, str), models.BooleanField: bool}
_PLAIN_KINDS |= dict.fromkeys(_NONE_ONLY_FIELDS, ())
_PLAIN: dict[type[models.Model], tuple[Any, ...]] = {}


def plain_kind(field: models.Field) -> Any:
    """The type of values passed as they are, () for None alone, or None (Django prepares)."""
    return _PLAIN_KINDS.get(type(field))


def _plain_values(model: type[models.Model]) -> tuple[Any, ...]:
    if model not in _PLAIN:
        _PLAIN[model] = tuple(plain_kind(f) for f in insert_fields(model))
    return _PLAIN[model]
