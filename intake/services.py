"""The one intake service every channel calls (web form, API, e-mail, SMS, staff)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from complaints.models import Complaint, PrivacyNotice
from complaints.services import (
    Actor,
    ComplaintError,
    complaint_attachments_add,
    complaint_submit,
)

from . import conf
from .models import IntakeKey

# IntakeKey scope of the "same client, same content, within the window" rule.
REPEAT_SCOPE = "repeat"


class IdempotencyConflict(ComplaintError):
    """The key was used before with a different request body."""


@dataclass(frozen=True)
class IntakeResult:
    complaint: Complaint
    created: bool


def _fingerprint(fields: dict[str, Any]) -> str:
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def intake_submit(
    *,
    channel: str,
    kind: str,
    subject: str,
    description: str,
    name: str,
    email: str = "",
    phone: str = "",
    language: str = "tr",
    actor: Actor = None,
    idempotency_key: str = "",
    idempotency_scope: str = "",
    acknowledged_in_reply: bool = False,
    privacy_notice: PrivacyNotice | None = None,
    privacy_notice_given: str = "",
    attachments: Sequence[Any] = (),
    client: str = "",
) -> IntakeResult:
    """Validate and record a complaint arriving on any channel.

    With an idempotency key, the same key (within its scope) returns the
    complaint it first produced; the same key with a different body raises
    IdempotencyConflict. With ``client`` (the web form's client address), the
    same content from the same client within INTAKE_REPEAT_WINDOW_SECONDS
    returns the first complaint too: the back button after a reload, a double
    click. ``attachments`` are kept with the new complaint, all or none.
    Raises django ValidationError for bad input, GuardFailed for a refused file.
    """
    fields: dict[str, Any] = {
        "channel": channel,
        "kind": kind,
        "subject": subject,
        "description": description,
        "name": name,
        "email": email,
        "phone": phone,
        "language": language,
    }
    scope = idempotency_scope or channel
    # The notice is not part of the fingerprint: a retry made after a new
    # version was published is still the same request.
    submit = partial(
        complaint_submit,
        actor=actor,
        acknowledged_in_reply=acknowledged_in_reply,
        privacy_notice=privacy_notice,
        privacy_notice_given=privacy_notice_given,
    )
    fingerprint = _fingerprint(fields)
    if idempotency_key:
        existing = _replay(scope, idempotency_key, fingerprint)
        if existing is not None:
            return existing
    repeat_key = _repeat_key(client, fingerprint, attachments) if client else ""
    try:
        with transaction.atomic():
            if repeat_key:
                earlier = _recent_repeat(repeat_key)
                if earlier is not None:
                    return IntakeResult(earlier, created=False)
            complaint = submit(**fields)
            if attachments:
                complaint_attachments_add(
                    complaint=complaint, uploads=attachments, at_submission=True
                )
            # The unique (scope, key) index is what closes the race between two
            # identical requests arriving together: the second insert waits for
            # the first transaction, then fails, and we answer with its result.
            if idempotency_key:
                IntakeKey.objects.create(
                    scope=scope, key=idempotency_key, fingerprint=fingerprint, complaint=complaint
                )
            if repeat_key:
                _repeat_remember(repeat_key, fingerprint, complaint)
    except IntegrityError:
        existing = _replay(scope, idempotency_key, fingerprint) if idempotency_key else None
        if existing is None and repeat_key:
            # The twin committed first (its IntakeKey row, or the new customer's
            # unique e-mail, stopped this insert): answer with its complaint.
            with transaction.atomic():
                earlier = _recent_repeat(repeat_key)
            existing = IntakeResult(earlier, created=False) if earlier is not None else None
        if existing is None:
            raise
        return existing
    return IntakeResult(complaint, created=True)


def _repeat_key(client: str, fingerprint: str, attachments: Sequence[Any]) -> str:
    files = [(getattr(f, "name", ""), getattr(f, "size", 0)) for f in attachments]
    canonical = json.dumps([client, fingerprint, files], ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _recent_repeat(key: str) -> Complaint | None:
    """The complaint the same client sent with the same content within the window."""
    since = timezone.now() - timedelta(seconds=conf.repeat_window_seconds())
    record = (
        IntakeKey.objects.select_for_update()
        .select_related("complaint")
        .filter(scope=REPEAT_SCOPE, key=key)
        .first()
    )
    if record is None or record.created_at < since:
        return None
    return record.complaint


def _repeat_remember(key: str, fingerprint: str, complaint: Complaint) -> None:
    # One row per (client, content), moved on only when the same content comes
    # back after the window. The condition on created_at is what closes the race
    # of two identical posts at the same instant: under READ COMMITTED the
    # second post's UPDATE re-reads the row its twin has just committed, and an
    # unconditional UPDATE would take that fresh row over, so both complaints
    # would be stored. With the condition it touches nothing, the INSERT below
    # hits the unique (scope, key) index, and the caller answers with the
    # twin's complaint. An expired row was locked by _recent_repeat.
    since = timezone.now() - timedelta(seconds=conf.repeat_window_seconds())
    updated = IntakeKey.objects.filter(scope=REPEAT_SCOPE, key=key, created_at__lt=since).update(
        complaint=complaint, fingerprint=fingerprint, created_at=timezone.now()
    )
    if not updated:
        IntakeKey.objects.create(
            scope=REPEAT_SCOPE, key=key, fingerprint=fingerprint, complaint=complaint
        )


def _replay(scope: str, key: str, fingerprint: str) -> IntakeResult | None:
    record = IntakeKey.objects.select_related("complaint").filter(scope=scope, key=key).first()
    if record is None:
        return None
    if record.fingerprint != fingerprint:
        raise IdempotencyConflict(
            gettext("This idempotency key was already used for another request.")
        )
    return IntakeResult(record.complaint, created=False)
