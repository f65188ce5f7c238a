"""E-mail transport: Django's e-mail API, so EMAIL_BACKEND picks the provider
(anymail's ESP backends in production, SMTP, console or locmem elsewhere)."""

from __future__ import annotations

import logging
import smtplib
from email.utils import make_msgid
from typing import TYPE_CHECKING

from anymail.exceptions import (
    AnymailAPIError,
    AnymailConfigurationError,
    AnymailError,
    AnymailInvalidAddress,
    AnymailRecipientsRefused,
)
from django.core.mail import EmailMultiAlternatives, get_connection

from . import conf
from .errors import DeliveryError, PermanentDeliveryError, TemporaryDeliveryError
from .mail_thread import mail_domain, notice_message_id, thread_headers
from .models import Medium, Notification
from .transports import transport_register

if TYPE_CHECKING:
    from .models import Notification

logger = logging.getLogger(__name__)

# HTTP answers from an ESP that say "later", not "never".
_TEMPORARY_HTTP = {408, 425, 429}


class EmailTransport:
    """Sends one e-mail; returns the provider's message id (or our Message-ID)."""

    def send(
        self,
        *,
        to: str,
        subject: str,
        text: str,
        html: str = "",
        metadata: dict[str, str] | None = None,
        tags: list[str] | None = None,
        message_id: str = "",
        headers: dict[str, str] | None = None,
    ) -> str:
        """``message_id``: the Message-ID header to send (``notice_message_id``),
        a fresh one when not given; ``headers`` may carry the thread's
        In-Reply-To / References (notifications.mail_thread)."""
        headers = dict(headers or {})
        message_id = (
            message_id
            or headers.get("Message-ID")
            or make_msgid(domain=mail_domain(conf.from_email()))
        )
        headers["Message-ID"] = message_id
        connection = get_connection(timeout=conf.send_timeout_seconds())
        message = EmailMultiAlternatives(
            subject=subject,
            body=text,
            from_email=conf.from_email(),
            to=[to],
            headers=headers,
            connection=connection,
        )
        if html:
            message.attach_alternative(html, "text/html")
        # Read by anymail's ESP backends (and echoed in their tracking webhooks);
        # other backends ignore them.
        message.metadata = dict(metadata or {})  # type: ignore[attr-defined]
        message.tags = list(tags or [])  # type: ignore[attr-defined]
        try:
            count = message.send()
        except Exception as exc:
            raise classify(exc) from exc
        if count != 1:
            raise PermanentDeliveryError("the e-mail backend sent nothing")
        status = getattr(message, "anymail_status", None)
        provider_id = getattr(status, "message_id", None) if status is not None else None
        if provider_id is not None and str(provider_id):
            return str(provider_id)
        return message_id


def _describe(exc: BaseException) -> str:
    try:
        return f"{type(exc).__name__}: {exc}"
    except Exception:  # an exception whose __str__ fails must not hide the failure
        return type(exc).__name__


def classify(exc: BaseException) -> DeliveryError:
    """Tell a failure that a later attempt may cure from one it cannot."""
    if isinstance(exc, DeliveryError):
        return exc
    text = _describe(exc)
    if isinstance(exc, AnymailRecipientsRefused | AnymailInvalidAddress):
        return PermanentDeliveryError(text)
    if isinstance(exc, AnymailConfigurationError):
        return PermanentDeliveryError(text)
    if isinstance(exc, AnymailAPIError):
        code = exc.status_code
        if code is None or code >= 500 or code in _TEMPORARY_HTTP:
            return TemporaryDeliveryError(text)
        return PermanentDeliveryError(text)
    if isinstance(exc, AnymailError):
        return PermanentDeliveryError(text)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        # 4xx is "try again later" in SMTP (RFC 5321), 5xx is final.
        if codes and all(code >= 500 for code in codes):
            return PermanentDeliveryError(text)
        return TemporaryDeliveryError(text)
    if isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return TemporaryDeliveryError(text)
    if isinstance(exc, smtplib.SMTPResponseException):
        if 400 <= exc.smtp_code < 500:
            return TemporaryDeliveryError(text)
        return PermanentDeliveryError(text)
    if isinstance(exc, OSError | smtplib.SMTPException):
        # Connection refused, reset, timed out, name not resolved.
        return TemporaryDeliveryError(text)
    logger.exception("unexpected error from the e-mail backend")
    return TemporaryDeliveryError(text)


class EmailNoticeTransport:
    """The e-mail entry of the transport registry (notifications.transports)."""

    def deliver(self, notification: Notification) -> str:
        return EmailTransport().send(
            to=notification.recipient,
            subject=notification.subject,
            text=notification.body_text,
            html=notification.body_html,
            metadata={"notification": str(notification.pk), "kind": notification.kind},
            tags=[notification.kind],
            message_id=notice_message_id(notification),
            headers=thread_headers(notification),
        )


transport_register(Medium.EMAIL, EmailNoticeTransport)
