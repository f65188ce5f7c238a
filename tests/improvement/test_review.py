"""The management review pack: the period's figures against the previous
period of the same length, as PDF (WeasyPrint, server-drawn charts) and XLSX
(one sheet per section, real numbers and dates), from the command line and
from the improvement page for Managers."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from complaints.models import Stage
from improvement.models import RecurrenceSignal
from improvement.review.figures import review_pack
from improvement.review.output import pack_html
from improvement.weeks import week_start
from tests.factories import category, make_complaint, root_cause
from tests.helpers import advance

from .conftest import bulk_complaints

pytestmark = pytest.mark.django_db
IST = ZoneInfo("Europe/Istanbul")


def _at(day: date) -> datetime:
    return datetime.combine(day, time(11), tzinfo=IST)


TODAY = timezone.localdate()
# The year up to today, and the year before it.
START, END = TODAY - timedelta(days=364), TODAY
PERIOD: dict[str, Any] = {"date_from": START, "date_to": END}
ARGS = [f"--from={START.isoformat()}", f"--to={END.isoformat()}"]
SIGNAL_WEEK = week_start(TODAY - timedelta(days=200))


@pytest.fixture
def year(representative):
    """3 complaints received in the year, 1 in the year before, one walked
    to closure with its SLA figures, a root cause, a signal."""
    bulk_complaints(
        [
            {"received_at": _at(TODAY - timedelta(days=300)), "category": category("financial")},
            {
                "received_at": _at(SIGNAL_WEEK),
                "category": category("financial"),
                "root_cause": root_cause("process"),
                "stage": Stage.RESPONDED,
                "channel": "email",
            },
            {
                "received_at": _at(TODAY - timedelta(days=400)),
                "category": category("communication"),
            },
        ]
    )
    RecurrenceSignal.objects.create(
        week=SIGNAL_WEEK,
        dimension="category",
        category=category("financial"),
        count=9,
        mean=2.0,
        limit=6.24,
    )
    return advance(make_complaint(), Stage.CLOSED, representative)


def test_each_figure_is_held_against_the_previous_period_of_the_same_length(year):
    pack = review_pack(**PERIOD)
    assert (pack.previous_from, pack.previous_to) == (
        START - timedelta(days=365),
        START - timedelta(days=1),
    )
    kpis = {k.key: k for k in pack.kpis}
    assert (kpis["received"].current, kpis["received"].previous) == (3, 1)
    assert kpis["ack_on_time"].current is not None  # the sla app's own figure
    assert kpis["ack_on_time"].target == 95.0
    by_channel = {r.label: (r.current, r.previous) for r in pack.volume[0].rows}
    assert by_channel["E-posta"] == (1, 0)
    assert next((r.label, r.current, r.cumulative) for r in pack.pareto)[1:] == (2, 100.0)
    assert [s.count for s in pack.signals] == [9]
    assert pack.survey.overall.invited == 1


def test_the_review_pack_makes_the_same_number_of_queries_whatever_the_volume(year):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            review_pack(**PERIOD)
        return len(queries)

    small = count()
    bulk_complaints([{"received_at": _at(START + timedelta(days=i))} for i in range(200)])
    assert count() == small


def test_the_command_writes_the_pdf_in_turkish_and_in_english(year, tmp_path):
    for language in ("tr", "en"):
        path = tmp_path / f"review-{language}.pdf"
        out = io.StringIO()
        call_command(
            "management_review",
            *ARGS,
            "--format=pdf",
            f"--output={path}",
            f"--language={language}",
            stdout=out,
        )
        data = path.read_bytes()
        assert data.startswith(b"%PDF-")
        assert len(data) > 10_000
        assert str(path) in out.getvalue()


def test_the_pdf_is_drawn_from_html_with_server_side_svg_charts(year):
    from django.utils import translation

    with translation.override("en"):
        pack = review_pack(**PERIOD)
        html = pack_html(pack)
    assert "<script" not in html
    assert html.count('role="img" class="chart"') >= 6  # volume x4, Pareto, survey, signal
    assert "Acknowledged on time" in html and "Previous period" in html
    with translation.override("tr"):
        html = pack_html(review_pack(**PERIOD))
    assert "Zamanında alındı bildirimi" in html


def test_the_xlsx_has_one_sheet_per_section_with_real_numbers_and_dates(year, tmp_path):
    path = tmp_path / "review.xlsx"
    call_command(
        "management_review",
        *ARGS,
        "--format=xlsx",
        f"--output={path}",
        "--language=en",
        stdout=io.StringIO(),
    )
    book = load_workbook(path)
    assert book.sheetnames == [
        "Summary",
        "KPIs",
        "Volume",
        "Backlog",
        "Root causes",
        "Signals",
        "Corrective actions",
        "Survey",
    ]
    summary = {row[0].value: row[1].value for row in book["Summary"].iter_rows(min_row=2)}
    assert summary["Period from"] == datetime.combine(START, time.min)
    kpis = {row[0].value: row for row in book["KPIs"].iter_rows(min_row=2)}
    received = kpis["Applications received"]
    assert (received[2].value, received[3].value, received[4].value) == (3, 1, 2)
    ack = kpis["Acknowledged on time"]
    assert isinstance(ack[2].value, int | float) and 0 <= ack[2].value <= 1
    assert ack[2].number_format == "0.0%"
    signal = next(iter(book["Signals"].iter_rows(min_row=2, max_row=2)))
    assert signal[0].value == datetime.combine(SIGNAL_WEEK, time.min)
    assert signal[3].value == 9


def test_the_command_refuses_bad_dates(tmp_path):
    with pytest.raises(CommandError):
        call_command(
            "management_review",
            "--from=2026-13-01",
            "--to=2026-12-31",
            "--format=pdf",
            f"--output={tmp_path / 'x.pdf'}",
        )
    with pytest.raises(CommandError):
        call_command(
            "management_review",
            "--from=2026-12-31",
            "--to=2026-01-01",
            "--format=xlsx",
            f"--output={tmp_path / 'x.xlsx'}",
        )


def test_managers_download_the_pack_from_the_improvement_page(client, manager, year):
    client.force_login(manager)
    page = client.get("/improvement/")
    assert 'action="/improvement/review/"' in page.content.decode()
    for fmt, kind in (("pdf", "application/pdf"), ("xlsx", "spreadsheetml")):
        response = client.get(
            "/improvement/review/",
            {**PERIOD, "format": fmt, "language": "tr"},
        )
        assert response.status_code == 200
        assert kind in response["Content-Type"]
        assert "attachment" in response["Content-Disposition"]
        body = b"".join(response.streaming_content)
        assert body[:4] in (b"%PDF", b"PK\x03\x04")


def test_the_download_is_refused_without_the_permission_and_checks_its_input(
    client, agent, manager
):
    query = {**PERIOD, "format": "pdf"}
    assert client.get("/improvement/review/", query)["Location"].startswith("/admin/login/")
    client.force_login(agent)
    assert client.get("/improvement/review/", query).status_code == 403
    client.force_login(manager)
    assert client.get("/improvement/review/", {**query, "date_from": "x"}).status_code == 400
    assert client.get("/improvement/review/", {**query, "format": "doc"}).status_code == 400
    assert (
        client.get(
            "/improvement/review/", {**query, "date_from": END + timedelta(days=1)}
        ).status_code
        == 400
    )
