"""One-time codes that prove a visitor is a complaint's customer, and the
Message-IDs of the e-mail thread with them."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .complaint import Complaint


class AccessCode(models.Model):
    """A 6-digit code sent to the contact on file. Only a keyed hash is kept
    (HMAC with SECRET_KEY and a per-row salt), so the table alone never gives
    a code away; it is tried at most COMPLAINTS_ACCESS_CODE_MAX_ATTEMPTS times,
    then the complaint's number is locked until ``locked_until``."""

    class Via(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="+", verbose_name=_("complaint")
    )
    via = models.CharField(_("sent by"), max_length=10, choices=Via.choices)
    salt = models.CharField(_("salt"), max_length=32)
    code_hash = models.CharField(_("code (keyed hash)"), max_length=64)
    attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    locked_until = models.DateTimeField(_("number locked until"), null=True, blank=True)

    class Meta:
        verbose_name = _("access code")
        verbose_name_plural = _("access codes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["complaint", "-created_at"], name="accesscode_complaint")]
        constraints = [
            models.CheckConstraint(condition=Q(via__in=["email", "sms"]), name="accesscode_via")
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.created_at:%Y-%m-%d %H:%M}"


class MailThreadEntry(models.Model):
    """A Message-ID of the e-mail conversation with a complaint's customer: the
    notices we sent (with the In-Reply-To / References they carried) and the
    e-mails the customer sent. A reply is matched to its complaint by these
    (complaints.conversation.complaint_by_message_id) before any tracking number."""

    class Direction(models.TextChoices):
        OUTGOING = "out", _("Sent to the customer")
        INCOMING = "in", _("Received from the customer")

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="+", verbose_name=_("complaint")
    )
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=255, blank=True)
    references = models.TextField(_("References"), blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("e-mail thread entry")
        verbose_name_plural = _("e-mail thread")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["complaint", "created_at"], name="mailthread_complaint")]
        constraints = [
            models.CheckConstraint(
                condition=Q(direction__in=["out", "in"]), name="mailthread_direction"
            )
        ]

    def __str__(self) -> str:
        return self.message_id
