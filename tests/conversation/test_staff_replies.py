"""Item 1: a staff reply reaches the customer (e-mail, else SMS) through the
outbox, exactly once; internal notes never leave; staff see each message's
delivery state in the admin and the API."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from complaints.models import ComplaintMessage, MessageAuthor
from complaints.services import complaint_message_add
from notifications import segments
from notifications.delivery import notification_record_delivery
from notifications.models import Notification
from notifications.services import notification_send
from notifications.tasks import notifications_requeue_pending

from .conftest import SITE_URL, body_of, mails_to

pytestmark = pytest.mark.django_db

REPLY = "Modeminizi uzaktan yeniden başlattık; hat değerlerinizi yarın tekrar ölçeceğiz."


def api(user) -> APIClient:
    token, _ = Token.objects.get_or_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def reply_through_api(committed, user, complaint, body=REPLY, internal=False):
    return committed(
        api(user).post,
        f"/api/v1/complaints/{complaint.pk}/messages/",
        {"body": body, "internal": internal},
        format="json",
    )


def test_a_staff_reply_reaches_the_customer_by_email_exactly_once(
    smtp, committed, complaint_in, representative
):
    complaint = complaint_in()
    before = len(mails_to(smtp, complaint.contact_email))

    response = reply_through_api(committed, representative, complaint)

    assert response.status_code == 201
    replies = mails_to(smtp, complaint.contact_email)[before:]
    assert len(replies) == 1
    assert REPLY in body_of(replies[0])
    assert complaint.tracking_number in str(replies[0]["Subject"])
    notice = Notification.objects.get(complaint=complaint, kind=Notification.Kind.STAFF_REPLY)
    assert notice.status == Notification.Status.SENT
    # Sending the same row again (a task delivered twice, the sweep) sends nothing.
    assert notification_send(notification_id=notice.pk).result == "skipped"
    notifications_requeue_pending()
    assert len(mails_to(smtp, complaint.contact_email)[before:]) == 1


def test_the_reply_email_links_to_the_customers_own_page(smtp, committed, complaint_in, agent):
    complaint = complaint_in()
    reply_through_api(committed, agent, complaint)

    text = body_of(mails_to(smtp, complaint.contact_email)[-1])
    assert f"{SITE_URL}/track/{complaint.tracking_number}/?k=" in text


def test_an_internal_note_never_leaves(smtp, committed, complaint_in, representative, sms_outbox):
    complaint = complaint_in()
    before = len(smtp.messages)

    response = reply_through_api(
        committed, representative, complaint, body="Müşteri ikinci kez aradı.", internal=True
    )

    assert response.status_code == 201
    assert len(smtp.messages) == before
    assert sms_outbox == []
    assert not Notification.objects.filter(kind=Notification.Kind.STAFF_REPLY).exists()
    assert all("ikinci kez" not in body_of(m) for m in smtp.messages)


def test_a_temporary_smtp_refusal_is_retried_until_the_reply_goes(
    smtp, committed, complaint_in, agent
):
    complaint = complaint_in()
    smtp.refuse_temporarily.add(complaint.contact_email)
    reply_through_api(committed, agent, complaint)
    notice = Notification.objects.get(kind=Notification.Kind.STAFF_REPLY)
    assert notice.status == Notification.Status.PENDING
    assert "451" in notice.last_error

    smtp.refuse_temporarily.clear()
    Notification.objects.filter(pk=notice.pk).update(next_attempt_at=notice.created_at)
    assert notification_send(notification_id=notice.pk).result == "sent"
    assert REPLY in body_of(mails_to(smtp, complaint.contact_email)[-1])


def test_without_an_email_the_reply_goes_by_sms_in_two_parts_with_the_page_link(
    committed, complaint_in, agent, sms_outbox
):
    complaint = complaint_in(email="", phone="0532 123 45 67")
    long_reply = (
        REPLY + " " + "Bağlantınızdaki kopmaların nedeni santraldeki bir kart arızası. " * 6
    )

    committed(
        complaint_message_add,
        complaint=complaint,
        body=long_reply,
        author_kind=MessageAuthor.STAFF,
        channel=complaint.channel,
        actor=agent,
    )

    texts = [s.body for s in sms_outbox if s.to == complaint.contact_phone]
    reply = texts[-1]
    assert segments.segments(reply) <= 2, (len(reply), reply)
    assert f"{SITE_URL}/track/{complaint.tracking_number}/?k=" in reply
    assert reply.startswith("Key İnternet") or reply.startswith("Key Internet")
    assert "…" in reply or "..." in reply  # cut to fit; the whole text is on the page


def test_a_short_reply_by_sms_is_sent_whole(committed, complaint_in, agent, sms_outbox):
    complaint = complaint_in(email="", phone="0532 123 45 67")
    committed(
        complaint_message_add,
        complaint=complaint,
        body="Arıza giderildi.",
        author_kind=MessageAuthor.STAFF,
        channel=complaint.channel,
        actor=agent,
    )
    reply = sms_outbox[-1].body
    # With the page's signed link the Turkish letters may be written in GSM-7
    # (notifications.segments.fit) to stay within two parts; the text is whole.
    assert segments.to_gsm7("Arıza giderildi.") in segments.to_gsm7(reply)
    assert "..." not in reply and "…" not in reply
    assert segments.segments(reply) <= 2


def test_the_staff_api_shows_each_messages_delivery_state(smtp, committed, complaint_in, agent):
    complaint = complaint_in()
    reply_through_api(committed, agent, complaint)
    reply_through_api(committed, agent, complaint, body="Not", internal=True)
    notice = Notification.objects.get(kind=Notification.Kind.STAFF_REPLY)
    notification_record_delivery(
        channel="email", provider_message_id=notice.provider_message_id, status="delivered"
    )

    data = api(agent).get(f"/api/v1/complaints/{complaint.pk}/").json()

    reply, note = data["messages"]
    assert reply["delivery"]["status"] == "sent"
    assert reply["delivery"]["delivery_status"] == "delivered"
    assert reply["delivery"]["channel"] == "email"
    assert reply["delivery"]["recipient"] == complaint.contact_email
    assert note["internal"] is True and note["delivery"] is None


def test_the_message_create_answer_carries_the_delivery_state(committed, complaint_in, agent):
    complaint = complaint_in()
    response = reply_through_api(committed, agent, complaint)
    assert response.json()["delivery"]["status"] in {"pending", "sent"}
    assert response.json()["attachments"] == []


def test_the_api_refuses_a_message_without_the_permission(complaint_in, outsider, manager):
    complaint = complaint_in()
    for user in (outsider, manager):
        response = api(user).post(
            f"/api/v1/complaints/{complaint.pk}/messages/", {"body": "x"}, format="json"
        )
        assert response.status_code == 403
    assert not ComplaintMessage.objects.exists()


def test_the_admin_shows_each_messages_delivery_state(
    smtp, committed, complaint_in, representative, client
):
    complaint = complaint_in()
    reply_through_api(committed, representative, complaint)
    client.force_login(representative)

    page = client.get(f"/admin/complaints/complaint/{complaint.pk}/change/").content.decode()

    assert REPLY in page
    assert "delivery to the customer".capitalize() in page or "Müşteriye" in page
    assert "Sent" in page or "Gönderildi" in page
