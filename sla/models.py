from typing import Any

from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from sla.calendar import bump_overrides_version


class CalendarOverride(models.Model):
    """A staff correction of the business-day calendar for one date.

    The ``holidays`` package knows the law, not the decisions announced later
    (bridge days granted by the government) nor the company's own closures or
    working weekends; these rows cover that and win over the package.
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


@receiver(post_save, sender=CalendarOverride, dispatch_uid="sla_override_saved")
@receiver(post_delete, sender=CalendarOverride, dispatch_uid="sla_override_deleted")
def _calendar_override_changed(sender: type[CalendarOverride], **kwargs: Any) -> None:
    # Bump now so this process (which can already see its own uncommitted
    # change) reloads at once, and again after commit: another process that
    # reloaded between the first bump and the commit read the old rows under
    # the new version, and only a second bump makes it reload.
    bump_overrides_version()
    transaction.on_commit(bump_overrides_version)


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
