"""SLA events written by the sweep (sla.*.at_risk / breached) are escalated by
e-mail to the assignee and to the active managers."""

from __future__ import annotations

import pytest
from django.utils import timezone

from complaints.models import Stage
from complaints.services import event_record
from notifications.models import Notification
from tests.factories import UserFactory, make_complaint
from tests.helpers import advance

pytestmark = pytest.mark.django_db


@pytest.fixture
def assigned(representative, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = advance(make_complaint(), Stage.IN_ANALYSIS, representative)
    mailoutbox.clear()
    return complaint


def _sla_event(complaint, action, capture, **data):
    with capture(execute=True):
        return event_record(complaint=complaint, action=action, data=data)


@pytest.mark.parametrize(
    ("action", "words"),
    [
        ("sla.ack.at_risk", "alındı bildirimi"),
        ("sla.ack.breached", "AŞILDI"),
        ("sla.resolution.at_risk", "dolmak üzere"),
        ("sla.resolution.breached", "çözüm önerisi"),
    ],
)
def test_each_sla_event_is_escalated_to_the_assignee_and_the_managers(
    assigned, manager, representative, mailoutbox, django_capture_on_commit_callbacks, action, words
):
    due = timezone.now()
    _sla_event(assigned, action, django_capture_on_commit_callbacks, due_at=due.isoformat())

    assert sorted(m.to[0] for m in mailoutbox) == sorted([manager.email, representative.email])
    message = mailoutbox[0]
    assert assigned.tracking_number in message.subject
    assert words in message.subject + message.body
    assert f"/admin/complaints/complaint/{assigned.pk}/change/" in message.body
    assert timezone.localtime(due).strftime("%H:%M") in message.body
    assert set(Notification.objects.filter(kind="escalation").values_list("status", flat=True)) == {
        "sent"
    }


def test_inactive_managers_and_those_without_an_address_are_left_out(
    assigned, representative, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(username="gone", groups=["Manager"], is_active=False)
    UserFactory(username="noaddress", groups=["Manager"], email="")
    active = UserFactory(username="boss", groups=["Manager"])

    _sla_event(assigned, "sla.resolution.breached", django_capture_on_commit_callbacks)

    assert sorted(m.to[0] for m in mailoutbox) == sorted([representative.email, active.email])


def test_an_assignee_who_is_also_a_manager_gets_one_mail(
    mailoutbox, django_capture_on_commit_callbacks
):
    boss = UserFactory(username="repboss", groups=["Representative", "Manager"])
    with django_capture_on_commit_callbacks(execute=True):
        complaint = advance(make_complaint(), Stage.TRACKING, boss)
    mailoutbox.clear()

    _sla_event(complaint, "sla.resolution.at_risk", django_capture_on_commit_callbacks)

    assert [m.to for m in mailoutbox] == [[boss.email]]


def test_a_breach_recorded_after_the_target_was_met_late_is_not_escalated(
    assigned, manager, mailoutbox, django_capture_on_commit_callbacks
):
    now = timezone.now().isoformat()
    _sla_event(
        assigned, "sla.ack.breached", django_capture_on_commit_callbacks, due_at=now, met_at=now
    )

    assert mailoutbox == []


def test_the_escalation_is_sent_once_even_if_the_sweep_event_is_handled_twice(
    assigned, manager, mailoutbox, django_capture_on_commit_callbacks
):
    from complaints.models import Complaint
    from complaints.signals import complaint_event

    event = _sla_event(assigned, "sla.resolution.breached", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        complaint_event.send(sender=Complaint, event=event, complaint=assigned)

    assert len(mailoutbox) == 2  # the representative and the manager, once each
