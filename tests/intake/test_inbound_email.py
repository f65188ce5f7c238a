"""Inbound e-mail end to end: a provider's webhook (Postmark's, through anymail's
own view and its WEBHOOK_SECRET basic auth) → anymail's inbound signal →
intake.handlers → the intake service."""

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from anymail.inbound import AnymailInboundMessage
from anymail.signals import AnymailInboundEvent, EventType, inbound
from django.test import Client

from complaints.models import Channel, Complaint, ComplaintMessage, Stage
from intake.models import InboundAttachment, InboundMessage
from tests.factories import make_complaint
from tests.helpers import advance

URL = "/anymail/postmark/inbound/"
SECRET = "postmark:s3cret-webhook-pass"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _inbound_settings(settings, tmp_path):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DEFAULT_FROM_EMAIL = "Key İnternet <sikayet@keyinternet.example>"


def postmark_payload(
    *,
    message_id: str = "<CAF=1a2b3c@mail.example.com>",
    sender: str = "ayse@example.com",
    name: str = "Ayşe Yılmaz",
    subject: str = "Faturam yanlış",
    text: str = "Bu ayki faturamda iki kez ücret alınmış.",
    html: str = "",
    headers: list[dict] | None = None,
    attachments: list[dict] | None = None,
    stripped: str = "",
) -> dict:
    """What Postmark posts for an inbound message (their documented JSON)."""
    extra = [{"Name": "Message-ID", "Value": message_id}] if message_id else []
    return {
        "FromName": name,
        "MessageStream": "inbound",
        "From": sender,
        "FromFull": {"Email": sender, "Name": name, "MailboxHash": ""},
        "To": "sikayet@keyinternet.example",
        "ToFull": [{"Email": "sikayet@keyinternet.example", "Name": "", "MailboxHash": ""}],
        "Cc": "",
        "CcFull": [],
        "Bcc": "",
        "BccFull": [],
        "OriginalRecipient": "sikayet@keyinternet.example",
        "Subject": subject,
        "MessageID": "73e6d360-66eb-11e1-8e72-a8904824019b",
        "ReplyTo": "",
        "MailboxHash": "",
        "Date": "Mon, 24 Nov 2025 10:15:32 +0300",
        "TextBody": text,
        "HtmlBody": html,
        "StrippedTextReply": stripped,
        "Tag": "",
        "Headers": [
            {"Name": "Return-Path", "Value": f"<{sender}>"},
            {"Name": "X-Spam-Status", "Value": "No"},
            {"Name": "X-Spam-Score", "Value": "-0.1"},
            *extra,
            *(headers or []),
        ],
        "Attachments": attachments or [],
    }


def attachment(name: str, content_type: str, content: bytes) -> dict:
    return {
        "Name": name,
        "Content": base64.b64encode(content).decode(),
        "ContentType": content_type,
        "ContentLength": len(content),
    }


def post(payload: dict, auth: str | None = SECRET):
    headers: dict[str, Any] = {}
    if auth is not None:
        headers["HTTP_AUTHORIZATION"] = "Basic " + base64.b64encode(auth.encode()).decode()
    return Client(enforce_csrf_checks=True).post(
        URL, json.dumps(payload), content_type="application/json", **headers
    )


def test_a_new_email_becomes_a_complaint_from_its_sender():
    response = post(postmark_payload())
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    assert complaint.channel == Channel.EMAIL
    assert complaint.stage == Stage.RECEIVED
    assert complaint.subject == "Faturam yanlış"
    assert complaint.description == "Bu ayki faturamda iki kez ücret alınmış."
    assert (complaint.customer.name, complaint.contact_email) == ("Ayşe Yılmaz", "ayse@example.com")
    inbound_row = InboundMessage.objects.get()
    assert (inbound_row.outcome, inbound_row.complaint) == (
        InboundMessage.Outcome.NEW_COMPLAINT,
        complaint,
    )
    assert inbound_row.external_id == "CAF=1a2b3c@mail.example.com"


def test_the_complaint_shows_in_the_admin_and_on_the_tracking_page(client, superuser):
    post(postmark_payload())
    number = Complaint.objects.get().tracking_number
    assert client.get(f"/track/{number}/").status_code == 200
    client.force_login(superuser)
    assert number in client.get("/admin/complaints/complaint/").content.decode()
    assert client.get("/admin/intake/inboundmessage/").status_code == 200


@pytest.mark.parametrize("auth", [None, "postmark:wrong"])
def test_without_the_webhook_secret_nothing_is_stored(auth):
    response = post(postmark_payload(), auth=auth)
    assert response.status_code == 400
    assert not InboundMessage.objects.exists()
    assert not Complaint.objects.exists()


def test_the_same_message_id_delivered_twice_is_stored_once():
    assert post(postmark_payload()).status_code == 200
    assert post(postmark_payload()).status_code == 200
    assert Complaint.objects.count() == 1
    assert InboundMessage.objects.count() == 1


def test_a_reply_with_the_tracking_number_in_the_subject_is_a_customer_message():
    complaint = make_complaint()
    response = post(
        postmark_payload(
            message_id="<reply-1@mail.example.com>",
            subject=f"Ynt: Başvurunuz alındı [{complaint.tracking_number}]",
            text="Ek bilgi: modem ışığı kırmızı yanıyor.\n\n> Başvurunuz alındı...",
            stripped="Ek bilgi: modem ışığı kırmızı yanıyor.",
        )
    )
    assert response.status_code == 200
    assert Complaint.objects.count() == 1
    message = ComplaintMessage.objects.get(complaint=complaint)
    assert (message.author_kind, message.channel) == ("customer", Channel.EMAIL)
    assert message.body == "Ek bilgi: modem ışığı kırmızı yanıyor."
    row = InboundMessage.objects.get()
    assert (row.outcome, row.complaint) == (InboundMessage.Outcome.MESSAGE_ADDED, complaint)
    assert row.data["sender_matches"] is True
    assert complaint.events.filter(action="complaints.message.from_customer").exists()


def test_a_tracking_number_in_the_body_counts_too_even_typed_loosely():
    complaint = make_complaint()
    loose = complaint.tracking_number.replace("-", " ").lower()
    post(postmark_payload(subject="Hâlâ çözülmedi", text=f"Numaram {loose}, hâlâ bekliyorum."))
    assert Complaint.objects.count() == 1
    assert ComplaintMessage.objects.filter(complaint=complaint).count() == 1


def test_a_mistyped_or_unknown_number_starts_a_new_complaint():
    complaint = make_complaint()
    number = complaint.tracking_number
    mistyped = number[:-1] + ("2" if number[-1] != "2" else "3")
    post(postmark_payload(subject=f"Re: {mistyped}"))
    assert Complaint.objects.count() == 2
    assert not ComplaintMessage.objects.exists()


def test_a_reply_to_a_closed_complaint_is_kept_there_and_opens_a_new_one(representative):
    closed = advance(make_complaint(), Stage.CLOSED, representative)
    post(postmark_payload(subject=f"Re: {closed.tracking_number}", text="Sorun geri geldi."))
    assert ComplaintMessage.objects.get(complaint=closed).body == "Sorun geri geldi."
    closed.refresh_from_db()
    assert closed.stage == Stage.CLOSED  # a closed complaint never re-opens
    new = Complaint.objects.exclude(pk=closed.pk).get()
    assert new.stage == Stage.RECEIVED
    assert new.customer == closed.customer
    assert closed.tracking_number in new.description
    row = InboundMessage.objects.get()
    assert (row.outcome, row.complaint, row.data["follows"]) == (
        InboundMessage.Outcome.FOLLOW_UP,
        new,
        closed.tracking_number,
    )


def test_attachments_within_the_limits_are_kept_and_the_others_listed(settings):
    settings.INTAKE_ATTACHMENT_MAX_BYTES = 1000
    pdf = b"%PDF-1.4 fatura" * 10
    post(
        postmark_payload(
            attachments=[
                attachment("fatura.pdf", "application/pdf", pdf),
                attachment("../../etc/virus.exe", "application/x-msdownload", b"MZ"),
                attachment("huge.png", "image/png", b"\x89PNG" + b"0" * 2000),
            ]
        )
    )
    kept = InboundAttachment.objects.get()
    assert (kept.filename, kept.content_type, kept.size) == (
        "fatura.pdf",
        "application/pdf",
        len(pdf),
    )
    path = Path(kept.file.path)
    assert path.read_bytes() == pdf
    assert str(path).startswith(str(settings.MEDIA_ROOT))
    refused = InboundMessage.objects.get().data["refused_attachments"]
    assert [(r["filename"], r["reason"]) for r in refused] == [
        ("virus.exe", "type"),
        ("huge.png", "size"),
    ]


def test_attachments_beyond_the_count_limit_are_refused(settings):
    settings.INTAKE_ATTACHMENT_MAX_COUNT = 2
    post(
        postmark_payload(
            attachments=[attachment(f"p{i}.txt", "text/plain", b"x") for i in range(3)]
        )
    )
    assert InboundAttachment.objects.count() == 2
    assert InboundMessage.objects.get().data["refused_attachments"][0]["reason"] == "count"


@pytest.mark.parametrize(
    ("headers", "sender", "reason"),
    [
        (
            [{"Name": "Auto-Submitted", "Value": "auto-replied"}],
            "ayse@example.com",
            "auto-submitted",
        ),
        ([{"Name": "Precedence", "Value": "bulk"}], "ayse@example.com", "bulk or auto-reply"),
        ([], "sikayet@keyinternet.example", "our own address"),
        ([{"Name": "X-Spam-Status", "Value": "Yes"}], "ayse@example.com", "spam"),
    ],
)
def test_auto_replies_our_own_mail_and_spam_never_become_complaints(headers, sender, reason):
    payload = postmark_payload(sender=sender, headers=headers)
    if reason == "spam":  # Postmark's own spam header replaces the default "No"
        payload["Headers"] = [h for h in payload["Headers"] if h["Value"] != "No"]
    assert post(payload).status_code == 200
    assert not Complaint.objects.exists()
    row = InboundMessage.objects.get()
    assert (row.outcome, row.data["reason"]) == (InboundMessage.Outcome.IGNORED, reason)


def test_an_html_only_email_is_read_as_text():
    post(postmark_payload(text="", html="<p>Merhaba,</p><p>İnternetim <b>yok</b>.</p>"))
    assert "İnternetim yok." in Complaint.objects.get().description


def test_an_empty_email_is_kept_as_rejected_and_not_retried():
    response = post(postmark_payload(subject="", text=""))
    assert response.status_code == 200  # a 5xx would make the provider retry forever
    assert not Complaint.objects.exists()
    row = InboundMessage.objects.get()
    assert row.outcome == InboundMessage.Outcome.REJECTED
    assert "description" in row.data["errors"]


def test_a_raw_mime_message_through_the_signal_is_handled_the_same_way():
    raw = (
        "From: =?utf-8?q?Mehmet_=C3=96z?= <mehmet@example.com>\r\n"
        "To: sikayet@keyinternet.example\r\n"
        "Subject: =?utf-8?q?Hat_kesik?=\r\n"
        "Message-ID: <raw-1@example.com>\r\n"
        "Content-Language: en\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "\r\n"
        "My line has been down since Monday.\r\n"
    )
    message = AnymailInboundMessage.parse_raw_mime(raw)
    event = AnymailInboundEvent(event_type=EventType.INBOUND, message=message, event_id=None)
    for _ in range(2):
        inbound.send(sender=object, event=event, esp_name="Test")
    complaint = Complaint.objects.get()
    assert (complaint.customer.name, complaint.subject, complaint.language) == (
        "Mehmet Öz",
        "Hat kesik",
        "en",
    )
    assert InboundMessage.objects.get().external_id == "raw-1@example.com"


def test_without_a_message_id_the_provider_event_id_deduplicates():
    payload = postmark_payload(message_id="")
    post(payload)
    post(payload)
    assert Complaint.objects.count() == 1
    assert InboundMessage.objects.get().external_id.startswith("Postmark:")


def test_nul_characters_from_the_provider_are_dropped_not_a_server_error():
    # PostgreSQL refuses NUL in text; a 500 here would make the provider redeliver forever.
    response = post(postmark_payload(subject="Fatura\x00", text="İnternet\x00 yok."))
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    assert (complaint.subject, complaint.description) == ("Fatura", "İnternet yok.")


def test_staff_download_an_attachment_from_the_admin_others_may_not(client, agent, outsider):
    pdf = b"%PDF-1.4 fatura"
    post(postmark_payload(attachments=[attachment("fatura.pdf", "application/pdf", pdf)]))
    kept = InboundAttachment.objects.get()
    url = f"/admin/intake/inboundmessage/attachment/{kept.pk}/"
    client.force_login(agent)
    page = client.get(f"/admin/intake/inboundmessage/{kept.inbound_id}/change/")
    assert url in page.content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(outsider)
    assert client.get(url).status_code == 403
