"""Template filters for wording Django's admin builds from model names.

Registered as the ``wording`` template library (settings.TEMPLATES).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

register = template.Library()

# Languages whose nouns stay singular after a number: "8 şikâyet", never "8 şikâyetler".
SINGULAR_AFTER_NUMBERS = frozenset({"tr"})


def model_name_after_number(count: int, opts: Any) -> str:
    """The model's name as it reads after ``count`` in the active language."""
    language = (get_language() or "").split("-")[0]
    if count == 1 or language in SINGULAR_AFTER_NUMBERS:
        return str(opts.verbose_name)
    return str(opts.verbose_name_plural)


@register.filter
def counted(count: Any, opts: Any) -> str:
    """``{{ n|counted:opts }}``: "8 complaints", "1 complaint", "8 şikâyet"."""
    try:
        number = int(count)
    except (TypeError, ValueError):
        return str(count)
    return f"{number} {model_name_after_number(number, opts)}"
