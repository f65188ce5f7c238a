"""The complaint, its customer, its messages and its append-only history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .workflow import OPEN_STAGES, PERMISSIONS, Answer, Kind, Stage

__all__ = [
    "Answer",
    "Category",
    "Channel",
    "Complaint",
    "ComplaintEvent",
    "ComplaintMessage",
    "Customer",
    "Kind",
    "Language",
    "Priority",
    "RootCause",
    "Stage",
]


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    PHONE = "phone", _("Phone")
    IN_PERSON = "in_person", _("In person")
    API = "api", _("API")


# PROCESS.md stage 2: these channels get the tracking number during the contact.
CONTACT_CHANNELS = (Channel.PHONE, Channel.IN_PERSON)


class Priority(models.TextChoices):
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Low")


class Language(models.TextChoices):
    TURKISH = "tr", "Türkçe"
    ENGLISH = "en", "English"


def _choices_check(name: str, choices: type[models.TextChoices], *, blank: bool = False):
    values = list(choices.values) + ([""] if blank else [])
    return models.CheckConstraint(
        condition=Q(**{f"{name}__in": values}), name=f"%(class)s_{name}_valid"
    )


class BilingualName(models.Model):
    """Editable taxonomy with a Turkish and an English name."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name_tr = models.CharField(_("name (Turkish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "tr").startswith("en") else self.name_tr


class Category(BilingualName):
    """A priority criterion of PROCESS.md stage 3, with its default priority."""

    default_priority = models.CharField(
        _("default priority"), max_length=10, choices=Priority.choices
    )

    class Meta(BilingualName.Meta):
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [_choices_check("default_priority", Priority)]


class RootCause(BilingualName):
    class Meta(BilingualName.Meta):
        verbose_name = _("root cause")
        verbose_name_plural = _("root causes")


class Customer(models.Model):
    """The person behind complaints, matched on normalised e-mail, then phone."""

    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True, db_index=True)
    phone = models.CharField(_("phone (E.164)"), max_length=20, blank=True, db_index=True)
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.TURKISH
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        constraints = [
            models.UniqueConstraint(
                fields=["email"], condition=~Q(email=""), name="customer_email_unique"
            ),
            models.CheckConstraint(condition=Q(email=Lower("email")), name="customer_email_lower"),
            models.CheckConstraint(
                condition=Q(phone="") | Q(phone__startswith="+"), name="customer_phone_e164"
            ),
            _choices_check("language", Language),
        ]

    def __str__(self) -> str:
        return self.name


class Complaint(models.Model):
    """A request, opinion or complaint going through the 8 stages."""

    tracking_number = models.CharField(_("tracking number"), max_length=14, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COMPLAINT)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.RECEIVED, editable=False
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("customer")
    )
    # The contact given with this complaint: notices go where the customer asked.
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.TURKISH
    )
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"))

    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("category"),
    )
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, blank=True)
    priority_override_reason = models.TextField(_("reason for overriding the priority"), blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_complaints",
        verbose_name=_("representative"),
    )

    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    classified_at = models.DateTimeField(_("classified at"), null=True, blank=True)
    decision_notified_at = models.DateTimeField(_("decision notified at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    # SLA targets (PROCESS.md "When the SLA is met"): set and met by the sla app.
    ack_due_at = models.DateTimeField(_("acknowledgement due"), null=True, blank=True)
    ack_met_at = models.DateTimeField(_("acknowledgement target met at"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    resolution_met_at = models.DateTimeField(_("resolution target met at"), null=True, blank=True)
    # When each target becomes "at risk" (75% of the business time between the
    # start of its clock and its due date), stored with the due date so that
    # "at risk" is an indexed comparison rather than a computation per row.
    ack_at_risk_after = models.DateTimeField(
        _("acknowledgement at risk after"), null=True, blank=True
    )
    # The resolution clock starts at receipt and again at each re-opening.
    resolution_started_at = models.DateTimeField(
        _("resolution clock started at"), null=True, blank=True
    )
    resolution_at_risk_after = models.DateTimeField(
        _("resolution at risk after"), null=True, blank=True
    )
    # Markers written by the SLA sweep (sla.services.sla_sweep) with a
    # conditional UPDATE ... WHERE marker IS NULL, so each event is recorded and
    # escalated once. A re-opening starts a new resolution cycle and clears the
    # resolution markers; breach_count never goes down, so a breach stays
    # recorded after closure and after re-opening.
    ack_at_risk_at = models.DateTimeField(
        _("acknowledgement at risk recorded at"), null=True, blank=True
    )
    ack_breached_at = models.DateTimeField(
        _("acknowledgement breach recorded at"), null=True, blank=True
    )
    resolution_at_risk_at = models.DateTimeField(
        _("resolution at risk recorded at"), null=True, blank=True
    )
    resolution_breached_at = models.DateTimeField(
        _("resolution breach recorded at"), null=True, blank=True
    )
    breach_count = models.PositiveSmallIntegerField(_("SLA breaches"), default=0)
    # Business time each target took, computed once when it is met, so that the
    # dashboard's medians and percentiles are plain SQL over one column.
    ack_business_seconds = models.PositiveIntegerField(
        _("business seconds to acknowledgement"), null=True, blank=True
    )
    resolution_business_seconds = models.PositiveIntegerField(
        _("business seconds to decision"), null=True, blank=True
    )

    root_cause = models.ForeignKey(
        RootCause,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("root cause"),
    )
    root_cause_analysis = models.TextField(_("root-cause analysis"), blank=True)
    solution_proposal = models.TextField(_("solution proposal"), blank=True)
    decision = models.TextField(_("decision"), blank=True)

    customer_answer = models.CharField(
        _("customer's answer"), max_length=10, choices=Answer.choices, blank=True
    )
    customer_answer_reason = models.TextField(_("reason given by the customer"), blank=True)
    customer_answer_channel = models.CharField(
        _("answer received by"), max_length=10, choices=Channel.choices, blank=True
    )
    customer_answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times re-opened"), default=0)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_at"]
        permissions = PERMISSIONS
        constraints = [
            _choices_check("kind", Kind),
            _choices_check("channel", Channel),
            _choices_check("stage", Stage),
            _choices_check("language", Language),
            _choices_check("priority", Priority, blank=True),
            _choices_check("customer_answer", Answer, blank=True),
            _choices_check("customer_answer_channel", Channel, blank=True),
            models.CheckConstraint(
                condition=Q(channel__in=CONTACT_CHANNELS)
                | ~Q(contact_email="")
                | ~Q(contact_phone=""),
                name="complaint_contact_required",
                violation_error_message=_("Give an e-mail address or a phone number."),
            ),
            # Past classification a complaint always has its category and priority.
            models.CheckConstraint(
                condition=Q(stage__in=[Stage.RECEIVED, Stage.ACKNOWLEDGED])
                | (Q(category__isnull=False) & ~Q(priority="")),
                name="complaint_classified_has_priority",
            ),
            models.CheckConstraint(
                condition=~Q(stage=Stage.CLOSED) | Q(closed_at__isnull=False),
                name="complaint_closed_has_closed_at",
            ),
        ]
        indexes = [
            models.Index(fields=["stage", "-received_at"], name="complaint_stage_received"),
            models.Index(fields=["priority"], name="complaint_priority"),
            models.Index(fields=["kind"], name="complaint_kind"),
            models.Index(fields=["channel"], name="complaint_channel"),
            models.Index(fields=["-received_at"], name="complaint_received"),
            models.Index(
                fields=["resolution_due_at"],
                name="complaint_open_resolution_due",
                condition=Q(stage__in=OPEN_STAGES) & Q(resolution_met_at__isnull=True),
            ),
            models.Index(
                fields=["ack_due_at"],
                name="complaint_open_ack_due",
                condition=Q(ack_met_at__isnull=True) & Q(stage__in=OPEN_STAGES),
            ),
            # --- SLA sweep: one small partial index per event still to record.
            # They hold only targets in flight (not met, event not yet recorded),
            # so closed complaints are never in them and the sweep's cost follows
            # what is about to change, not the size of the table.
            models.Index(
                fields=["ack_at_risk_after"],
                name="sla_ack_at_risk_pending",
                condition=Q(ack_met_at__isnull=True)
                & Q(ack_at_risk_at__isnull=True)
                & Q(ack_breached_at__isnull=True)
                & Q(ack_at_risk_after__isnull=False),
            ),
            models.Index(
                fields=["ack_due_at"],
                name="sla_ack_breach_pending",
                condition=Q(ack_met_at__isnull=True)
                & Q(ack_breached_at__isnull=True)
                & Q(ack_due_at__isnull=False),
            ),
            models.Index(
                fields=["resolution_at_risk_after"],
                name="sla_res_at_risk_pending",
                condition=Q(resolution_met_at__isnull=True)
                & Q(resolution_at_risk_at__isnull=True)
                & Q(resolution_breached_at__isnull=True)
                & Q(resolution_at_risk_after__isnull=False),
            ),
            models.Index(
                fields=["resolution_due_at"],
                name="sla_res_breach_pending",
                condition=Q(resolution_met_at__isnull=True)
                & Q(resolution_breached_at__isnull=True)
                & Q(resolution_due_at__isnull=False),
            ),
            # --- SLA dashboard: open complaints only (the live work queue).
            models.Index(
                fields=["stage", "priority", "received_at"],
                name="sla_open_stage_priority",
                condition=Q(stage__in=OPEN_STAGES),
            ),
            # The breach log (CSV export): complaints that ever breached a target.
            models.Index(
                fields=["-received_at"],
                name="sla_breached_received",
                condition=Q(breach_count__gt=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_number} — {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.stage != Stage.CLOSED


class MessageAuthor(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    STAFF = "staff", _("Staff")


class ComplaintMessage(models.Model):
    """A message on a complaint: from the customer, or from staff (internal notes
    are for staff only and never reach the customer or the tracking page)."""

    Author = MessageAuthor

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="messages", verbose_name=_("complaint")
    )
    author_kind = models.CharField(_("from"), max_length=10, choices=Author.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff member"),
    )
    internal = models.BooleanField(_("internal note"), default=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["complaint", "created_at"], name="message_complaint")]
        constraints = [
            _choices_check("author_kind", MessageAuthor),
            _choices_check("channel", Channel),
            models.CheckConstraint(
                condition=Q(internal=False) | Q(author_kind="staff"),
                name="message_internal_is_staff",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_author_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"


class ComplaintEvent(models.Model):
    """Append-only history: every stage change, notice and SLA event, with a
    dotted action code (``complaints.complaint.classified``) and the actor."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="events", verbose_name=_("complaint")
    )
    action = models.CharField(_("action"), max_length=100, db_index=True)
    from_stage = models.CharField(_("from"), max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=20, choices=Stage.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("history entry")
        verbose_name_plural = _("history")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["complaint", "created_at"], name="event_complaint")]

    def __str__(self) -> str:
        return self.action

    @property
    def is_stage_change(self) -> bool:
        return bool(self.to_stage)

    @property
    def action_label(self) -> str:
        from .history import action_label

        return action_label(self.action)
