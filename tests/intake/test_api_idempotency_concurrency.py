"""Two identical submissions with the same Idempotency-Key at the same moment:
one complaint. Needs PostgreSQL (real concurrent transactions, row locks)."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from complaints.models import Complaint
from intake.models import IntakeKey

URL = "/api/v1/public/complaints/"
FORM = {
    "name": "Ayşe Yılmaz",
    "email": "ayse@example.com",
    "subject": "Bağlantı kopuyor",
    "description": "Akşamları bağlantı kopuyor.",
}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_retries_create_one_complaint():
    barrier = threading.Barrier(2)
    results: list[tuple[int, str]] = []
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            barrier.wait(timeout=10)
            response = APIClient().post(URL, FORM, format="json", HTTP_IDEMPOTENCY_KEY="same")
            results.append((response.status_code, response.json()["tracking_number"]))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not errors, errors
    assert sorted(status for status, _ in results) == [200, 201]
    assert len({number for _, number in results}) == 1
    assert Complaint.objects.count() == 1
    assert IntakeKey.objects.count() == 1
