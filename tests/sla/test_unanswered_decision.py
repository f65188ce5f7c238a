"""PROCESS.md "An unanswered decision" (issue 10, item 2): one reminder with the
same ways to answer after 5 business days, then closed with the answer "no
answer" 10 business days after the reminder; each happens once."""

import re
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from complaints.models import Answer, Channel, Complaint, ComplaintEvent, Kind, Stage
from complaints.services import GuardFailed, complaint_record_answer, complaint_transition
from complaints.timeline import complaint_timeline
from notifications.content import render_notice
from notifications.models import Notification
from sla import tasks
from sla.closure_figures import closure_figures_get
from sla.statistics import DashboardFilters
from sla.unanswered import CLOSED, REMINDED, unanswered_sweep
from tests.factories import make_complaint
from tests.helpers import advance
from tests.sla.conftest import ist

pytestmark = pytest.mark.django_db

DECIDED = ist(2026, 11, 2, 10)  # Monday
REMIND_AT = ist(2026, 11, 9, 18)  # the fifth business day after, at closing
CLOSE_AT = ist(2026, 11, 23, 18)  # ten business days after the reminder
Kinds = Notification.Kind


def fresh(complaint: Complaint) -> Complaint:
    return Complaint.objects.get(pk=complaint.pk)


@pytest.fixture
def decided(clock, representative):
    def build(at=DECIDED, **submit) -> Complaint:
        clock.set(at)
        return fresh(advance(make_complaint(**submit), Stage.DECISION_NOTIFIED, representative))

    return build


def reminders(complaint: Complaint) -> list[Notification]:
    return list(Notification.objects.filter(complaint=complaint, kind=Kinds.DECISION_REMINDER))


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def test_the_decision_sets_when_to_remind(decided):
    complaint = decided()
    assert complaint.answer_reminder_due_at == REMIND_AT
    assert complaint.answer_reminded_at is None
    assert complaint.answer_close_due_at is None  # counted from the reminder


def test_five_business_days_without_an_answer_bring_one_reminder(clock, decided):
    complaint = decided()

    assert unanswered_sweep(now=ist(2026, 11, 9, 17, 59)).total == 0
    first = unanswered_sweep(now=REMIND_AT)
    again = unanswered_sweep(now=REMIND_AT)

    assert first.counts[REMINDED] == 1
    assert again.total == 0
    complaint = fresh(complaint)
    assert complaint.answer_reminded_at == REMIND_AT
    assert complaint.answer_close_due_at == CLOSE_AT
    assert ComplaintEvent.objects.filter(complaint=complaint, action=REMINDED).count() == 1
    [reminder] = reminders(complaint)
    assert reminder.recipient == "ayse@example.com"


def test_the_reminder_carries_the_same_ways_to_answer(clock, decided, client):
    complaint = decided()
    unanswered_sweep(now=REMIND_AT)
    [reminder] = reminders(complaint)
    decision = Notification.objects.get(complaint=complaint, kind=Kinds.DECISION)
    clock.set(ist(2026, 11, 10, 9))

    content = render_notice(reminder)
    [accept] = re.findall(r"http\S+/accept/", content.text)
    response = client.post(path_of(accept))

    assert response.status_code == 200
    complaint = fresh(complaint)
    assert (complaint.stage, complaint.customer_answer) == (Stage.CLOSED, Answer.ACCEPTED)
    decision.refresh_from_db()
    assert decision.answered_at is not None  # the decision's own link, spent once
    assert "23 November 2026" in content.text or "23 Kasım 2026" in content.text


def test_ten_business_days_after_the_reminder_it_closes_with_no_answer(decided):
    complaint = decided()
    unanswered_sweep(now=REMIND_AT)

    assert unanswered_sweep(now=ist(2026, 11, 23, 17, 59)).counts[CLOSED] == 0
    first = unanswered_sweep(now=CLOSE_AT)
    again = unanswered_sweep(now=CLOSE_AT)

    assert first.counts[CLOSED] == 1
    assert again.total == 0
    complaint = fresh(complaint)
    assert complaint.stage == Stage.CLOSED
    assert complaint.customer_answer == Answer.NO_ANSWER
    assert complaint.customer_answered_at is None  # nobody answered
    closed = ComplaintEvent.objects.get(complaint=complaint, to_stage=Stage.CLOSED)
    assert closed.action == "complaints.complaint.closed"
    assert closed.actor is None
    assert closed.data["customer_answer"] == Answer.NO_ANSWER
    assert complaint_timeline(complaint)[-1].who == "system"


def test_the_closure_notice_says_no_answer_never_thanks_for_accepting(clock, decided):
    complaint = decided(language="en")
    unanswered_sweep(now=REMIND_AT)
    unanswered_sweep(now=CLOSE_AT)
    clock.set(CLOSE_AT)

    closure = Notification.objects.get(complaint=complaint, kind=Kinds.CLOSURE)
    text = render_notice(closure).text

    assert "closed it as unanswered" in text
    assert "accepting" not in text


def test_no_answer_is_counted_apart_and_never_as_an_acceptance(clock, decided, representative):
    unanswered = decided()
    accepted = decided(email="mehmet@example.com")
    complaint_record_answer(complaint=accepted, answer=Answer.ACCEPTED, channel=Channel.EMAIL)
    waiting = decided(email="zeynep@example.com")
    unanswered_sweep(now=REMIND_AT)
    unanswered_sweep(now=CLOSE_AT)
    assert fresh(unanswered).customer_answer == Answer.NO_ANSWER
    assert fresh(waiting).customer_answer == Answer.NO_ANSWER

    period = DashboardFilters(date_from=ist(2026, 11, 1).date(), date_to=ist(2026, 11, 30).date())
    figures = closure_figures_get(filters=period, now=CLOSE_AT)

    assert (figures.total.accepted, figures.total.no_answer) == (1, 2)
    assert figures.total.reminded == 2


def test_an_answer_before_the_reminder_means_neither_reminder_nor_closure(decided):
    complaint = decided()
    complaint_record_answer(complaint=complaint, answer=Answer.ACCEPTED, channel=Channel.PHONE)

    assert unanswered_sweep(now=REMIND_AT).total == 0
    assert unanswered_sweep(now=CLOSE_AT).total == 0
    assert reminders(complaint) == []


def test_an_answer_after_the_reminder_stops_the_closure(decided):
    complaint = decided()
    unanswered_sweep(now=REMIND_AT)
    complaint_record_answer(
        complaint=complaint, answer=Answer.REJECTED, channel=Channel.EMAIL, reason="Yetersiz."
    )

    assert unanswered_sweep(now=CLOSE_AT).total == 0
    assert fresh(complaint).stage == Stage.IN_ANALYSIS


def test_a_new_decision_after_a_reopening_is_reminded_again(clock, decided, representative):
    complaint = decided()
    unanswered_sweep(now=REMIND_AT)
    clock.set(ist(2026, 11, 10, 10))
    complaint_record_answer(
        complaint=complaint, answer=Answer.REJECTED, channel=Channel.EMAIL, reason="Yetersiz."
    )
    complaint = advance(fresh(complaint), Stage.DECISION_NOTIFIED, representative)
    complaint = fresh(complaint)

    assert complaint.answer_reminded_at is None
    assert complaint.answer_reminder_due_at == ist(2026, 11, 17, 18)
    assert unanswered_sweep(now=ist(2026, 11, 17, 18)).counts[REMINDED] == 1
    assert len(reminders(complaint)) == 2


def test_zero_closing_days_never_closes(settings, decided):
    settings.SLA_ANSWER_CLOSE_DAYS = 0
    complaint = decided()
    unanswered_sweep(now=REMIND_AT)

    assert fresh(complaint).answer_close_due_at is None
    assert unanswered_sweep(now=ist(2027, 6, 1, 10)).total == 0
    assert fresh(complaint).stage == Stage.DECISION_NOTIFIED


def test_zero_reminder_days_closes_counted_from_the_decision(settings, decided):
    settings.SLA_ANSWER_REMINDER_DAYS = 0
    complaint = decided()

    assert complaint.answer_reminder_due_at is None
    assert complaint.answer_close_due_at == ist(2026, 11, 16, 18)
    result = unanswered_sweep(now=ist(2026, 11, 16, 18))
    assert (result.counts[REMINDED], result.counts[CLOSED]) == (0, 1)


def test_feedback_is_not_reminded(decided):
    complaint = decided(kind=Kind.FEEDBACK)
    assert complaint.answer_reminder_due_at is None
    assert unanswered_sweep(now=CLOSE_AT).total == 0


def test_staff_may_close_with_no_answer_themselves(decided, representative, outsider):
    complaint = decided()
    with pytest.raises(PermissionDenied):
        complaint_transition(
            complaint=complaint,
            to=Stage.CLOSED,
            actor=outsider,
            fields={"customer_answer": Answer.NO_ANSWER},
        )
    complaint_transition(
        complaint=complaint,
        to=Stage.CLOSED,
        actor=representative,
        fields={"customer_answer": Answer.NO_ANSWER},
    )
    assert fresh(complaint).customer_answer == Answer.NO_ANSWER


def test_no_answer_is_not_an_answer_a_customer_gives(decided):
    complaint = decided()
    with pytest.raises(GuardFailed):
        complaint_record_answer(complaint=complaint, answer=Answer.NO_ANSWER, channel="email")


def test_the_periodic_task_is_scheduled_and_safe_to_run_twice(clock, decided):
    schedule = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert "sla.tasks.unanswered_sweep" in schedule
    complaint = decided()
    clock.set(REMIND_AT)

    tasks.unanswered_sweep.delay()
    tasks.unanswered_sweep.delay()

    assert len(reminders(complaint)) == 1


def test_the_sweep_command_reminds_and_closes_too(decided):
    complaint = decided()
    out = StringIO()
    call_command("sla_sweep", "--now", REMIND_AT.isoformat(), stdout=out)
    call_command("sla_sweep", "--now", REMIND_AT.isoformat(), stdout=out)
    assert f"{REMINDED}: 1" in out.getvalue()
    assert len(reminders(complaint)) == 1
