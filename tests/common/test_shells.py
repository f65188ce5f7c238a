"""Page shells (common/shells.py): a page completed from its shell is the page
the template engine renders for the same request, byte for byte, and every
value in it is escaped as the engine would escape it (issue 15)."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import constants, get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.template.loader import render_to_string
from django.test import RequestFactory, override_settings
from django.urls import resolve
from django.utils import translation
from django.utils.safestring import mark_safe

from common.shells import Shell
from complaints.models import Stage
from complaints.privacy import privacy_notice_current, privacy_notice_publish
from complaints.track_page import status_facts_html, status_stages_html
from intake.forms import SubmitForm
from tests.factories import make_complaint
from tests.helpers import advance, public_status

pytestmark = pytest.mark.django_db

_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
_SUBMISSION = re.compile(r'name="submission_id" value="[^"]+"')


def _engine_page(response, template: str, context: dict) -> str:
    """What the engine renders for the request the response answered."""
    return render_to_string(template, context, request=response.wsgi_request)


def _same(served: str, engine: str) -> None:
    # The tokens are masked afresh on each rendering; the submission id is new each time.
    def plain(page: str) -> str:
        return _SUBMISSION.sub("", _TOKEN.sub("", page))

    assert plain(served) == plain(engine)


@pytest.mark.parametrize("language", ["tr", "en"])
def test_the_status_page_is_the_engines_page(client, representative, language):
    for stage in (Stage.RECEIVED, Stage.TRACKING, Stage.CLOSED):
        complaint = advance(make_complaint(), stage, representative)
        for _ in range(2):  # the first renders the shell, the second only completes it
            response = client.get(
                f"/track/{complaint.tracking_number}/?x=1&y=<b>", HTTP_ACCEPT_LANGUAGE=language
            )
            assert response.status_code == 200
            served = response.content.decode()
            status = public_status(complaint)
            with translation.override(language):
                engine = _engine_page(
                    response,
                    "complaints/track.html",
                    {
                        "status": status,
                        "facts": status_facts_html(status),
                        "stages": status_stages_html(status),
                    },
                )
            _same(served, engine)
            assert complaint.tracking_number in served
            # The page's own address goes back in the language form, escaped.
            assert "?x=1&amp;y=%3Cb%3E" in served


@pytest.mark.parametrize("language", ["tr", "en"])
@pytest.mark.parametrize("published", [False, True])
def test_the_blank_form_is_the_engines_page(client, language, published, manager):
    if published:
        privacy_notice_publish(text_tr="Aydınlatma metni", text_en="Privacy notice", actor=manager)
    notice = privacy_notice_current()
    for _ in range(2):
        response = client.get("/submit/", HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        version = notice.version if notice is not None else ""
        with translation.override(language):
            engine = _engine_page(
                response,
                "intake/submit.html",
                {
                    "form": SubmitForm(initial={"privacy_notice_version": version}),
                    "language_form": "submit-form",
                    "privacy_notice": notice,
                },
            )
        _same(response.content.decode(), engine)


def test_a_new_notice_version_gives_a_new_page(client, manager):
    first = client.get("/submit/").content.decode()
    notice = privacy_notice_publish(text_tr="Yeni metin", text_en="New text", actor=manager)
    second = client.get("/submit/").content.decode()
    assert f'name="privacy_notice_version" value="{notice.version}"' in second
    assert first != second


def test_a_pending_message_is_shown_by_the_engines_page(rf):
    from complaints.views import track

    complaint = make_complaint()
    request = rf.get(f"/track/{complaint.tracking_number}/")
    request.resolver_match = resolve(request.path)
    request.session = {}
    request._messages = FallbackStorage(request)
    request._messages.add(constants.WARNING, "Bağlantının süresi doldu.")
    body = track(request, tracking_number=complaint.tracking_number).content.decode()
    assert "Bağlantının süresi doldu." in body
    assert getattr(get_messages(request), "used", False)  # shown: not kept for the next page


def _shell() -> Shell:
    return Shell(
        "complaints/track.html",
        holes=("tracking_number", "facts", "stages"),
        plain=("tracking_number",),
        context=lambda marks, vary: {
            "status": {"tracking_number": marks["tracking_number"]},
            "facts": marks["facts"],
            "stages": marks["stages"],
        },
    )


def _request(path: str = "/track/X/"):
    request = RequestFactory().get(path)
    request.resolver_match = resolve("/track/X/")
    return request


def test_a_value_is_escaped_and_safe_html_goes_in_as_it_is():
    shell = _shell()
    body = shell.render(
        _request(),
        {"tracking_number": "AB-12", "facts": mark_safe("<dl>facts</dl>"), "stages": "<ol>&"},
    ).content.decode()
    assert "<dl>facts</dl>" in body
    assert "&lt;ol&gt;&amp;" in body and "<ol>" not in body
    # The number everywhere the template puts it: the title, the heading, the link.
    assert body.count("AB-12") == 3
    assert 'href="/track/AB-12/verify/"' in body


def test_a_value_that_goes_into_an_address_must_be_plain():
    # In {% url %} the engine would have quoted it, not escaped it: refused.
    with pytest.raises(ValueError, match="tracking_number"):
        _shell().render(_request(), {"tracking_number": "A<1>", "facts": "", "stages": ""})


def test_each_language_has_its_own_shell():
    shell = _shell()
    values = {"tracking_number": "N", "facts": "", "stages": ""}
    with translation.override("tr"):
        tr = shell.render(_request(), values).content.decode()
    with translation.override("en"):
        en = shell.render(_request(), values).content.decode()
    assert '<html lang="tr">' in tr and '<html lang="en">' in en


def test_with_debug_on_the_page_comes_from_the_engine_each_time():
    shell = _shell()
    values = {"tracking_number": "N-1", "facts": mark_safe("<p>f</p>"), "stages": ""}
    completed = shell.render(_request(), values).content.decode()
    with override_settings(DEBUG=True):
        rendered = shell.render(_request(), values).content.decode()
        assert not shell._pieces  # nothing kept while DEBUG is on
    _same(completed, rendered)


def test_a_status_of_its_own_is_answered():
    response = _shell().render(
        _request(), {"tracking_number": "N", "facts": "", "stages": ""}, status=404
    )
    assert response.status_code == 404
