"""The customer's journey in a real browser (issue 13, part 6a): submit in
Turkish with a phone number, get the tracking number, track it, switch to
English, answer the decision through the link its notice carries."""

from __future__ import annotations

import re

import pytest

from complaints.models import Complaint, Stage
from notifications.models import Notification
from tests.helpers import advance

from .pages import switch_language

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_customer_submits_by_phone_tracks_switches_to_english_and_accepts_the_decision(
    new_page, shot, representative
):
    page = new_page()
    page.goto("/submit/")
    assert page.locator("html").get_attribute("lang") == "tr"
    assert page.locator("h1").inner_text() == "İstek, görüş veya şikâyetinizi bize iletin"
    page.get_by_label("Adınız soyadınız").fill("Zeynep Kaya")
    page.get_by_label("Telefon").fill("0532 123 45 67")
    page.get_by_label("Konu").fill("Fazla fatura")
    page.get_by_label("Açıklama").fill("Bu ay iki kez kurulum ücreti alındı.")
    shot(page, "form filled in")
    with page.expect_navigation():
        page.get_by_role("button", name="Gönder", exact=True).last.click()

    number = page.locator(".tracking-number strong").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", number)
    shot(page, "tracking number")
    complaint = Complaint.objects.get(tracking_number=number)
    assert complaint.contact_phone == "+905321234567"

    with page.expect_navigation():
        page.get_by_role("link", name="Başvurunuzu takip edin").click()
    # The acknowledgement SMS went out at once: stage 2 is reached.
    assert (
        page.locator('[aria-current="step"] .stage-name').inner_text() == "Alındığının Bildirilmesi"
    )
    shot(page, "tracking page")

    switch_language(page, "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.url.endswith(f"/track/{number}/")
    assert page.locator("h1").inner_text().startswith("Application")
    shot(page, "tracking page in English")

    # Staff decide (their side has its own journey); the decision goes by SMS.
    advance(complaint, Stage.DECISION_NOTIFIED, representative)
    notice = Notification.objects.get(complaint=complaint, kind=Notification.Kind.DECISION)
    assert notice.channel == "sms" and notice.status == "sent"
    link = re.search(r"https?://\S+/notices/answer/\S+/", notice.body_text)
    assert link, notice.body_text

    page.goto(link.group(0))
    assert page.locator("h1").inner_text() == "Your answer to our decision"
    shot(page, "decision")
    with page.expect_navigation():
        page.get_by_role("button", name="I accept the solution").click()
    assert page.locator("h1").inner_text() == "Thank you for your answer"
    shot(page, "answered")
    complaint.refresh_from_db()
    assert complaint.stage == Stage.CLOSED

    with page.expect_navigation():
        page.get_by_role("link", name="Follow your application").click()
    assert page.locator('[aria-current="step"] .stage-name').inner_text() == "Closed"
    # No page of the journey asked for something missing (the favicon included).
    assert page.not_found == []
