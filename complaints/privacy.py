"""The privacy notice (aydınlatma metni, KVKK article 10): its versions, and
which version each complaint records.

PROCESS.md "Personal data": every intake shows the notice and the version shown
is recorded. The web form and the public API show it (``shown``), staff read it
out on the phone and at the desk and tick that they did (``read_out``), and
complaints arriving by e-mail or SMS record the version current at receipt,
which their acknowledgement links to (``linked``). Nothing optional is asked on
submitting: there is no consent to bundle.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import CONTACT_CHANNELS, Channel, NoticeGiven, PrivacyNotice
from .permissions import Actor, actor_require, actor_user

# How a customer on each channel is given the notice, when the caller does not say.
_GIVEN_BY_CHANNEL: dict[str, str] = {
    Channel.WEB: NoticeGiven.SHOWN,
    Channel.API: NoticeGiven.SHOWN,
    Channel.EMAIL: NoticeGiven.LINKED,
    Channel.SMS: NoticeGiven.LINKED,
}


def privacy_notice_current() -> PrivacyNotice | None:
    """The version in force: the latest published."""
    return PrivacyNotice.objects.order_by("-version").first()


def privacy_notice_get(version: Any) -> PrivacyNotice | None:
    """The version with this number, or None (a number nobody published, or not a number)."""
    try:
        number = int(version)
    except (TypeError, ValueError):
        return None
    if number <= 0 or number > 2**31 - 1:
        return None
    return PrivacyNotice.objects.filter(version=number).first()


def privacy_notice_publish(*, text_tr: str, text_en: str, actor: Actor) -> PrivacyNotice:
    """Publish a new version of the notice; the texts of the current one if unchanged.

    Versions are never edited: what a customer was shown stays readable at
    /privacy/<version>/.
    """
    actor_require(actor, "complaints.add_privacynotice")
    text_tr, text_en = (text_tr or "").strip(), (text_en or "").strip()
    errors: dict[str, list[str]] = {}
    if not text_tr:
        errors["text_tr"] = [_("Write the Turkish text.")]
    if not text_en:
        errors["text_en"] = [_("Write the English text.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # Two editors publishing at once: the lock on the latest version makes
        # the second wait and number its version after the first one's. (The
        # very first version has no row to lock: the unique index decides.)
        latest = PrivacyNotice.objects.select_for_update().order_by("-version").first()
        if latest is not None and (latest.text_tr, latest.text_en) == (text_tr, text_en):
            return latest
        return PrivacyNotice.objects.create(
            version=(latest.version if latest is not None else 0) + 1,
            text_tr=text_tr,
            text_en=text_en,
            published_by=actor_user(actor),
        )


def privacy_notice_fields(
    *, channel: str, notice: PrivacyNotice | None = None, given: str = ""
) -> dict[str, Any]:
    """What a new complaint records about the notice: the version given (else
    the current one) and how it was given (else what its channel does)."""
    notice = notice or privacy_notice_current()
    if notice is None:
        return {"privacy_notice": None, "privacy_notice_given": ""}
    return {
        "privacy_notice": notice,
        "privacy_notice_given": given or _GIVEN_BY_CHANNEL.get(channel, ""),
    }


def privacy_notice_given_by_staff(*, channel: str, read_out: bool) -> str:
    """Staff registering a phone or in-person complaint read the notice out
    first, and say so; for e-mail and SMS typed in, the acknowledgement links it."""
    if channel not in CONTACT_CHANNELS:
        return ""
    if not read_out:
        raise ValidationError(
            {
                "privacy_notice_read_out": [
                    _("Read the privacy notice out to the customer first, then tick this box.")
                ]
            }
        )
    return NoticeGiven.READ_OUT


def privacy_notice_url() -> str:
    """The absolute address of the notice in force, for texts sent to customers."""
    return str(getattr(settings, "SITE_URL", "")).rstrip("/") + reverse("privacy:notice")
