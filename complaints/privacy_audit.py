"""Who did what with personal data, for the audit (KVKK; ISO 10002's
confidentiality of complainants' data): edits of a customer, recorded in the
history of their complaints by field name, never by value; and who opened a
complaint's personal data (its staff page, its staff API detail), kept for the
retention period."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction

from . import codes
from .models import Complaint, ComplaintRead, Customer
from .permissions import Actor
from .services.events import event_record


def customer_change_record(*, customer: Customer, fields: Iterable[str], actor: Actor) -> int:
    """One history row on each of the customer's complaints: who changed which
    fields (names only: the values are the personal data). Returns the rows written."""
    names = sorted(set(fields))
    if not names:
        return 0
    written = 0
    with transaction.atomic():
        for complaint in Complaint.objects.filter(customer=customer).order_by("pk"):
            event_record(
                complaint=complaint,
                action=codes.CUSTOMER_CHANGED,
                actor=actor,
                data={"fields": names},
            )
            written += 1
    return written


def complaint_read_record(*, complaint_id: int, user: Any, via: str) -> ComplaintRead | None:
    """``user`` opened the complaint's personal data (``via`` the staff page or the API)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return ComplaintRead.objects.create(complaint_id=complaint_id, user=user, via=via)


def complaint_reads_purge(*, before: datetime, dry_run: bool) -> int:
    """Reads older than the retention period are deleted (retention sweep)."""
    old = ComplaintRead.objects.filter(at__lt=before)
    if dry_run:
        return old.count()
    deleted, _by_model = old.delete()
    return deleted
