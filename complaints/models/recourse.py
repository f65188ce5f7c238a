"""Where else the customer can go (PROCESS.md "Where else the customer can
go"): the company's text, edited by staff in versions like the privacy notice."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .versioned import VersionedText


class RecourseText(VersionedText):
    """One version of the text that tells a customer where else they can apply
    (the consumer arbitration committees, the consumer courts, the BTK).

    Sent with the notice of a rejected decision and of a closure; each notice
    records the version it carried, readable at /recourse/<version>/.
    """

    class Meta(VersionedText.Meta):
        verbose_name = _("where else to apply")
        verbose_name_plural = _("where else to apply")

    def __str__(self) -> str:
        return str(_("Where else to apply, version %(version)s") % {"version": self.version})
