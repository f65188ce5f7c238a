"""Dates as the templates' ``date`` filter shows them, with the format parsed once.

Django's ``dateformat.format`` splits the format string with two lazily
compiled regular expressions on every call, and its ``DateFormat`` works out
on every call whether the time zone is ambiguous at that instant: about 17 µs
a date, and the status page shows up to ten (issue 15). Here a format string
is split once per format and language, with Django's own expressions; the
characters that are plain numbers or month names (``d j m n y Y H G h g i s``
and ``F N b M E``, the names translated once per language) are written
directly, and every other one is still answered by Django's ``DateFormat``,
so the text is the filter's (tests/common/test_dates.py compares them).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import Any

from django.utils import formats, timezone
from django.utils.dateformat import DateFormat, re_escaped, re_formatchars
from django.utils.dates import MONTHS, MONTHS_3, MONTHS_ALT, MONTHS_AP
from django.utils.translation import get_language

# What DateFormat's method of the same name returns, from the local datetime.
_NUMBERS: dict[str, Callable[[datetime], str]] = {
    "d": lambda v: f"{v.day:02d}",
    "j": lambda v: str(v.day),
    "m": lambda v: f"{v.month:02d}",
    "n": lambda v: str(v.month),
    "y": lambda v: f"{v.year % 100:02d}",
    "Y": lambda v: f"{v.year:04d}",
    "H": lambda v: f"{v.hour:02d}",
    "G": lambda v: str(v.hour),
    "h": lambda v: f"{v.hour % 12 or 12:02d}",
    "g": lambda v: str(v.hour % 12 or 12),
    "i": lambda v: f"{v.minute:02d}",
    "s": lambda v: f"{v.second:02d}",
}
_MONTH_NAMES: dict[str, Callable[[int], str]] = {
    "F": lambda month: str(MONTHS[month]),
    "N": lambda month: str(MONTHS_AP[month]),
    "b": lambda month: str(MONTHS_3[month]),
    "M": lambda month: str(MONTHS_3[month]).title(),
    "E": lambda month: str(MONTHS_ALT[month]),
}

_LITERAL, _NUMBER, _MONTH, _OTHER = range(4)


@lru_cache(maxsize=64)
def _pieces(format_string: str, language: str | None) -> tuple[tuple[int, Any], ...]:
    # What Formatter.format does on every call: odd pieces are format
    # characters, even ones literal text with its backslash escapes removed.
    # ``language`` is part of the key: the month names are in it.
    pieces: list[tuple[int, Any]] = []
    for index, piece in enumerate(re_formatchars.split(format_string)):
        if not index % 2:
            if piece:
                pieces.append((_LITERAL, re_escaped.sub(r"\1", piece)))
        elif piece in _NUMBERS:
            pieces.append((_NUMBER, _NUMBERS[piece]))
        elif piece in _MONTH_NAMES:
            name = _MONTH_NAMES[piece]
            pieces.append((_MONTH, tuple(name(month) if month else "" for month in range(13))))
        else:
            pieces.append((_OTHER, piece))
    return tuple(pieces)


def date_formatter(format_name: str = "DATETIME_FORMAT") -> Callable[[datetime], str]:
    """``{{ value|date:format_name }}`` for aware datetimes, in the current time
    zone and the active language's format (not escaped): the zone, the format
    and the month names looked up once for all the dates of a page."""
    zone = timezone.get_current_timezone()
    pieces = _pieces(str(formats.get_format(format_name)), get_language())

    def shown(value: datetime) -> str:
        if value.utcoffset() is None:
            raise ValueError("localtime() cannot be applied to a naive datetime")
        local = value.astimezone(zone)
        other: DateFormat | None = None
        parts: list[str] = []
        for kind, piece in pieces:
            if kind == _LITERAL:
                parts.append(piece)
            elif kind == _NUMBER:
                parts.append(piece(local))
            elif kind == _MONTH:
                parts.append(piece[local.month])
            else:
                if other is None:
                    other = DateFormat(local)
                parts.append(str(getattr(other, piece)()))
        return "".join(parts)

    return shown
