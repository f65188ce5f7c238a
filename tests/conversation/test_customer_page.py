"""Item 3, the customer's own page: without proof the tracking page of today;
with proof (a notice's signed link, or a one-time code) the whole public
conversation, the decision, writing, files and the answer, for that complaint
only, for two hours, without JavaScript, with CSRF."""

from __future__ import annotations

import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from complaints import access
from complaints.models import Answer, Channel, Complaint, ComplaintMessage, MessageAuthor, Stage
from complaints.services import complaint_message_add

from .conftest import body_of, mails_to
from .test_access_codes import code_in, send_code, type_code

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
STAFF_REPLY = "Faturanızdaki fark iade edilecek."
NOTE = "Muhasebeye sorduk, gizli not."


def url(complaint, rest=""):
    return f"/track/{complaint.tracking_number}/{rest}"


def signed_link(mail) -> str:
    match = re.search(r"https://\S+/track/\S+/\?k=\S+", body_of(mail))
    assert match, body_of(mail)
    return match.group(0).split("sikayet.keyinternet.com.tr", 1)[1]


def with_conversation(committed, complaint, staff):
    for body, internal in ((STAFF_REPLY, False), (NOTE, True)):
        committed(
            complaint_message_add,
            complaint=complaint,
            body=body,
            author_kind=MessageAuthor.STAFF,
            channel=complaint.channel,
            actor=staff,
            internal=internal,
        )


def test_without_proof_the_page_shows_what_it_showed_before(committed, complaint_in, agent, client):
    complaint = complaint_in(Stage.DECISION_NOTIFIED)
    with_conversation(committed, complaint, agent)

    html = client.get(url(complaint)).content.decode()

    assert complaint.tracking_number in html
    for private in (complaint.description, complaint.decision, STAFF_REPLY, NOTE, "ayse@"):
        assert private not in html
    assert url(complaint, "verify/") in html


def test_the_signed_link_in_a_notice_opens_the_page_and_leaves_the_address_bar(
    smtp, committed, complaint_in, agent, client
):
    complaint = complaint_in(Stage.IN_ANALYSIS)
    with_conversation(committed, complaint, agent)
    link = signed_link(mails_to(smtp, complaint.contact_email)[-1])

    response = client.get(link)

    assert response.status_code == 302 and response["Location"] == url(complaint)
    html = client.get(url(complaint)).content.decode()
    assert STAFF_REPLY in html and complaint.description in html
    assert NOTE not in html  # internal notes never reach the customer
    assert "<script" not in html  # works without JavaScript


def test_a_tampered_or_foreign_link_opens_nothing(smtp, complaint_in, client):
    mine = complaint_in()
    other = complaint_in(email="mehmet@example.com")
    other_token = access.customer_link_token(other)

    for link in (url(mine, f"?k={other_token}"), url(mine, "?k=1:abc:forged")):
        response = client.get(link)
        assert response.status_code == 302
        assert mine.description not in client.get(url(mine)).content.decode()


def test_an_expired_link_says_so_and_offers_the_code(smtp, complaint_in, client, settings):
    complaint = complaint_in()
    token = access.customer_link_token(complaint)
    settings.COMPLAINTS_CUSTOMER_LINK_MAX_AGE_SECONDS = -1

    html = client.get(url(complaint, f"?k={token}"), follow=True).content.decode()

    assert complaint.description not in html
    assert url(complaint, "verify/") in html


def test_access_covers_that_one_complaint(smtp, complaint_in, client):
    mine = complaint_in()
    other = complaint_in(email="mehmet@example.com")
    client.get(url(mine, f"?k={access.customer_link_token(mine)}"))

    assert mine.description in client.get(url(mine)).content.decode()
    assert other.description not in client.get(url(other)).content.decode()
    response = client.post(url(other, "message/"), {"body": "Merhaba"})
    assert response.status_code == 302 and "verify" in response["Location"]
    assert not ComplaintMessage.objects.filter(complaint=other).exists()


def test_access_expires_after_two_hours(smtp, complaint_in, client, monkeypatch):
    complaint = complaint_in()
    client.get(url(complaint, f"?k={access.customer_link_token(complaint)}"))
    assert complaint.description in client.get(url(complaint)).content.decode()

    later = time.time() + 2 * 3600 + 1
    monkeypatch.setattr(access.time, "time", lambda: later)

    assert complaint.description not in client.get(url(complaint)).content.decode()


def test_the_customer_can_end_the_access(smtp, complaint_in, client):
    complaint = complaint_in()
    client.get(url(complaint, f"?k={access.customer_link_token(complaint)}"))
    client.post(url(complaint, "leave/"))
    assert complaint.description not in client.get(url(complaint)).content.decode()


def test_end_to_end_a_code_then_a_pdf_and_the_acceptance_close_the_complaint(
    smtp, committed, complaint_in, representative, client
):
    """Request → code by e-mail → the page shows the conversation → the customer
    uploads a PDF and accepts the decision → closed."""
    complaint = complaint_in(Stage.DECISION_NOTIFIED)
    with_conversation(committed, complaint, representative)

    committed(send_code, client, complaint)
    assert type_code(client, complaint, code_in(mails_to(smtp, complaint.contact_email)[-1]))[
        "Location"
    ] == url(complaint)
    html = client.get(url(complaint)).content.decode()
    assert STAFF_REPLY in html and complaint.decision in html
    assert complaint.solution_proposal in html and NOTE not in html

    upload = SimpleUploadedFile("dekont.pdf", PDF, content_type="application/pdf")
    response = committed(
        client.post, url(complaint, "message/"), {"body": "", "attachments": [upload]}
    )
    assert response.status_code == 302
    assert "dekont.pdf" in client.get(url(complaint)).content.decode()

    response = committed(client.post, url(complaint, "answer/"), {"answer": Answer.ACCEPTED})

    assert response.status_code == 302
    complaint = Complaint.objects.get(pk=complaint.pk)
    assert complaint.stage == Stage.CLOSED
    assert complaint.customer_answer == Answer.ACCEPTED
    assert complaint.customer_answer_channel == Channel.WEB
    subjects = [str(mail["Subject"]) for mail in mails_to(smtp, complaint.contact_email)]
    assert any("kapatıldı" in subject for subject in subjects)


def test_rejecting_needs_a_reason_then_reopens(smtp, committed, complaint_in, client):
    complaint = complaint_in(Stage.DECISION_NOTIFIED)
    client.get(url(complaint, f"?k={access.customer_link_token(complaint)}"))

    refused = client.post(url(complaint, "answer/"), {"answer": Answer.REJECTED, "reason": " "})
    assert refused.status_code == 400
    assert Complaint.objects.get(pk=complaint.pk).stage == Stage.DECISION_NOTIFIED

    committed(
        client.post,
        url(complaint, "answer/"),
        {"answer": Answer.REJECTED, "reason": "İade eksik."},
    )
    complaint = Complaint.objects.get(pk=complaint.pk)
    assert complaint.stage == Stage.IN_ANALYSIS
    assert complaint.customer_answer_reason == "İade eksik."
    assert complaint.reopen_count == 1


def test_an_answer_after_the_decision_moved_on_is_refused_cleanly(smtp, complaint_in, client):
    complaint = complaint_in(Stage.IN_ANALYSIS)
    client.get(url(complaint, f"?k={access.customer_link_token(complaint)}"))
    response = client.post(url(complaint, "answer/"), {"answer": Answer.ACCEPTED}, follow=True)
    assert response.status_code == 200
    assert Complaint.objects.get(pk=complaint.pk).stage == Stage.IN_ANALYSIS


def test_the_customer_writes_a_message_on_the_page(smtp, committed, complaint_in, client):
    complaint = complaint_in(Stage.IN_ANALYSIS)
    client.get(url(complaint, f"?k={access.customer_link_token(complaint)}"))

    response = committed(client.post, url(complaint, "message/"), {"body": "Hâlâ bekliyorum."})

    assert response.status_code == 302
    message = ComplaintMessage.objects.get(author_kind=MessageAuthor.CUSTOMER)
    assert (message.complaint, message.channel, message.body) == (
        complaint,
        Channel.WEB,
        "Hâlâ bekliyorum.",
    )
    assert "Hâlâ bekliyorum." in client.get(url(complaint)).content.decode()


def test_an_empty_message_is_refused_with_a_reason(smtp, complaint_in, client):
    complaint = complaint_in()
    client.get(url(complaint, f"?k={access.customer_link_token(complaint)}"))
    response = client.post(url(complaint, "message/"), {"body": "  "})
    assert response.status_code == 400
    assert not ComplaintMessage.objects.exists()


def test_a_closed_complaint_takes_no_more_messages(smtp, complaint_in, client):
    complaint = complaint_in(Stage.CLOSED)
    client.get(url(complaint, f"?k={access.customer_link_token(complaint)}"))
    html = client.get(url(complaint)).content.decode()
    assert url(complaint, "message/") not in html
    assert client.post(url(complaint, "message/"), {"body": "Bir şey daha"}).status_code == 400
    assert not ComplaintMessage.objects.exists()


def test_the_forms_need_the_csrf_token(smtp, complaint_in):
    complaint = complaint_in(Stage.DECISION_NOTIFIED)
    client = Client(enforce_csrf_checks=True)
    client.get(url(complaint, f"?k={access.customer_link_token(complaint)}"))

    for rest, data in (("message/", {"body": "x"}), ("answer/", {"answer": "accepted"})):
        assert client.post(url(complaint, rest), data).status_code == 403
    assert (
        client.post(url(complaint, "verify/"), {"action": "send", "via": "email"}).status_code
        == 403
    )
    assert Complaint.objects.get(pk=complaint.pk).stage == Stage.DECISION_NOTIFIED


def test_the_page_speaks_english_too(smtp, complaint_in, client):
    complaint = complaint_in(Stage.DECISION_NOTIFIED)
    client.get(url(complaint, f"?k={access.customer_link_token(complaint)}"))
    html = client.get(url(complaint), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Our decision" in html and "Write to us" in html and "Yes, I accept" in html


def test_the_page_is_turkish_first(smtp, complaint_in, client):
    complaint = complaint_in(Stage.DECISION_NOTIFIED)
    client.get(url(complaint, f"?k={access.customer_link_token(complaint)}"))
    html = client.get(url(complaint)).content.decode()
    assert "Kararımız" in html and "Bize yazın" in html and "Evet, kabul ediyorum" in html
