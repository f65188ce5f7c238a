"""Every e-mail carries a Message-ID derived from its notice, the same on every
attempt, so a copy sent again after a crash is recognised as the same message
by receiving systems that de-duplicate by Message-ID."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from notifications import services
from notifications.email import notice_message_id
from notifications.models import Notification, Status
from tests.factories import make_complaint

pytestmark = pytest.mark.django_db


def _crash_before_marking_sent(notice: Notification) -> None:
    """As if the worker died after the provider took the e-mail: the row is
    left claimed, and its claim is older than the lease."""
    Notification.objects.filter(pk=notice.pk).update(
        status=Status.SENDING,
        sent_at=None,
        claimed_at=timezone.now() - timedelta(hours=1),
        claim_token="00000000-0000-0000-0000-000000000001",
    )


def test_the_email_carries_the_message_id_of_its_notice(smtp, submit):
    submit()
    notice = Notification.objects.get()
    (message,) = smtp.messages
    assert message["Message-ID"] == notice_message_id(notice)
    assert notice.provider_message_id == notice_message_id(notice)
    assert re.fullmatch(r"<notice\.[0-9a-f]{32}@keyinternet\.com\.tr>", message["Message-ID"])


def test_a_copy_sent_again_after_a_crash_has_the_same_message_id(smtp, submit):
    submit()
    notice = Notification.objects.get()
    _crash_before_marking_sent(notice)

    assert services.notification_send(notification_id=notice.pk).result == "sent"

    first, second = smtp.messages
    assert first["Message-ID"] == second["Message-ID"] == notice_message_id(notice)


def test_a_retry_after_a_temporary_failure_keeps_the_message_id(smtp, submit):
    smtp.refuse_temporarily.add("ayse@example.com")
    submit()
    notice = Notification.objects.get()
    assert notice.status == Status.PENDING and smtp.messages == []

    smtp.refuse_temporarily.clear()
    Notification.objects.filter(pk=notice.pk).update(next_attempt_at=timezone.now())
    assert services.notification_send(notification_id=notice.pk).result == "sent"
    (message,) = smtp.messages
    assert message["Message-ID"] == notice_message_id(notice)


def test_each_notice_has_its_own_message_id_that_does_not_show_the_row_id(submit):
    submit(email="a@example.com")
    submit(email="b@example.com")
    first, second = Notification.objects.order_by("pk")
    assert notice_message_id(first) != notice_message_id(second)
    assert notice_message_id(first) == notice_message_id(Notification.objects.get(pk=first.pk))
    assert f".{first.pk}@" not in notice_message_id(first)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_lost_database_connection_after_the_provider_accepted_does_not_send_twice(
    smtp, monkeypatch, django_capture_on_commit_callbacks
):
    # The commonest crash in the window: the database connection dropped while
    # the provider was busy (an idle timeout, a fail-over). Marking the row sent
    # is tried again on a new connection instead of leaving it for the lease.
    monkeypatch.setattr(services, "notification_enqueue", lambda **kwargs: True)
    make_complaint()
    notice = Notification.objects.get()
    real_mark_sent = services._mark_sent
    calls: list[int] = []

    def flaky_mark_sent(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real_mark_sent(*args, **kwargs)

    monkeypatch.setattr(services, "_mark_sent", flaky_mark_sent)

    assert services.notification_send(notification_id=notice.pk).result == "sent"
    notice.refresh_from_db()
    assert notice.status == Status.SENT and len(smtp.messages) == 1 and len(calls) == 2
