from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarOverride(models.Model):
    """A staff correction of the business-day calendar for one date.

    The ``holidays`` package knows the law, not the decisions announced later
    (bridge days granted by the government) nor the company's own closures or
    working weekends; these rows cover that and win over the package.
    Saving or deleting one bumps the calendar's cache version (receivers in
    sla.calendar_cache), so every process reloads the overrides.
    """

    class Kind(models.TextChoices):
        CLOSED = "closed", _("Closed (not a business day)")
        OPEN = "open", _("Open (a full business day)")
        HALF_DAY = "half_day", _("Half day (closes at the half-day hour)")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()}"


class SlaDashboard(models.Model):
    """No table: it only carries the permission to see the managers' SLA dashboard.

    The Manager group gets ``sla.view_dashboard`` in a data migration; staff
    can grant it to other groups or users in the admin.
    """

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_dashboard", "Can view the SLA dashboard")]
        verbose_name = _("SLA dashboard")
        verbose_name_plural = _("SLA dashboard")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


# --- The dashboard's daily figures ---------------------------------------------------------
# Kept current by sla.handlers (sla.rollup) inside the transaction of every
# history row that can change them; ``manage.py sla_rollup_rebuild`` recomputes
# them from the complaints. See docs/sla.md, "Daily figures".


class Span(models.TextChoices):
    """How many days of receipt a row of figures adds up, from ``day`` on."""

    DAY = "day", _("day")
    WEEK = "week", _("week (Monday to Sunday)")
    # Every 28 days from a Monday (sla.rollup_sql.block_of): a long period reads
    # its whole blocks from a quarter of the week rows.
    FOUR_WEEKS = "4wk", _("four weeks (from a Monday)")


class ComplaintFigures(models.Model):
    """What one complaint adds to the daily figures, as last counted.

    The rollup applies the difference between this row and the complaint's
    current state, so any change (a classification, a re-opening, a category
    change) moves exactly this complaint's share. Its open due dates also
    serve the one figure that changes with the clock alone (a target still
    unmet counts as decided once its due date has passed), and its business
    seconds the medians and percentiles, which do not add up across days.
    """

    complaint = models.OneToOneField(
        "complaints.Complaint",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="sla_figures",
    )
    day = models.DateField()  # of receipt, in SLA_TIME_ZONE
    priority = models.CharField(max_length=10, blank=True)
    channel = models.CharField(max_length=10)
    category = models.IntegerField(default=0)  # the category's id; 0 before classification
    root_cause = models.IntegerField(default=0)  # the root cause's id; 0 while none
    ack_met = models.PositiveSmallIntegerField(default=0)
    ack_on_time = models.PositiveSmallIntegerField(default=0)
    resolution_met = models.PositiveSmallIntegerField(default=0)
    resolution_on_time = models.PositiveSmallIntegerField(default=0)
    decided = models.PositiveSmallIntegerField(default=0)
    reopened = models.PositiveSmallIntegerField(default=0)
    # The time-and-closure panel (sla.closure_figures): waiting on the
    # customer, answers to decisions, the acknowledgement by channel.
    waited = models.PositiveSmallIntegerField(default=0)
    paused_seconds = models.PositiveIntegerField(default=0)
    resolution_timed = models.PositiveSmallIntegerField(default=0)
    accepted = models.PositiveSmallIntegerField(default=0)
    no_answer = models.PositiveSmallIntegerField(default=0)
    awaiting_answer = models.PositiveSmallIntegerField(default=0)
    reminded = models.PositiveSmallIntegerField(default=0)
    ack_not_met = models.PositiveSmallIntegerField(default=0)
    ack_undelivered = models.PositiveSmallIntegerField(default=0)
    ack_met_again = models.PositiveSmallIntegerField(default=0)
    ack_open_due = models.DateTimeField(null=True, blank=True)
    resolution_open_due = models.DateTimeField(null=True, blank=True)
    ack_seconds = models.PositiveIntegerField(null=True, blank=True)
    resolution_seconds = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("complaint figures")
        verbose_name_plural = _("complaint figures")
        default_permissions = ()
        indexes = [
            # Unmet targets past due, by day of receipt: the clock-driven part.
            models.Index(
                fields=["day", "ack_open_due"],
                name="sla_figures_ack_open",
                condition=models.Q(ack_open_due__isnull=False),
            ),
            models.Index(
                fields=["day", "resolution_open_due"],
                name="sla_figures_res_open",
                condition=models.Q(resolution_open_due__isnull=False),
            ),
            # The period's percentiles read only this index (index-only scan).
            models.Index(
                fields=[
                    "day",
                    "ack_seconds",
                    "resolution_seconds",
                    "priority",
                    "channel",
                    "category",
                ],
                name="sla_figures_seconds",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.day.isoformat()}"


class DailyFigures(models.Model):
    """Complaints received on one day (or in one week), by priority, channel and
    category, and their outcomes. Week rows are the sums of their days' rows, so
    a period reads its whole weeks from seven times fewer rows."""

    span = models.CharField(max_length=4, choices=Span.choices, default=Span.DAY)
    day = models.DateField()  # the first day of the span (a Monday for a week)
    priority = models.CharField(max_length=10, blank=True)
    channel = models.CharField(max_length=10)
    category = models.IntegerField(default=0)
    received = models.IntegerField(default=0)
    ack_met = models.IntegerField(default=0)
    ack_on_time = models.IntegerField(default=0)
    resolution_met = models.IntegerField(default=0)
    resolution_on_time = models.IntegerField(default=0)
    decided = models.IntegerField(default=0)
    reopened = models.IntegerField(default=0)
    waited = models.IntegerField(default=0)
    paused_seconds = models.BigIntegerField(default=0)
    resolution_timed = models.IntegerField(default=0)
    accepted = models.IntegerField(default=0)
    no_answer = models.IntegerField(default=0)
    awaiting_answer = models.IntegerField(default=0)
    reminded = models.IntegerField(default=0)
    ack_not_met = models.IntegerField(default=0)
    ack_undelivered = models.IntegerField(default=0)
    ack_met_again = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("daily figures")
        verbose_name_plural = _("daily figures")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["span", "day", "priority", "channel", "category"],
                name="sla_daily_figures_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.span} {self.day.isoformat()} {self.priority or '-'} {self.channel}"


class DailyRootCause(models.Model):
    """Complaints received on one day (or in one week) with this root cause, by
    priority, channel and category."""

    span = models.CharField(max_length=4, choices=Span.choices, default=Span.DAY)
    day = models.DateField()
    priority = models.CharField(max_length=10, blank=True)
    channel = models.CharField(max_length=10)
    category = models.IntegerField(default=0)
    # No index of its own: the unique key (span and day first) serves every query.
    root_cause = models.ForeignKey(
        "complaints.RootCause", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    complaints = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("daily root cause")
        verbose_name_plural = _("daily root causes")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["span", "day", "priority", "channel", "category", "root_cause"],
                name="sla_daily_root_cause_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.span} {self.day.isoformat()} {self.root_cause_id}"


class DailyHistogram(models.Model):
    """How many complaints received on one day (or in one week) met a target after
    business seconds in one bucket (sla.histograms): the period's medians and 90th
    percentiles are read from these rows instead of from one row per complaint.

    One set of rows per single filter of the dashboard: ``dimension`` "all"
    (every complaint, ``value`` ""), or "priority" / "channel" / "category"
    with its ``value`` (the category's id as text). Keyed on one dimension at a
    time, not on their cross product, which would hold about a row per complaint.
    """

    span = models.CharField(max_length=4, choices=Span.choices, default=Span.DAY)
    day = models.DateField()  # the first day of the span (a Monday for a week)
    target = models.CharField(max_length=12)  # sla.targets: "ack", "resolution"
    dimension = models.CharField(max_length=8)
    value = models.CharField(max_length=12, blank=True)
    bucket = models.IntegerField()  # the bucket's lowest business second
    complaints = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("daily histogram")
        verbose_name_plural = _("daily histograms")
        default_permissions = ()
        constraints = [
            # Dimension and value first: a period's rows for one filter are one
            # range of the index (the unique key serves every query).
            models.UniqueConstraint(
                fields=["dimension", "value", "span", "day", "target", "bucket"],
                name="sla_daily_histogram_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.span} {self.day.isoformat()} {self.target} {self.dimension}={self.value}"
