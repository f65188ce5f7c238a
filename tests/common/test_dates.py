"""common.dates.date_formatter gives what the templates' ``date`` filter gives (issue 15)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.template import engines
from django.utils import translation

from common.dates import date_formatter

# Every month, both halves of the day, noon and midnight (English shows those
# as words), across the turn of a year, and a value with microseconds.
_START = datetime(2026, 12, 31, 20, 59, 59, 123456, tzinfo=UTC)
_VALUES = [
    _START + timedelta(days=31 * m, hours=h, minutes=h * 7)
    for m in range(13)
    for h in (0, 3, 9, 12, 15, 21)
]
_VALUES += [datetime(2026, 6, 1, 9, 0, tzinfo=UTC), datetime(2026, 6, 1, 21, 0, tzinfo=UTC)]


@pytest.mark.parametrize("language", ["tr", "en"])
@pytest.mark.parametrize(
    "format_name",
    [
        "DATETIME_FORMAT",
        "DATE_FORMAT",
        "SHORT_DATETIME_FORMAT",
        "c",
        r"j \o\f F",
        # Every character written directly, then some left to Django's DateFormat.
        "d j m n y Y H G h g i s F N b M E",
        r"D, l \t\h\e jS \o\f F, P (a A) O T e U w W z t L I",
    ],
)
def test_a_date_is_shown_as_the_date_filter_shows_it(language, format_name):
    template = engines["django"].from_string(
        "{% autoescape off %}{{ value|date:format }}{% endautoescape %}"
    )
    with translation.override(language):
        # One formatter for all the dates, as a page uses it.
        shown = date_formatter(format_name)
        for value in _VALUES:
            assert shown(value) == template.render({"value": value, "format": format_name})


def test_the_date_is_in_the_current_time_zone():
    value = datetime(2026, 6, 1, 21, 30, tzinfo=UTC)  # Istanbul is three hours ahead
    with translation.override("tr"):
        assert date_formatter()(value) == "02 Haziran 2026 00:30"
