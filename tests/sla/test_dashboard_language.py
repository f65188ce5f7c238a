"""The dashboard's language menu changes nothing until its button is pressed (WCAG 3.2.2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings


@pytest.mark.django_db
def test_the_dashboard_language_menu_has_a_button_and_no_automatic_submit(client, manager):
    client.force_login(manager)
    body = client.get("/dashboard/").content.decode()
    menu = body[
        body.index('<form class="sla-lang"') : body.index("</form>", body.index('class="sla-lang"'))
    ]
    assert '<button type="submit" class="sla-lang-button">' in menu
    assert "data-autosubmit" not in menu and "onchange" not in menu
    script = (Path(settings.BASE_DIR) / "static" / "sla" / "dashboard.js").read_text()
    assert "form.submit()" not in script
