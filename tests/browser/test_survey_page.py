"""The survey page in a real browser: axe finds no violation, in Turkish and
English, before and after a submission with errors, and it works with
JavaScript switched off. Skipped where no Chromium is installed."""

from __future__ import annotations

import shutil

import pytest

from complaints.models import Complaint, Stage
from improvement.models import SurveyResponse
from improvement.services.survey import survey_token
from tests.factories import make_complaint
from tests.helpers import advance

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="needs a Chromium browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def closed_now(representative):
    """Closed, with the notices sent at once (no test transaction to wait for)."""
    complaint = make_complaint()
    # the acknowledgement went out on commit and moved it on already
    complaint = Complaint.objects.get(pk=complaint.pk)
    return advance(complaint, Stage.CLOSED, representative)


def _violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [v["id"] for v in results.response["violations"]]


def test_axe_finds_no_violation_on_the_survey_page_in_both_languages(
    live_server, browser, closed_now
):
    complaint = closed_now
    token = survey_token(invitation=complaint.survey_invitation)
    for language in ("tr", "en"):
        context = browser.new_context(locale=language)
        context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        page = context.new_page()
        page.goto(f"{live_server.url}/survey/{token}/")
        assert _violations(page) == []
        page.check("#id_ease_3")
        page.click("main button[type=submit]")
        assert page.locator("#form-errors").is_visible()
        assert _violations(page) == []
        context.close()


def test_the_survey_works_with_javascript_switched_off(live_server, browser, closed_now):
    complaint = closed_now
    token = survey_token(invitation=complaint.survey_invitation)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/survey/{token}/")
    for name in ("ease", "informed", "timeliness", "fairness", "overall"):
        page.check(f"#id_{name}_4")
    page.fill("#id_comment", "Her şey yolundaydı.")
    page.click("main button[type=submit]")
    assert page.locator("h1").inner_text() == "Yanıtlarınız için teşekkür ederiz"
    response = SurveyResponse.objects.get(invitation__complaint=complaint)
    assert response.overall == 5 and response.comment == "Her şey yolundaydı."
    context.close()
