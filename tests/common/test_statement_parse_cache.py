"""psycopg keeps the parse of each statement; the submission's long INSERTs
(the complaint's 54 columns, the figures' share) included (common/db.py)."""

from __future__ import annotations

from typing import Any

import pytest

from intake.services import intake_submit

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _submit(n: int) -> None:
    intake_submit(
        channel="api",
        kind="complaint",
        subject=f"Fatura {n}",
        description=f"İki kez ücret alındı ({n}).",
        name="Ayşe Yılmaz",
        email=f"ayse{n}@example.com",
    )


def test_a_second_submission_parses_none_of_its_statements_again(monkeypatch):
    from psycopg import _queries

    _submit(1)
    # Statements outside the cache's limits go to the uncached parse directly;
    # those within them reach it through the cache only on a miss.
    parsed: list[bytes] = []
    uncached = _queries._query2pg_client_nocache

    def parse(query: bytes, encoding: str) -> Any:
        parsed.append(query)
        return uncached(query, encoding)

    monkeypatch.setattr(_queries, "_query2pg_client_nocache", parse)
    misses = _queries._query2pg_client.cache_info().misses
    _submit(2)

    assert parsed == []
    assert _queries._query2pg_client.cache_info().misses == misses
