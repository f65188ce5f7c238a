"""An audit trail that cannot be rewritten: database triggers refuse UPDATE and
DELETE of history rows and DELETE of complaints, except through the one
audited anonymisation path; edits of a customer are recorded."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models.deletion import ProtectedError
from django.db.transaction import TransactionManagementError

from complaints.models import Complaint, ComplaintEvent, Customer
from complaints.privacy_guard import TRIGGERS, history_guard_triggers, history_unlocked
from tests.factories import make_complaint

pytestmark = pytest.mark.django_db


@pytest.fixture
def event() -> ComplaintEvent:
    return make_complaint().events.get(action="complaints.complaint.received")


def test_the_triggers_are_installed():
    assert history_guard_triggers(connection) >= set(TRIGGERS[connection.vendor])


def test_a_history_row_cannot_be_changed(event):
    with pytest.raises(IntegrityError), transaction.atomic():
        ComplaintEvent.objects.filter(pk=event.pk).update(note="rewritten")
    with pytest.raises(IntegrityError), transaction.atomic():
        event.note = "rewritten"
        event.save()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE complaints_complaintevent SET action = 'x' WHERE id = %s", [event.pk]
        )
    event.refresh_from_db()
    assert event.note == ""


def test_a_history_row_cannot_be_deleted(event):
    with pytest.raises(IntegrityError), transaction.atomic():
        ComplaintEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM complaints_complaintevent WHERE id = %s", [event.pk])
    assert ComplaintEvent.objects.filter(pk=event.pk).exists()


def test_a_complaint_cannot_be_deleted_by_anyone(event):
    complaint = event.complaint
    with pytest.raises(ProtectedError), transaction.atomic():
        complaint.delete()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        # Even with its history gone first (were that possible), the row stays.
        cursor.execute("DELETE FROM complaints_complaint WHERE id = %s", [complaint.pk])
    assert Complaint.objects.filter(pk=complaint.pk).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_truncating_the_history_or_the_complaints_is_refused_on_postgresql(event):
    for table in ("complaints_complaintevent", "complaints_complaint"):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {table} CASCADE")
    assert ComplaintEvent.objects.filter(pk=event.pk).exists()


def test_the_anonymisation_path_may_change_history_rows_and_only_inside_it(event):
    with transaction.atomic():
        with history_unlocked():
            ComplaintEvent.objects.filter(pk=event.pk).update(note="scrubbed")
        # The block is over: refused again, in the same transaction.
        with pytest.raises(IntegrityError), transaction.atomic():
            ComplaintEvent.objects.filter(pk=event.pk).update(note="again")
    event.refresh_from_db()
    assert event.note == "scrubbed"


def test_the_anonymisation_path_cannot_delete_history_rows(event):
    with pytest.raises(IntegrityError), transaction.atomic(), history_unlocked():
        ComplaintEvent.objects.filter(pk=event.pk).delete()


def test_a_rolled_back_anonymisation_leaves_the_history_locked(event):
    with pytest.raises(RuntimeError), transaction.atomic(), history_unlocked():
        raise RuntimeError("crash half-way")
    with pytest.raises(IntegrityError), transaction.atomic():
        ComplaintEvent.objects.filter(pk=event.pk).update(note="rewritten")


def test_the_unlock_needs_a_transaction(settings):
    with pytest.raises(TransactionManagementError):
        connection.in_atomic_block = False  # as outside any transaction
        try:
            with history_unlocked():
                pass
        finally:
            connection.in_atomic_block = True


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite rebuilds tables on alter")
def test_migrate_puts_back_triggers_a_sqlite_table_rebuild_dropped():
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER complaints_history_no_update")
    assert "complaints_history_no_update" not in history_guard_triggers(connection)
    call_command("migrate", verbosity=0)
    assert history_guard_triggers(connection) >= set(TRIGGERS["sqlite"])


# --- Edits of a customer in the admin --------------------------------------------------


def test_editing_a_customer_in_the_admin_records_who_and_which_fields_not_the_values(client, agent):
    first = make_complaint(email="veli@example.com", name="Veli Kaya")
    second = make_complaint(email="veli@example.com", name="Veli Kaya")
    customer = Customer.objects.get(pk=first.customer_id)
    url = f"/admin/complaints/customer/{customer.pk}/change/"
    client.force_login(agent)
    page = client.get(url).content.decode()
    # The form as the page shows it, with two fields changed.
    data = dict(
        re.findall(r'<input type="\w+" name="((?:initial-)?created_at_[01])" value="([^"]*)"', page)
    )
    data |= {"name": "Veli Kaya Demir", "email": "veli.demir@example.com", "language": "tr"}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    for complaint in (first, second):
        event = ComplaintEvent.objects.get(
            complaint=complaint, action="complaints.customer.changed"
        )
        assert event.actor == agent
        assert event.data == {"fields": ["email", "name"]}
        assert "Demir" not in str(event.data) + event.note
