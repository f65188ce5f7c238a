"""Real-browser tests: Playwright driving Debian's Chromium against a live server.

Chromium comes from the distribution (``apt-get install -y chromium``;
``playwright install`` cannot download here); without it every test here is
skipped with one reason. Each test gets a fresh context in Turkish at
1366 × 768; ``shot(page, "name")`` records a screenshot per step, and when a
test fails they are written, with one of the page as it failed, to
``var/browser/<test>/`` (with BROWSER_SCREENSHOTS=<dir>, those of passing
tests are kept there too).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

from .pages import CHROMIUM, chromium_missing_reason

SCREENSHOTS = Path(django_settings.BASE_DIR) / "var" / "browser"
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    reason = chromium_missing_reason()
    if reason:
        pytest.skip(reason)
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the
    # tests make in between are still plain synchronous code.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # With a loop running, Django's per-thread connections are looked up in the
    # async (context-local) storage: a fresh, empty one. Put the same connection
    # objects there, or the tests would get new ones without the serialized
    # seed data that serialized_rollback restores (and, on SQLite, without the
    # in-memory test database's own connection).
    before = {alias: connections[alias] for alias in connections}
    playwright = sync_playwright().start()
    for alias, connection in before.items():
        connections[alias] = connection
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    setattr(item, f"report_{report.when}", report)


@dataclass
class Steps:
    """Screenshots of each step, kept in memory and written only when the test fails."""

    shots: list[tuple[str, bytes]] = field(default_factory=list)
    pages: list[Any] = field(default_factory=list)

    def __call__(self, page: Any, name: str) -> None:
        # The window only (cheap), unless they are kept for a review; the page
        # as it failed is taken whole.
        whole = bool(os.environ.get("BROWSER_SCREENSHOTS"))
        self.shots.append((name, page.screenshot(full_page=whole)))

    def save(self, directory: Path) -> None:
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True)
        for index, (name, png) in enumerate(self.shots, start=1):
            (directory / f"{index:02d}-{_slug(name)}.png").write_bytes(png)
        for index, page in enumerate(self.pages, start=1):
            try:
                page.screenshot(path=str(directory / f"failed-{index}.png"), full_page=True)
            except Exception as exc:  # the page may be gone with the failure
                (directory / f"failed-{index}.txt").write_text(f"no screenshot: {exc}\n")


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:80] or "step"


@pytest.fixture
def shot() -> Steps:
    return Steps()


@pytest.fixture
def new_page(
    request: pytest.FixtureRequest, browser: Any, live_server: Any, shot: Steps, settings: Any
) -> Iterator[Callable[..., Any]]:
    """Open a page in a fresh context (its own cookies): Turkish, 1366 × 768 unless told."""
    # Links in notices point at the live server; SMS stays in memory.
    settings.SITE_URL = live_server.url
    settings.SMS_BACKEND = "notifications.sms.LocmemSMSBackend"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    contexts: list[Any] = []

    def open_page(
        viewport: dict[str, int] | None = None, locale: str = "tr-TR", javascript: bool = True
    ) -> Any:
        context = browser.new_context(
            base_url=live_server.url,
            locale=locale,
            viewport=viewport or DESKTOP,
            java_script_enabled=javascript,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.not_found = []  # every 404 the page met (favicon included)
        page.on("response", lambda r: page.not_found.append(r.url) if r.status == 404 else None)
        shot.pages.append(page)
        return page

    yield open_page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        shot.save(SCREENSHOTS / _slug(request.node.name))
    elif os.environ.get("BROWSER_SCREENSHOTS"):
        # For a review: every step of passing tests too, under that directory.
        shot.pages.clear()
        shot.save(Path(os.environ["BROWSER_SCREENSHOTS"]) / _slug(request.node.name))
    for context in contexts:
        context.close()
