"""PROCESS.md "Waiting on the customer", as the SLA clock counts it (issue 10, item 1).

The clock fixture sets the instant every service, stamp and history row reads,
so a whole story happens at chosen instants on the business calendar.
"""

import pytest

from complaints.models import Channel, Complaint, ComplaintEvent, ComplaintMessage, Stage
from complaints.services import (
    complaint_message_add,
    complaint_transition,
    complaint_wait_for_customer,
    complaint_wait_resume,
)
from sla import codes
from sla.services import sla_sweep
from sla.targets import RESOLUTION, SlaState, sla_state_of, sla_state_q
from tests.helpers import advance
from tests.sla.conftest import ist

pytestmark = pytest.mark.django_db

HOUR = 3600


def fresh(complaint: Complaint) -> Complaint:
    return Complaint.objects.get(pk=complaint.pk)


def rows(complaint: Complaint, action: str) -> list[ComplaintEvent]:
    return list(ComplaintEvent.objects.filter(complaint=complaint, action=action).order_by("id"))


@pytest.fixture
def classified(clock, receive, classify):
    """``classified(at)``: a normal-priority complaint (3 business days) received and
    classified at ``at``."""

    def build(at):
        clock.set(at)
        return fresh(classify(receive(at=at), "financial"))

    return build


@pytest.fixture
def ask(clock, representative):
    def run(complaint, at, question="Modeminizin seri numarası nedir?"):
        clock.set(at)
        complaint_wait_for_customer(complaint=complaint, question=question, actor=representative)
        return fresh(complaint)

    return run


@pytest.fixture
def answer(clock):
    """The customer answers by e-mail (a reply routed to the complaint)."""

    def run(complaint, at, body="Seri numarası AB123."):
        clock.set(at)
        complaint_message_add(
            complaint=complaint,
            body=body,
            author_kind=ComplaintMessage.Author.CUSTOMER,
            channel=Channel.EMAIL,
        )
        return fresh(complaint)

    return run


def test_a_pause_over_the_kurban_bayrami_and_a_weekend_counts_only_business_time(
    classified, ask, answer
):
    # Received Monday 25 May 2026; Tuesday 26 is arife (closes 13:00), 27-30 May
    # is the Bayram, 31 a Sunday: three business days end Tuesday 2 June 18:00.
    complaint = classified(ist(2026, 5, 25, 10))
    assert complaint.resolution_due_at == ist(2026, 6, 2, 18)
    assert complaint.resolution_at_risk_after == ist(2026, 6, 2, 10, 30)

    complaint = ask(complaint, ist(2026, 5, 26, 12))  # the arife, one hour before closing
    assert complaint.waiting_on_customer_since == ist(2026, 5, 26, 12)
    assert complaint.resolution_paused_at == ist(2026, 5, 26, 12)

    complaint = answer(complaint, ist(2026, 6, 1, 10))  # Monday after the Bayram

    # 12:00-13:00 on the arife and 09:00-10:00 on Monday: two business hours.
    assert complaint.waiting_on_customer_since is None
    assert complaint.resolution_paused_at is None
    assert complaint.resolution_paused_seconds == 2 * HOUR
    assert complaint.resolution_due_at == ist(2026, 6, 3, 11)
    assert complaint.resolution_at_risk_after == ist(2026, 6, 2, 12, 30)
    [resumed] = rows(complaint, codes.RESOLUTION_RESUMED)
    assert resumed.data["business_seconds"] == 2 * HOUR
    assert resumed.data["to"] == ist(2026, 6, 3, 11).isoformat()


def test_a_pause_at_1759_costs_one_minute_that_evening(classified, ask, answer):
    complaint = classified(ist(2026, 11, 2, 10))  # Monday: due Thursday 5 November 18:00
    assert complaint.resolution_due_at == ist(2026, 11, 5, 18)

    complaint = ask(complaint, ist(2026, 11, 2, 17, 59))
    complaint = answer(complaint, ist(2026, 11, 3, 9, 30))

    assert complaint.resolution_paused_seconds == 31 * 60
    assert complaint.resolution_due_at == ist(2026, 11, 6, 9, 31)


def test_several_pauses_add_up_and_are_left_out_of_the_resolution_time(
    clock, classified, ask, answer, representative
):
    complaint = classified(ist(2026, 11, 2, 10))
    complaint = ask(complaint, ist(2026, 11, 2, 11))
    complaint = answer(complaint, ist(2026, 11, 2, 12))  # one hour
    complaint = ask(complaint, ist(2026, 11, 3, 14))
    clock.set(ist(2026, 11, 3, 16, 30))
    complaint_wait_resume(complaint=complaint, actor=representative, note="Telefonda söyledi.")
    complaint = fresh(complaint)  # two and a half hours

    assert complaint.resolution_paused_seconds == int(3.5 * HOUR)
    assert complaint.resolution_due_at == ist(2026, 11, 6, 12, 30)
    assert [r.data["business_seconds"] for r in rows(complaint, codes.RESOLUTION_RESUMED)] == [
        HOUR,
        int(2.5 * HOUR),
    ]

    clock.set(ist(2026, 11, 4, 10))
    complaint = advance(complaint, Stage.DECISION_NOTIFIED, representative)
    complaint = fresh(complaint)

    # Monday 10:00 to Wednesday 10:00 is 18 business hours, 3.5 of them waiting.
    assert complaint.resolution_business_seconds == int(14.5 * HOUR)
    assert sla_state_of(complaint=complaint, target=RESOLUTION, now=clock.now) == SlaState.MET


def test_while_paused_the_target_is_neither_at_risk_nor_breached(classified, ask, answer):
    complaint = classified(ist(2026, 11, 2, 10))  # due Thursday 18:00
    complaint = ask(complaint, ist(2026, 11, 5, 17))  # an hour before the due date
    late = ist(2026, 11, 9, 12)  # the next Monday: past the old due date

    assert sla_sweep(now=late).total == 0
    assert sla_state_of(complaint=complaint, target=RESOLUTION, now=late) == SlaState.PAUSED
    assert Complaint.objects.filter(
        sla_state_q(target=RESOLUTION, state=SlaState.PAUSED, now=late)
    ).exists()
    for state in (SlaState.BREACHED, SlaState.AT_RISK, SlaState.ON_TRACK):
        assert not Complaint.objects.filter(
            sla_state_q(target=RESOLUTION, state=state, now=late)
        ).exists()

    complaint = answer(complaint, late)  # 1 h Thursday + 9 h Friday + 3 h Monday paused

    assert complaint.resolution_due_at == ist(2026, 11, 9, 13)  # the hour left, after it
    assert sla_sweep(now=ist(2026, 11, 9, 12, 59)).counts["sla.resolution.breached"] == 0
    assert sla_sweep(now=ist(2026, 11, 9, 13)).counts["sla.resolution.breached"] == 1


def test_a_pause_after_the_due_date_leaves_the_breach_recorded(classified, ask, answer):
    complaint = classified(ist(2026, 11, 2, 10))  # due Thursday 5 November 18:00
    due = complaint.resolution_due_at

    complaint = ask(complaint, ist(2026, 11, 6, 10))  # Friday: past it, sweep not run yet

    assert complaint.waiting_on_customer_since == ist(2026, 11, 6, 10)  # the process waits
    assert complaint.resolution_paused_at is None  # the clock does not
    assert complaint.resolution_breached_at == ist(2026, 11, 6, 10)
    assert complaint.breach_count == 1
    assert len(rows(complaint, codes.RESOLUTION_BREACHED)) == 1
    assert rows(complaint, codes.RESOLUTION_PAUSED) == []
    assert sla_state_of(complaint=complaint, target=RESOLUTION, now=ist(2026, 11, 6, 11)) == (
        SlaState.BREACHED
    )
    assert sla_sweep(now=ist(2026, 11, 6, 11)).total == 0  # recorded once

    complaint = answer(complaint, ist(2026, 11, 9, 10))

    assert complaint.resolution_due_at == due
    assert complaint.resolution_paused_seconds == 0
    assert rows(complaint, codes.RESOLUTION_RESUMED) == []


def test_a_breach_already_recorded_is_not_recorded_again_by_a_late_pause(classified, ask):
    complaint = classified(ist(2026, 11, 2, 10))
    sla_sweep(now=ist(2026, 11, 5, 18, 1))

    complaint = ask(complaint, ist(2026, 11, 6, 10))

    assert complaint.breach_count == 1
    assert len(rows(complaint, codes.RESOLUTION_BREACHED)) == 1


def test_the_acknowledgement_target_never_pauses(clock, receive, ask):
    clock.set(ist(2026, 11, 2, 10))
    complaint = receive(at=clock.now)  # not acknowledged: due Monday 18:00
    complaint = ask(complaint, ist(2026, 11, 2, 11))

    assert complaint.ack_due_at == ist(2026, 11, 2, 18)
    assert sla_sweep(now=ist(2026, 11, 2, 18, 1)).counts["sla.ack.breached"] == 1


def test_waiting_before_classification_pushes_the_first_due_date(
    clock, receive, classify, ask, answer
):
    clock.set(ist(2026, 11, 2, 10))
    complaint = receive(at=clock.now)
    complaint = ask(complaint, ist(2026, 11, 2, 11))
    complaint = answer(complaint, ist(2026, 11, 2, 13))  # two business hours

    clock.set(ist(2026, 11, 2, 14))
    complaint = fresh(classify(complaint, "financial"))

    assert complaint.resolution_due_at == ist(2026, 11, 6, 11)  # Thursday 18:00, plus 2 h


def test_notifying_the_decision_ends_the_wait_first(clock, classified, ask, representative):
    complaint = classified(ist(2026, 11, 2, 10))
    complaint = advance(complaint, Stage.RESPONDED, representative)
    complaint = ask(complaint, ist(2026, 11, 3, 10))

    clock.set(ist(2026, 11, 3, 12))
    complaint = complaint_transition(
        complaint=complaint,
        to=Stage.DECISION_NOTIFIED,
        actor=representative,
        fields={"decision": "Fark iade edilecek."},
    )
    complaint = fresh(complaint)

    assert complaint.waiting_on_customer_since is None
    assert complaint.resolution_paused_seconds == 2 * HOUR
    assert complaint.resolution_business_seconds == 8 * HOUR + 3 * HOUR - 2 * HOUR
    order = list(
        ComplaintEvent.objects.filter(complaint=complaint, created_at=clock.now)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert order.index("complaints.waiting.ended") < order.index(
        "complaints.complaint.decision_notified"
    )


def test_a_reopening_starts_a_cycle_with_nothing_paused(
    clock, classified, ask, answer, representative
):
    complaint = classified(ist(2026, 11, 2, 10))
    complaint = ask(complaint, ist(2026, 11, 2, 11))
    complaint = answer(complaint, ist(2026, 11, 2, 12))
    clock.set(ist(2026, 11, 3, 10))
    complaint = advance(complaint, Stage.DECISION_NOTIFIED, representative)
    complaint = complaint_transition(
        complaint=complaint,
        to=Stage.IN_ANALYSIS,
        actor=representative,
        fields={
            "customer_answer": "rejected",
            "customer_answer_channel": Channel.PHONE,
            "customer_answer_reason": "Yetersiz.",
        },
    )
    complaint = fresh(complaint)

    assert complaint.resolution_paused_seconds == 0
    assert complaint.resolution_due_at == ist(2026, 11, 6, 18)
    assert complaint.resolution_started_at == ist(2026, 11, 3, 10)
