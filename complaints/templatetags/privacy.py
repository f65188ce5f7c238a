"""``{% privacy_notice_current as notice %}``: the privacy notice in force, for
the pages that show it (the staff's registration form reads it out)."""

from __future__ import annotations

from django import template

from complaints.models import PrivacyNotice
from complaints.privacy import privacy_notice_current as _current

register = template.Library()


@register.simple_tag
def privacy_notice_current() -> PrivacyNotice | None:
    return _current()
