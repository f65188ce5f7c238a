"""The complaint: a request, opinion or complaint going through the 8 stages."""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..workflow import OPEN_STAGES, PERMISSIONS, WAITING_STAGES, Answer, Kind, Stage
from .choices import CONTACT_CHANNELS, Channel, Language, Priority, choices_check
from .customer import Customer
from .privacy import ComplaintPrivacyFields, NoticeGiven
from .taxonomy import Category, RootCause

# Where a complaint without a resolution due date yet sorts: after every dated one.
NO_DUE_DATE = datetime(9999, 12, 31, tzinfo=UTC)
DUE_SORT = Coalesce("resolution_due_at", Value(NO_DUE_DATE, output_field=models.DateTimeField()))


class Complaint(ComplaintPrivacyFields, models.Model):
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
    # The contact as given with this complaint (unverified): every notice and
    # screen speaks to it. The customer record only groups complaints for staff
    # and may hold other details (complaints.identity).
    contact_name = models.CharField(_("contact name"), max_length=200)
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
    # PROCESS.md "Waiting on the customer": staff asked the customer for
    # information that only they can give (complaints.services.waiting). A
    # process fact: what it does to the SLA clock is the sla app's business
    # (resolution_paused_at below).
    waiting_on_customer_since = models.DateTimeField(
        _("waiting on the customer since"), null=True, blank=True
    )
    # The customer's last message on WhatsApp from the number on file
    # (complaints.services.complaint_whatsapp_inbound_record): WhatsApp lets us
    # write freely only within 24 hours of it, so notifications asks it where
    # the next notice may go.
    whatsapp_inbound_at = models.DateTimeField(
        _("last WhatsApp message from the customer"), null=True, blank=True
    )

    # SLA targets (PROCESS.md "When the SLA is met"): set and met by the sla app.
    ack_due_at = models.DateTimeField(_("acknowledgement due"), null=True, blank=True)
    ack_met_at = models.DateTimeField(_("acknowledgement target met at"), null=True, blank=True)
    # The notice that met the acknowledgement target was reported undelivered
    # afterwards (a bounce): the target was un-met then (sla.services). Kept when
    # a later acknowledgement meets it again, so reports can tell those apart.
    ack_undelivered_at = models.DateTimeField(
        _("acknowledgement reported undelivered at"), null=True, blank=True
    )
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
    # The resolution clock stopped while waiting on the customer (set by sla
    # only when the pause stops a running clock: never past the due date, so a
    # pause cannot hide a breach), and the business seconds it stood still in
    # this cycle (added to the due date and left out of the resolution time).
    resolution_paused_at = models.DateTimeField(
        _("resolution clock paused at"), null=True, blank=True
    )
    resolution_paused_seconds = models.PositiveIntegerField(_("business seconds paused"), default=0)
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

    # PROCESS.md "An unanswered decision", written by sla (sla.unanswered): when
    # the customer is reminded of a decision still unanswered, when they were,
    # and when the complaint closes with the answer "no answer" (None: never).
    answer_reminder_due_at = models.DateTimeField(_("answer reminder due"), null=True, blank=True)
    answer_reminded_at = models.DateTimeField(_("answer reminder sent at"), null=True, blank=True)
    answer_close_due_at = models.DateTimeField(
        _("closes without an answer at"), null=True, blank=True
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
            choices_check("kind", Kind),
            choices_check("channel", Channel),
            choices_check("stage", Stage),
            choices_check("language", Language),
            choices_check("priority", Priority, blank=True),
            choices_check("customer_answer", Answer, blank=True),
            choices_check("customer_answer_channel", Channel, blank=True),
            choices_check("privacy_notice_given", NoticeGiven, blank=True),
            models.CheckConstraint(
                condition=Q(channel__in=CONTACT_CHANNELS)
                | ~Q(contact_email="")
                | ~Q(contact_phone="")
                | Q(anonymised_at__isnull=False),
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
            models.CheckConstraint(
                condition=Q(stage__in=WAITING_STAGES) | Q(waiting_on_customer_since__isnull=True),
                name="complaint_waits_only_before_the_decision",
            ),
        ]
        indexes = [
            models.Index(fields=["stage", "-received_at"], name="complaint_stage_received"),
            # Each filter of the staff list with its order, newest first (issue 15):
            # the first page is the first 50 entries of one index, and the date
            # drill-down's MIN/MAX its two ends.
            models.Index(
                fields=["priority", "-received_at", "-id"], name="complaint_priority_recv"
            ),
            models.Index(fields=["kind", "-received_at", "-id"], name="complaint_kind_recv"),
            models.Index(fields=["channel", "-received_at", "-id"], name="complaint_channel_recv"),
            models.Index(
                fields=["category", "-received_at", "-id"], name="complaint_category_recv"
            ),
            models.Index(
                fields=["assignee", "-received_at", "-id"], name="complaint_assignee_recv"
            ),
            # The list by due date (the API's cursor and the admin's column): complaints
            # without a due date yet after every dated one.
            models.Index(DUE_SORT, "id", name="complaint_due_sort"),
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
            # The retention sweep: closed complaints not yet anonymised, by closure.
            models.Index(
                fields=["closed_at"],
                name="complaint_retention_due",
                condition=Q(anonymised_at__isnull=True) & Q(closed_at__isnull=False),
            ),
            # The unanswered-decision sweep (sla.unanswered): only decisions
            # still awaiting the customer's answer.
            models.Index(
                fields=["answer_reminder_due_at"],
                name="sla_answer_reminder_pending",
                condition=Q(stage=Stage.DECISION_NOTIFIED)
                & Q(answer_reminded_at__isnull=True)
                & Q(answer_reminder_due_at__isnull=False),
            ),
            models.Index(
                fields=["answer_close_due_at"],
                name="sla_answer_close_pending",
                condition=Q(stage=Stage.DECISION_NOTIFIED) & Q(answer_close_due_at__isnull=False),
            ),
            # --- The staff list (issue 15; complaints.search, migration 0021).
            # The agent's default queue: open complaints, newest first.
            models.Index(
                fields=["-received_at", "-id"],
                name="complaint_open_received",
                condition=Q(stage__in=OPEN_STAGES),
            ),
            # "Unassigned" (assignee IS NULL): the list's order and its date bounds.
            # On (assignee, -received_at) an IS NULL is not an equality, so
            # PostgreSQL walked the receipt index from the other end looking for
            # the newest one: 534 ms at 1M, where 742 complaints were unassigned.
            models.Index(
                fields=["-received_at", "-id"],
                name="complaint_unassigned_received",
                condition=Q(assignee__isnull=True),
            ),
            # A phone number searched for, as given (E.164); most complaints have none.
            models.Index(
                fields=["contact_phone"],
                name="complaint_contact_phone",
                condition=~Q(contact_phone=""),
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
