"""Percentages as each language writes them on the dashboard."""

from decimal import Decimal

from django.utils import translation

from sla.templatetags.sla_format import percent_text


def test_turkish_puts_the_sign_first_with_a_decimal_comma():
    with translation.override("tr"):
        assert percent_text(Decimal("11.1")) == "%11,1"


def test_english_puts_the_sign_after_with_a_decimal_point():
    with translation.override("en"):
        assert percent_text(Decimal("11.1")) == "11.1\u00a0%"


def test_no_figure_is_a_dash():
    assert percent_text(None) == "—"


def test_the_dashboard_writes_turkish_percentages(client, manager, representative):
    from complaints.models import Stage
    from tests.factories import make_complaint
    from tests.helpers import advance

    advance(make_complaint(), Stage.DECISION_NOTIFIED, representative)
    client.force_login(manager)
    body = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="tr").content.decode()
    assert "%100,0" in body
    assert "100,0&nbsp;%" not in body


def test_a_weekly_row_writes_each_share_as_the_language_does_and_a_dash_for_none():
    from sla.templatetags.sla_format import week_cells

    with translation.override("tr"):
        assert week_cells([96.5, None, 100.0]) == (
            '<td class="num">96,5</td><td class="num">—</td><td class="num">100,0</td>'
        )
    with translation.override("en"):
        assert week_cells([96.5]) == '<td class="num">96.5</td>'
