from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IntakeKey(models.Model):
    """Remembers which complaint a client's idempotency key produced, so a
    retried submission (a double click, a partner's retry after a timeout)
    returns the first complaint instead of creating a second one."""

    scope = models.CharField(_("scope"), max_length=20)
    key = models.CharField(_("key"), max_length=200)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="intakekey_scope_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


class InboundMessage(models.Model):
    """One message received on an inbound channel (an e-mail, an SMS, a WhatsApp
    message), stored once per provider id: the unique (channel, external_id)
    index is what makes a redelivery (same Message-ID, Twilio's retry with the
    same MessageSid) a no-op.

    Kept even when it leads to nothing (spam, an auto-reply, a status query), so
    staff can see what arrived and why it was not turned into a complaint.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")
        WHATSAPP = "whatsapp", _("WhatsApp")

    class Outcome(models.TextChoices):
        NEW_COMPLAINT = "new_complaint", _("New complaint")
        MESSAGE_ADDED = "message_added", _("Message added to a complaint")
        FOLLOW_UP = "follow_up", _("Reply to a closed complaint: new complaint")
        STATUS_QUERY = "status_query", _("Status query answered")
        IGNORED = "ignored", _("Ignored (auto-reply, our own mail, spam)")
        REJECTED = "rejected", _("Rejected (invalid)")

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    external_id = models.CharField(_("provider id"), max_length=255)
    sender = models.CharField(_("from"), max_length=254)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("text"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    complaint = models.ForeignKey(
        "complaints.Complaint",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("complaint"),
    )
    reply = models.TextField(_("reply sent"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("inbound message")
        verbose_name_plural = _("inbound messages")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id"], name="inboundmessage_channel_external_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(channel__in=["email", "sms", "whatsapp"]),
                name="inboundmessage_channel_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.external_id}"


def _attachment_path(instance: InboundAttachment, filename: str) -> str:
    # A directory per message: two attachments may share a name; none overwrites another.
    at = timezone.now()
    return f"intake/{at:%Y/%m}/{instance.inbound_id}/{filename}"


class InboundAttachment(models.Model):
    """A file that came with an inbound message and passed the size and type limits."""

    inbound = models.ForeignKey(
        InboundMessage,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("inbound message"),
    )
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=255)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename
