"""The one intake service every channel calls (web form, API, e-mail, SMS, staff)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext

from common.batch import statement_send, statements_flush
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
    privacy_notice_version: Any = None,
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

    One transaction (issue 15: at most ten statements for the web form and the
    API): the complaint is written, then its keys are claimed in one upsert
    (``_keys_claim``); a key that another submission holds rolls everything
    back, and the answer is that submission's complaint.
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
        privacy_notice_version=privacy_notice_version,
    )
    fingerprint = _fingerprint(fields)
    repeat_key = _repeat_key(client, fingerprint, attachments) if client else ""
    keys = [(s, k) for s, k in ((scope, idempotency_key), (REPEAT_SCOPE, repeat_key)) if k]

    def claim_and_keep(complaint: Complaint) -> None:
        # In complaint_submit's transaction and its batch of statements
        # (common.batch): a taken key raises _Taken when the batch is sent.
        if keys:
            _keys_claim(keys, fingerprint, complaint)
        if attachments:
            # The keys known to be ours before the files, so that a repeat
            # stores none of them.
            statements_flush()
            complaint_attachments_add(complaint=complaint, uploads=attachments, at_submission=True)

    # Twice at most: a repeat key can lapse between the claim that found it
    # taken and the lookup of its complaint; the second claim then moves it on.
    for attempt in range(2):
        try:
            complaint = submit(**fields, then=claim_and_keep)
        except (_Taken, IntegrityError):
            # Rolled back: a key is another submission's (committed, or committed
            # while this one waited on the unique index). Answer with its complaint.
            existing = _replay(scope, idempotency_key, fingerprint) if idempotency_key else None
            if existing is None and repeat_key:
                with transaction.atomic():
                    earlier = _recent_repeat(repeat_key)
                existing = IntakeResult(earlier, created=False) if earlier is not None else None
            if existing is not None:
                return existing
            if attempt:
                raise
        else:
            return IntakeResult(complaint, created=True)
    raise AssertionError("unreachable")


class _Taken(Exception):
    """A key of this submission belongs to another one: roll this one back."""


def _repeat_key(client: str, fingerprint: str, attachments: Sequence[Any]) -> str:
    files = [(getattr(f, "name", ""), getattr(f, "size", 0)) for f in attachments]
    canonical = json.dumps([client, fingerprint, files], ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _keys_claim(keys: list[tuple[str, str]], fingerprint: str, complaint: Complaint) -> None:
    """Record the submission's keys for ``complaint``; _Taken when one is taken
    (now, or when the open batch of statements is sent: common.batch).

    One statement for both keys: ``INSERT ... ON CONFLICT (scope, key) DO UPDATE
    ... WHERE`` the existing row is a repeat key older than the window (a
    repeat row moves on to the new complaint). An idempotency key, or a repeat
    key still within its window, is left alone and not returned. The unique
    index is what closes the race between two identical requests arriving
    together: the second upsert waits for the first transaction, then sees its
    row, whether it was committed before or while the second one ran.
    """
    now = timezone.now()
    since = now - timedelta(seconds=conf.repeat_window_seconds())
    ops = connection.ops
    qn = ops.quote_name
    meta = IntakeKey._meta
    table = qn(meta.db_table)
    columns = [qn(_column(f)) for f in ("scope", "key", "fingerprint", "complaint")]
    created = qn(_column("created_at"))
    scope_column = columns[0]
    rows = ", ".join(["(%s, %s, %s, %s, %s)"] * len(keys))
    params: list[Any] = []
    for scope, key in keys:
        params.extend([scope, key, fingerprint, complaint.pk, ops.adapt_datetimefield_value(now)])
    params.extend([REPEAT_SCOPE, ops.adapt_datetimefield_value(since)])
    moved = ", ".join(f"{c} = excluded.{c}" for c in (*columns[2:], created))
    statement = (
        f"INSERT INTO {table} ({', '.join(columns)}, {created}) VALUES {rows} "  # noqa: S608
        f"ON CONFLICT ({columns[0]}, {columns[1]}) DO UPDATE SET {moved} "
        f"WHERE {table}.{scope_column} = %s AND {table}.{created} < %s "
        f"RETURNING {scope_column}"
    )

    def answered(written: list[tuple[Any, ...]]) -> None:
        if len(written) != len(keys):
            raise _Taken

    statement_send(statement, params, then=answered)


def _column(name: str) -> str:
    field = IntakeKey._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column
    return field.column


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


def _replay(scope: str, key: str, fingerprint: str) -> IntakeResult | None:
    record = IntakeKey.objects.select_related("complaint").filter(scope=scope, key=key).first()
    if record is None:
        return None
    if record.fingerprint != fingerprint:
        raise IdempotencyConflict(
            gettext("This idempotency key was already used for another request.")
        )
    return IntakeResult(record.complaint, created=False)
