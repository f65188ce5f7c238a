"""Item 6: the same web submission from the same client within 10 minutes (the
back button after a reload, a double click) shows the first complaint's
confirmation instead of creating a second complaint."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from complaints.models import Complaint
from intake.models import IntakeKey
from intake.services import REPEAT_SCOPE

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "name": "Ayşe Yılmaz",
        "email": "ayse@example.com",
        "phone": "",
        "kind": "complaint",
        "subject": "Fatura hatası",
        "description": "Bu ay iki kez ücret alındı.",
        # A fresh form each time: the back button after a reload renders a new one.
        "submission_id": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def submit(client: Client, **overrides):
    return client.post("/submit/", form_data(**overrides), follow=True)


def test_a_second_identical_submission_shows_the_first_confirmation(client):
    first = submit(client)
    second = submit(client)

    complaint = Complaint.objects.get()
    assert complaint.tracking_number in first.content.decode()
    assert complaint.tracking_number in second.content.decode()
    assert second.redirect_chain[-1][0] == "/submit/done/"


def test_another_text_is_another_complaint(client):
    submit(client)
    submit(client, description="Ayrıca modem de arızalı.")
    assert Complaint.objects.count() == 2


def test_the_same_text_from_another_client_is_another_complaint():
    submit(Client(REMOTE_ADDR="10.0.0.1"))
    submit(Client(REMOTE_ADDR="10.0.0.2"))
    assert Complaint.objects.count() == 2


def test_after_ten_minutes_the_same_text_is_a_new_complaint(client):
    submit(client)
    IntakeKey.objects.filter(scope=REPEAT_SCOPE).update(
        created_at=timezone.now() - timedelta(minutes=10, seconds=1)
    )
    submit(client)
    submit(client)  # and within the new window, the second one again
    assert Complaint.objects.count() == 2


def test_the_window_is_a_setting(client, settings):
    settings.INTAKE_REPEAT_WINDOW_SECONDS = 0
    submit(client)
    submit(client)
    assert Complaint.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_double_click_at_the_same_moment_records_one_complaint():
    import threading

    from django.db import connection

    barrier = threading.Barrier(2)
    numbers: list[str] = []
    errors: list[BaseException] = []

    def post() -> None:
        try:
            barrier.wait(timeout=10)
            client = Client()
            response = client.post("/submit/", form_data())
            assert response.status_code == 302
            done = client.get(response["Location"])  # the confirmation page
            numbers.append(done.context["complaint"].tracking_number)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not errors, errors
    assert len(set(numbers)) == 1
    assert Complaint.objects.count() == 1
