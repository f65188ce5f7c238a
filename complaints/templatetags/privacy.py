"""``{% privacy_notice_current as notice %}``: the privacy notice in force, for
the pages that show it (the staff's registration form reads it out)."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format

from complaints.models import PrivacyNotice
from complaints.privacy import privacy_notice_current as _current

register = template.Library()


@register.simple_tag
def privacy_notice_current() -> PrivacyNotice | None:
    return _current()


@register.filter
def iso_datetime(value: str | None) -> str:
    """An ISO instant from an export, as local date and time (the JSON keeps ISO)."""
    parsed = parse_datetime(value or "") if isinstance(value, str) else None
    if parsed is None:
        return value or ""
    return date_format(timezone.localtime(parsed), "SHORT_DATETIME_FORMAT")
