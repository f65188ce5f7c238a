"""Development transports that write each notice to a file under var/outbox/.

``make run`` uses them (EMAIL_BACKEND / SMS_BACKEND still override): the
console stays readable, and every e-mail (``.eml``, opens in any mail
program) and text message (``.txt``) can be read afterwards, one file each,
with one log line naming it. The file's name is the notice's provider message
id, so the notice's page in the admin names it too.
"""

from __future__ import annotations

import logging
import re
import threading
import uuid
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from anymail.message import AnymailRecipientStatus, AnymailStatus
from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

from .sms import BaseSMSBackend, medium_label

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_UNSAFE = re.compile(r"[^A-Za-z0-9._+-]+")


def outbox_dir() -> Path:
    return Path(
        getattr(settings, "NOTIFICATIONS_DEV_OUTBOX_DIR", "")
        or Path(settings.BASE_DIR) / "var" / "outbox"
    )


def _write(recipient: str, suffix: str, content: bytes) -> Path:
    """A new file named by time and recipient; never overwrites one."""
    directory = outbox_dir()
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    who = _UNSAFE.sub("_", recipient)[:60] or "unknown"
    with _lock:
        path = directory / f"{stamp}-{who}-{uuid.uuid4().hex[:6]}{suffix}"
        with path.open("xb") as handle:
            handle.write(content)
    return path


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path(settings.BASE_DIR)))
    except ValueError:
        return str(path)


class DevOutboxEmailBackend(BaseEmailBackend):
    """A Django e-mail backend writing one ``.eml`` file per message."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        sent = 0
        for message in email_messages:
            recipients = message.recipients()
            if not recipients:
                continue
            try:
                path = _write(recipients[0], ".eml", message.message().as_bytes())
            except OSError:
                if not self.fail_silently:
                    raise
                continue
            shown = _shown(path)
            logger.info("e-mail to %s written to %s", ", ".join(recipients), shown)
            status = AnymailStatus()
            status.set_recipient_status(
                {r: AnymailRecipientStatus(message_id=shown, status="sent") for r in recipients}
            )
            message.anymail_status = status  # type: ignore[attr-defined]
            sent += 1
        return sent


class DevOutboxSMSBackend(BaseSMSBackend):
    """An SMS backend writing one ``.txt`` file per message (WhatsApp's too:
    ``To: whatsapp:+90…``)."""

    def __init__(self, *, timeout: float | None = None, **kwargs: Any) -> None:
        super().__init__(timeout=timeout)

    def send(self, *, to: str, body: str, status_callback: str = "") -> str:
        text = f"To: {to}\n\n{body}\n"
        shown = _shown(_write(to, ".txt", text.encode("utf-8")))
        logger.info("%s to %s written to %s", medium_label(to), to, shown)
        return shown
