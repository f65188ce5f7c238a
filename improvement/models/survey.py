"""The process-satisfaction survey: one invitation per closed complaint, at most
one response to it, and the customers who asked for no more invitations."""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint, Customer, Language, choices_check

# The questions, in the order the page asks them: satisfaction with how the
# complaint was handled (ISO 10002 "satisfaction with the process"), not a
# rating of the agent.
SCORE_FIELDS: tuple[str, ...] = ("ease", "informed", "timeliness", "fairness", "overall")


class InvitationMedium(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class SurveyInvitation(models.Model):
    """The one invitation a closed complaint gets. The link's token is signed
    with the invitation's id (improvement.services.survey); ``responded_at``
    is set once, by a conditional update, so the link works once."""

    complaint = models.OneToOneField(
        Complaint,
        on_delete=models.CASCADE,
        related_name="survey_invitation",
        verbose_name=_("complaint"),
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="+", verbose_name=_("customer")
    )
    medium = models.CharField(_("sent by"), max_length=10, choices=InvitationMedium.choices)
    language = models.CharField(_("language"), max_length=5, choices=Language.choices)
    created_at = models.DateTimeField(_("invited at"), default=timezone.now)
    expires_at = models.DateTimeField(_("link valid until"))
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        ordering = ["-created_at"]
        constraints = [
            choices_check("medium", InvitationMedium),
            choices_check("language", Language),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="survey_invitation_expires_after_creation",
            ),
        ]
        indexes = [models.Index(fields=["created_at"], name="survey_invitation_created")]

    def __str__(self) -> str:
        return str(self.complaint.tracking_number)

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at


def _score(label: Any) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )


class SurveyResponse(models.Model):
    invitation = models.OneToOneField(
        SurveyInvitation,
        on_delete=models.CASCADE,
        related_name="response",
        verbose_name=_("invitation"),
    )
    ease = _score(_("ease of making the complaint"))
    informed = _score(_("being kept informed"))
    timeliness = _score(_("timeliness"))
    fairness = _score(_("fairness of the outcome"))
    overall = _score(_("overall satisfaction"))
    comment = models.TextField(_("comment"), blank=True)
    language = models.CharField(_("language"), max_length=5, choices=Language.choices)
    created_at = models.DateTimeField(_("answered at"), default=timezone.now)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["-created_at"]
        constraints = [
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": 1, f"{name}__lte": 5}),
                    name=f"survey_response_{name}_1_to_5",
                )
                for name in SCORE_FIELDS
            ),
            choices_check("language", Language),
        ]

    def __str__(self) -> str:
        return f"{self.invitation} ({self.overall}/5)"

    @property
    def scores(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in SCORE_FIELDS}


class SurveyOptOut(models.Model):
    """A customer who asked for no more survey invitations (honoured for every
    later complaint of theirs)."""

    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, related_name="+", verbose_name=_("customer")
    )
    invitation = models.ForeignKey(
        SurveyInvitation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from the invitation"),
    )
    created_at = models.DateTimeField(_("opted out at"), default=timezone.now)

    class Meta:
        verbose_name = _("survey opt-out")
        verbose_name_plural = _("survey opt-outs")

    def __str__(self) -> str:
        return str(self.customer)
