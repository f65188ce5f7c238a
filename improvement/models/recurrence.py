"""Problems that come back: links between complaints (repeats, similar ones)
and the weekly control-chart signals per category and root cause."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Category, Complaint, RootCause, choices_check


class LinkKind(models.TextChoices):
    REPEAT = "repeat", _("Repeat (same customer and category)")
    SIMILAR = "similar", _("Similar (linked by staff)")


class ComplaintLink(models.Model):
    """``complaint`` is linked to an earlier or similar ``related`` one."""

    complaint = models.ForeignKey(
        Complaint,
        on_delete=models.CASCADE,
        related_name="improvement_links",
        verbose_name=_("complaint"),
    )
    related = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="+", verbose_name=_("linked complaint")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=LinkKind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("linked by"),
    )
    created_at = models.DateTimeField(_("linked at"), default=timezone.now)

    class Meta:
        verbose_name = _("complaint link")
        verbose_name_plural = _("complaint links")
        ordering = ["-created_at"]
        constraints = [
            choices_check("kind", LinkKind),
            models.UniqueConstraint(
                fields=["complaint", "related", "kind"], name="complaint_link_unique"
            ),
            models.CheckConstraint(
                condition=~Q(complaint=F("related")), name="complaint_link_not_itself"
            ),
        ]
        indexes = [models.Index(fields=["related", "kind"], name="complaint_link_related")]

    def __str__(self) -> str:
        return f"{self.complaint_id} → {self.related_id} ({self.kind})"


class SignalDimension(models.TextChoices):
    CATEGORY = "category", _("Category")
    ROOT_CAUSE = "root_cause", _("Root cause")


class RecurrenceSignal(models.Model):
    """A week whose count of complaints for one category or root cause exceeded
    its c-chart limit (mean of the previous weeks + 3√mean). Stored once per
    (week, key): the detection may run any number of times."""

    week = models.DateField(_("week starting"))
    dimension = models.CharField(_("breakdown"), max_length=12, choices=SignalDimension.choices)
    category = models.ForeignKey(
        Category,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
    )
    root_cause = models.ForeignKey(
        RootCause,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("root cause"),
    )
    count = models.PositiveIntegerField(_("complaints that week"))
    mean = models.FloatField(_("mean of the previous weeks"))
    limit = models.FloatField(_("control limit"))
    created_at = models.DateTimeField(_("detected at"), default=timezone.now)

    class Meta:
        verbose_name = _("recurring-problem signal")
        verbose_name_plural = _("recurring-problem signals")
        ordering = ["-week", "-count"]
        constraints = [
            choices_check("dimension", SignalDimension),
            models.CheckConstraint(
                condition=(
                    Q(dimension="category", category__isnull=False, root_cause__isnull=True)
                    | Q(dimension="root_cause", root_cause__isnull=False, category__isnull=True)
                ),
                name="recurrence_signal_one_key",
            ),
            models.UniqueConstraint(
                fields=["week", "category"],
                condition=Q(dimension="category"),
                name="recurrence_signal_once_per_category_week",
            ),
            models.UniqueConstraint(
                fields=["week", "root_cause"],
                condition=Q(dimension="root_cause"),
                name="recurrence_signal_once_per_root_cause_week",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.week}: {self.key} ({self.count} > {self.limit:.1f})"

    @property
    def key(self) -> Category | RootCause | None:
        return self.category if self.dimension == SignalDimension.CATEGORY else self.root_cause

    @property
    def key_id(self) -> int | None:
        return (
            self.category_id if self.dimension == SignalDimension.CATEGORY else self.root_cause_id
        )
