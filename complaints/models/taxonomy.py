"""The editable lists: categories (PROCESS.md's criteria) and root causes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .choices import Priority, choices_check


class BilingualName(models.Model):
    """Editable taxonomy with a Turkish and an English name."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name_tr = models.CharField(_("name (Turkish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "tr").startswith("en") else self.name_tr


class Category(BilingualName):
    """A priority criterion of PROCESS.md stage 3, with its default priority."""

    default_priority = models.CharField(
        _("default priority"), max_length=10, choices=Priority.choices
    )
    # Shown beside the choice when classifying, so that near-identical criteria
    # ("contrary to the law" on the company's side / "contrary to legal
    # regulations" on the customer's side) are told apart.
    description_tr = models.TextField(_("description (Turkish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta(BilingualName.Meta):
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [choices_check("default_priority", Priority)]

    @property
    def description(self) -> str:
        english = (get_language() or "tr").startswith("en")
        return (self.description_en if english else self.description_tr) or ""

    @property
    def choice_label(self) -> str:
        """The category as the classification form offers it: name, default
        priority and what sets it apart."""
        label = f"{self.name} — {self.get_default_priority_display()}"
        return f"{label}: {self.description}" if self.description else label


class RootCause(BilingualName):
    class Meta(BilingualName.Meta):
        verbose_name = _("root cause")
        verbose_name_plural = _("root causes")
