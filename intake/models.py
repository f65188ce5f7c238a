from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IntakeKey(models.Model):
    """Remembers which complaint a client's idempotency key produced, so a
    retried submission (a double click, a partner's retry after a timeout)
    returns the first complaint instead of creating a second one."""

    scope = models.CharField(_("scope"), max_length=20)
    key = models.CharField(_("key"), max_length=200)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="intakekey_scope_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"
