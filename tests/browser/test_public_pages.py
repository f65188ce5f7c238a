"""The public pages in a real browser (issue 13, parts 4 and 6): axe-core finds
no serious or critical problem on any of them, none scrolls sideways on a
phone, the language menu keeps what was typed (without JavaScript too), Enter
sends the form, and the error summary takes the focus."""

from __future__ import annotations

import pytest

from complaints.models import Complaint, Stage
from notifications.answers import answer_token_make
from notifications.models import Notification
from tests.factories import make_complaint
from tests.helpers import advance

from .conftest import PHONE
from .pages import axe_problems, horizontal_overflow, switch_language

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _decision_token(representative) -> tuple[str, str]:
    # Transactional: the acknowledgement went out at commit; walk on from the stored stage.
    complaint = Complaint.objects.get(pk=make_complaint().pk)
    complaint = advance(complaint, Stage.DECISION_NOTIFIED, representative)
    notice = Notification.objects.get(complaint=complaint, kind=Notification.Kind.DECISION)
    return complaint.tracking_number, answer_token_make(notification=notice)


def test_every_public_page_passes_axe_and_fits_a_phone(new_page, shot, representative):
    number, token = _decision_token(representative)
    answer = f"/notices/answer/{token}/"
    desktop, phone = new_page(), new_page(viewport=PHONE)
    problems: list[str] = []
    overflowing: list[str] = []

    def check(name: str, action) -> None:
        for page in (desktop, phone):
            action(page)
            shot(page, f"{name} {page.viewport_size['width']}")
            if page is desktop:
                problems.extend(axe_problems(page))
            elif horizontal_overflow(page):
                overflowing.append(f"{name}: {horizontal_overflow(page)} px")

    def submit_empty(page) -> None:
        page.goto("/submit/")
        with page.expect_navigation():
            page.get_by_role("button", name="Gönder", exact=True).last.click()

    def submitted(page) -> None:
        page.goto("/submit/")
        page.get_by_label("Adınız soyadınız").fill("Ayşe Yılmaz")
        page.get_by_label("E-posta").fill("ayse@example.com")
        page.get_by_label("Konu").fill("Fatura")
        page.get_by_label("Açıklama").fill("İki kez ücret alındı.")
        with page.expect_navigation():
            page.get_by_role("button", name="Gönder", exact=True).last.click()

    def reject_empty(page) -> None:
        page.goto(answer + "reject/")
        with page.expect_navigation():
            page.get_by_role("button", name="Cevabımı gönder").click()

    check("form", lambda p: p.goto("/submit/"))
    check("form with errors", submit_empty)
    check("submitted", submitted)
    check("tracking", lambda p: p.goto("/track/"))
    check("tracking, unknown number", lambda p: p.goto("/track/?number=AAAA-AAAA-AAAA"))
    check("tracking detail", lambda p: p.goto(f"/track/{number}/"))
    check("answer", lambda p: p.goto(answer))
    check("answer: accept", lambda p: p.goto(answer + "accept/"))
    check("answer: reject", lambda p: p.goto(answer + "reject/"))
    check("answer: reject with errors", reject_empty)
    check("404", lambda p: p.goto("/no-such-page/"))
    # The link used: the "already answered" page.
    with desktop.expect_navigation():
        desktop.goto(answer + "accept/")
        desktop.get_by_role("button", name="Evet, çözümü kabul ediyorum").click()
    problems.extend(axe_problems(desktop))
    check("answer: link used", lambda p: p.goto(answer))

    assert problems == []
    assert overflowing == []


def test_switching_language_keeps_what_was_typed_even_without_javascript(new_page, shot):
    for javascript in (True, False):
        page = new_page(javascript=javascript)
        page.goto("/submit/")
        page.get_by_label("İstek").check()
        page.get_by_label("Adınız soyadınız").fill("Ayşe Yılmaz")
        page.get_by_label("Açıklama").fill("Yarım kalan metin")
        switch_language(page, "en")
        shot(page, f"switched, javascript {javascript}")
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.get_by_label("Your name").input_value() == "Ayşe Yılmaz"
        assert page.get_by_label("Description").input_value() == "Yarım kalan metin"
        assert page.get_by_label("Request").is_checked()


def test_choosing_a_language_with_the_arrow_keys_does_not_reload_the_page(new_page):
    page = new_page()
    page.goto("/submit/")
    loads: list[str] = []
    page.on("load", lambda: loads.append(page.url))
    page.focus("#language")
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(400)
    assert loads == []
    assert page.locator("html").get_attribute("lang") == "tr"


def test_enter_sends_the_form_and_the_error_summary_takes_the_focus(new_page, shot):
    page = new_page()
    page.goto("/submit/")
    page.get_by_label("Adınız soyadınız").fill("Ayşe Yılmaz")
    with page.expect_navigation():
        page.get_by_label("Konu").press("Enter")
    shot(page, "errors after Enter")
    assert page.url.endswith("/submit/")
    assert page.locator("html").get_attribute("lang") == "tr"  # not a language switch
    assert page.evaluate("document.activeElement.id") == "form-errors"
    links = page.locator("#form-errors a")
    assert links.count() == 3  # the contact, the subject, the description
    for href in links.evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        assert page.locator(href).count() == 1
    assert page.get_by_label("Adınız soyadınız").input_value() == "Ayşe Yılmaz"


def test_the_contact_fields_sit_side_by_side_on_a_desktop_and_stack_on_a_phone(new_page):
    for viewport, stacked in ((None, False), (PHONE, True)):
        page = new_page(viewport=viewport)
        page.goto("/submit/")
        email = page.get_by_label("E-posta").bounding_box()
        phone = page.get_by_label("Telefon").bounding_box()
        assert email and phone
        assert (phone["y"] >= email["y"] + email["height"]) is stacked
        assert horizontal_overflow(page) == 0
