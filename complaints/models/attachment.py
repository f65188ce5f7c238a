"""Files the customer sent with a complaint (the web form, their page)."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import choices_check
from .complaint import Complaint
from .message import ComplaintMessage, MessageAuthor


def _attachment_path(instance: ComplaintAttachment, filename: str) -> str:
    # A random name in storage: the customer's name for the file is only ever
    # a download's suggested name, never a path.
    at = timezone.now()
    return f"complaints/{at:%Y/%m}/{instance.complaint_id}/{uuid.uuid4().hex}"


class ComplaintAttachment(models.Model):
    """A file kept with a complaint, through Django's storage API (so an
    S3-compatible storage is one STORAGES setting away). Its type was checked
    by its content; it is served only as a download, to staff with the
    permission and to the verified customer (docs/conversation.md)."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("complaint")
    )
    message = models.ForeignKey(
        ComplaintMessage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("message"),
    )
    author_kind = models.CharField(_("from"), max_length=10, choices=MessageAuthor.choices)
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=255)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type (by content)"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    created_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["complaint", "created_at"], name="attachment_complaint")]
        constraints = [choices_check("author_kind", MessageAuthor)]

    def __str__(self) -> str:
        return self.filename
