"""The daily figures' upserts under concurrent transactions (PostgreSQL)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django.db import connection, transaction

from complaints.models import Category, Complaint, Stage
from complaints.services import complaint_recategorize
from sla.models import DailyFigures, Span
from sla.rollup import figures_rebuild
from tests.factories import UserFactory, make_complaint
from tests.helpers import advance

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _overlapping(*work: Callable[[], object]) -> list[BaseException]:
    """Run each in its own thread and transaction, held open a while so they overlap."""
    barrier = threading.Barrier(len(work))
    errors: list[BaseException] = []

    def run(job: Callable[[], None]) -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                job()
                time.sleep(0.3)  # keep the upserted rows locked while the others arrive
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return errors


def _figures() -> set[tuple]:
    return {
        tuple(v for k, v in row.items() if k != "id")
        for row in DailyFigures.objects.filter(received__gt=0).values()
    }


def test_concurrent_receipts_on_the_same_day_all_count():
    jobs = [
        partial(make_complaint, email=f"racer{i}@example.com", subject=f"Yarış {i}")
        for i in range(6)
    ]

    assert _overlapping(*jobs) == []

    assert sum(DailyFigures.objects.filter(span=Span.DAY).values_list("received", flat=True)) == 6
    kept = _figures()
    figures_rebuild()
    assert _figures() == kept


def test_two_complaints_swapping_categories_at_once_do_not_deadlock():
    representative: Any = UserFactory(username="rep-race", is_superuser=True)
    one, other = list(Category.objects.filter(default_priority="normal").order_by("code")[:2])
    # Committed for real here: the acknowledgement notice may already have moved
    # them on, so start from the rows as stored.
    first, second = (
        advance(
            Complaint.objects.get(pk=make_complaint(email=email).pk),
            Stage.CLASSIFIED,
            representative,
        )
        for email in ("a@example.com", "b@example.com")
    )
    Complaint.objects.filter(pk=first.pk).update(category=one)
    Complaint.objects.filter(pk=second.pk).update(category=other)
    figures_rebuild()

    errors = _overlapping(
        lambda: complaint_recategorize(
            complaint=first, category=other, reason="Değişti.", actor=representative
        ),
        lambda: complaint_recategorize(
            complaint=second, category=one, reason="Değişti.", actor=representative
        ),
    )

    assert errors == []
    kept = _figures()
    figures_rebuild()
    assert _figures() == kept
