"""The settings this app reads, with their defaults (docs/notifications.md lists them).

Read on every access, not at import, so a test's ``settings`` override applies.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Temporary failures: exponential backoff with jitter, first wait about
    # BASE seconds, each wait capped at MAX_DELAY, given up (marked failed)
    # once the next attempt would fall later than MAX_SECONDS after the first.
    "NOTIFICATIONS_RETRY_BASE_SECONDS": 30.0,
    "NOTIFICATIONS_RETRY_MAX_DELAY_SECONDS": 1800.0,
    "NOTIFICATIONS_RETRY_MAX_SECONDS": 4 * 3600.0,
    # A worker's claim on a row; after it a crashed worker's row is taken again.
    # Keep it well above NOTIFICATIONS_SEND_TIMEOUT_SECONDS.
    "NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS": 300.0,
    # Network timeout of one attempt (SMTP connection, Twilio API call).
    "NOTIFICATIONS_SEND_TIMEOUT_SECONDS": 30.0,
    # The re-queue sweep leaves rows alone for this long after they fell due,
    # so it does not race the task enqueued at commit.
    "NOTIFICATIONS_REQUEUE_GRACE_SECONDS": 60.0,
    "NOTIFICATIONS_REQUEUE_BATCH_SIZE": 500,
    # Accept / reject links of a decision notice.
    "NOTIFICATIONS_ANSWER_LINK_MAX_AGE_SECONDS": 30 * 24 * 3600,
    # Escalations go to the assignee and to the active members of this group.
    "NOTIFICATIONS_MANAGER_GROUP": "Manager",
    # Alerts about an unassigned complaint go to the active members of this group.
    "NOTIFICATIONS_REPRESENTATIVE_GROUP": "Representative",
    # Issue 10, item 5: who is asked to acknowledge by phone when the
    # acknowledgement notice bounced, while the complaint has no assignee.
    "NOTIFICATIONS_ACK_UNDELIVERED_GROUP": "Representative",
    # Issue 10, item 7: what the customer is told of unasked (a comma list of
    # classified, due_moved, question; "" for none), and how long a notice is
    # held so that events close together go out as one (0: at once, one each).
    "NOTIFICATIONS_PROACTIVE": "classified,due_moved,question",
    "NOTIFICATIONS_PROACTIVE_COALESCE_SECONDS": 60.0,
    # Language of the notices to staff ("" means LANGUAGE_CODE).
    "NOTIFICATIONS_STAFF_LANGUAGE": "",
    # Sender of the notices ("" means DEFAULT_FROM_EMAIL).
    "NOTIFICATIONS_FROM_EMAIL": "",
    "NOTIFICATIONS_SMS_MAX_SEGMENTS": 2,
    # Base URL of Twilio's REST API; "" means Twilio's own. Tests point it at
    # a local stand-in.
    "NOTIFICATIONS_TWILIO_API_BASE_URL": "",
    # Ask Twilio for delivery reports (status callbacks) at SITE_URL.
    "NOTIFICATIONS_TWILIO_STATUS_CALLBACK": True,
    # WhatsApp lets a business write freely for 24 hours after the customer's
    # last message; later only an approved template may go. A notice goes on
    # WhatsApp only within this much of that message: 23 h, a margin for the
    # send and its first retries.
    "NOTIFICATIONS_WHATSAPP_WINDOW_SECONDS": 23 * 3600,
}


def _get(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])


def retry_base_seconds() -> float:
    return float(_get("NOTIFICATIONS_RETRY_BASE_SECONDS"))


def retry_max_delay_seconds() -> float:
    return float(_get("NOTIFICATIONS_RETRY_MAX_DELAY_SECONDS"))


def retry_max_seconds() -> float:
    return float(_get("NOTIFICATIONS_RETRY_MAX_SECONDS"))


def claim_timeout_seconds() -> float:
    return float(_get("NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS"))


def send_timeout_seconds() -> float:
    return float(_get("NOTIFICATIONS_SEND_TIMEOUT_SECONDS"))


def requeue_grace_seconds() -> float:
    return float(_get("NOTIFICATIONS_REQUEUE_GRACE_SECONDS"))


def requeue_batch_size() -> int:
    return int(_get("NOTIFICATIONS_REQUEUE_BATCH_SIZE"))


def answer_link_max_age_seconds() -> int:
    return int(_get("NOTIFICATIONS_ANSWER_LINK_MAX_AGE_SECONDS"))


def manager_group() -> str:
    return str(_get("NOTIFICATIONS_MANAGER_GROUP"))


def representative_group() -> str:
    return str(_get("NOTIFICATIONS_REPRESENTATIVE_GROUP"))


def ack_undelivered_group() -> str:
    return str(_get("NOTIFICATIONS_ACK_UNDELIVERED_GROUP"))


def proactive() -> frozenset[str]:
    """The names listed in NOTIFICATIONS_PROACTIVE (a comma list, or a list)."""
    value = _get("NOTIFICATIONS_PROACTIVE")
    names = value.split(",") if isinstance(value, str) else list(value or ())
    return frozenset(str(name).strip().lower() for name in names if str(name).strip())


def proactive_coalesce_seconds() -> float:
    return max(0.0, float(_get("NOTIFICATIONS_PROACTIVE_COALESCE_SECONDS")))


def staff_language() -> str:
    return str(_get("NOTIFICATIONS_STAFF_LANGUAGE") or settings.LANGUAGE_CODE)[:2]


def from_email() -> str:
    return str(_get("NOTIFICATIONS_FROM_EMAIL") or settings.DEFAULT_FROM_EMAIL)


def sms_max_segments() -> int:
    return int(_get("NOTIFICATIONS_SMS_MAX_SEGMENTS"))


def twilio_api_base_url() -> str:
    return str(_get("NOTIFICATIONS_TWILIO_API_BASE_URL") or "")


def twilio_status_callback() -> bool:
    return bool(_get("NOTIFICATIONS_TWILIO_STATUS_CALLBACK"))


def site_url() -> str:
    return str(getattr(settings, "SITE_URL", "http://127.0.0.1:8000")).rstrip("/")


def sms_backend() -> str:
    return str(getattr(settings, "SMS_BACKEND", "notifications.sms.ConsoleSMSBackend"))


def twilio_account_sid() -> str:
    return str(getattr(settings, "TWILIO_ACCOUNT_SID", ""))


def twilio_auth_token() -> str:
    return str(getattr(settings, "TWILIO_AUTH_TOKEN", ""))


def twilio_from_number() -> str:
    return str(getattr(settings, "TWILIO_FROM_NUMBER", ""))


def twilio_whatsapp_from() -> str:
    """The WhatsApp sender (``+90…`` or ``whatsapp:+90…``); empty: not configured."""
    return str(getattr(settings, "TWILIO_WHATSAPP_FROM", "") or "").strip()


def whatsapp_enabled() -> bool:
    return bool(getattr(settings, "TWILIO_WHATSAPP_ENABLED", False))


def whatsapp_window_seconds() -> int:
    return int(_get("NOTIFICATIONS_WHATSAPP_WINDOW_SECONDS"))
