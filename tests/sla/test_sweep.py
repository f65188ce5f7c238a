"""The sweep that records at-risk and breached targets (issue 3, item 5).

Complaints are received at the real now (transitions stamp the real clock) and
the sweep is run at chosen instants through ``now=``.
"""

import threading
from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints.models import Answer, Channel, Complaint, ComplaintEvent, Priority, Stage
from complaints.services import complaint_record_answer, complaint_reprioritize
from sla import tasks
from sla.services import sla_sweep
from tests.helpers import advance

pytestmark = pytest.mark.django_db

SLA_ACTIONS = (
    "sla.ack.at_risk",
    "sla.ack.breached",
    "sla.resolution.at_risk",
    "sla.resolution.breached",
)


def sla_events(action: str | None = None) -> list[tuple[int, str]]:
    queryset = ComplaintEvent.objects.filter(action__in=SLA_ACTIONS)
    if action:
        queryset = queryset.filter(action=action)
    return list(queryset.order_by("id").values_list("complaint_id", "action"))


def fresh(complaint: Complaint) -> Complaint:
    return Complaint.objects.get(pk=complaint.pk)


def known(value: datetime | None) -> datetime:
    assert value is not None, "expected a due date"
    return value


# --- Acknowledgement -------------------------------------------------------------------


def test_nothing_is_recorded_while_a_target_is_on_track(receive):
    complaint = receive()

    result = sla_sweep(now=complaint.ack_at_risk_after - timedelta(seconds=1))

    assert result.total == 0
    assert sla_events() == []


def test_an_unacknowledged_complaint_becomes_at_risk_then_breached_once_each(receive):
    complaint = receive()
    at_risk = complaint.ack_at_risk_after + timedelta(seconds=1)
    breached = complaint.ack_due_at + timedelta(seconds=1)

    first = sla_sweep(now=at_risk)
    again = sla_sweep(now=at_risk)

    assert first.counts["sla.ack.at_risk"] == 1
    assert again.total == 0
    assert fresh(complaint).ack_at_risk_at == at_risk

    first = sla_sweep(now=breached)
    again = sla_sweep(now=breached + timedelta(minutes=1))

    assert first.counts["sla.ack.breached"] == 1
    assert again.total == 0
    assert sla_events() == [
        (complaint.pk, "sla.ack.at_risk"),
        (complaint.pk, "sla.ack.breached"),
    ]
    row = fresh(complaint)
    assert row.ack_breached_at == breached
    assert row.breach_count == 1


def test_a_target_found_past_due_is_recorded_as_breached_not_at_risk(receive):
    complaint = receive()

    result = sla_sweep(now=complaint.ack_due_at + timedelta(hours=1))

    assert result.as_dict() == {
        "sla.ack.breached": 1,
        "sla.resolution.breached": 0,
        "sla.ack.at_risk": 0,
        "sla.resolution.at_risk": 0,
    }


def test_a_met_target_is_never_at_risk_or_breached(receive, representative):
    complaint = advance(receive(), Stage.ACKNOWLEDGED, representative)

    result = sla_sweep(now=known(complaint.ack_due_at) + timedelta(days=10))

    assert result.counts["sla.ack.at_risk"] == result.counts["sla.ack.breached"] == 0


def test_the_history_row_carries_what_escalation_needs(receive, classify, representative):
    complaint = classify(receive())
    complaint = advance(complaint, Stage.TRACKING, representative)

    sla_sweep(now=known(complaint.resolution_due_at) + timedelta(minutes=1))

    event = ComplaintEvent.objects.get(complaint=complaint, action="sla.resolution.breached")
    assert event.actor is None  # the system
    assert event.data["priority"] == complaint.priority
    assert event.data["assignee"] == representative.pk
    assert event.data["due_at"].startswith(
        timezone.localtime(complaint.resolution_due_at).strftime("%Y-%m-%dT%H:%M")
    )


def test_the_sweep_logs_each_escalation(receive, caplog):
    complaint = receive()

    with caplog.at_level("WARNING", logger="sla.services"):
        sla_sweep(now=complaint.ack_due_at + timedelta(minutes=1))

    assert any(
        "sla.ack.breached" in r.getMessage() and complaint.tracking_number in r.getMessage()
        for r in caplog.records
    )


# --- Resolution --------------------------------------------------------------------------


def test_a_classified_complaint_becomes_at_risk_then_breached_on_its_resolution_target(
    receive, classify
):
    complaint = classify(receive(), "unlawful-practice")

    sla_sweep(now=complaint.resolution_at_risk_after + timedelta(seconds=1))
    sla_sweep(now=complaint.resolution_due_at + timedelta(seconds=1))
    sla_sweep(now=complaint.resolution_due_at + timedelta(seconds=2))

    assert sla_events() == [
        (complaint.pk, "sla.resolution.at_risk"),
        (complaint.pk, "sla.resolution.breached"),
    ]


def test_a_breach_stays_recorded_after_closure(receive, classify, representative):
    complaint = classify(receive(), "unlawful-practice")
    sla_sweep(now=complaint.resolution_due_at + timedelta(minutes=1))

    complaint = advance(complaint, Stage.CLOSED, representative)

    row = fresh(complaint)
    assert row.stage == Stage.CLOSED
    assert row.resolution_breached_at is not None
    assert row.breach_count == 1
    assert sla_events("sla.resolution.breached") == [(complaint.pk, "sla.resolution.breached")]
    # Closing and sweeping again changes nothing.
    assert sla_sweep(now=known(row.resolution_due_at) + timedelta(days=30)).total == 0


def test_a_reopened_complaint_can_breach_its_new_resolution_target(
    receive, classify, representative
):
    complaint = classify(receive(), "unlawful-practice")
    complaint = advance(complaint, Stage.DECISION_NOTIFIED, representative)
    complaint = complaint_record_answer(
        complaint=complaint,
        answer=Answer.REJECTED,
        channel=Channel.PHONE,
        reason="Sorun sürüyor.",
        actor=representative,
    )
    new_due = known(fresh(complaint).resolution_due_at)

    sla_sweep(now=new_due + timedelta(minutes=1))
    sla_sweep(now=new_due + timedelta(minutes=2))

    assert sla_events("sla.resolution.breached") == [(complaint.pk, "sla.resolution.breached")]


def test_a_late_decision_after_the_sweep_recorded_the_breach_adds_no_second_breach(
    receive, classify, representative
):
    complaint = classify(receive(), "unlawful-practice")
    complaint = advance(complaint, Stage.TRACKING, representative)
    # Make the target overdue in real time, as if the decision came too late.
    past = timezone.now() - timedelta(minutes=5)
    Complaint.objects.filter(pk=complaint.pk).update(
        resolution_due_at=past, resolution_at_risk_after=past - timedelta(hours=1)
    )
    sla_sweep(now=timezone.now())

    advance(complaint, Stage.DECISION_NOTIFIED, representative)

    assert sla_events("sla.resolution.breached") == [(complaint.pk, "sla.resolution.breached")]
    assert fresh(complaint).breach_count == 1


# --- Running twice, at once, and at scale ------------------------------------------------


def test_running_the_sweep_twice_records_nothing_more(receive, classify):
    complaints = [receive() for _ in range(3)] + [classify(receive()) for _ in range(2)]
    later = max(c.resolution_due_at or c.ack_due_at for c in complaints) + timedelta(days=1)

    first = sla_sweep(now=later)
    snapshot = sla_events()
    second = sla_sweep(now=later)

    assert first.total == 5
    assert second.total == 0
    assert sla_events() == snapshot


def test_the_periodic_task_run_twice_records_each_event_once(receive):
    receive(at=timezone.now() - timedelta(days=10))  # long overdue, not acknowledged

    first = tasks.sla_sweep.delay()
    second = tasks.sla_sweep.delay()

    assert first.get()["sla.ack.breached"] == 1
    assert second.get()["sla.ack.breached"] == 0
    assert len(sla_events("sla.ack.breached")) == 1


def test_the_management_command_runs_the_same_sweep(receive):
    complaint = receive()
    out = StringIO()

    call_command(
        "sla_sweep", now=(complaint.ack_due_at + timedelta(minutes=1)).isoformat(), stdout=out
    )
    call_command(
        "sla_sweep", now=(complaint.ack_due_at + timedelta(minutes=2)).isoformat(), stdout=out
    )

    assert "sla.ack.breached: 1" in out.getvalue()
    assert len(sla_events("sla.ack.breached")) == 1


def test_a_batch_leaves_the_rest_for_the_next_run(receive):
    complaints = [receive() for _ in range(5)]
    later = max(c.ack_due_at for c in complaints) + timedelta(minutes=1)

    assert sla_sweep(now=later, batch_size=2).counts["sla.ack.breached"] == 2
    assert sla_sweep(now=later, batch_size=2).counts["sla.ack.breached"] == 2
    assert sla_sweep(now=later, batch_size=2).counts["sla.ack.breached"] == 1
    assert sla_sweep(now=later, batch_size=2).counts["sla.ack.breached"] == 0


def _sweep_queries(now) -> int:
    with CaptureQueriesContext(connection) as queries:
        sla_sweep(now=now)
    return len(queries.captured_queries)


def test_the_sweep_queries_do_not_grow_with_the_open_complaints(receive, classify):
    # On-track complaints only: nothing to record, so nothing but the four indexed lookups.
    now = timezone.now()
    for _ in range(3):
        classify(receive())
    few = _sweep_queries(now)
    for _ in range(30):
        classify(receive())
    many = _sweep_queries(now)

    assert many == few


def test_the_sweep_queries_follow_the_number_of_events(receive):
    first = receive()
    idle = _sweep_queries(first.ack_at_risk_after - timedelta(hours=1))
    one = _sweep_queries(first.ack_due_at + timedelta(minutes=1))
    others = [receive() for _ in range(4)]
    four = _sweep_queries(max(c.ack_due_at for c in others) + timedelta(minutes=1))

    # A fixed number of queries per event (the claim, the history row, and
    # whatever the receivers of that row do), on top of a fixed base.
    per_event = one - idle
    assert per_event > 0
    assert four == idle + 4 * per_event


@pytest.mark.postgres
def test_the_sweep_lookups_use_the_partial_indexes(receive):
    from django.db import transaction

    from sla.services import _RULES

    receive()
    pending = [
        ("ack_at_risk_after", "sla_ack_at_risk_pending"),
        ("ack_due_at", "sla_ack_breach_pending"),
        ("resolution_at_risk_after", "sla_res_at_risk_pending"),
        ("resolution_due_at", "sla_res_breach_pending"),
    ]
    # On a table this small every index costs the same, and the planner may pick
    # any whose condition the predicate implies; so each lookup is explained
    # with the other candidates dropped (in a savepoint, rolled back), which
    # proves that the index meant for it serves it.
    candidates = [index for _, index in pending] + [
        "complaint_open_ack_due",
        "complaint_open_resolution_due",
    ]
    for marker, index in pending:
        rule = next(r for r in _RULES if r.order == marker)
        queryset = Complaint.objects.filter(rule.pending(timezone.now())).order_by(rule.order)
        with transaction.atomic():
            with connection.cursor() as cursor:
                # A tiny table would be scanned whatever the indexes; forbid that.
                cursor.execute("SET LOCAL enable_seqscan = off")
                for other in candidates:
                    if other != index:
                        cursor.execute(f"DROP INDEX {connection.ops.quote_name(other)}")
                plan = queryset.explain()
            transaction.set_rollback(True)
        assert index in plan, plan


@pytest.mark.postgres
# Real commits so that the threads' connections see the rows. Needs none of the
# seeded data (groups, categories), so no serialized_rollback (see docs/sla.md).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_sweeps_record_each_event_exactly_once(receive):
    complaints = [receive() for _ in range(40)]
    # Committed for real here, so the acknowledgement notice may already have
    # gone out and met the target; put every target back overdue and unmet.
    later = timezone.now()
    Complaint.objects.update(
        stage=Stage.RECEIVED,
        ack_met_at=None,
        ack_at_risk_at=None,
        ack_breached_at=None,
        breach_count=0,
        ack_due_at=later - timedelta(minutes=1),
        ack_at_risk_after=later - timedelta(hours=1),
    )
    barrier = threading.Barrier(4)
    results: list[dict[str, int]] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(sla_sweep(now=later, batch_size=500).as_dict())
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sum(r["sla.ack.breached"] for r in results) == 40
    breaches = sla_events("sla.ack.breached")
    assert sorted(pk for pk, _ in breaches) == sorted(c.pk for c in complaints)
    assert set(Complaint.objects.values_list("breach_count", flat=True)) == {1}


def test_a_priority_change_that_gives_more_time_lets_the_target_warn_again(
    receive, classify, representative
):
    complaint = classify(receive(), "unlawful-practice")  # high: 1 business day
    at_risk = known(complaint.resolution_at_risk_after) + timedelta(seconds=1)
    sla_sweep(now=at_risk)
    assert fresh(complaint).resolution_at_risk_at == at_risk

    complaint_reprioritize(
        complaint=complaint, priority=Priority.LOW, reason="Acil değil.", actor=representative
    )

    row = fresh(complaint)
    assert row.resolution_at_risk_at is None  # back on track under the new date
    sla_sweep(now=known(row.resolution_at_risk_after) + timedelta(seconds=1))
    assert len(sla_events("sla.resolution.at_risk")) == 2
