"""The append-only history of a complaint."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..workflow import Stage
from .complaint import Complaint


class ComplaintEvent(models.Model):
    """Append-only history: every stage change, notice and SLA event, with a
    dotted action code (``complaints.complaint.classified``) and the actor."""

    # PROTECT, and at the database a trigger (complaints.privacy_guard): the
    # history is append-only and complaints are never deleted.
    complaint = models.ForeignKey(
        Complaint, on_delete=models.PROTECT, related_name="events", verbose_name=_("complaint")
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
        from ..history import action_label

        return action_label(self.action)
