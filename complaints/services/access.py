"""One-time codes that open a complaint's page to its customer (docs/conversation.md).

A code is 6 digits, sent to the e-mail or the phone on file for that complaint,
valid COMPLAINTS_ACCESS_CODE_VALID_SECONDS (10 minutes), tried at most
COMPLAINTS_ACCESS_CODE_MAX_ATTEMPTS (5) times; then the complaint's number is
locked for COMPLAINTS_ACCESS_LOCK_SECONDS. At most COMPLAINTS_ACCESS_CODES_PER_HOUR
codes are sent per complaint (the per-address limit is intake's ``access`` scope).

Only a keyed hash of the code is stored. The plaintext exists in memory while
the history row ``complaints.access.code_requested`` is being reacted to: the
app that sends notices asks ``access_code_plaintext(code id)`` then, and writes
the message to its outbox.
"""

from __future__ import annotations

import math
import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from .. import codes, conf
from ..access import contact_mask
from ..models import AccessCode, Complaint
from .errors import ComplaintError
from .events import event_record

_HASH_SALT = "complaints.access-code"
# code id → plaintext, only while its history row's reactions run (see above).
_PLAINTEXT: dict[int, str] = {}


class AccessRefused(ComplaintError):
    """The code was not sent or not accepted; ``str()`` says why, for the customer."""

    status = 400
    retry_after: int | None = None


class AccessLocked(AccessRefused):
    status = 429

    def __init__(self, until: datetime) -> None:
        self.retry_after = max(1, math.ceil((until - timezone.now()).total_seconds()))
        minutes = max(1, math.ceil(self.retry_after / 60))
        super().__init__(
            _(
                "Too many wrong codes. For your security this application is locked; "
                "try again in %(minutes)d minutes."
            )
            % {"minutes": minutes}
        )


class AccessTooManyCodes(AccessRefused):
    status = 429

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(
            _("We have sent several codes already. Please wait %(minutes)d minutes.")
            % {"minutes": max(1, math.ceil(retry_after / 60))}
        )


class AccessNoContact(AccessRefused):
    def __init__(self) -> None:
        super().__init__(_("We have no such contact for this application."))


class AccessNoCode(AccessRefused):
    def __init__(self) -> None:
        super().__init__(_("Ask for a code first."))


class AccessCodeExpired(AccessRefused):
    def __init__(self) -> None:
        super().__init__(_("This code has expired. Ask for a new one."))


class AccessCodeWrong(AccessRefused):
    def __init__(self, remaining: int) -> None:
        self.remaining = remaining
        super().__init__(
            _("This code is not right. Tries left: %(remaining)d.") % {"remaining": remaining}
        )


def access_contacts(complaint: Complaint) -> dict[str, str]:
    """Where a code can be sent: the contact given with this complaint."""
    contacts = {}
    if complaint.contact_email:
        contacts[AccessCode.Via.EMAIL.value] = complaint.contact_email
    if complaint.contact_phone:
        contacts[AccessCode.Via.SMS.value] = complaint.contact_phone
    return contacts


def _hash(salt: str, code: str) -> str:
    return salted_hmac(_HASH_SALT, f"{salt}:{code}", algorithm="sha256").hexdigest()


def _locked_until(complaint: Complaint, now: datetime) -> datetime | None:
    return (
        AccessCode.objects.filter(complaint=complaint, locked_until__gt=now)
        .order_by("-locked_until")
        .values_list("locked_until", flat=True)
        .first()
    )


def _lock_row(complaint: Complaint) -> None:
    # Serialises the requests and attempts on one complaint, so that five
    # attempts sent at once count as five and never as one.
    Complaint.objects.select_for_update().filter(pk=complaint.pk).values_list("pk").first()


def access_code_request(*, complaint: Complaint, via: str) -> AccessCode:
    """Send a new code to the contact on file (``via`` "email" or "sms").

    Raises AccessNoContact, AccessLocked or AccessTooManyCodes. A new code
    replaces the ones sent before.
    """
    contact = access_contacts(complaint).get(via)
    if not contact:
        raise AccessNoContact
    now = timezone.now()
    with transaction.atomic():
        _lock_row(complaint)
        until = _locked_until(complaint, now)
        if until is not None:
            raise AccessLocked(until)
        hour_ago = now - timedelta(hours=1)
        recent = list(
            AccessCode.objects.filter(complaint=complaint, created_at__gt=hour_ago)
            .order_by("created_at")
            .values_list("created_at", flat=True)
        )
        if len(recent) >= conf.access_codes_per_hour():
            wait = (recent[0] + timedelta(hours=1) - now).total_seconds()
            raise AccessTooManyCodes(max(1, math.ceil(wait)))
        AccessCode.objects.filter(
            complaint=complaint, used_at__isnull=True, expires_at__gt=now
        ).update(expires_at=now)
        code = f"{secrets.randbelow(1_000_000):06d}"
        salt = secrets.token_hex(16)
        row = AccessCode.objects.create(
            complaint=complaint,
            via=via,
            salt=salt,
            code_hash=_hash(salt, code),
            created_at=now,
            expires_at=now + timedelta(seconds=conf.access_code_valid_seconds()),
        )
        _PLAINTEXT[row.pk] = code
        try:
            event_record(
                complaint=complaint,
                action=codes.ACCESS_CODE_REQUESTED,
                data={"code": row.pk, "via": via, "to": contact_mask(contact)},
            )
        finally:
            _PLAINTEXT.pop(row.pk, None)
    return row


def access_code_plaintext(code_id: int) -> str | None:
    """The code of row ``code_id`` while its request is being recorded, else None."""
    return _PLAINTEXT.get(code_id)


def access_code_verify(*, complaint: Complaint, code: str) -> AccessCode:
    """Check a code typed for this complaint; the used code, or AccessRefused.

    A wrong try is counted (and committed) before the refusal is raised; the
    last allowed wrong try spends the code and locks the number.
    """
    typed = "".join(ch for ch in (code or "") if ch.isdigit())
    now = timezone.now()
    refusal: AccessRefused | None = None
    with transaction.atomic():
        _lock_row(complaint)
        until = _locked_until(complaint, now)
        if until is not None:
            raise AccessLocked(until)
        row = (
            AccessCode.objects.filter(complaint=complaint, used_at__isnull=True)
            .order_by("-created_at", "-id")
            .first()
        )
        if row is None:
            raise AccessNoCode
        if row.expires_at <= now:
            raise AccessCodeExpired
        if len(typed) == 6 and constant_time_compare(_hash(row.salt, typed), row.code_hash):
            row.used_at = now
            row.save(update_fields=["used_at"])
            event_record(
                complaint=complaint, action=codes.ACCESS_CODE_VERIFIED, data={"via": row.via}
            )
            return row
        row.attempts += 1
        fields = ["attempts"]
        remaining = conf.access_code_max_attempts() - row.attempts
        if remaining <= 0:
            row.locked_until = now + timedelta(seconds=conf.access_lock_seconds())
            row.expires_at = now
            fields += ["locked_until", "expires_at"]
            event_record(
                complaint=complaint,
                action=codes.ACCESS_LOCKED,
                data={"until": row.locked_until.isoformat(), "attempts": row.attempts},
            )
            refusal = AccessLocked(row.locked_until)
        else:
            refusal = AccessCodeWrong(remaining)
        row.save(update_fields=fields)
    raise refusal
