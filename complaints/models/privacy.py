"""Personal data (PROCESS.md "Personal data", KVKK): the privacy notice and its
versions, what each complaint records about the notice its customer was given,
the retention markers, and who opened a complaint's personal data."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import choices_check
from .versioned import VersionedText


class PrivacyNotice(VersionedText):
    """One version of the privacy notice (aydınlatma metni, KVKK article 10).

    Versions are never changed: editing the notice in the admin publishes a new
    version (complaints.privacy.privacy_notice_publish), and each complaint keeps
    the version its customer was given.
    """

    class Meta(VersionedText.Meta):
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")

    def __str__(self) -> str:
        return str(_("Privacy notice, version %(version)s") % {"version": self.version})


class NoticeGiven(models.TextChoices):
    """How the customer was given the privacy notice."""

    SHOWN = "shown", _("Shown with the form")
    READ_OUT = "read_out", _("Read out by staff")
    LINKED = "linked", _("Linked in the acknowledgement")


class ComplaintPrivacyFields(models.Model):
    """Mixed into Complaint: the notice its customer was given, and the retention marker."""

    privacy_notice = models.ForeignKey(
        PrivacyNotice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("privacy notice given"),
    )
    privacy_notice_given = models.CharField(
        _("privacy notice given by"), max_length=10, choices=NoticeGiven.choices, blank=True
    )
    # Set by the retention sweep (or a data-subject request) in the transaction
    # that anonymises the complaint: the claim that makes a rerun skip it.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True


class CustomerPrivacyFields(models.Model):
    """Mixed into Customer: anonymised once all their complaints are."""

    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True


class ReadVia(models.TextChoices):
    ADMIN = "admin", _("Staff page")
    API = "api", _("Staff API")


class ComplaintRead(models.Model):
    """A member of staff opened a complaint's personal data (its admin page or
    its staff API detail). Kept for the retention period, then deleted by the
    retention sweep; listed for superusers only."""

    Via = ReadVia

    complaint = models.ForeignKey(
        "complaints.Complaint",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("complaint"),
    )
    # PROTECT: an account that looked at personal data is deactivated, not deleted.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("user"),
    )
    via = models.CharField(_("via"), max_length=10, choices=ReadVia.choices)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("personal data read")
        verbose_name_plural = _("personal data reads")
        ordering = ["-at", "-id"]
        default_permissions = ("view",)
        indexes = [models.Index(fields=["complaint", "-at"], name="complaintread_complaint")]
        constraints = [choices_check("via", ReadVia)]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.complaint_id} ({self.at:%Y-%m-%d %H:%M})"
