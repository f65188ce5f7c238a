"""Logging filters (settings.LOGGING)."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied


class PermissionDeniedWithoutTraceback(logging.Filter):
    """Keep Django's one-line "Forbidden (Permission denied): /path" warning, drop its traceback.

    A 403 is the application working as intended (a user without the permission),
    not an error: a stack trace per refused request only buries the real ones.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        exc_info = record.exc_info
        if exc_info and isinstance(exc_info, tuple) and isinstance(exc_info[1], PermissionDenied):
            record.exc_info = None
            record.exc_text = None
        return True
