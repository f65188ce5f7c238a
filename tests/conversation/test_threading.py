"""Item 2: one thread per complaint in the customer's mail client, and replies
matched to their complaint by In-Reply-To / References before any tracking number."""

from __future__ import annotations

import pytest

from complaints.models import Complaint, ComplaintMessage, MailThreadEntry, MessageAuthor, Stage
from complaints.services import complaint_assign, complaint_message_add
from intake.models import InboundMessage
from notifications.mail_thread import notice_message_id
from notifications.models import Notification
from notifications.services import notification_send

from .conftest import OUR_ADDRESS, body_of, inbound_email, mails_to

pytestmark = pytest.mark.django_db

REPLY = "Hat değerlerinizi ölçtük; modeminizi değiştireceğiz."


def staff_reply(committed, complaint, user, body=REPLY):
    return committed(
        complaint_message_add,
        complaint=complaint,
        body=body,
        author_kind=MessageAuthor.STAFF,
        channel=complaint.channel,
        actor=user,
    )


def test_every_notice_carries_a_stable_message_id_derived_from_its_row(smtp, complaint_in):
    complaint = complaint_in()
    ack = mails_to(smtp, complaint.contact_email)[0]
    notice = Notification.objects.get(kind=Notification.Kind.ACKNOWLEDGEMENT)
    expected = notice_message_id(notice)
    assert expected.endswith("@keyinternet.com.tr>")
    assert ack["Message-ID"] == expected
    assert notice.provider_message_id == expected


def test_a_retried_notice_is_sent_with_the_same_message_id(smtp, committed, complaint_in, agent):
    complaint = complaint_in()
    smtp.refuse_temporarily.add(complaint.contact_email)
    staff_reply(committed, complaint, agent)
    notice = Notification.objects.get(kind=Notification.Kind.STAFF_REPLY)
    smtp.refuse_temporarily.clear()
    Notification.objects.filter(pk=notice.pk).update(next_attempt_at=notice.created_at)
    notification_send(notification_id=notice.pk)

    sent = mails_to(smtp, complaint.contact_email)[-1]
    assert sent["Message-ID"] == notice_message_id(notice)
    assert MailThreadEntry.objects.filter(message_id=sent["Message-ID"]).count() == 1


def test_later_notices_reply_to_the_thread(smtp, committed, complaint_in, agent):
    complaint = complaint_in()
    staff_reply(committed, complaint, agent)
    staff_reply(committed, complaint, agent, body="Yeni modeminiz kargoya verildi.")

    ack, first, second = mails_to(smtp, complaint.contact_email)
    assert ack["In-Reply-To"] is None
    assert first["In-Reply-To"] == ack["Message-ID"]
    assert first["References"] == ack["Message-ID"]
    assert second["In-Reply-To"] == first["Message-ID"]
    assert second["References"].split() == [ack["Message-ID"], first["Message-ID"]]


def test_the_decision_and_the_closure_are_in_the_same_thread(smtp, complaint_in):
    complaint = complaint_in(Stage.CLOSED)
    mails = mails_to(smtp, complaint.contact_email)
    root = mails[0]["Message-ID"]
    assert len(mails) >= 3  # acknowledgement, decision, closure
    assert all(m["References"].split()[0] == root for m in mails[1:])


def test_staff_emails_are_not_in_the_customers_thread(
    smtp, committed, complaint_in, agent, representative
):
    complaint = complaint_in(Stage.CLASSIFIED)
    committed(complaint_assign, complaint=complaint, assignee=representative, actor=agent)

    alert = mails_to(smtp, representative.email)[-1]
    assert alert["Message-ID"].startswith("<notice.")
    assert alert["References"] is None and alert["In-Reply-To"] is None
    assert not MailThreadEntry.objects.filter(message_id=alert["Message-ID"]).exists()


def test_end_to_end_a_reply_carrying_only_in_reply_to_lands_on_the_same_complaint(
    smtp, committed, complaint_in, representative
):
    """Staff reply → exactly one customer e-mail with the text → the customer's
    reply (new subject, no tracking number, only In-Reply-To) → a customer
    message on the same complaint and no new complaint; an internal note → no e-mail."""
    complaint = complaint_in(Stage.IN_ANALYSIS)
    before = len(mails_to(smtp, complaint.contact_email))
    staff_reply(committed, complaint, representative)
    replies = mails_to(smtp, complaint.contact_email)[before:]
    assert len(replies) == 1 and REPLY in body_of(replies[0])

    response = committed(
        inbound_email,
        message_id="<CAF=reply-1@mail.example.com>",
        subject="Teşekkürler",
        text="Tamam, yarın evde olacağım.",
        headers={"In-Reply-To": replies[0]["Message-ID"]},
    )

    assert response.status_code == 200
    assert Complaint.objects.count() == 1
    message = ComplaintMessage.objects.get(author_kind=MessageAuthor.CUSTOMER)
    assert message.complaint == complaint
    assert message.body == "Tamam, yarın evde olacağım."
    assert InboundMessage.objects.get().outcome == InboundMessage.Outcome.MESSAGE_ADDED

    count = len(smtp.messages)
    committed(
        complaint_message_add,
        complaint=complaint,
        body="Müşteri memnun görünüyor.",
        author_kind=MessageAuthor.STAFF,
        channel=complaint.channel,
        actor=representative,
        internal=True,
    )
    assert len(smtp.messages) == count


def test_our_next_reply_answers_the_customers_email(smtp, committed, complaint_in, agent):
    complaint = complaint_in()
    staff_reply(committed, complaint, agent)
    ours = mails_to(smtp, complaint.contact_email)[-1]
    committed(
        inbound_email,
        message_id="<CAF=reply-2@mail.example.com>",
        headers={"In-Reply-To": ours["Message-ID"], "References": ours["Message-ID"]},
    )

    staff_reply(committed, complaint, agent, body="Teknisyenimiz yarın 10:00'da geliyor.")

    latest = mails_to(smtp, complaint.contact_email)[-1]
    assert latest["In-Reply-To"] == "<CAF=reply-2@mail.example.com>"
    assert latest["References"].split()[-1] == "<CAF=reply-2@mail.example.com>"


def test_references_are_used_when_in_reply_to_is_unknown(smtp, committed, complaint_in):
    complaint = complaint_in()
    ack = mails_to(smtp, complaint.contact_email)[0]
    committed(
        inbound_email,
        message_id="<CAF=reply-3@mail.example.com>",
        subject="Başka bir konu",
        headers={
            "In-Reply-To": "<unknown@elsewhere.example>",
            "References": f"{ack['Message-ID']} <unknown@elsewhere.example>",
        },
    )
    assert Complaint.objects.count() == 1
    assert ComplaintMessage.objects.get().complaint == complaint


def test_headers_win_over_another_tracking_number_in_the_subject(smtp, committed, complaint_in):
    first = complaint_in()
    second = complaint_in(email="mehmet@example.com")
    ack = mails_to(smtp, first.contact_email)[0]
    committed(
        inbound_email,
        message_id="<CAF=reply-4@mail.example.com>",
        subject=f"Re: {second.tracking_number}",
        headers={"In-Reply-To": ack["Message-ID"]},
    )
    assert ComplaintMessage.objects.get().complaint == first


def test_without_known_headers_the_tracking_number_still_matches(smtp, committed, complaint_in):
    complaint = complaint_in()
    committed(
        inbound_email,
        message_id="<CAF=reply-5@mail.example.com>",
        subject=f"Re: {complaint.tracking_number}",
        headers={"In-Reply-To": "<unknown@elsewhere.example>"},
    )
    assert ComplaintMessage.objects.get().complaint == complaint


def test_a_new_complaint_by_email_is_acknowledged_in_the_customers_own_thread(smtp, committed):
    committed(inbound_email, message_id="<CAF=first@mail.example.com>", subject="Faturam yanlış")
    complaint = Complaint.objects.get()
    ack = mails_to(smtp, complaint.contact_email)[-1]
    assert ack["In-Reply-To"] == "<CAF=first@mail.example.com>"
    assert OUR_ADDRESS in str(ack["From"])
