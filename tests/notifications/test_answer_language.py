"""The decision's answer pages keep the reason typed when the language is switched."""

from __future__ import annotations

import pytest

from notifications.answers import answer_token_make

pytestmark = pytest.mark.django_db


def test_the_reason_typed_on_the_answer_page_survives_a_language_switch(client, decided):
    _complaint, notice = decided()
    token = answer_token_make(notification=notice)
    for path in (f"/notices/answer/{token}/", f"/notices/answer/{token}/reject/"):
        body = client.get(path).content.decode()
        assert 'form="reject-form"' in body
        client.post(
            "/i18n/setlang/", {"language": "en", "next": path, "reason": "Sorun devam ediyor."}
        )
        page = client.get(path)
        assert page.context["form"]["reason"].value() == "Sorun devam ediyor."
        assert "Sorun devam ediyor.</textarea>" in page.content.decode()
