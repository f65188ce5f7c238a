"""Template filters for wording Django's admin builds from model names.

Registered as the ``wording`` template library (settings.TEMPLATES).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import get_language, gettext

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


def _two_significant_digits(number: int) -> int:
    digits = len(str(abs(number)))
    return round(number, -max(0, digits - 2))


@register.filter
def counted_about(count: Any, opts: Any) -> str:
    """``{{ n|counted_about:opts }}`` for an estimated count: "about 1,000,000
    complaints", "yaklaşık 1.000.000 şikâyet" (two significant digits)."""
    try:
        number = _two_significant_digits(int(count))
    except (TypeError, ValueError):
        return str(count)
    return gettext("about %(count)s %(name)s") % {
        "count": number_format(number, force_grouping=True),
        "name": model_name_after_number(number, opts),
    }
