"""The tracking page's per-complaint parts, written in Python (complaints/track_page.py),
give the very HTML the template engine gave before (issue 15): in both languages, in
every stage, waiting on the customer, re-opened, on the public page and on the proven
customer's own page.

The reference is the page's template as it was, kept beside this test
(templates_before/), rendered by an engine with the project's settings.
"""

import re
from pathlib import Path

import pytest
from django.template import Engine, engines
from django.template.context import RequestContext
from django.utils import translation

from complaints import access
from complaints.models import Complaint, Stage
from complaints.services import complaint_record_answer, complaint_wait_for_customer
from complaints.track_page import status_facts_html, status_stages_html
from tests.factories import make_complaint
from tests.helpers import advance, public_status

pytestmark = pytest.mark.django_db

_BEFORE = Path(__file__).parent / "templates_before"
_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _engine_before() -> Engine:
    project: Engine = engines["django"].engine  # type: ignore[attr-defined]
    return Engine(
        dirs=[str(_BEFORE), *project.dirs],
        app_dirs=True,
        context_processors=project.context_processors,
        libraries=project.libraries,
    )


def _same_page(response, complaint: Complaint, language: str, *, own: bool = False) -> None:
    """The page as served, against the template as it was, fed the view's own
    context; the public page comes from its shell (common/shells.py), which
    has no context of its own: the status it shows is the selector's."""
    request = response.wsgi_request
    if not own:
        context = {"status": public_status(complaint)}
    else:
        context = response.context[0].flatten()
        assert context["LANGUAGE_CODE"] == language
    for name in ("facts", "stages", "csrf_token", "messages", "request"):
        context.pop(name, None)
    with translation.override(language):
        before = (
            _engine_before()
            .get_template("complaints/track_before.html")
            .render(RequestContext(request, context))
        )
    served = response.content.decode()
    assert _TOKEN.sub("", served) == _TOKEN.sub("", before)


def _in_every_stage(representative) -> list[Complaint]:
    return [advance(make_complaint(), stage, representative) for stage in Stage]


@pytest.mark.parametrize("language", ["tr", "en"])
def test_the_public_page_is_the_templates_page_in_every_stage(client, representative, language):
    for complaint in _in_every_stage(representative):
        response = client.get(f"/track/{complaint.tracking_number}/", HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        assert f'<html lang="{language}">' in response.content.decode()
        _same_page(response, complaint, language)


@pytest.mark.parametrize("language", ["tr", "en"])
def test_the_customers_own_page_is_the_templates_page_in_every_stage(
    client, representative, language
):
    for complaint in _in_every_stage(representative):
        token = access.customer_link_token(complaint)
        client.get(f"/track/{complaint.tracking_number}/?k={token}")
        response = client.get(f"/track/{complaint.tracking_number}/", HTTP_ACCEPT_LANGUAGE=language)
        assert response.context["access"] is True
        _same_page(response, complaint, language, own=True)


@pytest.mark.parametrize("language", ["tr", "en"])
def test_a_page_waiting_on_the_customer_and_a_reopened_one_are_the_templates_pages(
    client, representative, language
):
    waiting = advance(make_complaint(), Stage.IN_ANALYSIS, representative)
    complaint_wait_for_customer(complaint=waiting, question="Fatura no?", actor=representative)
    reopened = advance(make_complaint(), Stage.DECISION_NOTIFIED, representative)
    complaint_record_answer(
        complaint=reopened, answer="rejected", channel="phone", reason="Yetersiz", actor=None
    )
    for complaint in (waiting, reopened):
        response = client.get(f"/track/{complaint.tracking_number}/", HTTP_ACCEPT_LANGUAGE=language)
        status = public_status(complaint)
        assert status.waiting_on_customer_since or status.reopen_count
        _same_page(response, complaint, language)


def test_every_value_is_escaped(client):
    complaint = make_complaint(subject="<script>alert(1)</script> & 'x'")
    response = client.get(f"/track/{complaint.tracking_number}/")
    assert "<script>" not in response.content.decode()
    status = public_status(complaint)
    facts = status_facts_html(status, subject=complaint.subject)
    assert "<script>" not in facts
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#x27;x&#x27;" in facts
    # Nothing from the complaint beyond its public status without the subject.
    assert "script" not in status_facts_html(status) + status_stages_html(status)
