"""The language menu: no change on selection alone (WCAG 3.2.2), and switching
keeps what was typed into the page's form, without JavaScript."""

from __future__ import annotations

import re
import uuid

import pytest

pytestmark = pytest.mark.django_db

TYPED = {
    "kind": "request",
    "name": "Ayşe Yılmaz",
    "email": "ayse@example.com",
    "phone": "0532 123 45 67",
    "subject": "Fatura adresi",
    "description": "Adresimi değiştirmek istiyorum.",
}


def _switch(client, next_url: str = "/submit/", language: str = "en", **typed):
    return client.post("/i18n/setlang/", {"language": language, "next": next_url, **typed})


def test_the_language_menu_has_a_button_and_does_not_submit_on_change(client):
    body = client.get("/submit/").content.decode()
    assert "onchange" not in body
    assert 'name="language" form="submit-form"' in body
    assert 'formaction="/i18n/setlang/"' in body


def test_switching_language_keeps_what_was_typed_in_the_form(client):
    response = _switch(client, **TYPED)
    assert response.status_code == 302
    assert response["Location"] == "/submit/"
    assert response.cookies["django_language"].value == "en"

    page = client.get("/submit/")
    assert page.headers["Content-Language"] == "en"
    body = page.content.decode()
    form = page.context["form"]
    for name, value in TYPED.items():
        assert form[name].value() == value
    assert 'value="Ayşe Yılmaz"' in body
    assert "Adresimi değiştirmek istiyorum.</textarea>" in body
    assert 'value="request" id="id_kind_1" required checked' in body


def _value(page, name: str) -> str | None:
    """The value the page's form field ``name`` is shown with (None: empty)."""
    found = re.search(rf'<input[^>]* name="{name}"(?: value="([^"]*)")?', page.content.decode())
    assert found is not None, name
    return found.group(1)


def test_the_kept_input_is_given_back_once(client):
    _switch(client, **TYPED)
    assert _value(client.get("/submit/"), "name") == "Ayşe Yılmaz"
    assert _value(client.get("/submit/"), "name") is None


def test_the_kept_input_belongs_to_the_page_it_was_typed_on(client):
    _switch(client, **TYPED)
    assert client.get("/track/").status_code == 200
    assert _value(client.get("/submit/"), "subject") == "Fatura adresi"


def test_a_fresh_submission_id_is_drawn_after_switching(client):
    first = _value(client.get("/submit/"), "submission_id")
    assert first and uuid.UUID(first)
    _switch(client, submission_id=first, **TYPED)
    again = _value(client.get("/submit/"), "submission_id")
    assert again and uuid.UUID(again) and again != first


def test_every_blank_form_has_its_own_submission_id(client):
    seen = {_value(client.get("/submit/"), "submission_id") for _ in range(3)}
    assert len(seen) == 3 and None not in seen


def test_what_is_kept_is_bounded(client):
    _switch(client, **{f"field{i}": "x" * 5000 for i in range(40)})
    stored = client.session["language_draft"]["data"]
    assert sum(len(k) + len(v) for k, v in stored.items()) <= 20_000


def test_a_switch_without_a_form_only_changes_the_language(client):
    response = _switch(client, next_url="/track/")
    assert response["Location"] == "/track/"
    assert "language_draft" not in client.session


def test_an_outside_next_url_is_not_followed(client):
    response = _switch(client, next_url="https://evil.example.com/", **TYPED)
    assert response["Location"] == "/"


def test_pressing_enter_in_a_field_sends_the_form_not_the_language_switch(client):
    # The form's default button is its first submit button in the page: a hidden
    # one that sends it, before the header's language button.
    body = client.get("/submit/").content.decode()
    hidden = body.index('<button type="submit" form="submit-form" class="visually-hidden"')
    language_button = body.index('formaction="/i18n/setlang/"')
    assert hidden < language_button
    assert "formaction" not in body[hidden : body.index("</button>", hidden)]
