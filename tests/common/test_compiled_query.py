"""A queryset compiled once (common.db.CompiledQuery) answers as the ORM does;
on PostgreSQL its constants are written into the statement once, so only the
markers travel as parameters on each run."""

from __future__ import annotations

import pytest
from django.db import connection

from common.db import CompiledQuery, Marker
from complaints.models import Complaint
from tests.factories import make_complaint

pytestmark = pytest.mark.django_db

# Constants a literal must carry whole: a percent sign (the placeholder's
# escape), a quote, a backslash, a non-ASCII letter.
AWKWARD = ["50% indirim", "O'Brien'ın faturası", "C:\\yol", "Işık"]


def _by_number(number: str):
    return (
        Complaint.objects.filter(tracking_number=number, subject__in=AWKWARD)
        .exclude(description__contains="%%")
        .order_by("pk")
        .values_list("tracking_number", "subject")
    )


COMPILED = CompiledQuery(_by_number, Marker("number", "\x00number\x00"))


@pytest.fixture
def complaints():
    made = [make_complaint(subject=subject) for subject in [*AWKWARD, "başka bir konu"]]
    return {c.subject: c.tracking_number for c in made}


def test_the_rows_are_the_orms_for_each_value(complaints):
    for subject, number in complaints.items():
        assert COMPILED.rows(number=number) == list(_by_number(number))
        assert (COMPILED.rows(number=number) != []) == (subject in AWKWARD)


@pytest.mark.postgres
def test_on_postgresql_only_the_marker_is_a_parameter(complaints):
    statement, params = COMPILED.sql(number="X-1")

    assert params == ["X-1"]
    assert "'50%% indirim'" in statement
    assert statement.count("%s") == 1


@pytest.mark.postgres
def test_a_server_side_binding_connection_keeps_its_parameters(complaints, monkeypatch):
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "server_side_binding", True)
    fresh = CompiledQuery(_by_number, Marker("number", "\x00number\x00"))

    statement, params = fresh.sql(number="X-1")

    assert len(params) == 1 + len(AWKWARD) + 1
    assert "indirim" not in statement


def test_on_sqlite_every_parameter_stays_one(complaints):
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL writes the constants in")
    _statement, params = COMPILED.sql(number="X-1")

    assert params.count("X-1") == 1
    assert len(params) == 1 + len(AWKWARD) + 1
