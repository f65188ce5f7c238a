"""The rules for one row hold in the database itself, not only in the services:
each test bypasses the services (a bare UPDATE or INSERT) and expects the
database to refuse. A matching valid write shows the refusal is that rule's."""

from contextlib import contextmanager

import pytest
from django.db import IntegrityError, transaction

from complaints.models import (
    CONTACT_CHANNELS,
    Channel,
    Complaint,
    ComplaintMessage,
    Customer,
    Stage,
)
from tests.factories import make_complaint


@contextmanager
def refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        yield


def update(complaint: Complaint, **values) -> int:
    return Complaint.objects.filter(pk=complaint.pk).update(**values)


# --- Complaint --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "invalid", "valid"),
    [
        ("kind", "praise", "request"),
        ("channel", "fax", "email"),
        ("stage", "archived", "acknowledged"),
        ("priority", "urgent", ""),
        ("language", "de", "en"),
        ("customer_answer", "maybe", "rejected"),
        ("customer_answer_channel", "pigeon", "sms"),
    ],
)
def test_a_value_outside_the_choices_is_refused(db, field, invalid, valid):
    complaint = make_complaint()

    with refused_by_the_database():
        update(complaint, **{field: invalid})

    assert update(complaint, **{field: valid}) == 1


@pytest.mark.parametrize("channel", sorted(set(Channel) - set(CONTACT_CHANNELS)))
def test_a_complaint_outside_a_live_contact_keeps_an_email_or_phone(db, channel):
    complaint = make_complaint(channel=channel, email="ayse@example.com", phone="05321234567")

    with refused_by_the_database():
        update(complaint, contact_email="", contact_phone="")

    assert update(complaint, contact_email="") == 1
    assert update(complaint, contact_email="ayse@example.com", contact_phone="") == 1


@pytest.mark.parametrize("channel", CONTACT_CHANNELS)
def test_a_phone_or_desk_complaint_may_have_no_contact_details(db, channel):
    complaint = make_complaint(channel=channel, email="ayse@example.com")

    assert update(complaint, contact_email="", contact_phone="") == 1


@pytest.mark.parametrize(
    "stage",
    [
        Stage.CLASSIFIED,
        Stage.TRACKING,
        Stage.IN_ANALYSIS,
        Stage.RESPONDED,
        Stage.DECISION_NOTIFIED,
        Stage.CLOSED,
    ],
)
def test_a_complaint_past_classification_has_a_category_and_priority(complaint_in, stage):
    unclassified = complaint_in(Stage.ACKNOWLEDGED)
    classified = complaint_in(Stage.CLASSIFIED)
    stamps = {"closed_at": classified.classified_at}

    with refused_by_the_database():
        update(unclassified, stage=stage, **stamps)
    with refused_by_the_database():
        update(classified, stage=stage, priority="", **stamps)
    with refused_by_the_database():
        update(classified, stage=stage, category=None, **stamps)

    assert update(classified, stage=stage, **stamps) == 1


@pytest.mark.parametrize("stage", [Stage.RECEIVED, Stage.ACKNOWLEDGED])
def test_a_complaint_before_classification_may_lack_category_and_priority(complaint_in, stage):
    complaint = complaint_in(Stage.ACKNOWLEDGED)

    assert update(complaint, stage=stage, category=None, priority="") == 1


def test_a_closed_complaint_has_its_closing_time(complaint_in):
    closed = complaint_in(Stage.CLOSED)

    with refused_by_the_database():
        update(closed, closed_at=None)


def test_a_complaint_cannot_be_marked_closed_without_a_closing_time(complaint_in):
    complaint = complaint_in(Stage.DECISION_NOTIFIED)

    with refused_by_the_database():
        update(complaint, stage=Stage.CLOSED)

    assert update(complaint, stage=Stage.CLOSED, closed_at=complaint.decision_notified_at) == 1


def test_two_complaints_cannot_share_a_tracking_number(db):
    first = make_complaint()
    second = make_complaint()

    with refused_by_the_database():
        update(second, tracking_number=first.tracking_number)


# --- Messages ---------------------------------------------------------------------


def test_an_internal_note_from_a_customer_is_refused(db):
    complaint = make_complaint()

    def message(**values) -> ComplaintMessage:
        return ComplaintMessage.objects.create(
            complaint=complaint, channel=Channel.WEB, body="Not", **values
        )

    with refused_by_the_database():
        message(author_kind=ComplaintMessage.Author.CUSTOMER, internal=True)

    message(author_kind=ComplaintMessage.Author.CUSTOMER, internal=False)
    message(author_kind=ComplaintMessage.Author.STAFF, internal=True)


def test_an_existing_message_cannot_become_a_customers_internal_note(db):
    complaint = make_complaint()
    message = ComplaintMessage.objects.create(
        complaint=complaint, channel=Channel.WEB, body="Not", author_kind="customer"
    )

    with refused_by_the_database():
        ComplaintMessage.objects.filter(pk=message.pk).update(internal=True)


# --- Customers --------------------------------------------------------------------


def test_two_customer_records_may_share_an_email_address(db):
    # Typed details are unverified: records sharing an address are grouped for
    # staff, who merge them (complaints.identity), not refused.
    Customer.objects.create(name="Ayşe", email="ayse@example.com")
    Customer.objects.create(name="Ayşe Y.", email="ayse@example.com")

    assert Customer.objects.filter(email="ayse@example.com").count() == 2


def test_many_customers_may_have_no_email_address(db):
    Customer.objects.create(name="Ayşe", phone="+905321234567")
    Customer.objects.create(name="Mehmet", phone="+905321234568")

    assert Customer.objects.filter(email="").count() == 2


def test_an_email_address_is_stored_in_lower_case(db):
    # Matching customers depends on it (see complaints.contacts.normalize_email).
    with refused_by_the_database():
        Customer.objects.create(name="Ayşe", email="Ayse@Example.com")

    customer = Customer.objects.create(name="Ayşe", email="ayse@example.com")
    with refused_by_the_database():
        Customer.objects.filter(pk=customer.pk).update(email="AYSE@EXAMPLE.COM")


@pytest.mark.parametrize("phone", ["05321234567", "532 123 45 67", "905321234567"])
def test_a_phone_number_is_stored_in_e164(db, phone):
    with refused_by_the_database():
        Customer.objects.create(name="Ayşe", phone=phone)

    assert Customer.objects.create(name="Ayşe", phone="+905321234567").pk
