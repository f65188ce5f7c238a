"""The INSERTs of the hot paths (common.db.insert_sql, common.db_params) pass a value
as it is when Django would prepare it to itself: None for the fields that
prepare None to None, a str for text, a bool for a boolean. Checked against
Django's own preparation, on the database in use, for every field of every
model that is passed this way."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection, models

from common.db_params import insert_fields, plain_kind
from complaints.models import Complaint, Stage

SAMPLES = [None, "", "Fatura hatası", "50% O'Brien", Stage.RECEIVED, True, False]


def _passed_as_is(plain, value) -> bool:
    return plain is not None and (value is None or isinstance(value, plain))


@pytest.mark.django_db
def test_every_value_passed_as_it_is_is_what_django_prepares():
    checked = 0
    for model in apps.get_models():
        for field in insert_fields(model):
            plain = plain_kind(field)
            for value in SAMPLES:
                if _passed_as_is(plain, value):
                    prepared = field.get_db_prep_save(value, connection=connection)
                    assert prepared is value, (model.__name__, field.name, value, prepared)
                    checked += 1
    assert checked > 500  # the models' text, date and key fields, not a handful


def test_subclasses_and_other_fields_go_through_django():
    class Upper(models.CharField):
        def get_prep_value(self, value):
            return super().get_prep_value(value).upper()

    assert plain_kind(models.CharField()) is str
    assert plain_kind(Complaint._meta.get_field("received_at")) == ()  # None alone
    assert plain_kind(Upper()) is None  # prepares otherwise
    assert plain_kind(models.JSONField()) is None  # None is JSON null there, not SQL NULL
    assert plain_kind(models.UUIDField()) is None
