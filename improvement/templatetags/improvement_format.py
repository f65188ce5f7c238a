"""Numbers as Turkish and English readers write them: %95,0 and 95.0%."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import get_language

register = template.Library()


@register.filter
def percent(value: Any, digits: int = 1) -> str:
    """``95.04|percent`` → "%95,0" in Turkish, "95.0%" in English; "–" for None."""
    if value is None or value == "":
        return "–"
    number = floatformat(value, digits)
    return f"{number}%" if (get_language() or "tr").startswith("en") else f"%{number}"
