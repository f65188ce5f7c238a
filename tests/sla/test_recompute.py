"""Due dates recomputed after a calendar override or a settings change (issue 10, item 6).

PROCESS.md "Business-day rules", "When the SLA is met", "Waiting on the
customer": a bridge day, an extra holiday or a half day decided after a
complaint arrived moves the open targets it falls in; a met target, a closed
complaint and a recorded breach are history and stay as they are.

Stories happen in December 2026 (no Turkish holiday that month): received
Monday 14 December at 10:00, a normal-priority complaint (3 business days) is
due Thursday 17 December at 18:00.
"""

import io
import threading
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connections

from complaints.models import Answer, Channel, Complaint, ComplaintEvent, ComplaintMessage, Stage
from complaints.services import (
    complaint_message_add,
    complaint_record_answer,
    complaint_wait_for_customer,
)
from sla import codes
from sla.models import CalendarOverride
from sla.recompute import CALENDAR, SETTINGS, calendar_override_changed, sla_recompute
from sla.services import sla_sweep
from tests.helpers import advance
from tests.sla.conftest import ist

pytestmark = pytest.mark.django_db

MONDAY_10 = ist(2026, 12, 14, 10, 0)
BRIDGE = date(2026, 12, 16)  # Wednesday
THURSDAY_18 = ist(2026, 12, 17, 18, 0)
FRIDAY_18 = ist(2026, 12, 18, 18, 0)


def fresh(complaint: Complaint) -> Complaint:
    return Complaint.objects.get(pk=complaint.pk)


def recomputed(complaint: Complaint) -> list[ComplaintEvent]:
    return list(
        ComplaintEvent.objects.filter(
            complaint=complaint, action=codes.DUE_DATES_RECOMPUTED
        ).order_by("id")
    )


def events(complaint: Complaint, action: str) -> int:
    return ComplaintEvent.objects.filter(complaint=complaint, action=action).count()


@pytest.fixture
def classified(clock, receive, classify):
    """``classified(at, code)``: received and classified at ``at`` (normal priority)."""

    def build(at=MONDAY_10, code="financial"):
        clock.set(at)
        return fresh(classify(receive(at=at), code))

    return build


@pytest.fixture
def override_saved(django_capture_on_commit_callbacks):
    """Staff save an override and commit: what the admin does (the task runs eagerly)."""

    def save(day, kind=CalendarOverride.Kind.CLOSED, reason="İdari izin"):
        with django_capture_on_commit_callbacks(execute=True):
            override = CalendarOverride.objects.create(date=day, kind=kind, reason=reason)
            calendar_override_changed(dates=[day])
        return override

    return save


def command(*args: str) -> str:
    out = io.StringIO()
    call_command("sla_recompute", *args, stdout=out)
    return out.getvalue()


# --- A calendar override ---------------------------------------------------------------


def test_a_bridge_day_inside_the_window_moves_the_due_date_one_business_day_with_a_history_row(
    clock, classified, override_saved
):
    complaint = classified()
    assert complaint.resolution_due_at == THURSDAY_18
    clock.set(ist(2026, 12, 15, 9, 0))

    override_saved(BRIDGE)

    row = fresh(complaint)
    assert row.resolution_due_at == FRIDAY_18
    # 35 business hours from Monday 10:00 without Wednesday; 75% (26 h 15 min)
    # is reached on Friday at 09:15, no longer on Thursday at 09:15.
    assert row.resolution_at_risk_after == ist(2026, 12, 18, 9, 15)
    [event] = recomputed(complaint)
    assert event.actor is None
    assert event.data["reason"] == "calendar"
    assert event.data["dates"] == ["2026-12-16"]
    assert event.data["resolution"]["from"] == THURSDAY_18.isoformat()
    assert event.data["resolution"]["to"] == FRIDAY_18.isoformat()
    assert event.data["resolution"]["at_risk_from"] == ist(2026, 12, 17, 9, 15).isoformat()
    assert "ack" not in event.data  # acknowledged: met, untouched


def test_an_unacknowledged_complaint_gets_a_new_acknowledgement_due_date(
    clock, receive, override_saved
):
    clock.set(ist(2026, 12, 15, 19, 0))
    complaint = receive(at=ist(2026, 12, 15, 19, 0))  # after closing: due Wednesday 18:00
    assert fresh(complaint).ack_due_at == ist(2026, 12, 16, 18, 0)

    override_saved(BRIDGE)

    assert fresh(complaint).ack_due_at == THURSDAY_18
    [event] = recomputed(complaint)
    assert event.data["ack"]["to"] == THURSDAY_18.isoformat()


def test_a_half_day_moves_the_at_risk_point_but_not_the_due_date(clock, classified, override_saved):
    complaint = classified()
    clock.set(ist(2026, 12, 15, 9, 0))

    override_saved(BRIDGE, kind=CalendarOverride.Kind.HALF_DAY)

    row = fresh(complaint)
    assert row.resolution_due_at == THURSDAY_18  # a half day is still a business day
    # 8 + 9 + 4 + 9 = 30 business hours; 75% (22 h 30 min) is Thursday 10:30.
    assert row.resolution_at_risk_after == ist(2026, 12, 17, 10, 30)
    [event] = recomputed(complaint)
    assert event.data["resolution"]["from"] == event.data["resolution"]["to"]


def test_a_complaint_whose_window_ends_before_the_override_is_untouched(
    clock, classified, override_saved
):
    urgent = classified(code="unlawful-practice")  # high: due Tuesday 15 December 18:00

    override_saved(BRIDGE)

    assert fresh(urgent).resolution_due_at == ist(2026, 12, 15, 18, 0)
    assert recomputed(urgent) == []


def test_only_the_complaints_running_over_the_date_are_read(clock, classified):
    classified()  # due Thursday: runs over Wednesday
    classified(code="unlawful-practice")  # due Tuesday: ends before it
    CalendarOverride.objects.create(date=BRIDGE, kind="closed", reason="İdari izin")

    result = sla_recompute(reason=CALENDAR, dates=[BRIDGE])

    assert (result.checked, result.changed) == (1, 1)


def test_deleting_the_override_moves_the_due_date_back(
    clock, classified, override_saved, django_capture_on_commit_callbacks
):
    complaint = classified()
    override = override_saved(BRIDGE)
    assert fresh(complaint).resolution_due_at == FRIDAY_18

    with django_capture_on_commit_callbacks(execute=True):
        override.delete()
        calendar_override_changed(dates=[BRIDGE])

    assert fresh(complaint).resolution_due_at == THURSDAY_18
    assert [e.data["resolution"]["to"] for e in recomputed(complaint)] == [
        FRIDAY_18.isoformat(),
        THURSDAY_18.isoformat(),
    ]


def test_a_decided_or_closed_complaint_is_untouched(
    clock, classified, representative, override_saved
):
    decided = advance(classified(), Stage.DECISION_NOTIFIED, representative)
    closed = advance(classified(), Stage.CLOSED, representative)
    before = {c.pk: Complaint.objects.filter(pk=c.pk).values().get() for c in (decided, closed)}

    override_saved(BRIDGE)

    for complaint in (decided, closed):
        assert Complaint.objects.filter(pk=complaint.pk).values().get() == before[complaint.pk]
        assert recomputed(complaint) == []


def test_a_recorded_breach_stays_recorded_when_the_due_date_moves_later(
    clock, classified, override_saved
):
    urgent = classified(code="unlawful-practice")  # due Tuesday 15 December 18:00
    sla_sweep(now=ist(2026, 12, 15, 17, 0))  # at risk since 13:45
    clock.set(ist(2026, 12, 16, 10, 0))
    sla_sweep(now=ist(2026, 12, 16, 10, 0))
    breached = fresh(urgent)
    assert breached.resolution_at_risk_at is not None
    assert breached.resolution_breached_at is not None and breached.breach_count == 1

    # A closure announced late for that Tuesday: the target now ends on Wednesday.
    override_saved(date(2026, 12, 15))

    row = fresh(urgent)
    assert row.resolution_due_at == ist(2026, 12, 16, 18, 0)
    assert row.resolution_breached_at == breached.resolution_breached_at
    assert row.breach_count == 1
    # The new at-risk point (Wednesday 13:45) is ahead, but what led to the
    # breach stays on record with it.
    assert row.resolution_at_risk_at == breached.resolution_at_risk_at
    # Past the new due date too, the breach is not recorded a second time.
    sla_sweep(now=ist(2026, 12, 16, 19, 0))
    assert fresh(urgent).breach_count == 1
    assert (
        ComplaintEvent.objects.filter(complaint=urgent, action=codes.RESOLUTION_BREACHED).count()
        == 1
    )


def test_an_at_risk_marker_no_longer_true_is_cleared_so_the_sweep_warns_again(
    clock, classified, override_saved
):
    complaint = classified()
    clock.set(ist(2026, 12, 17, 10, 0))  # Thursday, at risk since 09:15
    sla_sweep(now=ist(2026, 12, 17, 10, 0))
    assert fresh(complaint).resolution_at_risk_at is not None

    # Thursday is declared a closure: now due Friday, at risk on Friday at 09:15.
    override_saved(date(2026, 12, 17))

    assert fresh(complaint).resolution_at_risk_at is None
    sla_sweep(now=ist(2026, 12, 18, 9, 30))
    assert events(complaint, codes.RESOLUTION_AT_RISK) == 2


def test_a_marker_the_new_dates_make_true_is_left_to_the_sweep(clock, classified, override_saved):
    complaint = classified()
    clock.set(ist(2026, 12, 17, 12, 0))  # Thursday noon: at risk since 09:15, not swept yet

    # Thursday becomes a half day: due at 13:00; 30 business hours, at risk
    # after 22 h 30 min (Wednesday 14:30), which is already behind us.
    override_saved(date(2026, 12, 17), kind=CalendarOverride.Kind.HALF_DAY)

    row = fresh(complaint)
    assert row.resolution_due_at == ist(2026, 12, 17, 13, 0)
    assert row.resolution_at_risk_after == ist(2026, 12, 16, 14, 30)
    assert row.resolution_at_risk_at is None  # not recorded by the recomputation...
    assert (
        ComplaintEvent.objects.filter(complaint=complaint, action=codes.RESOLUTION_AT_RISK).count()
        == 0
    )
    sla_sweep(now=ist(2026, 12, 17, 12, 1))
    assert fresh(complaint).resolution_at_risk_at is not None  # ...but by the sweep


def test_the_time_waiting_on_the_customer_is_kept(
    clock, classified, representative, override_saved
):
    complaint = classified()
    clock.set(ist(2026, 12, 15, 10, 0))
    complaint_wait_for_customer(
        complaint=fresh(complaint), question="Seri numarası?", actor=representative
    )
    clock.set(ist(2026, 12, 15, 12, 0))
    complaint_message_add(
        complaint=fresh(complaint),
        body="AB123",
        author_kind=ComplaintMessage.Author.CUSTOMER,
        channel=Channel.EMAIL,
    )
    assert fresh(complaint).resolution_due_at == ist(2026, 12, 18, 11, 0)  # Thursday 18:00 + 2 h

    override_saved(BRIDGE)

    # Friday 18:00 without Wednesday, plus the same two business hours paused.
    assert fresh(complaint).resolution_due_at == ist(2026, 12, 21, 11, 0)


def test_a_reopened_complaint_is_counted_from_its_reopening(
    clock, classified, representative, override_saved
):
    complaint = advance(classified(), Stage.DECISION_NOTIFIED, representative)
    clock.set(ist(2026, 12, 15, 10, 0))
    complaint_record_answer(
        complaint=complaint,
        answer=Answer.REJECTED,
        channel=Channel.PHONE,
        reason="Fark iade edilmedi.",
        actor=representative,
    )
    assert fresh(complaint).resolution_due_at == FRIDAY_18  # 3 days from Tuesday

    override_saved(date(2026, 12, 17))

    assert fresh(complaint).resolution_due_at == ist(2026, 12, 21, 18, 0)


# --- After a settings change: manage.py sla_recompute --------------------------------------


def test_new_targets_then_sla_recompute_move_the_due_dates(clock, classified, settings):
    complaint = classified()
    settings.SLA_RESOLUTION_DAYS = {"high": 1, "normal": 4, "low": 5}

    output = command()

    assert fresh(complaint).resolution_due_at == FRIDAY_18
    [event] = recomputed(complaint)
    assert event.data["reason"] == "settings"
    assert event.data["resolution"]["business_days"] == 4
    assert "1 checked, 1 changed." in output


def test_new_business_hours_then_sla_recompute_move_the_due_dates(clock, classified, settings):
    complaint = classified()
    settings.SLA_CLOSING_TIME = "17:30"

    command()

    assert fresh(complaint).resolution_due_at == ist(2026, 12, 17, 17, 30)


def test_a_dry_run_changes_nothing_and_says_what_would_change(clock, classified, settings):
    complaint = classified()
    before = Complaint.objects.filter(pk=complaint.pk).values().get()
    settings.SLA_RESOLUTION_DAYS = {"high": 1, "normal": 4, "low": 5}

    output = command("--dry-run")

    assert Complaint.objects.filter(pk=complaint.pk).values().get() == before
    assert recomputed(complaint) == []
    assert complaint.tracking_number in output
    assert FRIDAY_18.isoformat() in output
    assert "1 checked, 1 would change" in output


def test_run_twice_the_second_run_changes_nothing(clock, classified, settings):
    complaints = [classified(), classified(), classified(code="unlawful-practice")]
    settings.SLA_RESOLUTION_DAYS = {"high": 2, "normal": 4, "low": 6}

    first = command()
    second = command()

    assert "3 checked, 3 changed." in first
    assert "3 checked, 0 changed." in second
    assert all(len(recomputed(c)) == 1 for c in complaints)


def test_nothing_changed_nothing_recorded(clock, classified):
    complaint = classified()

    assert "1 checked, 0 changed." in command()
    assert recomputed(complaint) == []


def test_the_run_streams_in_batches(clock, classified, settings):
    complaints = [classified() for _ in range(5)]
    settings.SLA_RESOLUTION_DAYS = {"high": 1, "normal": 4, "low": 5}
    batches: list[int] = []

    result = sla_recompute(reason=SETTINGS, batch_size=2, on_batch=batches.append)

    assert batches == [2, 2, 1]
    assert (result.checked, result.changed) == (5, 5)
    assert all(fresh(c).resolution_due_at == FRIDAY_18 for c in complaints)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_a_progress_bar_runs_and_the_summary_follows(clock, classified, settings):
    classified()
    settings.SLA_RESOLUTION_DAYS = {"high": 1, "normal": 4, "low": 5}
    out = _Terminal()

    call_command("sla_recompute", stdout=out)

    assert "1 checked, 1 changed." in out.getvalue()


# --- Beside the sweep ---------------------------------------------------------------------


@pytest.mark.postgres
# Real commits so that the threads' connections see the rows.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_recomputation_and_sweeps_running_at_once_leave_one_consistent_story(
    clock, receive, classify
):
    clock.set(MONDAY_10)
    # Committed for real, the acknowledgement notice goes out and acknowledges
    # at once: classify from the row as it is now. Normal priority: due
    # Thursday 18:00, at risk on Thursday from 09:15.
    complaints = [classify(fresh(receive(at=MONDAY_10))) for _ in range(30)]
    thursday_10 = ist(2026, 12, 17, 10, 0)
    clock.set(thursday_10)
    # Thursday is declared a closure: due Friday 18:00, at risk from Friday 09:15.
    CalendarOverride.objects.create(date=date(2026, 12, 17), kind="closed", reason="İdari izin")
    barrier = threading.Barrier(3)
    errors: list[BaseException] = []

    def run(job) -> None:
        try:
            barrier.wait()
            job()
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    jobs = [
        lambda: sla_recompute(
            reason=CALENDAR, dates=[date(2026, 12, 17)], now=thursday_10, batch_size=7
        ),
        lambda: sla_sweep(now=thursday_10),
        lambda: sla_sweep(now=thursday_10),
    ]
    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    for complaint in complaints:
        row = fresh(complaint)
        # Whichever came first, the new dates stand and no at-risk marker is left
        # for an at-risk point still ahead (a sweep that came first is undone; one
        # that came after saw the new point and recorded nothing).
        assert row.resolution_due_at == FRIDAY_18
        assert row.resolution_at_risk_at is None
        assert len(recomputed(complaint)) == 1
        assert events(complaint, codes.RESOLUTION_AT_RISK) <= 1
