"""Texts the company publishes in versions (the privacy notice, where else the
customer can go): a version is never edited, a new one supersedes it, and what
a customer was given stays readable by its number."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class VersionedText(models.Model):
    """One published version of a text in Turkish and English.

    Published through complaints.texts.text_publish (the admin and every other
    caller): never changed afterwards, so a customer's notice can point at it.
    """

    version = models.PositiveIntegerField(_("version"), unique=True, editable=False)
    text_tr = models.TextField(_("text (Turkish)"))
    text_en = models.TextField(_("text (English)"))
    published_at = models.DateTimeField(_("published at"), default=timezone.now, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        abstract = True
        ordering = ["-version"]
        default_permissions = ("add", "view")

    @property
    def text(self) -> str:
        """The text in the active language (Turkish unless English is asked for)."""
        return self.text_en if (get_language() or "tr").startswith("en") else self.text_tr
