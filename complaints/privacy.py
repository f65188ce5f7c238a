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

import re
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.translation import gettext as _

from common.db import CompiledQuery, Marker

from .models import CONTACT_CHANNELS, Channel, NoticeGiven, PrivacyNotice
from .permissions import Actor
from .texts import text_get, text_publish

# How a customer on each channel is given the notice, when the caller does not say.
_GIVEN_BY_CHANNEL: dict[str, str] = {
    Channel.WEB: NoticeGiven.SHOWN,
    Channel.API: NoticeGiven.SHOWN,
    Channel.EMAIL: NoticeGiven.LINKED,
    Channel.SMS: NoticeGiven.LINKED,
    Channel.WHATSAPP: NoticeGiven.LINKED,
}


def privacy_notice_current() -> PrivacyNotice | None:
    """The version in force: the latest published (a query compiled once: the
    web form asks on every visit)."""
    found = _CURRENT_NOTICE.instances()
    return found[0] if found else None


def privacy_notice_get(version: Any) -> PrivacyNotice | None:
    """The version with this number, or None (a number nobody published, or not a number)."""
    return text_get(PrivacyNotice, version)


# A notice's version by its id, kept per process: versions are never edited or
# deleted (PROTECT), so the answer never changes (tests/conftest.py empties it).
_VERSIONS: dict[int, int] = {}


def privacy_notice_version_of(notice_id: int | None) -> int | None:
    """The version number of the notice with this id (the API's answer to a
    submission, which records the notice by its id); None for none."""
    if notice_id is None:
        return None
    if notice_id not in _VERSIONS:
        version = PrivacyNotice.objects.filter(pk=notice_id).values_list("version", flat=True)
        found = version.first()
        if found is None:
            return None
        _VERSIONS[notice_id] = found
    return _VERSIONS[notice_id]


def privacy_notice_versions_forget() -> None:
    _VERSIONS.clear()


def privacy_notice_publish(*, text_tr: str, text_en: str, actor: Actor) -> PrivacyNotice:
    """Publish a new version of the notice; the texts of the current one if unchanged.

    Versions are never edited: what a customer was shown stays readable at
    /privacy/<version>/.
    """
    return text_publish(
        PrivacyNotice,
        text_tr=text_tr,
        text_en=text_en,
        actor=actor,
        permission="complaints.add_privacynotice",
    )


def privacy_notice_fields(
    *, channel: str, notice: PrivacyNotice | None = None, given: str = "", version: Any = None
) -> dict[str, Any]:
    """What a new complaint records about the notice: the version given (else
    the current one) and how it was given (else what its channel does).

    Without ``notice`` the values are SQL expressions that the complaint's INSERT
    evaluates (the submission makes no query of its own for the notice):
    ``version``, a number a client says it showed, when that version exists,
    else the version in force; with no notice at all, none and "".
    """
    given = given or _GIVEN_BY_CHANNEL.get(channel, "")
    if notice is not None:
        return {"privacy_notice": notice, "privacy_notice_given": given}
    # The ORM's SQL, compiled once: compiling the same subqueries as
    # expressions on every submission cost more than a query of their own.
    current, current_params = _CURRENT.sql()
    shown, shown_params = f"({current})", current_params
    number = _version_number(version)
    if number is not None:
        by_version, by_version_params = _BY_VERSION.sql(version=number)
        shown = f"COALESCE(({by_version}), ({current}))"
        shown_params = [*by_version_params, *current_params]
    # SQL from the ORM's compiler only; every value is a parameter.
    return {
        "privacy_notice_id": RawSQL(shown, shown_params, output_field=_AN_ID),  # noqa: S611
        "privacy_notice_given": RawSQL(  # noqa: S611
            f"CASE WHEN EXISTS ({current}) THEN %s ELSE '' END",
            [*current_params, given],
            output_field=_A_TEXT,
        ),
    }


# The expressions' types, made once (a field costs more to make than to use).
_AN_ID = models.BigIntegerField()
_A_TEXT = models.CharField()


_CURRENT_NOTICE = CompiledQuery(lambda: PrivacyNotice.objects.order_by("-version")[:1])
_CURRENT = CompiledQuery(lambda: PrivacyNotice.objects.order_by("-version").values("pk")[:1])
_BY_VERSION = CompiledQuery(
    lambda version: PrivacyNotice.objects.filter(version=version).values("pk")[:1],
    Marker("version", 2**31 - 17),
)


def _version_number(version: Any) -> int | None:
    try:
        number = int(version)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= 2**31 - 1 else None


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


# --- Extension points of the retention sweep and of data-subject requests -------------
#
# complaints imports none of the other apps, yet anonymising a complaint must
# reach what they hold about it (intake's inbound messages and their files,
# notifications' rendered notices). Each app registers, from its
# AppConfig.ready, a function that scrubs its own tables; the complaints
# service calls every one of them in the transaction that anonymises a batch.

# What every scrubbed text becomes: staff see that something was there.
PLACEHOLDER = "[anonimleştirildi · anonymised]"

Anonymiser = Callable[..., None]  # (complaint_ids, *, placeholder) -> None
Purge = Callable[..., int]  # (*, before, dry_run) -> rows removed (or that would be)
Exporter = Callable[..., dict[str, Any]]  # (complaint_ids) -> {section: JSON-ready rows}

_ANONYMISERS: dict[str, Anonymiser] = {}
_PURGES: dict[str, Purge] = {}
_EXPORTERS: dict[str, Exporter] = {}
_HISTORY_KEYS_KEPT: set[str] = set()


def anonymiser_register(name: str, fn: Anonymiser) -> None:
    """``fn(complaint_ids, *, placeholder)`` scrubs the personal data its app
    holds about these complaints (inside the caller's transaction)."""
    _ANONYMISERS[name] = fn


def anonymisers() -> tuple[tuple[str, Anonymiser], ...]:
    return tuple(_ANONYMISERS.items())


def retention_purge_register(name: str, fn: Purge) -> None:
    """``fn(*, before, dry_run) -> int`` removes its app's rows with personal
    data tied to no complaint (spam, status queries nobody followed) older than
    ``before``, and returns how many it removed (or would remove)."""
    _PURGES[name] = fn


def retention_purges() -> tuple[tuple[str, Purge], ...]:
    return tuple(_PURGES.items())


def exporter_register(name: str, fn: Exporter) -> None:
    """``fn(complaint_ids) -> {section: rows}``: what its app holds about these
    complaints, for a data-subject export (KVKK article 11)."""
    _EXPORTERS[name] = fn


def exporters() -> tuple[tuple[str, Exporter], ...]:
    return tuple(_EXPORTERS.items())


def history_data_keep(*keys: str) -> None:
    """Keys of history data (``ComplaintEvent.data``) whose text values are
    codes, dates or names of our own lists, never what a customer or staff
    typed: anonymisation keeps them. Every other text value is scrubbed."""
    _HISTORY_KEYS_KEPT.update(keys)


def scrub_history_data(data: Any, *, known: Iterable[str], key: str = "") -> Any:
    """``data`` with every text that could carry personal data replaced: kept
    are numbers, booleans, and the texts under a key declared with
    ``history_data_keep`` that contain none of the ``known`` personal values
    (the customer's name, e-mail, phone)."""
    if isinstance(data, dict):
        return {k: scrub_history_data(v, known=known, key=str(k)) for k, v in data.items()}
    if isinstance(data, list):
        return [scrub_history_data(v, known=known, key=key) for v in data]
    if not isinstance(data, str) or not data:
        return data
    if key in _HISTORY_KEYS_KEPT and not contains_any(data, known):
        return data
    return PLACEHOLDER


def contains_any(text: str, known: Iterable[str]) -> bool:
    folded = text.casefold()
    return any(value and value.casefold() in folded for value in known)


def scrub_known(text: str, known: Iterable[str]) -> str:
    """``text`` with each of the ``known`` personal values replaced (a reason
    staff type for an erasure may name the customer by mistake)."""
    for value in sorted((v for v in known if v), key=len, reverse=True):
        text = re.sub(re.escape(value), PLACEHOLDER, text, flags=re.IGNORECASE)
    return text


def admin_log_scrub(model: type[models.Model], ids: Iterable[Any]) -> None:
    """The admin's own log names objects by their ``str()`` (a customer's name,
    a complaint's subject, a notice's recipient): scrub those names."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(model)
    LogEntry.objects.filter(content_type=content_type, object_id__in=[str(i) for i in ids]).update(
        object_repr=PLACEHOLDER
    )
