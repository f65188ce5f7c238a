"""Numbers as the reader's language writes them."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
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
