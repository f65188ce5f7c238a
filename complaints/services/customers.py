"""Customer records, merged by staff deliberately (complaints.identity says why
intake never does it)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .. import codes
from ..models import Complaint, Customer
from ..permissions import Actor, actor_require
from .events import event_record


def customer_details(customer: Customer) -> dict[str, object]:
    """What a history row keeps of a customer record."""
    return {
        "id": customer.pk,
        "name": customer.name,
        "email": customer.email,
        "phone": customer.phone,
        "language": customer.language,
        "created_at": customer.created_at.isoformat(),
    }


def customer_merge(*, customer: Customer, into: Customer, actor: Actor) -> int:
    """Move every complaint of ``customer`` to ``into`` and remove ``customer``.

    Each moved complaint gets a history row (``complaints.customer.merged``)
    whose data keeps the merged-away record's details, so nothing is lost with
    it; the complaints keep their contacts as given. ``into`` is not changed.
    Returns the number of complaints moved.
    """
    actor_require(actor, "complaints.merge_customer")
    if customer.pk == into.pk:
        raise ValidationError(_("Choose two different customer records."))
    with transaction.atomic():
        # Both rows locked in id order: two merges of the same pair (two staff
        # pressing at once, either way round) wait for each other instead of
        # deadlocking, and the second finds its record gone. Intake holds the
        # record it files a complaint under (customer_get_or_create), so a
        # complaint stored meanwhile is moved too, never left pointing at a
        # removed record.
        locked = {
            c.pk: c
            for c in Customer.objects.select_for_update()
            .filter(pk__in=[customer.pk, into.pk])
            .order_by("pk")
        }
        if len(locked) != 2:
            raise ValidationError(_("This customer record no longer exists: it was merged."))
        source, target = locked[customer.pk], locked[into.pk]
        moved = list(Complaint.objects.select_for_update().filter(customer=source).order_by("pk"))
        if not moved:
            # Its details would be kept nowhere.
            raise ValidationError(_("This customer record has no complaints to move."))
        merged = customer_details(source)
        note = _("Customer record “%(name)s” (#%(id)s) merged into “%(into)s” (#%(into_id)s).") % {
            "name": source.name,
            "id": source.pk,
            "into": target.name,
            "into_id": target.pk,
        }
        for complaint in moved:
            complaint.customer = target
            complaint.save(update_fields=["customer", "updated_at"])
            event_record(
                complaint=complaint,
                action=codes.CUSTOMER_MERGED,
                actor=actor,
                note=note,
                data={"merged_customer": merged, "into_customer": customer_details(target)},
            )
        source.delete()
    return len(moved)
