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
