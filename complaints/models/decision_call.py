"""A decision given by phone (PROCESS.md stage 7, "by e-mail or phone"): each
call staff make to tell the customer the decision, or to hear their answer."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..workflow import CUSTOMER_ANSWERS
from .choices import choices_check


class CallOutcome(models.TextChoices):
    REACHED = "reached", _("Reached the customer")
    # Not a notification: the decision has not reached the customer.
    NOT_REACHED = "not_reached", _("Did not reach the customer")


class DecisionCall(models.Model):
    """One call, recorded by complaints.services.decision_call_record (never
    edited: a call that happened stays as it was recorded)."""

    Outcome = CallOutcome

    complaint = models.ForeignKey(
        "complaints.Complaint",
        on_delete=models.PROTECT,
        related_name="decision_calls",
        verbose_name=_("complaint"),
    )
    phone = models.CharField(_("number called"), max_length=20)
    # The server's clock when staff record the call, never typed: a reached
    # call meets the resolution target at this time.
    called_at = models.DateTimeField(_("called at"), default=timezone.now, editable=False)
    # PROTECT: an account that made calls is deactivated, not deleted.
    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("called by"),
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=CallOutcome.choices)
    answer = models.CharField(
        _("customer's answer on the call"),
        max_length=10,
        choices=[(a.value, a.label) for a in CUSTOMER_ANSWERS],
        blank=True,
    )
    answer_reason = models.TextField(_("reason given for the answer"), blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("decision call")
        verbose_name_plural = _("decision calls")
        ordering = ["-called_at", "-id"]
        default_permissions = ("add", "view")
        indexes = [models.Index(fields=["complaint", "called_at"], name="decisioncall_complaint")]
        constraints = [
            choices_check("outcome", CallOutcome),
            models.CheckConstraint(
                condition=Q(answer__in=[*(a.value for a in CUSTOMER_ANSWERS), ""]),
                name="decisioncall_answer_valid",
            ),
            # Only a customer who was reached can have answered.
            models.CheckConstraint(
                condition=Q(answer="") | Q(outcome=CallOutcome.REACHED),
                name="decisioncall_answer_needs_reached",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.phone} ({self.called_at:%Y-%m-%d %H:%M}): {self.get_outcome_display()}"
