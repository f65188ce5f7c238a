"""E-mail, SMS, WhatsApp and the notices (docs/notifications.md): read from the
environment like the rest of config/settings.py, which imports these names."""

from __future__ import annotations

import environ

env = environ.Env()

# --- E-mail and SMS -----------------------------------------------------------
# `make run` sets NOTIFICATIONS_DEV_OUTBOX_DIR: notices are then written there, one
# file each (notifications/dev_outbox.py), instead of printed; EMAIL_BACKEND and
# SMS_BACKEND still choose any other transport.
NOTIFICATIONS_DEV_OUTBOX_DIR = env.str("NOTIFICATIONS_DEV_OUTBOX_DIR", default="")
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="notifications.dev_outbox.DevOutboxEmailBackend"
    if NOTIFICATIONS_DEV_OUTBOX_DIR
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="webmaster@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ANYMAIL = {
    "WEBHOOK_SECRET": env.str("ANYMAIL_WEBHOOK_SECRET", default=""),
}
# The provider whose webhooks are mounted under /anymail/ (config/anymail_urls.py);
# the other providers' URLs answer 404.
ANYMAIL_INBOUND_ESP = env.str("ANYMAIL_INBOUND_ESP", default="postmark")
SMS_BACKEND = env.str(
    "SMS_BACKEND",
    default="notifications.dev_outbox.DevOutboxSMSBackend"
    if NOTIFICATIONS_DEV_OUTBOX_DIR
    else "notifications.sms.ConsoleSMSBackend",
)
TWILIO_ACCOUNT_SID = env.str("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env.str("TWILIO_AUTH_TOKEN", default="")
TWILIO_FROM_NUMBER = env.str("TWILIO_FROM_NUMBER", default="")
# WhatsApp through Twilio (docs/channels.md, docs/notifications.md): the webhook
# /webhooks/twilio/whatsapp/ takes messages and notices answer there while the
# customer's 24-hour window is open. TWILIO_WHATSAPP_FROM is the WhatsApp sender
# (+90…, with or without "whatsapp:"); the window kept is 23 h, a safety margin.
TWILIO_WHATSAPP_ENABLED = env.bool("TWILIO_WHATSAPP_ENABLED", default=False)
TWILIO_WHATSAPP_FROM = env.str("TWILIO_WHATSAPP_FROM", default="")
NOTIFICATIONS_WHATSAPP_WINDOW_SECONDS = env.int(
    "NOTIFICATIONS_WHATSAPP_WINDOW_SECONDS", default=23 * 3600
)

# Notices (docs/notifications.md): retries, claims, links.
NOTIFICATIONS_RETRY_BASE_SECONDS = env.int("NOTIFICATIONS_RETRY_BASE_SECONDS", default=30)
NOTIFICATIONS_RETRY_MAX_DELAY_SECONDS = env.int(
    "NOTIFICATIONS_RETRY_MAX_DELAY_SECONDS", default=30 * 60
)
NOTIFICATIONS_RETRY_MAX_SECONDS = env.int("NOTIFICATIONS_RETRY_MAX_SECONDS", default=4 * 3600)
NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS = env.int("NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS", default=300)
NOTIFICATIONS_SEND_TIMEOUT_SECONDS = env.int("NOTIFICATIONS_SEND_TIMEOUT_SECONDS", default=30)
NOTIFICATIONS_REQUEUE_GRACE_SECONDS = env.int("NOTIFICATIONS_REQUEUE_GRACE_SECONDS", default=60)
NOTIFICATIONS_REQUEUE_BATCH_SIZE = env.int("NOTIFICATIONS_REQUEUE_BATCH_SIZE", default=500)
NOTIFICATIONS_ANSWER_LINK_MAX_AGE_SECONDS = env.int(
    "NOTIFICATIONS_ANSWER_LINK_MAX_AGE_SECONDS", default=30 * 24 * 3600
)
NOTIFICATIONS_MANAGER_GROUP = env.str("NOTIFICATIONS_MANAGER_GROUP", default="Manager")
NOTIFICATIONS_ACK_UNDELIVERED_GROUP = env.str(
    "NOTIFICATIONS_ACK_UNDELIVERED_GROUP", default="Representative"
)
# What the customer is told unasked, and the window that makes close events one notice.
NOTIFICATIONS_PROACTIVE = env.str(
    "NOTIFICATIONS_PROACTIVE", default="classified,due_moved,question"
)
NOTIFICATIONS_PROACTIVE_COALESCE_SECONDS = env.float(
    "NOTIFICATIONS_PROACTIVE_COALESCE_SECONDS", default=60.0
)
NOTIFICATIONS_STAFF_LANGUAGE = env.str("NOTIFICATIONS_STAFF_LANGUAGE", default="")
NOTIFICATIONS_FROM_EMAIL = env.str("NOTIFICATIONS_FROM_EMAIL", default="")
NOTIFICATIONS_SMS_MAX_SEGMENTS = env.int("NOTIFICATIONS_SMS_MAX_SEGMENTS", default=2)
NOTIFICATIONS_TWILIO_API_BASE_URL = env.str("NOTIFICATIONS_TWILIO_API_BASE_URL", default="")
NOTIFICATIONS_TWILIO_STATUS_CALLBACK = env.bool(
    "NOTIFICATIONS_TWILIO_STATUS_CALLBACK", default=True
)

__all__ = [name for name in dir() if name.isupper()]
