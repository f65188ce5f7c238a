"""The settings the customer conversation reads, with their defaults
(docs/conversation.md lists them).

Read on every access, not at import, so a test's ``settings`` override applies.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULT_ATTACHMENT_TYPES: tuple[str, ...] = (
    "application/pdf",
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "image/heic",
    "text/plain",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
)


def _get(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def site_url() -> str:
    return str(_get("SITE_URL", "") or "").rstrip("/")


# --- The customer's access to their own page ----------------------------------


def customer_access_seconds() -> int:
    """How long a proof (link or code) opens the customer's page in a session."""
    return int(_get("COMPLAINTS_CUSTOMER_ACCESS_SECONDS", 2 * 3600))


def customer_link_max_age_seconds() -> int:
    """How long the signed link in a notice proves who the customer is."""
    return int(_get("COMPLAINTS_CUSTOMER_LINK_MAX_AGE_SECONDS", 30 * 24 * 3600))


def access_code_valid_seconds() -> int:
    return int(_get("COMPLAINTS_ACCESS_CODE_VALID_SECONDS", 10 * 60))


def access_code_max_attempts() -> int:
    return int(_get("COMPLAINTS_ACCESS_CODE_MAX_ATTEMPTS", 5))


def access_lock_seconds() -> int:
    """After a code is tried wrong ``max attempts`` times, the number is locked this long."""
    return int(_get("COMPLAINTS_ACCESS_LOCK_SECONDS", 15 * 60))


def access_codes_per_hour() -> int:
    """Codes one complaint may be sent per hour (per number; the per-address
    limit is the ``access`` scope of INTAKE_RATE_LIMITS)."""
    return int(_get("COMPLAINTS_ACCESS_CODES_PER_HOUR", 5))


# --- Attachments ------------------------------------------------------------------


def attachment_max_bytes() -> int:
    return int(_get("COMPLAINTS_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))


def attachment_max_count() -> int:
    """Files in one submission or one message."""
    return int(_get("COMPLAINTS_ATTACHMENT_MAX_COUNT", 5))


def attachment_allowed_types() -> tuple[str, ...]:
    return tuple(_get("COMPLAINTS_ATTACHMENT_ALLOWED_TYPES", DEFAULT_ATTACHMENT_TYPES))
