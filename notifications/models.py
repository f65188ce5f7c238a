"""The outbox: one row per notice to one recipient, written in the same
transaction as the history row that causes it, sent after commit by a task."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint, ComplaintEvent, Language, RecourseText, choices_check


class Kind(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement")
    DECISION = "decision", _("Decision")
    CLOSURE = "closure", _("Closure confirmation")
    REEVALUATION = "reevaluation", _("Re-evaluation")
    ESCALATION = "escalation", _("Escalation to staff")
    # Asked for by other apps through complaints.codes.CUSTOMER_INVITED / STAFF_ALERTED.
    SURVEY_INVITATION = "survey_invitation", _("Satisfaction survey invitation")
    SURVEY_LOW_SCORE = "survey_low_score", _("Low survey score (to staff)")
    # The customer conversation (docs/conversation.md).
    STAFF_REPLY = "staff_reply", _("Staff reply")
    ACCESS_CODE = "access_code", _("Access code")
    STAFF_ALERT = "staff_alert", _("Alert to staff")
    # Staff asked the customer for information (the clock waits on them).
    QUESTION = "question", _("Question to the customer")
    # PROCESS.md "An unanswered decision": the one reminder, same answer links.
    DECISION_REMINDER = "decision_reminder", _("Reminder of the decision")
    # The acknowledgement notice bounced: staff are asked to acknowledge by phone.
    ACK_UNDELIVERED = "ack_undelivered", _("Acknowledgement not delivered (to staff)")
    # Issue 10, item 7: the customer is kept informed (classified, due date
    # moved); a notice that also carries a question is of kind QUESTION.
    UPDATE = "update", _("Update to the customer")


class Medium(models.TextChoices):
    # The values are also complaints' Channel values: an answer given through
    # a notice's link is recorded as received on the notice's channel.
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    # Through Twilio, only while the customer's WhatsApp window is open
    # (notices.customer_contact); the recipient is the number, as for SMS.
    WHATSAPP = "whatsapp", _("WhatsApp")


class Status(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Notification(models.Model):
    """A notice to one recipient and where its delivery stands.

    ``status`` is the outbox's own state (pending → sending → sent | failed);
    ``delivery_status`` is what the provider reported afterwards (delivered,
    bounced, undelivered…), from anymail's tracking webhooks or Twilio's
    status callbacks.
    """

    Kind = Kind
    Medium = Medium
    Status = Status

    complaint = models.ForeignKey(
        Complaint,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("complaint"),
    )
    event = models.ForeignKey(
        ComplaintEvent,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("caused by"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Medium.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff recipient"),
    )
    language = models.CharField(_("language"), max_length=5, choices=Language.choices)
    # One notice per (event, kind, recipient): a handler or a signal run twice
    # finds the row instead of writing a second one.
    idempotency_key = models.CharField(_("idempotency key"), max_length=300, unique=True)

    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    give_up_at = models.DateTimeField(_("give up at"))
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    claim_token = models.UUIDField(_("claim"), null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    provider_message_id = models.CharField(_("provider message id"), max_length=255, blank=True)
    delivery_status = models.CharField(_("delivery status"), max_length=20, blank=True)
    delivery_updated_at = models.DateTimeField(_("delivery reported at"), null=True, blank=True)

    # Decision notices: when the customer used the accept / reject link. Set
    # once, by a conditional update, so a link works a single time.
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    # Rejection and closure notices (PROCESS.md "Where else the customer can
    # go"): the version of the text they carried, set with the rendered text.
    recourse_text = models.ForeignKey(
        RecourseText,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("where-else-to-apply version sent"),
    )

    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        permissions = [("retry_notification", "Can retry a failed notification")]
        constraints = [
            choices_check("kind", Kind),
            choices_check("channel", Medium),
            choices_check("status", Status),
            models.CheckConstraint(
                condition=~Q(status=Status.SENT) | Q(sent_at__isnull=False),
                name="notification_sent_has_sent_at",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.SENDING)
                | (Q(claimed_at__isnull=False) & Q(claim_token__isnull=False)),
                name="notification_sending_is_claimed",
            ),
        ]
        indexes = [
            # The re-queue sweep reads only the rows still in the outbox.
            models.Index(
                fields=["next_attempt_at"],
                name="notification_pending_due",
                condition=Q(status=Status.PENDING),
            ),
            models.Index(
                fields=["claimed_at"],
                name="notification_sending_claimed",
                condition=Q(status=Status.SENDING),
            ),
            models.Index(
                fields=["provider_message_id"],
                name="notification_provider_id",
                condition=~Q(provider_message_id=""),
            ),
            models.Index(fields=["complaint", "created_at"], name="notification_complaint"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient} ({self.get_status_display()})"


class Proactive(models.TextChoices):
    """What the customer is told of unasked (NOTIFICATIONS_PROACTIVE names these)."""

    CLASSIFIED = "classified", _("Classified, with its due date")
    DUE_MOVED = "due_moved", _("Due date moved")
    QUESTION = "question", _("A question from staff")


class ProactiveEvent(models.Model):
    """Which notice tells the customer of which history row (issue 10, item 7).

    One row per event, by a unique constraint: an event is told in at most one
    notice, whether it opened the notice or was merged into one held for the
    coalescing window (notifications.proactive).
    """

    event = models.OneToOneField(
        ComplaintEvent,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("event"),
    )
    notification = models.ForeignKey(
        Notification,
        on_delete=models.CASCADE,
        related_name="proactive_events",
        verbose_name=_("notification"),
    )
    what = models.CharField(_("what"), max_length=12, choices=Proactive.choices)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("event told to the customer")
        verbose_name_plural = _("events told to the customer")
        constraints = [choices_check("what", Proactive)]

    def __str__(self) -> str:
        return f"{self.get_what_display()} → {self.notification_id}"


class StaffAlertPreference(models.Model):
    """Which alerts a staff member wants by e-mail (docs/conversation.md); a
    user without a row gets them all."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="alert_preference",
        verbose_name=_("staff member"),
    )
    customer_message = models.BooleanField(_("the customer writes"), default=True)
    decision_rejected = models.BooleanField(_("the customer rejects a decision"), default=True)
    customer_files = models.BooleanField(_("the customer sends files"), default=True)
    assigned = models.BooleanField(_("a complaint is assigned to me"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    TOPICS = ("customer_message", "decision_rejected", "customer_files", "assigned")

    class Meta:
        verbose_name = _("alert preference")
        verbose_name_plural = _("alert preferences")

    def __str__(self) -> str:
        return str(self.user)

    def wants(self, topic: str) -> bool:
        return bool(getattr(self, topic, True))
