"""Dates as the templates' ``date`` filter shows them, with the format parsed once.

Django's ``dateformat.format`` splits the format string with two lazily
compiled regular expressions on every call: about 25 µs a date, most of it in
the lazy objects' proxies, and the status page shows up to ten (issue 15). Here
the split is made once per format string, with Django's own expressions, and
each format character is still answered by Django's ``DateFormat``, so the text
is the filter's (tests/common/test_dates.py compares them).
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from django.utils import formats, timezone
from django.utils.dateformat import DateFormat, re_escaped, re_formatchars


@lru_cache(maxsize=64)
def _pieces(format_string: str) -> tuple[tuple[bool, str], ...]:
    # What Formatter.format does on every call: odd pieces are format
    # characters, even ones literal text with its backslash escapes removed.
    pieces: list[tuple[bool, str]] = []
    for index, piece in enumerate(re_formatchars.split(format_string)):
        if index % 2:
            pieces.append((True, piece))
        elif piece:
            pieces.append((False, re_escaped.sub(r"\1", piece)))
    return tuple(pieces)


def date_shown(value: datetime, format_name: str = "DATETIME_FORMAT") -> str:
    """``{{ value|date:format_name }}`` for an aware datetime: in the current
    time zone, in the active language's format (not escaped)."""
    shown = DateFormat(timezone.localtime(value))
    return "".join(
        str(getattr(shown, piece)()) if is_code else piece
        for is_code, piece in _pieces(str(formats.get_format(format_name)))
    )
