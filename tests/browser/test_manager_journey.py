"""The manager's journey in a real browser (issue 13, part 6c): the SLA
dashboard, its filters, the CSV export of breaches; and it fits a phone."""

from __future__ import annotations

import csv
import io

import pytest

from sla.demo_history import demo_history_load
from tests.factories import UserFactory

from .conftest import PHONE
from .pages import admin_login, axe_problems, horizontal_overflow

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "pass-for-tests-1"  # tests.factories.UserFactory's


@pytest.fixture
def mudur(db):
    UserFactory(username="temsilci", groups=["Representative"])
    demo_history_load(count=400, days=120)
    return UserFactory(username="mudur", first_name="Murat", groups=["Manager"])


def test_a_manager_filters_the_dashboard_and_exports_the_breaches(new_page, shot, mudur):
    page = new_page()
    admin_login(page, "mudur", PASSWORD, next_url="/dashboard/")
    assert page.url.endswith("/dashboard/")
    assert page.locator("h1").inner_text() == "Hizmet düzeyleri"
    open_total = int(page.locator(".sla-card .sla-v").first.inner_text())
    assert open_total > 0
    shot(page, "dashboard")
    assert axe_problems(page) == []

    page.get_by_label("Öncelik").select_option("high")
    page.get_by_label("Kanal", exact=True).select_option("web")
    with page.expect_navigation():
        page.get_by_role("button", name="Uygula").click()
    assert "priority=high" in page.url and "channel=web" in page.url
    assert int(page.locator(".sla-card .sla-v").first.inner_text()) < open_total
    shot(page, "filtered")
    page.get_by_label("Kanal", exact=True).select_option("")
    with page.expect_navigation():
        page.get_by_role("button", name="Uygula").click()
    assert "priority=high" in page.url and "channel=&" in page.url + "&"

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Dönemdeki ihlalleri dışa aktar (CSV)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("sla-breaches-")
    text = download.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:5] == ["Takip numarası", "Alınma zamanı", "Tür", "Kanal", "Öncelik"]
    assert len(rows) > 1, "no breach in the export"
    assert {row[4] for row in rows[1:]} == {"Yüksek"}

    phone = new_page(viewport=PHONE)
    admin_login(phone, "mudur", PASSWORD, next_url="/dashboard/")
    shot(phone, "dashboard on a phone")
    assert horizontal_overflow(phone) == 0
    assert axe_problems(phone) == []
