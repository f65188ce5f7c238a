"""SMS and WhatsApp transports: a small backend interface chosen by SMS_BACKEND,
with Twilio (production), console (development) and locmem (tests)
implementations. A WhatsApp message is a text message to ``whatsapp:+90…``
(common.twilio_address): the same backend sends it, Twilio's from
TWILIO_WHATSAPP_FROM."""

from __future__ import annotations

import logging
import sys
import threading
import uuid
from dataclasses import dataclass
from typing import Any, TextIO
from urllib.parse import urlsplit, urlunsplit

import requests
from django.urls import reverse
from django.utils.module_loading import import_string
from twilio.base import values
from twilio.base.exceptions import TwilioException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from common import twilio_address

from . import conf
from .errors import DeliveryError, PermanentDeliveryError, TemporaryDeliveryError
from .models import Medium, Notification
from .transports import transport_register

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SentSMS:
    to: str
    body: str
    message_id: str
    status_callback: str = ""


class BaseSMSBackend:
    """Hands one text message to a provider and returns the provider's message id.

    Raises TemporaryDeliveryError when a later attempt may succeed and
    PermanentDeliveryError when it cannot.
    """

    def __init__(self, *, timeout: float | None = None) -> None:
        self.timeout = timeout

    def send(self, *, to: str, body: str, status_callback: str = "") -> str:
        raise NotImplementedError


def medium_label(to: str) -> str:
    return "WhatsApp" if twilio_address.is_whatsapp(to) else "SMS"


class ConsoleSMSBackend(BaseSMSBackend):
    """Prints the message (the development default, like Django's console e-mail)."""

    def __init__(self, *, timeout: float | None = None, stream: TextIO | None = None) -> None:
        super().__init__(timeout=timeout)
        self.stream = stream or sys.stdout

    def send(self, *, to: str, body: str, status_callback: str = "") -> str:
        message_id = f"console-{uuid.uuid4().hex}"
        self.stream.write(f"{medium_label(to)} to {to} ({message_id}):\n{body}\n{'-' * 40}\n")
        self.stream.flush()
        return message_id


outbox: list[SentSMS] = []
_outbox_lock = threading.Lock()


class LocmemSMSBackend(BaseSMSBackend):
    """Keeps the messages in ``notifications.sms.outbox`` (tests)."""

    def send(self, *, to: str, body: str, status_callback: str = "") -> str:
        message_id = f"locmem-{uuid.uuid4().hex}"
        with _outbox_lock:
            outbox.append(SentSMS(to, body, message_id, status_callback))
        return message_id


class RebasedTwilioHttpClient(TwilioHttpClient):
    """Twilio's HTTP client, sending every request to another base URL."""

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base = urlsplit(base_url)

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        parts = urlsplit(url)
        path = self.base.path.rstrip("/") + parts.path
        url = urlunsplit((self.base.scheme, self.base.netloc, path, parts.query, parts.fragment))
        return super().request(method, url, *args, **kwargs)


# HTTP answers from Twilio that say "later", not "never".
_TEMPORARY_HTTP = {408, 429}


class TwilioSMSBackend(BaseSMSBackend):
    """Twilio's Messages API through the twilio SDK.

    TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER configure it
    (TWILIO_WHATSAPP_FROM the sender of messages to ``whatsapp:`` addresses);
    NOTIFICATIONS_TWILIO_API_BASE_URL points it elsewhere (tests).
    """

    def __init__(self, *, timeout: float | None = None) -> None:
        super().__init__(timeout=timeout)
        self.account_sid = conf.twilio_account_sid()
        self.auth_token = conf.twilio_auth_token()
        self.from_number = conf.twilio_from_number()
        self.whatsapp_from = conf.twilio_whatsapp_from()
        self.base_url = conf.twilio_api_base_url()

    def _client(self) -> Client:
        http_client: TwilioHttpClient
        if self.base_url:
            http_client = RebasedTwilioHttpClient(self.base_url, timeout=self.timeout)
        else:
            http_client = TwilioHttpClient(timeout=self.timeout)
        return Client(self.account_sid, self.auth_token, http_client=http_client)

    def _sender(self, to: str) -> tuple[str, str]:
        """Who sends to ``to``, and the setting that says so."""
        if twilio_address.is_whatsapp(to):
            sender = self.whatsapp_from
            return (
                twilio_address.whatsapp_address(sender) if sender else ""
            ), "TWILIO_WHATSAPP_FROM"
        return self.from_number, "TWILIO_FROM_NUMBER"

    def send(self, *, to: str, body: str, status_callback: str = "") -> str:
        sender, setting = self._sender(to)
        if not (self.account_sid and self.auth_token and sender):
            raise PermanentDeliveryError(
                f"Twilio is not configured (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, {setting})"
            )
        try:
            message = self._client().messages.create(
                to=to,
                from_=sender,
                body=body,
                status_callback=status_callback or values.unset,
            )
        except requests.RequestException as exc:
            # Timeouts, refused or reset connections: nothing was accepted.
            raise TemporaryDeliveryError(f"{type(exc).__name__}: {exc}") from exc
        except TwilioException as exc:
            raise _classify_twilio(exc) from exc
        sid = getattr(message, "sid", None)
        if not sid:
            raise TemporaryDeliveryError("Twilio answered without a message sid")
        return str(sid)


def _classify_twilio(exc: Exception) -> DeliveryError:
    status = getattr(exc, "status", None)
    code = getattr(exc, "code", None)
    text = f"Twilio HTTP {status}, code {code}: {getattr(exc, 'msg', '') or exc}"
    if not isinstance(status, int) or status >= 500 or status in _TEMPORARY_HTTP:
        return TemporaryDeliveryError(text)
    # 4xx: 21211 invalid "To", 21614 not a mobile number, 21610 the customer
    # replied STOP, 20003 bad credentials, 63003 not on WhatsApp... none is
    # cured by waiting.
    return PermanentDeliveryError(text)


def get_sms_backend(path: str | None = None) -> BaseSMSBackend:
    backend_class = import_string(path or conf.sms_backend())
    return backend_class(timeout=conf.send_timeout_seconds())


class SMSNoticeTransport:
    """The SMS entry of the transport registry: the SMS_BACKEND, asked for
    Twilio's status callbacks when they are on."""

    def address(self, notification: Notification) -> str:
        return notification.recipient

    def deliver(self, notification: Notification) -> str:
        callback = ""
        if conf.twilio_status_callback():
            callback = conf.site_url() + reverse("notifications:twilio_status")
        try:
            return get_sms_backend().send(
                to=self.address(notification), body=notification.body_text, status_callback=callback
            )
        except DeliveryError:
            raise
        except Exception as exc:
            # A backend that breaks its contract: worth another try, and logged.
            logger.exception("unexpected error from the SMS backend")
            raise TemporaryDeliveryError(f"{type(exc).__name__}: {exc}") from exc


class WhatsAppNoticeTransport(SMSNoticeTransport):
    """The WhatsApp entry: the same backend and status callbacks, to the
    recipient's number as a ``whatsapp:`` address."""

    def address(self, notification: Notification) -> str:
        return twilio_address.whatsapp_address(notification.recipient)


transport_register(Medium.SMS, SMSNoticeTransport)
transport_register(Medium.WHATSAPP, WhatsAppNoticeTransport)
