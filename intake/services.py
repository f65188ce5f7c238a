"""The one intake service every channel calls (web form, API, e-mail, SMS, staff)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from complaints.models import Complaint, PrivacyNotice
from complaints.services import Actor, ComplaintError, complaint_submit

from .models import IntakeKey


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
) -> IntakeResult:
    """Validate and record a complaint arriving on any channel.

    With an idempotency key, the same key (within its scope) returns the
    complaint it first produced; the same key with a different body raises
    IdempotencyConflict. Raises django ValidationError for bad input.
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
    if not idempotency_key:
        return IntakeResult(submit(**fields), created=True)

    fingerprint = _fingerprint(fields)
    existing = _replay(scope, idempotency_key, fingerprint)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            complaint = submit(**fields)
            # The unique (scope, key) index is what closes the race between two
            # identical requests arriving together: the second insert waits for
            # the first transaction, then fails, and we answer with its result.
            IntakeKey.objects.create(
                scope=scope, key=idempotency_key, fingerprint=fingerprint, complaint=complaint
            )
    except IntegrityError:
        existing = _replay(scope, idempotency_key, fingerprint)
        if existing is None:
            raise
        return existing
    return IntakeResult(complaint, created=True)


def _replay(scope: str, key: str, fingerprint: str) -> IntakeResult | None:
    record = IntakeKey.objects.select_related("complaint").filter(scope=scope, key=key).first()
    if record is None:
        return None
    if record.fingerprint != fingerprint:
        raise IdempotencyConflict(
            gettext("This idempotency key was already used for another request.")
        )
    return IntakeResult(record.complaint, created=False)
