"""Retention with anonymisation in place: the sweep, its command and its task."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone

from complaints import privacy
from complaints.models import Complaint, ComplaintEvent, ComplaintMessage, Customer, Stage
from complaints.privacy import PLACEHOLDER
from complaints.retention import complaints_retention_sweep
from complaints.services import GuardFailed, complaint_message_add
from complaints.tasks import retention_sweep as retention_sweep_task
from intake.inbound.email import inbound_email_receive
from intake.models import InboundMessage
from notifications.models import Notification
from tests.factories import make_complaint
from tests.helpers import advance

from .conftest import inbound_email
from .lifecycle import close_long_ago

pytestmark = pytest.mark.django_db

# What anonymisation must never change: every figure the dashboard and the
# reports are computed from.
KEPT = [
    f.attname
    for f in Complaint._meta.concrete_fields
    if f.name
    not in {
        "subject",
        "description",
        "contact_name",
        "contact_email",
        "contact_phone",
        "priority_override_reason",
        "root_cause_analysis",
        "solution_proposal",
        "decision",
        "customer_answer_reason",
        "anonymised_at",
        "updated_at",
    }
]


def closed(actor: Any, *, days_ago: int = 800, **fields: Any) -> Complaint:
    # Read back: outside a test transaction the acknowledgement is sent at once.
    received = Complaint.objects.get(pk=make_complaint(**fields).pk)
    complaint = advance(received, Stage.CLOSED, actor)
    close_long_ago(complaint, days=days_ago)
    return Complaint.objects.get(pk=complaint.pk)


def figures(complaint: Complaint) -> dict[str, Any]:
    row = Complaint.objects.filter(pk=complaint.pk).values(*KEPT).get()
    history = list(
        ComplaintEvent.objects.filter(complaint=complaint)
        .exclude(action__startswith="complaints.complaint.anonymised")
        .order_by("id")
        .values_list("action", "from_stage", "to_stage", "actor_id", "created_at")
    )
    return {"row": row, "history": history}


def test_the_sweep_anonymises_only_complaints_closed_past_the_retention_period(representative):
    old = closed(representative, email="old@example.com")
    recent = closed(representative, days_ago=10, email="recent@example.com")
    still_open = make_complaint(email="open@example.com")
    Complaint.objects.filter(pk=still_open.pk).update(
        received_at=timezone.now() - timedelta(days=1000)
    )

    result = complaints_retention_sweep()

    assert result.complaints == 1
    assert Complaint.objects.get(pk=old.pk).anonymised_at is not None
    assert Complaint.objects.get(pk=recent.pk).subject == recent.subject
    assert Complaint.objects.get(pk=still_open.pk).anonymised_at is None


def test_the_default_retention_is_two_years_after_closure():
    assert django_settings.PERSONAL_DATA_RETENTION_DAYS == 730


def test_anonymising_keeps_every_figure_and_every_history_code_stage_and_date(representative):
    complaint = closed(representative)
    before = figures(complaint)
    complaints_retention_sweep()
    assert figures(complaint) == before


def test_the_texts_contacts_messages_and_notices_are_replaced(representative):
    complaint = closed(representative, phone="05321234567")
    complaint_message_add(
        complaint=complaint,
        body="Ayşe Hanım aradı",
        author_kind=ComplaintMessage.Author.STAFF,
        channel="phone",
        actor=representative,
        internal=True,
    )
    complaints_retention_sweep()
    row = Complaint.objects.get(pk=complaint.pk)
    assert (row.subject, row.description, row.decision) == (PLACEHOLDER,) * 3
    assert (row.contact_email, row.contact_phone) == ("", "")
    assert row.root_cause_id is not None  # the root cause is a statistic
    assert set(ComplaintMessage.objects.filter(complaint=row).values_list("body", flat=True)) == {
        PLACEHOLDER
    }
    for notice in Notification.objects.filter(complaint=row):
        assert (notice.recipient, notice.body_text) == (PLACEHOLDER, PLACEHOLDER)
        assert "@" not in notice.idempotency_key


def test_history_notes_and_typed_values_are_scrubbed_codes_and_ids_stay(
    representative, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = closed(representative)
    complaints_retention_sweep()
    responded = ComplaintEvent.objects.get(
        complaint=complaint, action="complaints.complaint.responded"
    )
    assert responded.data["root_cause_analysis"] == PLACEHOLDER
    assert responded.data["root_cause"]["id"] == complaint.root_cause_id
    received = ComplaintEvent.objects.get(
        complaint=complaint, action="complaints.complaint.received"
    )
    assert received.data["channel"] == "web"
    sent = ComplaintEvent.objects.filter(complaint=complaint, action="notifications.notice.sent")
    assert sent.exists()
    assert all(event.data["recipient"] == PLACEHOLDER for event in sent)
    assert all(event.data["kind"] for event in sent)


def test_one_history_row_per_complaint_says_why_and_copies_nothing_personal(representative):
    complaint = closed(representative)
    complaints_retention_sweep()
    event = ComplaintEvent.objects.get(
        complaint=complaint, action="complaints.complaint.anonymised"
    )
    assert event.actor is None
    assert event.note == ""
    assert event.data == {"basis": "retention", "retention_days": 730}
    assert event.action_label == "Saklama politikası uyarınca anonimleştirildi"


def test_running_the_sweep_twice_anonymises_each_complaint_once(representative):
    complaint = closed(representative)
    assert complaints_retention_sweep().complaints == 1
    again = complaints_retention_sweep()
    assert (again.complaints, again.customers) == (0, 0)
    assert complaint.events.filter(action="complaints.complaint.anonymised").count() == 1


def test_a_customer_is_anonymised_once_all_their_complaints_are(representative):
    first = closed(representative, email="twice@example.com")
    second = make_complaint(email="twice@example.com")
    assert complaints_retention_sweep().customers == 0
    customer = Customer.objects.get(pk=first.customer_id)
    assert customer.email == "twice@example.com"

    advance(second, Stage.CLOSED, representative)
    close_long_ago(second, days=800)
    assert complaints_retention_sweep().customers == 1
    customer.refresh_from_db()
    assert (customer.name, customer.email, customer.phone) == (PLACEHOLDER, "", "")
    assert customer.anonymised_at is not None
    # The same address writing again is a new customer: nothing links them.
    assert make_complaint(email="twice@example.com").customer_id != customer.pk


def test_a_dry_run_counts_and_changes_nothing(representative):
    complaint = closed(representative)
    result = complaints_retention_sweep(dry_run=True)
    assert (result.complaints, result.customers, result.dry_run) == (1, 1, True)
    assert Complaint.objects.get(pk=complaint.pk).anonymised_at is None
    assert Complaint.objects.get(pk=complaint.pk).subject == complaint.subject


def test_an_interrupted_sweep_leaves_whole_batches_and_a_rerun_finishes(representative):
    first = closed(representative, email="a@example.com")
    second = closed(representative, email="b@example.com")
    calls: list[list[int]] = []

    def crash_on_second_batch(ids: list[int], *, placeholder: str) -> None:
        calls.append(list(ids))
        if len(calls) == 2:
            raise RuntimeError("the worker died")

    privacy.anonymiser_register("test-crash", crash_on_second_batch)
    try:
        with pytest.raises(RuntimeError):
            complaints_retention_sweep(batch_size=1)
    finally:
        privacy._ANONYMISERS.pop("test-crash")
    done = {c.pk: Complaint.objects.get(pk=c.pk) for c in (first, second)}
    assert [c.anonymised_at is not None for c in done.values()] == [True, False]
    assert done[second.pk].subject == second.subject
    assert not second.events.filter(action__startswith="complaints.complaint.anonymised").exists()

    assert complaints_retention_sweep().complaints == 1
    assert Complaint.objects.get(pk=second.pk).subject == PLACEHOLDER


def test_inbound_messages_that_led_to_no_complaint_are_removed_after_the_period(settings):
    message = inbound_email(
        sender="spam@example.com", name="Spam", subject="Kazandınız", text="Tıklayın"
    )
    message["Auto-Submitted"] = "auto-replied"
    inbound = inbound_email_receive(message=message)
    assert inbound.complaint is None
    assert complaints_retention_sweep().purged["intake"] == 0
    InboundMessage.objects.filter(pk=inbound.pk).update(
        received_at=timezone.now() - timedelta(days=731)
    )
    assert complaints_retention_sweep(dry_run=True).purged["intake"] == 1
    assert InboundMessage.objects.filter(pk=inbound.pk).exists()
    assert complaints_retention_sweep().purged["intake"] == 1
    assert not InboundMessage.objects.filter(pk=inbound.pk).exists()


def test_the_command_draws_a_progress_bar_and_prints_a_summary(representative):
    closed(representative)
    out, err = io.StringIO(), io.StringIO()
    call_command("retention_sweep", stdout=out, stderr=err)
    assert "anonymising [" in err.getvalue()
    assert "100.0%" in err.getvalue()
    assert out.getvalue().startswith("retention_sweep: anonymised 1 complaints and 1 customers")


def test_the_command_dry_run_says_what_it_would_do(representative):
    complaint = closed(representative)
    out = io.StringIO()
    call_command("retention_sweep", "--dry-run", stdout=out, stderr=io.StringIO())
    assert "would anonymise 1 complaints" in out.getvalue()
    assert Complaint.objects.get(pk=complaint.pk).anonymised_at is None


def test_the_periodic_task_runs_the_sweep_and_is_safe_to_run_twice(representative):
    closed(representative)
    assert retention_sweep_task.delay().get()["complaints"] == 1
    assert retention_sweep_task.delay().get()["complaints"] == 0


def test_the_sweep_is_scheduled_monthly():
    entry = django_settings.CELERY_BEAT_SCHEDULE["retention-sweep"]
    assert entry["task"] == "complaints.tasks.retention_sweep"
    schedule = entry["schedule"]
    assert schedule.day_of_month == {1}
    assert len(schedule.hour) == 1 and len(schedule.minute) == 1


def test_nothing_personal_is_added_back_to_an_anonymised_complaint(representative, client):
    complaint = closed(representative, email="later@example.com")
    complaints_retention_sweep()
    with pytest.raises(GuardFailed):
        complaint_message_add(
            complaint=Complaint.objects.get(pk=complaint.pk),
            body="Ayşe Hanım yine aradı",
            author_kind=ComplaintMessage.Author.STAFF,
            channel="phone",
            actor=representative,
        )
    # A customer writing again quoting its number gets a new complaint.
    inbound = inbound_email_receive(
        message=inbound_email(
            sender="later@example.com",
            name="Later",
            subject=f"Re: {complaint.tracking_number}",
            text="Yine aynı sorun.",
            message_id="<later@mail.example.com>",
        )
    )
    assert inbound.complaint is not None and inbound.complaint.pk != complaint.pk
    assert set(
        ComplaintMessage.objects.filter(complaint=complaint).values_list("body", flat=True)
    ) <= {PLACEHOLDER}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sweeps_at_once_anonymise_each_complaint_and_customer_once(representative):
    import threading

    from django.db import connection

    # Two complaints per customer, one per batch: the two sweeps may each hold
    # one of a customer's last two complaints.
    complaints = [closed(representative, email=f"c{i // 2}@example.com") for i in range(6)]
    results: list[int] = []
    barrier = threading.Barrier(2)

    def sweep() -> None:
        try:
            barrier.wait()
            results.append(complaints_retention_sweep(batch_size=1).complaints)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) == 6
    for complaint in complaints:
        assert complaint.events.filter(action="complaints.complaint.anonymised").count() == 1
    assert not Customer.objects.filter(anonymised_at__isnull=True).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_customers_last_two_complaints_anonymised_at_once_anonymise_the_customer(
    representative,
):
    import threading

    from django.db import connection

    from complaints.retention import _anonymise_batch

    first = closed(representative, email="last-two@example.com")
    second = closed(representative, email="last-two@example.com")
    both_claimed = threading.Barrier(2, timeout=10)

    def wait_for_the_other(ids: list[int], *, placeholder: str) -> None:
        both_claimed.wait()  # each holds one complaint, neither has committed

    def anonymise(pk: int) -> None:
        try:
            _anonymise_batch(
                [pk], basis="retention", now=timezone.now(), actor=None, note="", skip_locked=True
            )
        finally:
            connection.close()

    privacy.anonymiser_register("test-barrier", wait_for_the_other)
    try:
        threads = [threading.Thread(target=anonymise, args=(c.pk,)) for c in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        privacy._ANONYMISERS.pop("test-barrier")
    assert Customer.objects.get(pk=first.customer_id).anonymised_at is not None
