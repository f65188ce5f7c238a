"""What the browser tests do on the pages: log in, find a complaint, take a step, check axe."""

from __future__ import annotations

import os
import re
from functools import cache
from typing import Any

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
BLOCKING_IMPACTS = ("serious", "critical")


def chromium_missing_reason() -> str:
    if os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK):
        return ""
    return f"Chromium not found at {CHROMIUM} (apt-get install -y chromium to run them)"


@cache
def _axe() -> Any:
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def axe_problems(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the page, one readable line each."""
    results = _axe().run(page)
    return [
        f"{page.url}: {v['id']} ({v['impact']}) {v['help']}: "
        + ", ".join(str(node["target"]) for node in v["nodes"][:3])
        for v in results.response["violations"]
        if v["impact"] in BLOCKING_IMPACTS
    ]


def horizontal_overflow(page: Any) -> int:
    """How many pixels the page is wider than the window (0: no sideways scrolling)."""
    return int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


# --- The public pages ---------------------------------------------------------------


def switch_language(page: Any, language: str) -> None:
    """The header's menu, then its button: choosing alone changes nothing (WCAG 3.2.2)."""
    page.locator("#language").select_option(language)
    with page.expect_navigation():
        page.locator("header .lang button").click()


# --- The admin ----------------------------------------------------------------------


def admin_login(page: Any, username: str, password: str, next_url: str = "/admin/") -> None:
    page.goto(f"/admin/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.locator("#login-form [type=submit]").click()
    assert "/admin/login/" not in page.url, "login refused"


def admin_find_complaint(page: Any, tracking_number: str) -> None:
    """Search the complaint list for the number and open the complaint."""
    page.goto("/admin/complaints/complaint/")
    page.fill("#searchbar", tracking_number)
    with page.expect_navigation():
        page.press("#searchbar", "Enter")
    link = page.locator("#result_list a", has_text=tracking_number).first
    with page.expect_navigation():
        link.click()
    assert re.search(r"/admin/complaints/complaint/\d+/change/", page.url), page.url


def admin_step(page: Any, name: str, **fields: str) -> str:
    """Take the transition ``name`` from the complaint's page; returns the success message.

    Text fields are filled; selects take the option whose label contains the value.
    """
    form = page.locator(f"#transition-{name} form")
    for field_name, value in fields.items():
        control = form.locator(f'[name="{name}-{field_name}"]')
        if control.evaluate("e => e.tagName") == "SELECT":
            label = control.locator("option", has_text=value).first.inner_text()
            control.select_option(label=label)
        else:
            control.fill(value)
    with page.expect_navigation():
        form.locator("[type=submit]").click()
    message = page.locator(".messagelist .success")
    assert message.count() == 1, page.locator(
        ".messagelist, .errornote, .errorlist"
    ).all_inner_texts()
    return str(message.inner_text())


def admin_stage(page: Any) -> str:
    return str(page.locator(".wb-stage").inner_text())
