"""Item 3, the one-time code: 6 digits, stored hashed, valid 10 minutes, 5
tries, limited per number and per client address, the contact shown masked."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from complaints.models import AccessCode, ComplaintEvent
from notifications.models import Notification

from .conftest import body_of, mails_to

pytestmark = pytest.mark.django_db


def code_in(mail) -> str:
    match = re.search(r"\b(\d{6})\b", body_of(mail))
    assert match, body_of(mail)
    return match.group(1)


def send_code(client, complaint, via="email"):
    return client.post(
        f"/track/{complaint.tracking_number}/verify/", {"action": "send", "via": via}
    )


def type_code(client, complaint, code):
    return client.post(
        f"/track/{complaint.tracking_number}/verify/", {"action": "check", "code": code}
    )


def page(client, complaint) -> str:
    return client.get(f"/track/{complaint.tracking_number}/").content.decode()


def test_the_page_shows_the_contact_only_masked(complaint_in, client):
    complaint = complaint_in(email="ayse.yilmaz@gmail.com", phone="0532 123 45 67")
    html = client.get(f"/track/{complaint.tracking_number}/verify/").content.decode()
    assert "a***@g***.com" in html
    assert "+90 *** *** ** 67" in html
    assert "ayse.yilmaz" not in html and "gmail.com" not in html and "1234567" not in html


def test_a_code_by_email_opens_the_customers_page(smtp, committed, complaint_in, client):
    complaint = complaint_in()
    assert complaint.description not in page(client, complaint)

    response = committed(send_code, client, complaint)
    assert response.status_code == 302
    code = code_in(mails_to(smtp, complaint.contact_email)[-1])
    response = type_code(client, complaint, code)

    assert response.status_code == 302
    assert response["Location"] == f"/track/{complaint.tracking_number}/"
    html = page(client, complaint)
    assert complaint.description in html
    assert ComplaintEvent.objects.filter(action="complaints.access.code_verified").exists()


def test_a_code_by_sms_goes_to_the_phone_on_file(committed, complaint_in, client, sms_outbox):
    complaint = complaint_in(email="", phone="0532 123 45 67")
    committed(send_code, client, complaint, via="sms")
    text = sms_outbox[-1].body
    assert sms_outbox[-1].to == "+905321234567"
    match = re.search(r"\b(\d{6})\b", text)
    assert match is not None
    code = match.group(1)
    assert type_code(client, complaint, code).status_code == 302


def test_the_code_is_stored_only_as_a_keyed_hash(smtp, committed, complaint_in, client):
    complaint = complaint_in()
    committed(send_code, client, complaint)
    code = code_in(mails_to(smtp, complaint.contact_email)[-1])
    row = AccessCode.objects.get()
    assert code not in row.code_hash and code not in row.salt
    assert len(row.code_hash) == 64
    history = ComplaintEvent.objects.get(action="complaints.access.code_requested")
    assert code not in str(history.data) and history.data["to"] == "a***@e***.com"


def test_a_wrong_code_five_times_locks_the_number_for_a_while(
    smtp, committed, complaint_in, client
):
    complaint = complaint_in()
    committed(send_code, client, complaint)
    code = code_in(mails_to(smtp, complaint.contact_email)[-1])
    wrong = "000000" if code != "000000" else "111111"

    statuses = [type_code(client, complaint, wrong).status_code for _ in range(5)]

    assert statuses == [400, 400, 400, 400, 429]
    # Locked: the right code, a new code, another browser: all refused.
    right = type_code(client, complaint, code)
    assert right.status_code == 429 and "Retry-After" in right
    assert committed(send_code, Client(), complaint).status_code == 429
    assert complaint.description not in page(client, complaint)
    assert ComplaintEvent.objects.filter(action="complaints.access.locked").count() == 1

    # After the lock, a new code works.
    AccessCode.objects.update(locked_until=timezone.now() - timedelta(seconds=1))
    committed(send_code, client, complaint)
    assert type_code(client, complaint, code_in(mails_to(smtp, complaint.contact_email)[-1]))[
        "Location"
    ] == (f"/track/{complaint.tracking_number}/")


def test_an_expired_code_is_refused(smtp, committed, complaint_in, client):
    complaint = complaint_in()
    committed(send_code, client, complaint)
    code = code_in(mails_to(smtp, complaint.contact_email)[-1])
    AccessCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = type_code(client, complaint, code)

    assert response.status_code == 400
    assert "expired" in response.content.decode() or "süresi" in response.content.decode()


def test_a_code_for_another_complaint_is_refused(smtp, committed, complaint_in, client):
    mine = complaint_in()
    other = complaint_in()
    committed(send_code, client, other)
    code = code_in(mails_to(smtp, other.contact_email)[-1])

    assert type_code(client, mine, code).status_code == 400
    assert mine.description not in page(client, mine)


def test_a_new_code_replaces_the_previous_one(smtp, committed, complaint_in, client):
    complaint = complaint_in()
    committed(send_code, client, complaint)
    first = code_in(mails_to(smtp, complaint.contact_email)[-1])
    committed(send_code, client, complaint)
    second = code_in(mails_to(smtp, complaint.contact_email)[-1])
    if first != second:
        assert type_code(client, complaint, first).status_code == 400
    assert type_code(client, complaint, second).status_code == 302


def test_codes_per_number_are_limited(smtp, committed, complaint_in, settings):
    settings.COMPLAINTS_ACCESS_CODES_PER_HOUR = 3
    complaint = complaint_in()
    statuses = [committed(send_code, Client(), complaint).status_code for _ in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert Notification.objects.filter(kind=Notification.Kind.ACCESS_CODE).count() == 3


def test_code_requests_per_client_address_are_limited(committed, complaint_in, settings):
    settings.INTAKE_RATE_LIMITS = {"access": "3/h"}
    complaints = [complaint_in(email=f"c{i}@example.com") for i in range(4)]
    client = Client()
    statuses = [committed(send_code, client, c).status_code for c in complaints]
    assert statuses == [302, 302, 302, 429]


def test_a_code_that_arrives_late_is_not_retried_past_its_validity(
    smtp, committed, complaint_in, client
):
    complaint = complaint_in()
    committed(send_code, client, complaint)
    notice = Notification.objects.get(kind=Notification.Kind.ACCESS_CODE)
    row = AccessCode.objects.get()
    assert notice.give_up_at <= row.expires_at + timedelta(seconds=60)


def test_a_complaint_without_contact_cannot_get_a_code(committed, agent, client):
    from complaints.services import complaint_register

    complaint = committed(
        complaint_register,
        actor=agent,
        channel="phone",
        privacy_notice_read_out=True,
        kind="complaint",
        name="Ali Kaya",
        subject="Hat yok",
        description="Telefonla bildirildi.",
    )
    html = client.get(f"/track/{complaint.tracking_number}/verify/").content.decode()
    assert "no e-mail address or phone number" in html or "e-posta adresi veya telefon" in html
    assert send_code(client, complaint).status_code == 400
    assert not AccessCode.objects.exists()
