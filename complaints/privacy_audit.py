"""Who did what with personal data, for the audit (KVKK; ISO 10002's
confidentiality of complainants' data): edits of a customer, recorded in the
history of their complaints by field name, never by value."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from . import codes
from .models import Complaint, Customer
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
