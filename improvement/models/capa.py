"""The corrective and preventive action (CAPA) register and its history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Category, Complaint, RootCause, choices_check

from ..capa_workflow import ACTIVE_STATUSES, PERMISSIONS, VERDICT_STATUSES, CapaStatus, Verdict
from .recurrence import RecurrenceSignal


class CorrectiveAction(models.Model):
    """An action taken so that the problem behind complaints does not recur.

    The status changes only through improvement.services.capa_transition
    (improvement.capa_workflow declares the steps). At the verdict, the
    recurrence of the linked categories and root causes in equal periods
    before and after the implementation is stored beside the owner's verdict.
    """

    Status = CapaStatus

    title = models.CharField(_("title"), max_length=200)
    problem_statement = models.TextField(_("problem statement"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CapaStatus.choices,
        default=CapaStatus.OPEN,
        editable=False,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrective_actions",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    categories = models.ManyToManyField(
        Category, blank=True, related_name="+", verbose_name=_("categories")
    )
    root_causes = models.ManyToManyField(
        RootCause, blank=True, related_name="+", verbose_name=_("root causes")
    )
    complaints = models.ManyToManyField(
        Complaint, blank=True, related_name="corrective_actions", verbose_name=_("complaints")
    )
    signal = models.ForeignKey(
        RecurrenceSignal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="corrective_actions",
        verbose_name=_("opened from the signal"),
    )
    action_taken = models.TextField(_("action taken"), blank=True)
    implemented_at = models.DateTimeField(_("implemented at"), null=True, blank=True)
    effectiveness_check_date = models.DateField(_("effectiveness check on"), null=True, blank=True)
    # The measurement, stored beside the owner's verdict (the status).
    recurrence_before = models.PositiveIntegerField(
        _("complaints in the period before"), null=True, blank=True
    )
    recurrence_after = models.PositiveIntegerField(
        _("complaints in the period after"), null=True, blank=True
    )
    measurement_period_days = models.PositiveIntegerField(
        _("length of each period (days)"), null=True, blank=True
    )
    measured_at = models.DateTimeField(_("measured at"), null=True, blank=True)
    # The owner's verdict at the check (the latest one after a rework), and why.
    verdict = models.CharField(_("verdict"), max_length=15, choices=Verdict.choices, blank=True)
    verdict_note = models.TextField(_("reason for the verdict"), blank=True)
    # Set once by the overdue sweep's conditional UPDATE: escalated once.
    escalated_at = models.DateTimeField(_("overdue escalated at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    created_at = models.DateTimeField(_("opened at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")
        ordering = ["-created_at"]
        permissions = PERMISSIONS
        constraints = [
            choices_check("status", CapaStatus),
            choices_check("verdict", Verdict, blank=True),
            models.CheckConstraint(
                condition=Q(status__in=[CapaStatus.OPEN, CapaStatus.IN_PROGRESS])
                | Q(implemented_at__isnull=False)
                | Q(status=CapaStatus.CLOSED),
                name="capa_implemented_has_implemented_at",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=VERDICT_STATUSES) | Q(measured_at__isnull=False),
                name="capa_verdict_has_measurement",
            ),
        ]
        indexes = [
            # The overdue sweep reads only actions still to do, not yet escalated.
            models.Index(
                fields=["due_date"],
                name="capa_overdue_pending",
                condition=Q(status__in=ACTIVE_STATUSES) & Q(escalated_at__isnull=True),
            ),
            models.Index(fields=["status"], name="capa_status"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"

    @property
    def reference(self) -> str:
        return f"DÖF-{self.pk:04d}" if self.pk else "DÖF-…"

    @property
    def is_overdue(self) -> bool:
        return (
            self.status in ACTIVE_STATUSES
            and self.due_date is not None
            and self.due_date < timezone.localdate()
        )


class CapaEvent(models.Model):
    """Append-only history of a corrective action, with dotted codes."""

    capa = models.ForeignKey(
        CorrectiveAction,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("corrective action"),
    )
    action = models.CharField(_("action"), max_length=100)
    from_status = models.CharField(_("from"), max_length=20, choices=CapaStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=CapaStatus.choices, blank=True)
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
        verbose_name = _("corrective-action history entry")
        verbose_name_plural = _("corrective-action history")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["capa", "created_at"], name="capa_event_capa")]

    def __str__(self) -> str:
        return self.action

    @property
    def action_label(self) -> str:
        from complaints.history import action_label

        return action_label(self.action)
