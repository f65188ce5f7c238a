"""Issue 10, item 5: acknowledgement on delivery.

A bounce or failure reported after the acknowledgement notice was counted as
sent un-meets the acknowledgement target (with a history row) and asks staff,
once per failed notice, to acknowledge by phone; a later acknowledgement (by
phone, in person, the notice sent again) meets it again; out-of-order and
duplicated reports never flip it twice; the dashboard shows the target by
channel (met / not met / undelivered)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from anymail.signals import AnymailTrackingEvent, tracking
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient
from twilio.request_validator import RequestValidator

from complaints.models import Channel, Complaint, ComplaintEvent, Stage
from complaints.services import (
    GuardFailed,
    complaint_acknowledgement_give,
    complaint_assign,
    complaint_transition,
)
from notifications.models import Kind, Notification, Status
from notifications.services import notification_retry, notification_send
from sla.closure_figures import closure_figures_get
from sla.statistics import DashboardFilters
from tests.factories import UserFactory, category, make_complaint

from .conftest import TWILIO_TOKEN

pytestmark = pytest.mark.django_db

CALLBACK = "https://sikayet.keyinternet.com.tr/notices/twilio/status/"


def fresh(complaint: Complaint) -> Complaint:
    return Complaint.objects.get(pk=complaint.pk)


def track(notice: Notification, event_type: str, description: str = "") -> None:
    event = AnymailTrackingEvent(
        event_type=event_type, message_id=notice.provider_message_id, description=description
    )
    tracking.send(sender=object, event=event, esp_name="TestESP")


def actions(complaint: Complaint, prefix: str = "") -> list[str]:
    return [
        a
        for a in ComplaintEvent.objects.filter(complaint=complaint)
        .order_by("id")
        .values_list("action", flat=True)
        if a.startswith(prefix)
    ]


def alerts(complaint: Complaint) -> list[Notification]:
    return list(
        Notification.objects.filter(complaint=complaint, kind=Kind.ACK_UNDELIVERED).order_by("id")
    )


@pytest.fixture
def acknowledged(submit):
    """A web complaint whose acknowledgement notice went out by e-mail (and so
    moved it to `acknowledged` and met the target)."""

    def run(**fields) -> tuple[Complaint, Notification]:
        complaint = submit(**fields)
        notice = Notification.objects.get(complaint=complaint, kind=Kind.ACKNOWLEDGEMENT)
        assert notice.status == Status.SENT
        complaint = fresh(complaint)
        assert complaint.stage == Stage.ACKNOWLEDGED and complaint.ack_met_at is not None
        return complaint, notice

    return run


def test_a_bounce_after_the_acknowledgement_was_counted_un_meets_the_target(acknowledged):
    complaint, notice = acknowledged()
    met_at = complaint.ack_met_at

    track(notice, "bounced", "mailbox does not exist")

    complaint = fresh(complaint)
    assert complaint.ack_met_at is None
    assert complaint.ack_business_seconds is None
    assert complaint.ack_undelivered_at is not None
    assert complaint.stage == Stage.ACKNOWLEDGED  # the process does not go back
    row = ComplaintEvent.objects.get(complaint=complaint, action="sla.ack.undelivered")
    assert row.data["notification"] == notice.pk
    assert row.data["delivery_status"] == "bounced"
    assert (
        row.data["met_at"][:16]
        == met_at.astimezone(timezone.get_current_timezone()).isoformat()[:16]
    )
    assert actions(complaint).count("complaints.acknowledgement.undelivered") == 1


def test_the_representative_group_is_asked_to_call_while_nobody_is_assigned(
    acknowledged, representative, agent
):
    other = UserFactory(username="rep2", groups=["Representative"])
    complaint, notice = acknowledged(phone="0532 123 45 67")

    track(notice, "bounced")

    assert sorted(n.recipient for n in alerts(complaint)) == sorted(
        [representative.email, other.email]
    )
    alert = alerts(complaint)[0]
    assert alert.channel == "email" and alert.recipient_user is not None
    notification_send(notification_id=alert.pk)
    alert.refresh_from_db()
    assert alert.status == Status.SENT
    assert complaint.tracking_number in alert.subject
    assert "+905321234567" in alert.body_text or "0532" in alert.body_text  # who to call
    assert f"/admin/complaints/complaint/{complaint.pk}/change/" in alert.body_text


def test_the_assignee_alone_is_asked_when_there_is_one(acknowledged, representative, agent):
    complaint, notice = acknowledged()
    complaint_transition(
        complaint=complaint,
        to=Stage.CLASSIFIED,
        actor=representative,
        fields={"category": category("financial")},
    )
    complaint_assign(complaint=fresh(complaint), assignee=agent, actor=representative)

    track(notice, "bounced")

    assert [n.recipient_user for n in alerts(complaint)] == [agent]


def test_the_group_asked_is_a_setting(acknowledged, representative, manager, settings):
    settings.NOTIFICATIONS_ACK_UNDELIVERED_GROUP = "Manager"
    complaint, notice = acknowledged()

    track(notice, "bounced")

    assert [n.recipient_user for n in alerts(complaint)] == [manager]


def test_duplicated_and_out_of_order_reports_flip_it_once(acknowledged, representative):
    complaint, notice = acknowledged()

    track(notice, "bounced")
    track(notice, "bounced")  # the webhook delivered twice
    track(notice, "delivered")  # arrives late: ranks below a bounce, ignored
    track(notice, "failed")  # another failure word for the same message

    complaint = fresh(complaint)
    assert complaint.ack_met_at is None
    assert actions(complaint, "sla.ack.") == ["sla.ack.undelivered"]
    assert actions(complaint).count("complaints.acknowledgement.undelivered") == 1
    assert len(alerts(complaint)) == 1
    notice.refresh_from_db()
    assert notice.status == Status.FAILED


def test_a_bounce_after_delivered_still_un_meets_it_once(acknowledged, representative):
    complaint, notice = acknowledged()

    track(notice, "delivered")
    assert fresh(complaint).ack_met_at is not None
    track(notice, "bounced")
    track(notice, "delivered")

    assert fresh(complaint).ack_met_at is None
    assert actions(complaint, "sla.ack.") == ["sla.ack.undelivered"]
    assert len(alerts(complaint)) == 1


def test_delivered_reports_alone_change_nothing(acknowledged, representative):
    complaint, notice = acknowledged()
    met_at = complaint.ack_met_at

    track(notice, "delivered")
    track(notice, "opened")

    assert fresh(complaint).ack_met_at == met_at
    assert alerts(complaint) == []


def test_an_acknowledgement_by_phone_meets_it_again(acknowledged, representative):
    complaint, notice = acknowledged()
    track(notice, "bounced")

    complaint_acknowledgement_give(complaint=complaint, channel=Channel.PHONE, actor=representative)

    complaint = fresh(complaint)
    assert complaint.ack_met_at is not None
    assert complaint.ack_business_seconds is not None
    assert complaint.ack_undelivered_at is not None  # kept: the dashboard tells them apart
    assert actions(complaint, "sla.ack.") == ["sla.ack.undelivered", "sla.ack.met_again"]
    # A late duplicate of the old report changes nothing now.
    track(notice, "bounced")
    assert fresh(complaint).ack_met_at == complaint.ack_met_at


def test_the_notice_sent_again_meets_it_again_and_a_second_bounce_un_meets_it_again(
    acknowledged, representative, mailoutbox
):
    complaint, notice = acknowledged()
    track(notice, "bounced")

    assert notification_retry(notification=notice, actor=representative)
    notification_send(notification_id=notice.pk)

    notice.refresh_from_db()
    assert notice.status == Status.SENT and notice.delivery_status == ""
    assert fresh(complaint).ack_met_at is not None
    assert actions(complaint, "sla.ack.") == ["sla.ack.undelivered", "sla.ack.met_again"]

    track(notice, "bounced")  # the new send bounced too: a new failed notice
    assert fresh(complaint).ack_met_at is None
    assert len(alerts(complaint)) == 2


def test_an_acknowledgement_staff_gave_themselves_is_not_undone_by_a_bounce(
    representative, django_capture_on_commit_callbacks
):
    # Staff acknowledged on the phone before the worker sent the notice.
    complaint = make_complaint()
    complaint_transition(complaint=complaint, to=Stage.ACKNOWLEDGED, actor=representative)
    met_at = fresh(complaint).ack_met_at
    notice = Notification.objects.get(complaint=complaint, kind=Kind.ACKNOWLEDGEMENT)
    notification_send(notification_id=notice.pk)
    notice.refresh_from_db()

    track(notice, "bounced")

    notice.refresh_from_db()
    assert notice.status == Status.FAILED  # the notice itself failed, for staff to see
    assert fresh(complaint).ack_met_at == met_at
    assert "complaints.acknowledgement.undelivered" not in actions(complaint)
    assert alerts(complaint) == []


def _signed_post(client: Client, params: dict):
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(CALLBACK, params)
    return client.post("/notices/twilio/status/", params, HTTP_X_TWILIO_SIGNATURE=signature)


def test_an_undelivered_sms_acknowledgement_un_meets_it_once(
    submit, twilio, client, representative
):
    complaint = submit(email="", phone="0532 123 45 67")
    notice = Notification.objects.get(complaint=complaint, kind=Kind.ACKNOWLEDGEMENT)
    assert fresh(complaint).ack_met_at is not None
    params = {"MessageSid": notice.provider_message_id, "MessageStatus": "undelivered"}

    assert _signed_post(client, {**params, "ErrorCode": "30003"}).status_code == 204
    assert _signed_post(client, {**params, "ErrorCode": "30003"}).status_code == 204
    assert (
        _signed_post(
            client, {"MessageSid": notice.provider_message_id, "MessageStatus": "delivered"}
        ).status_code
        == 204
    )

    assert fresh(complaint).ack_met_at is None
    assert actions(complaint, "sla.ack.") == ["sla.ack.undelivered"]
    assert len(alerts(complaint)) == 1


def test_only_staff_who_may_acknowledge_record_it_and_only_by_phone_or_in_person(
    acknowledged, outsider, representative
):
    complaint, notice = acknowledged()
    track(notice, "bounced")

    with pytest.raises(PermissionDenied):
        complaint_acknowledgement_give(complaint=complaint, channel=Channel.PHONE, actor=outsider)
    with pytest.raises(GuardFailed):
        complaint_acknowledgement_give(
            complaint=complaint, channel=Channel.EMAIL, actor=representative
        )
    assert fresh(complaint).ack_met_at is None


def test_a_received_complaint_acknowledged_by_phone_takes_the_acknowledged_step(representative):
    complaint = make_complaint()

    complaint_acknowledgement_give(
        complaint=complaint, channel=Channel.IN_PERSON, actor=representative
    )

    complaint = fresh(complaint)
    assert complaint.stage == Stage.ACKNOWLEDGED and complaint.ack_met_at is not None


def test_the_admin_page_offers_the_acknowledgement_and_records_it(
    acknowledged, representative, outsider
):
    complaint, notice = acknowledged()
    client = Client()
    client.force_login(representative)
    page = f"/admin/complaints/complaint/{complaint.pk}/change/"
    assert b'id="acknowledge"' not in client.get(page).content  # met: nothing to do
    track(notice, "bounced")
    assert b'id="acknowledge"' in client.get(page).content

    response = client.post(
        f"/admin/complaints/complaint/{complaint.pk}/acknowledge/", {"channel": "phone"}
    )

    assert response.status_code == 302
    assert fresh(complaint).ack_met_at is not None
    assert b'id="acknowledge"' not in client.get(page).content


def test_the_admin_refuses_a_user_without_the_permission(acknowledged, outsider):
    complaint, notice = acknowledged()
    track(notice, "bounced")
    Group.objects.get(name="Manager").user_set.add(outsider)  # may view, not acknowledge
    client = Client()
    client.force_login(outsider)

    client.post(f"/admin/complaints/complaint/{complaint.pk}/acknowledge/", {"channel": "phone"})

    assert fresh(complaint).ack_met_at is None


def test_the_api_records_it_and_refuses_without_the_permission(
    acknowledged, representative, manager
):
    complaint, notice = acknowledged()
    track(notice, "bounced")
    url = f"/api/v1/complaints/{complaint.pk}/acknowledgements/"
    api = APIClient()

    api.force_authenticate(manager)
    assert api.post(url, {"channel": "phone"}, format="json").status_code == 403
    api.force_authenticate(representative)
    assert api.post(url, {"channel": "email"}, format="json").status_code == 400
    response = api.post(url, {"channel": "phone", "note": "Aradım."}, format="json")

    assert response.status_code == 201
    assert fresh(complaint).ack_met_at is not None


def test_the_dashboard_shows_the_acknowledgement_by_channel(
    acknowledged, submit, representative, client, manager
):
    _bounced, notice = acknowledged()
    track(notice, "bounced")
    again, notice2 = acknowledged(email="mehmet@example.com")
    track(notice2, "bounced")
    complaint_acknowledgement_give(complaint=again, channel=Channel.PHONE, actor=representative)
    acknowledged(email="zeynep@example.com")  # met, delivered
    make_complaint(channel=Channel.EMAIL, email="ali@example.com")  # not sent yet: not met
    today = timezone.localdate()

    figures = closure_figures_get(
        filters=DashboardFilters(date_from=today - timedelta(days=1), date_to=today),
        now=timezone.now(),
    )

    web = next(row for row in figures.channels if row.channel == Channel.WEB)
    email = next(row for row in figures.channels if row.channel == Channel.EMAIL)
    assert (web.ack_met, web.ack_met_again, web.ack_not_met, web.ack_undelivered) == (2, 1, 0, 1)
    assert (email.ack_met, email.ack_not_met, email.ack_undelivered) == (0, 1, 0)
    client.force_login(manager)
    page = client.get("/dashboard/").content.decode()
    assert 'id="acknowledgement-by-channel"' in page


def test_a_bounce_of_another_notice_leaves_the_acknowledgement_alone(acknowledged, representative):
    complaint, notice = acknowledged()
    Notification.objects.filter(pk=notice.pk).update(kind=Kind.CLOSURE)  # not the acknowledgement

    track(notice, "bounced")

    assert fresh(complaint).ack_met_at is not None
    assert alerts(complaint) == []
