"""Numbers as the reader's language writes them."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import localize, number_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()


def percent_text(value: Any, language: str | None = None) -> str:
    """``%11,1`` in Turkish (the sign comes first), ``11.1 %`` in English; "—" for None."""
    if value is None:
        return "—"
    number = number_format(value, decimal_pos=1, use_l10n=True)
    if (language or get_language() or "tr").startswith("tr"):
        return f"%{number}"
    return f"{number}\u00a0%"


@register.filter
def percent(value: Any) -> SafeString:
    return format_html("{}", percent_text(value))


@register.filter
def week_cells(values: Any) -> SafeString:
    """A weekly row's cells, "—" where nothing was decided: what the template's
    loop wrote cell by cell (``{{ v }}``, localized and escaped), in one call,
    as a year's tables hold a thousand of them (issue 15, item 3)."""
    return mark_safe(  # noqa: S308 - every value is escaped here
        "".join(
            '<td class="num">—</td>'
            if value is None
            else f'<td class="num">{conditional_escape(localize(value))}</td>'
            for value in values
        )
    )
