"""PROCESS.md stages 7 and 8: the decision notice carries signed, single-use,
expiring links; accepting closes the complaint, rejecting (with a reason)
sends it back to analysis. A GET never changes anything."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client

from complaints.models import Answer, Channel, Kind, Stage
from complaints.services import complaint_record_answer, complaint_transition
from notifications.answers import answer_token_make
from notifications.models import Notification

pytestmark = pytest.mark.django_db

SITE = "https://sikayet.keyinternet.com.tr"


def _links(text: str) -> dict[str, str]:
    found = re.findall(SITE + r"(/notices/answer/[^/\s]+/(?:accept|reject)/)", text)
    return {path.rstrip("/").rsplit("/", 1)[1]: path for path in found}


def _stage(complaint) -> str:
    complaint.refresh_from_db()
    return complaint.stage


def test_the_decision_email_carries_the_decision_and_both_links(decided, mailoutbox):
    complaint, notice = decided()

    message = mailoutbox[-1]
    assert message.to == ["ayse@example.com"]
    assert complaint.tracking_number in message.subject
    assert "Fark bir sonraki faturadan düşülecek." in message.body  # the decision
    assert "Fark iade edilecek." in message.body  # the solution proposal
    links = _links(message.body)
    assert set(links) == {"accept", "reject"}
    html = message.alternatives[0][0]
    assert all(SITE + path in html for path in links.values())
    assert notice.status == "sent"


def test_the_accept_link_closes_the_complaint_after_confirmation(
    decided, mailoutbox, django_capture_on_commit_callbacks
):
    complaint, _notice = decided()
    accept = _links(mailoutbox[-1].body)["accept"]
    client = Client(enforce_csrf_checks=True)

    page = client.get(accept)  # what a mail scanner does, too
    assert page.status_code == 200
    assert _stage(complaint) == Stage.DECISION_NOTIFIED
    assert b"Fark bir sonraki faturadan" in page.content

    token = page.cookies["csrftoken"].value
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(accept, {"csrfmiddlewaretoken": token})
    assert done.status_code == 200
    assert _stage(complaint) == Stage.CLOSED
    assert complaint.customer_answer == Answer.ACCEPTED
    assert complaint.customer_answer_channel == Channel.EMAIL
    # The closure confirmation follows (then the satisfaction survey's invitation).
    assert any(m.subject.startswith("Başvurunuz kapatıldı") for m in mailoutbox)


def test_the_accept_post_needs_the_csrf_token(decided, mailoutbox):
    complaint, _ = decided()
    accept = _links(mailoutbox[-1].body)["accept"]

    response = Client(enforce_csrf_checks=True).post(accept)

    assert response.status_code == 403
    assert _stage(complaint) == Stage.DECISION_NOTIFIED


def test_the_reject_link_asks_for_a_reason_then_reopens(
    decided, mailoutbox, client, django_capture_on_commit_callbacks
):
    complaint, _notice = decided()
    reject = _links(mailoutbox[-1].body)["reject"]

    assert client.get(reject).status_code == 200
    without_reason = client.post(reject, {"reason": "  "})
    assert without_reason.status_code == 400
    assert _stage(complaint) == Stage.DECISION_NOTIFIED

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(reject, {"reason": "İade tutarı eksik hesaplanmış."})
    assert done.status_code == 200
    assert _stage(complaint) == Stage.IN_ANALYSIS
    assert complaint.reopen_count == 1
    assert complaint.customer_answer == Answer.REJECTED
    assert complaint.customer_answer_reason == "İade tutarı eksik hesaplanmış."
    # The re-evaluation notice repeats the reason (the assignee's alert goes elsewhere).
    to_customer = [m for m in mailoutbox if m.to == [complaint.contact_email]]
    assert "yeniden değerlendir" in to_customer[-1].subject
    assert "İade tutarı eksik hesaplanmış." in to_customer[-1].body


def test_a_link_works_once(decided, mailoutbox, client):
    complaint, notice = decided()
    links = _links(mailoutbox[-1].body)
    assert client.post(links["accept"]).status_code == 200

    for path in (links["accept"], links["reject"]):
        again = client.get(path)
        assert again.status_code == 410
        assert b'data-reason="used"' in again.content
    assert client.post(links["reject"], {"reason": "changed my mind"}).status_code == 410
    assert _stage(complaint) == Stage.CLOSED
    notice.refresh_from_db()
    assert notice.answered_at is not None


def test_an_expired_link_gives_a_clear_page(decided, mailoutbox, client, settings):
    complaint, _ = decided()
    accept = _links(mailoutbox[-1].body)["accept"]
    settings.NOTIFICATIONS_ANSWER_LINK_MAX_AGE_SECONDS = -1

    for response in (client.get(accept), client.post(accept)):
        assert response.status_code == 410
        assert b'data-reason="expired"' in response.content
    assert _stage(complaint) == Stage.DECISION_NOTIFIED


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: "999999" + token[token.index(":") :],
        lambda token: "not-a-token",
    ],
)
def test_a_tampered_link_gives_a_clear_page(decided, client, tamper):
    complaint, notice = decided()
    token = tamper(answer_token_make(notification=notice))

    for response in (
        client.get(f"/notices/answer/{token}/accept/"),
        client.post(f"/notices/answer/{token}/accept/"),
        client.get(f"/notices/answer/{token}/"),
    ):
        assert response.status_code == 410
        assert b'data-reason="invalid"' in response.content
    assert _stage(complaint) == Stage.DECISION_NOTIFIED


def test_a_link_to_another_notice_kind_is_invalid(decided, client):
    complaint, _ = decided()
    acknowledgement = Notification.objects.get(complaint=complaint, kind="acknowledgement")
    token = answer_token_make(notification=acknowledgement)

    assert client.get(f"/notices/answer/{token}/accept/").status_code == 410


def test_a_stale_link_gives_a_clear_page_once_staff_recorded_the_answer(
    decided, mailoutbox, client, representative
):
    complaint, _ = decided()
    links = _links(mailoutbox[-1].body)
    complaint_record_answer(
        complaint=complaint, answer="accepted", channel=Channel.PHONE, actor=representative
    )

    response = client.post(links["accept"])
    assert response.status_code == 410
    assert b'data-reason="stale"' in response.content


def test_links_of_an_earlier_decision_are_stale_after_a_new_one(
    decided, mailoutbox, client, representative, django_capture_on_commit_callbacks
):
    complaint, _first = decided()
    old = _links(mailoutbox[-1].body)
    assert client.post(old["reject"], {"reason": "Yetersiz."}).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        complaint_transition(complaint=complaint, to=Stage.RESPONDED, actor=representative)
        complaint_transition(
            complaint=complaint,
            to=Stage.DECISION_NOTIFIED,
            actor=representative,
            fields={"decision": "Tam iade yapılacak."},
        )
    new = _links(mailoutbox[-1].body)
    assert new != old
    assert "Tam iade yapılacak." in mailoutbox[-1].body

    assert client.get(old["accept"]).status_code == 410
    assert client.post(new["accept"]).status_code == 200
    assert _stage(complaint) == Stage.CLOSED


def test_the_decision_answer_page_language_follows_the_customer(decided, mailoutbox, client):
    decided(language="en")
    accept = _links(mailoutbox[-1].body)["accept"]

    response = client.get(accept)
    assert response.status_code == 200
    assert b'lang="en"' in response.content


def test_feedback_gets_the_answer_without_links(decided, mailoutbox):
    _complaint, _notice = decided(kind=Kind.FEEDBACK)

    assert _links(mailoutbox[-1].body) == {}
    assert "Fark bir sonraki faturadan düşülecek." in mailoutbox[-1].body


def test_the_sms_path_works_the_same(
    decided, sms_outbox, client, django_capture_on_commit_callbacks
):
    complaint, _notice = decided(email="", phone="0532 123 45 67")
    body = sms_outbox[-1].body
    assert complaint.tracking_number in body
    (answer_path,) = re.findall(SITE + r"(/notices/answer/[^/\s]+/)", body)

    page = client.get(answer_path)
    assert page.status_code == 200
    assert b"Fark bir sonraki faturadan" in page.content
    assert _stage(complaint) == Stage.DECISION_NOTIFIED

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(answer_path + "accept/").status_code == 200
    assert _stage(complaint) == Stage.CLOSED
    assert complaint.customer_answer_channel == Channel.SMS
    assert complaint.tracking_number in sms_outbox[-1].body  # closure confirmation


def test_the_sms_reject_path_reopens(decided, sms_outbox, client):
    complaint, _ = decided(email="", phone="0532 123 45 67")
    (answer_path,) = re.findall(SITE + r"(/notices/answer/[^/\s]+/)", sms_outbox[-1].body)

    assert client.post(answer_path + "reject/", {"reason": "Olmadı."}).status_code == 200
    assert _stage(complaint) == Stage.IN_ANALYSIS


def test_a_link_expires_by_default_after_30_days(decided, mailoutbox, client, monkeypatch):
    import time as time_module

    _complaint, _ = decided()
    accept = _links(mailoutbox[-1].body)["accept"]
    now = time_module.time()
    monkeypatch.setattr(time_module, "time", lambda: now + timedelta(days=29).total_seconds())
    assert client.get(accept).status_code == 200
    monkeypatch.setattr(time_module, "time", lambda: now + timedelta(days=31).total_seconds())
    assert client.get(accept).status_code == 410
