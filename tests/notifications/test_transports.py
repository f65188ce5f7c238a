"""The transports, keyed by medium (issue 14, item 4): the sender asks the
registry, each transport registers itself, tests inject through it."""

from __future__ import annotations

import pytest

from notifications import transports
from notifications.email import EmailNoticeTransport
from notifications.errors import TemporaryDeliveryError
from notifications.models import Medium, Notification, Status
from notifications.sms import SMSNoticeTransport
from notifications.transports import transport_for, transports_override
from tests.factories import make_complaint

pytestmark = pytest.mark.django_db


class Recording:
    def __init__(self) -> None:
        self.delivered: list[Notification] = []

    def deliver(self, notification: Notification) -> str:
        self.delivered.append(notification)
        return f"recorded-{notification.pk}"


def test_every_medium_has_the_transport_that_registered_itself():
    assert set(transports.transports_registered()) == set(Medium.values)
    assert isinstance(transport_for(Medium.EMAIL), EmailNoticeTransport)
    assert isinstance(transport_for(Medium.SMS), SMSNoticeTransport)


def test_an_override_applies_inside_its_block_only():
    fake = Recording()
    with transports_override(sms=fake):
        assert transport_for(Medium.SMS) is fake
        assert isinstance(transport_for(Medium.EMAIL), EmailNoticeTransport)
        inner = Recording()
        with transports_override(sms=inner):
            assert transport_for(Medium.SMS) is inner
        assert transport_for(Medium.SMS) is fake
    assert isinstance(transport_for(Medium.SMS), SMSNoticeTransport)


def test_the_sender_hands_each_notice_to_its_mediums_transport(
    mailoutbox, sms_outbox, django_capture_on_commit_callbacks
):
    email, sms = Recording(), Recording()
    with (
        transports_override(email=email, sms=sms),
        django_capture_on_commit_callbacks(execute=True),
    ):
        by_email = make_complaint(email="a@example.com")
        by_sms = make_complaint(email="", phone="0532 123 45 67")

    assert [n.complaint_id for n in email.delivered] == [by_email.pk]
    assert [n.complaint_id for n in sms.delivered] == [by_sms.pk]
    assert mailoutbox == [] and sms_outbox == []
    notice = Notification.objects.get(complaint=by_sms)
    assert notice.status == Status.SENT and notice.provider_message_id == f"recorded-{notice.pk}"


def test_a_medium_without_a_transport_fails_its_notice_for_good(
    monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.delitem(transports._REGISTERED, Medium.SMS)
    with django_capture_on_commit_callbacks(execute=True):
        complaint = make_complaint(email="", phone="0532 123 45 67")

    notice = Notification.objects.get(complaint=complaint)
    assert notice.status == Status.FAILED and notice.attempts == 1
    assert "no transport" in notice.last_error


def test_an_sms_backend_that_breaks_its_contract_is_a_temporary_failure(settings):
    settings.SMS_BACKEND = "tests.notifications.test_transports.ExplodingBackend"
    complaint = make_complaint(email="", phone="0532 123 45 67")
    notice = Notification.objects.get(complaint=complaint)

    with pytest.raises(TemporaryDeliveryError, match="KeyError"):
        SMSNoticeTransport().deliver(notice)


class ExplodingBackend:
    def __init__(self, **kwargs: object) -> None:
        pass

    def send(self, **kwargs: object) -> str:
        raise KeyError("sid")
