"""Files kept with a complaint (the web form, the customer's page)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from .. import codes
from ..attachments import attachments_check
from ..models import Complaint, ComplaintAttachment, ComplaintMessage, MessageAuthor
from .errors import GuardFailed
from .events import event_record


def complaint_attachments_check(*, uploads: Sequence[Any]) -> None:
    """GuardFailed({"attachments": [...]}) when a file breaks a limit."""
    try:
        attachments_check(uploads)
    except ValidationError as exc:
        raise GuardFailed({"attachments": exc.messages}) from exc


def complaint_attachments_add(
    *,
    complaint: Complaint,
    uploads: Sequence[Any],
    author_kind: str = MessageAuthor.CUSTOMER,
    message: ComplaintMessage | None = None,
    at_submission: bool = False,
) -> list[ComplaintAttachment]:
    """Keep the files (all or none) after checking them by content and limits.

    Files sent with a message are told through that message's history row;
    files sent on their own get a row of their own (``complaints.attachment.added``),
    which says whether they came with the submission itself.
    """
    try:
        checked = attachments_check(uploads)
    except ValidationError as exc:
        raise GuardFailed({"attachments": exc.messages}) from exc
    if not checked:
        return []
    kept: list[ComplaintAttachment] = []
    with transaction.atomic():
        for item in checked:
            attachment = ComplaintAttachment(
                complaint=complaint,
                message=message,
                author_kind=author_kind,
                filename=item.filename,
                content_type=item.content_type,
                size=item.size,
            )
            item.upload.seek(0)
            # Through the storage API (STORAGES["default"]); the stored name is random.
            attachment.file.save(item.filename, item.upload, save=False)
            attachment.save()
            kept.append(attachment)
        if message is None:
            event_record(
                complaint=complaint,
                action=codes.ATTACHMENT_ADDED,
                data={
                    "attachments": [a.pk for a in kept],
                    "files": [a.filename for a in kept],
                    "at_submission": at_submission,
                },
            )
    return kept
