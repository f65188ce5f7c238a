"""Action codes are declared once (issue 14, item 3): start-up refuses a
reaction keyed on a code nobody declared, every code any app writes over a
complaint's whole life is declared, and escalations follow the declared flag,
not a list of sla's names."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured

from complaints import codes as complaint_codes
from complaints import history
from complaints.history import ActionCode, action_label, code_is_declared
from complaints.models import Complaint, ComplaintEvent, MessageAuthor, Priority, Stage
from complaints.services import (
    complaint_message_add,
    complaint_reprioritize,
    event_record,
)
from complaints.signals import complaint_event, reactions_connect
from notifications import codes, handlers
from notifications.answers import answer_token_make, decision_answer_record
from notifications.delivery import notification_record_delivery
from notifications.errors import PermanentDeliveryError
from notifications.models import Notification, Status
from notifications.services import notification_retry
from notifications.transports import transports_override
from sla.services import sla_sweep
from tests.factories import make_complaint
from tests.helpers import advance

pytestmark = pytest.mark.django_db


def _noop(complaint: Complaint, event: ComplaintEvent) -> None:
    pass


def test_start_up_refuses_a_reaction_keyed_on_an_unknown_code():
    with pytest.raises(ImproperlyConfigured, match=r"notifications\.notice\.snet"):
        reactions_connect(
            app="notifications-misspelt",
            reactions={codes.NOTICE_SENT: _noop, "notifications.notice.snet": _noop},
        )

    # Nothing of the refused table was connected.
    assert not any("notifications-misspelt" in str(key) for key, *_ in complaint_event.receivers)


def test_every_code_notifications_reacts_to_or_writes_is_declared_with_a_label():
    assert set(handlers.REACTIONS) == {
        complaint_codes.RECEIVED,
        complaint_codes.DECISION_NOTIFIED,
        complaint_codes.CLOSED,
        complaint_codes.REOPENED,
        complaint_codes.CUSTOMER_INVITED,
        complaint_codes.STAFF_ALERTED,
        complaint_codes.MESSAGE_FROM_STAFF,
        complaint_codes.DECISION_REMINDER,
        complaint_codes.ACKNOWLEDGEMENT_UNDELIVERED,
        complaint_codes.CLASSIFIED,
    }
    for code in (
        *handlers.REACTIONS,
        codes.NOTICE_SENT,
        codes.NOTICE_FAILED,
        codes.NOTICE_RETRIED,
        codes.NOTICE_UNDELIVERED,
    ):
        assert code_is_declared(code), code
        assert action_label(code) != code, f"{code} has no label"


class Refusing:
    def deliver(self, notification: Notification) -> str:
        raise PermanentDeliveryError("550 5.1.1 No such user here")


def _lifecycle(representative, agent, capture) -> None:
    """Two complaints through everything that writes history: intake, the
    acknowledgement notice, classification and follow-up, priority changes,
    messages, the SLA sweep with its escalations, a rejected then an accepted
    decision through the notice's links, a refused notice retried by staff and
    a bounce reported afterwards."""
    with capture(execute=True):
        happy = make_complaint(email="happy@example.com")
    assert Complaint.objects.get(pk=happy.pk).stage == Stage.ACKNOWLEDGED
    with capture(execute=True):
        happy = advance(Complaint.objects.get(pk=happy.pk), Stage.TRACKING, representative)
        happy = complaint_reprioritize(
            complaint=happy,
            priority=Priority.HIGH,
            reason="Hat tamamen kesik.",
            actor=representative,
        )
        complaint_message_add(
            complaint=happy,
            body="Bilgi?",
            author_kind=MessageAuthor.STAFF,
            channel="email",
            actor=agent,
        )
        complaint_message_add(
            complaint=happy,
            body="Not.",
            author_kind=MessageAuthor.STAFF,
            channel="email",
            actor=agent,
            internal=True,
        )
        complaint_message_add(
            complaint=happy,
            body="Hâlâ kesik.",
            author_kind=MessageAuthor.CUSTOMER,
            channel="email",
        )
        happy = Complaint.objects.get(pk=happy.pk)
        assert happy.resolution_due_at is not None and happy.resolution_at_risk_after is not None
        sla_sweep(now=happy.resolution_at_risk_after + timedelta(seconds=1))
        sla_sweep(now=happy.resolution_due_at + timedelta(seconds=1))
        happy = advance(happy, Stage.DECISION_NOTIFIED, representative)
    notice = Notification.objects.filter(complaint=happy, kind="decision").latest("pk")
    with capture(execute=True):
        decision_answer_record(
            token=answer_token_make(notification=notice), answer="rejected", reason="Olmadı."
        )
        happy = advance(Complaint.objects.get(pk=happy.pk), Stage.DECISION_NOTIFIED, agent)
    notice = Notification.objects.filter(complaint=happy, kind="decision").latest("pk")
    with capture(execute=True):
        decision_answer_record(token=answer_token_make(notification=notice), answer="accepted")
    assert Complaint.objects.get(pk=happy.pk).stage == Stage.CLOSED

    with transports_override(email=Refusing()), capture(execute=True):
        refused = make_complaint(email="refused@example.com")
    refused = Complaint.objects.get(pk=refused.pk)
    assert refused.stage == Stage.RECEIVED
    assert refused.ack_at_risk_after is not None and refused.ack_due_at is not None
    with capture(execute=True):
        sla_sweep(now=refused.ack_at_risk_after + timedelta(seconds=1))
        sla_sweep(now=refused.ack_due_at + timedelta(seconds=1))
    ack = Notification.objects.get(complaint=refused, kind="acknowledgement")
    with capture(execute=True):
        assert notification_retry(notification=ack, actor=agent)
    ack.refresh_from_db()
    assert ack.status == Status.SENT
    notification_record_delivery(
        channel="email", provider_message_id=ack.provider_message_id, status="bounced"
    )


def test_every_code_written_over_a_whole_life_is_declared(
    representative, agent, manager, django_capture_on_commit_callbacks
):
    _lifecycle(representative, agent, django_capture_on_commit_callbacks)

    written = set(ComplaintEvent.objects.values_list("action", flat=True))
    undeclared = sorted(code for code in written if not code_is_declared(code))
    assert undeclared == []
    # The life above did reach every app's codes (or the check proves little).
    assert {
        complaint_codes.RECEIVED,
        complaint_codes.ACKNOWLEDGEMENT_SENT,
        complaint_codes.ACKNOWLEDGED,
        complaint_codes.REPRIORITIZED,
        complaint_codes.MESSAGE_FROM_STAFF,
        complaint_codes.INTERNAL_NOTE,
        complaint_codes.MESSAGE_FROM_CUSTOMER,
        complaint_codes.REOPENED,
        complaint_codes.CLOSED,
        "sla.ack.at_risk",
        "sla.ack.breached",
        "sla.resolution.at_risk",
        "sla.resolution.breached",
        codes.NOTICE_SENT,
        codes.NOTICE_FAILED,
        codes.NOTICE_RETRIED,
        codes.NOTICE_UNDELIVERED,
    } <= written
    assert Notification.objects.filter(kind="escalation", status=Status.SENT).exists()


@pytest.fixture
def assigned(representative, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return advance(make_complaint(), Stage.IN_ANALYSIS, representative)


def test_a_code_declared_as_an_escalation_tells_the_assignee_and_the_managers(
    assigned, representative, manager, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    # A code of an app notifications has never heard of, flagged as an escalation.
    code = "elsewhere.deadline.missed"
    monkeypatch.setitem(history._CODES, code, ActionCode(code, "Missed", escalation=True))
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        event_record(complaint=assigned, action=code)

    escalations = Notification.objects.filter(complaint=assigned, kind="escalation")
    assert sorted(escalations.values_list("recipient", flat=True)) == sorted(
        [representative.email, manager.email]
    )
    assert len(mailoutbox) == 2


def test_a_code_declared_without_the_flag_tells_nobody(
    assigned, manager, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    code = "elsewhere.deadline.noted"
    monkeypatch.setitem(history._CODES, code, ActionCode(code, "Noted"))
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        event_record(complaint=assigned, action=code)

    assert not Notification.objects.filter(kind="escalation").exists()
    assert mailoutbox == []


def test_sla_escalates_through_the_flag_it_declares(
    assigned, manager, monkeypatch, django_capture_on_commit_callbacks
):
    # The same sla code, declared without the flag, escalates no more: nothing
    # in notifications names it.
    code = "sla.resolution.breached"
    monkeypatch.setitem(history._CODES, code, ActionCode(code, "Breached", escalation=False))

    with django_capture_on_commit_callbacks(execute=True):
        event_record(complaint=assigned, action=code)

    assert not Notification.objects.filter(kind="escalation").exists()
