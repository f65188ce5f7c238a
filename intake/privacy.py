"""What intake holds about a complaint, for the retention sweep and data-subject
requests (complaints.privacy): the inbound messages (sender, subject, text,
reply, provider details), their attachments and files, and idempotency keys
whose fingerprint hashes what the customer sent."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Case, CharField, Value, When
from django.db.models.functions import Cast, Concat

from complaints.privacy import (
    admin_log_scrub,
    anonymiser_register,
    exporter_register,
    retention_purge_register,
)

from .models import InboundAttachment, InboundMessage, IntakeKey

logger = logging.getLogger(__name__)

# Provider details that are ours or codes, never the customer's words.
_DATA_KEPT = ("esp", "reason", "follows", "sender_matches")


def register() -> None:
    anonymiser_register("intake", inbound_anonymise)
    retention_purge_register("intake", inbound_orphans_purge)
    exporter_register("intake", inbound_export)


def inbound_anonymise(complaint_ids: Iterable[int], *, placeholder: str) -> None:
    """Scrub the inbound messages of these complaints and delete their files."""
    inbound = InboundMessage.objects.filter(complaint_id__in=list(complaint_ids))
    ids = list(inbound.values_list("pk", flat=True))
    if not ids:
        return
    for pk, data in InboundMessage.objects.filter(pk__in=ids).values_list("pk", "data"):
        kept = {k: v for k, v in (data or {}).items() if k in _DATA_KEPT}
        InboundMessage.objects.filter(pk=pk).update(data=kept)
    InboundMessage.objects.filter(pk__in=ids).update(
        sender=placeholder,
        subject=Case(When(subject="", then=Value("")), default=Value(placeholder)),
        body=Case(When(body="", then=Value("")), default=Value(placeholder)),
        reply=Case(When(reply="", then=Value("")), default=Value(placeholder)),
        # A Message-ID may carry the sender's address or domain.
        external_id=Concat(Value("anonymised:"), Cast("pk", CharField())),
    )
    attachments = InboundAttachment.objects.filter(inbound_id__in=ids)
    _files_delete(attachments)
    attachments.update(filename=placeholder, file="")
    admin_log_scrub(InboundMessage, ids)
    admin_log_scrub(InboundAttachment, attachments.values_list("pk", flat=True))
    IntakeKey.objects.filter(complaint_id__in=list(complaint_ids)).delete()


def inbound_orphans_purge(*, before: datetime, dry_run: bool) -> int:
    """Inbound messages that led to no complaint (spam, auto-replies, rejected
    ones), received before ``before``: deleted, with their files."""
    orphans = InboundMessage.objects.filter(complaint__isnull=True, received_at__lt=before)
    if dry_run:
        return orphans.count()
    ids = list(orphans.values_list("pk", flat=True))
    _files_delete(InboundAttachment.objects.filter(inbound_id__in=ids))
    admin_log_scrub(InboundMessage, ids)
    InboundMessage.objects.filter(pk__in=ids).delete()
    return len(ids)


def _files_delete(attachments: Any) -> None:
    # Deleted inside the transaction that scrubs the rows: if it rolls back, the
    # rows still point at files that are gone, and the rerun finishes the job;
    # deleting after commit could leave a customer's file behind for good.
    for attachment in attachments.exclude(file="").only("file", "inbound_id"):
        storage, name = attachment.file.storage, attachment.file.name
        storage.delete(name)
        folder = os.path.dirname(storage.path(name)) if hasattr(storage, "path") else ""
        try:
            if folder and os.path.isdir(folder) and not os.listdir(folder):
                os.rmdir(folder)
        except OSError:  # pragma: no cover - another file arrived meanwhile
            logger.info("kept non-empty attachment folder %s", folder)


def inbound_export(complaint_ids: Iterable[int]) -> dict[str, Any]:
    messages = InboundMessage.objects.filter(complaint_id__in=list(complaint_ids)).order_by(
        "received_at", "pk"
    )
    files = InboundAttachment.objects.filter(inbound__in=messages).order_by("pk")
    return {
        "inbound_messages": [
            {
                "complaint": row["complaint__tracking_number"],
                "channel": row["channel"],
                "received_at": row["received_at"].isoformat(),
                "from": row["sender"],
                "subject": row["subject"],
                "text": row["body"],
                "reply": row["reply"],
            }
            for row in messages.values(
                "complaint__tracking_number",
                "channel",
                "received_at",
                "sender",
                "subject",
                "body",
                "reply",
            )
        ],
        "files": [
            {
                "complaint": row["inbound__complaint__tracking_number"],
                "name": row["filename"],
                "type": row["content_type"],
                "size": row["size"],
                "received_at": row["inbound__received_at"].isoformat(),
                "stored": bool(row["file"]),
            }
            for row in files.values(
                "inbound__complaint__tracking_number",
                "filename",
                "content_type",
                "size",
                "inbound__received_at",
                "file",
            )
        ],
    }
