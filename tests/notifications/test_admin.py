"""Staff see each complaint's notices and their delivery status, and can send
a failed one again."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from notifications.errors import PermanentDeliveryError
from notifications.models import Notification, Status
from notifications.services import notification_send
from notifications.transports import transports_override

pytestmark = pytest.mark.django_db


def _complaint_url(complaint) -> str:
    return reverse("admin:complaints_complaint_change", args=[complaint.pk])


def _retry_url(notice) -> str:
    return reverse("admin:notifications_notification_retry", args=[notice.pk])


@pytest.fixture
def failed(submit):
    """A complaint whose acknowledgement could not be delivered (address refused)."""

    class Refusing:
        def deliver(self, notification):
            raise PermanentDeliveryError("550 5.1.1 No such user here")

    with transports_override(email=Refusing()):
        complaint = submit()
    notice = Notification.objects.get(complaint=complaint)
    assert notice.status == Status.FAILED
    return complaint, notice


def test_the_complaint_page_lists_its_notices_with_their_status(client, agent, submit):
    complaint = submit()
    client.force_login(agent)

    page = client.get(_complaint_url(complaint)).content.decode()

    assert "ayse@example.com" in page
    assert str(Notification.Kind.ACKNOWLEDGEMENT.label) in page
    assert str(Status.SENT.label) in page
    assert _retry_url(Notification.objects.get()) not in page  # nothing to retry


def test_a_failed_notice_shows_its_error_and_a_retry_button(client, agent, failed):
    complaint, notice = failed
    client.force_login(agent)

    page = client.get(_complaint_url(complaint)).content.decode()

    assert "550 5.1.1 No such user here" in page
    assert f'formaction="{_retry_url(notice)}"' in page
    assert 'formmethod="post"' in page


def test_retrying_a_failed_notice_sends_it(
    client, agent, failed, mailoutbox, django_capture_on_commit_callbacks
):
    complaint, notice = failed
    client.force_login(agent)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_retry_url(notice), HTTP_REFERER=_complaint_url(complaint))

    assert response.status_code == 302
    assert response["Location"].endswith(_complaint_url(complaint))
    notice.refresh_from_db()
    assert notice.status == Status.SENT
    assert len(mailoutbox) == 1
    retried = complaint.events.get(action="notifications.notice.retried")
    assert retried.actor == agent
    complaint.refresh_from_db()
    assert complaint.stage == "acknowledged"


def test_retry_is_a_post(client, agent, failed):
    _, notice = failed
    client.force_login(agent)

    assert client.get(_retry_url(notice)).status_code == 405
    notice.refresh_from_db()
    assert notice.status == Status.FAILED


def test_a_user_without_the_permission_cannot_retry(client, outsider, failed):
    _complaint, notice = failed
    client.force_login(outsider)

    assert client.post(_retry_url(notice)).status_code == 403
    notice.refresh_from_db()
    assert notice.status == Status.FAILED


def test_a_notice_that_has_not_failed_is_left_alone(client, agent, submit):
    submit()
    notice = Notification.objects.get()
    client.force_login(agent)

    client.post(_retry_url(notice))

    notice.refresh_from_db()
    assert notice.status == Status.SENT and notice.attempts == 1


def test_the_notices_list_retries_failed_ones_in_bulk(
    client, representative, failed, mailoutbox, django_capture_on_commit_callbacks
):
    _, notice = failed
    client.force_login(representative)
    changelist = reverse("admin:notifications_notification_changelist")
    assert client.get(changelist).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            changelist, {"action": "retry_failed", "_selected_action": [notice.pk]}
        )

    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == Status.SENT


def test_the_notice_page_offers_retry_when_failed(client, manager, failed):
    _, notice = failed
    client.force_login(manager)

    page = client.get(reverse("admin:notifications_notification_change", args=[notice.pk]))

    assert page.status_code == 200
    assert _retry_url(notice) in page.content.decode()


def test_staff_outside_the_groups_do_not_see_notices(client, outsider, submit):
    submit()
    client.force_login(outsider)

    assert client.get(reverse("admin:notifications_notification_changelist")).status_code == 403


def test_retrying_twice_queues_one_send(client, agent, failed, mailoutbox):
    _, notice = failed
    client.force_login(agent)

    client.post(_retry_url(notice))
    client.post(_retry_url(notice))
    assert notification_send(notification_id=notice.pk).result == "sent"
    assert notification_send(notification_id=notice.pk).result == "skipped"
    assert len(mailoutbox) == 1


def test_the_retry_permission_needs_an_active_staff_account(failed):
    from django.core.exceptions import PermissionDenied

    from notifications.services import notification_retry
    from tests.factories import UserFactory

    _, notice = failed
    demoted: Any = UserFactory(username="demoted", groups=["Agent"], is_staff=False)
    assert demoted.has_perm("notifications.retry_notification")  # the group still grants it

    with pytest.raises(PermissionDenied):
        notification_retry(notification=notice, actor=demoted)
    notice.refresh_from_db()
    assert notice.status == Status.FAILED
