"""The intake app's settings, each with its default.

Read through these functions (not at import time) so that tests and
``override_settings`` see the current value. docs/channels.md lists them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

# Scope → "N/period" (s, m, h, d; or second, minute, hour, day). None: no limit.
DEFAULT_RATE_LIMITS: dict[str, str | None] = {
    # Web form POST and API submit share one bucket: both create complaints.
    "submit": "20/h",
    # Tracking page and API track (a lookup through /track/?number= costs two hits).
    "track": "60/m",
    # Providers post from few addresses; a tight limit would drop real messages.
    "webhook": "600/m",
    # Asking for and typing a one-time code on the customer's page (the limits
    # per tracking number are complaints' own: COMPLAINTS_ACCESS_*).
    "access": "20/h",
    # New complaints by e-mail or SMS, per sender address or number: as many as
    # the form allows one client, so the webhooks are no way around it.
    "sender": "20/h",
}

# (methods, path regex, scope) for the views this app does not own; see
# intake.ratelimit.RateLimitMiddleware. The API and the Twilio view limit themselves.
DEFAULT_RATE_LIMIT_PATHS: list[tuple[str, str, str]] = [
    ("POST", r"^/submit/$", "submit"),
    ("GET", r"^/track/", "track"),
    ("POST", r"^/track/[^/]+/verify/$", "access"),
    ("POST", r"^/anymail/[^/]+/inbound(_mime)?/$", "webhook"),
]

DEFAULT_ATTACHMENT_TYPES: tuple[str, ...] = (
    "application/pdf",
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "image/heic",
    "text/plain",
    "text/csv",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
)


def _get(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def rate_limit_enabled() -> bool:
    return bool(_get("INTAKE_RATE_LIMIT_ENABLED", True))


def rate_limits() -> dict[str, str | None]:
    return {**DEFAULT_RATE_LIMITS, **(_get("INTAKE_RATE_LIMITS", None) or {})}


def rate_limit_paths() -> list[tuple[str, str, str]]:
    return list(_get("INTAKE_RATE_LIMIT_PATHS", DEFAULT_RATE_LIMIT_PATHS))


def trusted_proxy_count() -> int:
    return int(_get("INTAKE_TRUSTED_PROXY_COUNT", 0))


def public_base_url() -> str:
    """The scheme and host the outside world (Twilio) uses to reach us, if not the request's."""
    return str(_get("INTAKE_PUBLIC_BASE_URL", "") or "").rstrip("/")


def public_api_channels() -> tuple[str, ...]:
    return tuple(_get("INTAKE_PUBLIC_API_CHANNELS", ("api", "web", "email", "sms")))


def attachment_max_bytes() -> int:
    return int(_get("INTAKE_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))


def attachment_max_count() -> int:
    return int(_get("INTAKE_ATTACHMENT_MAX_COUNT", 10))


def attachment_allowed_types() -> tuple[str, ...]:
    return tuple(_get("INTAKE_ATTACHMENT_ALLOWED_TYPES", DEFAULT_ATTACHMENT_TYPES))


def repeat_window_seconds() -> int:
    """The same web submission from the same client within this many seconds
    shows the first complaint instead of creating a second one."""
    return int(_get("INTAKE_REPEAT_WINDOW_SECONDS", 600))


def description_max_chars() -> int:
    # The web form's limit on the description; longer e-mails are cut, not refused.
    return int(_get("INTAKE_DESCRIPTION_MAX_CHARS", 10000))


def twilio_auth_token() -> str:
    return str(_get("TWILIO_AUTH_TOKEN", "") or "")


def whatsapp_enabled() -> bool:
    """WhatsApp through Twilio (docs/channels.md): off, its messages are not taken."""
    return bool(_get("TWILIO_WHATSAPP_ENABLED", False))


def own_email_addresses() -> set[str]:
    """Addresses we send from: mail from them is our own, looped back."""
    addresses = {_get("DEFAULT_FROM_EMAIL", ""), _get("SERVER_EMAIL", "")}
    addresses.update(_get("INTAKE_IGNORED_SENDERS", ()))
    return {_address_only(a) for a in addresses if a}


def _address_only(text: str) -> str:
    from email.utils import parseaddr

    return parseaddr(text)[1].strip().lower()
