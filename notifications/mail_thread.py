"""One e-mail thread per complaint in the customer's mail client.

Every e-mail gets a stable Message-ID derived from its outbox row
(notice_message_id below): a retry sends the very same id. A
customer's notice also says what it follows: ``In-Reply-To`` the latest message
of the conversation (ours, or the customer's own e-mail) and ``References`` the
thread from its root (RFC 5322 §3.6.4). The ids are recorded in complaints'
thread table (complaints.services.mail_thread_record), where intake finds the
complaint a reply belongs to, whatever its subject.
"""

from __future__ import annotations

import hashlib

from complaints.conversation import mail_thread
from complaints.models import MailThreadEntry
from complaints.services import mail_thread_record

from . import conf
from .models import Kind, Notification

_MAX_REFERENCES = 10  # the root and the latest ones: enough for every client


def mail_domain(address: str) -> str:
    domain = address.rpartition("@")[2].strip(" >")
    return domain or "localhost"


def notice_message_id(notification: Notification) -> str:
    """The Message-ID of a notice's e-mail: the same on every attempt.

    A worker that dies after the provider took the e-mail and before the row
    was marked sent leaves it to be sent again after the lease; the copy then
    carries the first one's Message-ID, and receiving systems that de-duplicate
    by Message-ID show it once. Derived from the row (its id, its creation
    time and its idempotency key), so nothing needs storing and two deployments
    never share one; hashed, so it tells the recipient nothing about our row ids.
    """
    seed = f"{notification.pk}:{notification.created_at.isoformat()}:{notification.idempotency_key}"
    digest = hashlib.sha256(seed.encode()).hexdigest()[:32]
    return f"<notice.{digest}@{mail_domain(conf.from_email())}>"


def message_id_for(notification: Notification) -> str:
    return notice_message_id(notification)


def _in_thread(notification: Notification) -> bool:
    # Staff alerts are not the customer's conversation; a one-time code is
    # not worth answering.
    return notification.recipient_user_id is None and notification.kind != Kind.ACCESS_CODE


def thread_headers(notification: Notification) -> dict[str, str]:
    """The headers that thread this e-mail; the same on every attempt."""
    own = message_id_for(notification)
    headers = {"Message-ID": own}
    if not _in_thread(notification):
        return headers
    entry = MailThreadEntry.objects.filter(message_id=own).first()
    if entry is None:
        earlier = [e for e in mail_thread(notification.complaint) if e.message_id != own]
        parent = earlier[-1] if earlier else None
        references: list[str] = []
        if parent is not None:
            references = [*parent.references.split(), parent.message_id]
            references = list(dict.fromkeys(references))
            if len(references) > _MAX_REFERENCES:
                references = [references[0], *references[-(_MAX_REFERENCES - 1) :]]
        entry = mail_thread_record(
            complaint=notification.complaint,
            message_id=own,
            direction=MailThreadEntry.Direction.OUTGOING,
            in_reply_to=parent.message_id if parent is not None else "",
            references=references,
        )
    if entry is not None and entry.in_reply_to:
        headers["In-Reply-To"] = entry.in_reply_to
    if entry is not None and entry.references:
        headers["References"] = entry.references
    return headers
