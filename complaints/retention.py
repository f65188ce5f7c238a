"""Retention (PROCESS.md "Personal data", KVKK): personal data is kept for
``PERSONAL_DATA_RETENTION_DAYS`` after closure, then anonymised in place.

In place means the rows stay: kind, channel, category, priority, stages, dates,
SLA targets and figures, root cause, counters and the history's codes are
untouched, so every statistic stays the same; what a person typed or could be
recognised by (names, addresses, numbers, subjects, descriptions, messages,
analyses, decisions, notes, rendered notices, inbound messages and their
files) is replaced by ``PLACEHOLDER`` or removed. The other apps scrub their own
tables through ``complaints.privacy.anonymiser_register``.

Work is done in batches, each in one transaction that first claims its
complaints with the ``anonymised_at`` marker: a sweep interrupted half-way
leaves whole batches done or untouched, and a rerun goes on where it stopped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from . import codes
from .models import Complaint, ComplaintEvent, ComplaintMessage, Customer, Stage
from .permissions import Actor, actor_require
from .privacy import (
    PLACEHOLDER,
    admin_log_scrub,
    anonymisers,
    history_data_keep,
    retention_purge_register,
    retention_purges,
    scrub_history_data,
    scrub_known,
)
from .privacy_guard import history_unlocked
from .services.errors import GuardFailed
from .services.events import event_record

DEFAULT_RETENTION_DAYS = 730
DEFAULT_BATCH_SIZE = 200

RETENTION = "retention"
REQUEST = "request"

# Texts on the complaint row that staff or the customer typed (an empty one stays empty).
_TYPED_FIELDS = (
    "contact_name",
    "subject",
    "description",
    "priority_override_reason",
    "root_cause_analysis",
    "solution_proposal",
    "decision",
    "customer_answer_reason",
)


def register() -> None:
    """complaints' own history data keeps its codes, ids, dates and the names of
    our lists and staff (AppConfig.ready)."""
    from .privacy_audit import complaint_reads_purge

    retention_purge_register("complaints.reads", complaint_reads_purge)
    history_data_keep(
        "channel",
        "kind",
        "acknowledged_on_contact",
        "category",
        "priority",
        "assignee",
        "root_cause",
        "customer_answer",
        "customer_answer_channel",
        "message",
        "from",
        "to",
        "id",
        "name",
        "fields",
        "basis",
        "retention_days",
        "format",
    )


def retention_days() -> int:
    return int(getattr(settings, "PERSONAL_DATA_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


def retention_batch_size() -> int:
    return int(getattr(settings, "PERSONAL_DATA_RETENTION_BATCH_SIZE", DEFAULT_BATCH_SIZE))


def retention_cutoff(now: datetime | None = None) -> datetime:
    """Complaints closed before this instant are past their retention period."""
    return (now or timezone.now()) - timedelta(days=retention_days())


def retention_due(cutoff: datetime) -> QuerySet[Complaint]:
    """Closed before ``cutoff`` and not yet anonymised (the partial index
    complaint_retention_due holds exactly the not-yet-anonymised closed ones)."""
    return Complaint.objects.filter(
        anonymised_at__isnull=True, closed_at__isnull=False, closed_at__lt=cutoff
    )


@dataclass
class RetentionResult:
    cutoff: datetime
    retention_days: int
    dry_run: bool = False
    complaints: int = 0
    customers: int = 0
    purged: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        verb = "would anonymise" if self.dry_run else "anonymised"
        purged = ", ".join(f"{name}: {count}" for name, count in sorted(self.purged.items()))
        return (
            f"retention_sweep: {verb} {self.complaints} complaints and {self.customers} "
            f"customers closed before {self.cutoff:%Y-%m-%d %H:%M} "
            f"(retention {self.retention_days} days); removed {purged or 'nothing else'}"
        )


Progress = Callable[[int, int], None]  # (done, total)


def complaints_retention_sweep(
    *,
    now: datetime | None = None,
    dry_run: bool = False,
    batch_size: int | None = None,
    progress: Progress | None = None,
) -> RetentionResult:
    """Anonymise every complaint closed longer ago than the retention period,
    their customers once all of a customer's complaints are, and remove what
    the apps hold past it that belongs to no complaint (registered purges).

    Safe to run twice, or alongside another run: each batch claims its
    complaints, and a claimed complaint is skipped.
    """
    now = now or timezone.now()
    cutoff = retention_cutoff(now)
    result = RetentionResult(cutoff=cutoff, retention_days=retention_days(), dry_run=dry_run)
    due = retention_due(cutoff)
    total = due.count()
    if progress is not None:
        progress(0, total)
    if dry_run:
        result.complaints = total
        result.customers = _customers_left_without_data(due).count()
    else:
        size = batch_size or retention_batch_size()
        last: tuple[datetime | None, int] | None = None
        while True:
            page = due.order_by("closed_at", "pk")
            if last is not None:
                page = page.filter(Q(closed_at__gt=last[0]) | Q(closed_at=last[0], pk__gt=last[1]))
            rows = list(page.values_list("closed_at", "pk")[:size])
            if not rows:
                break
            last = rows[-1]
            done, customers = _anonymise_batch(
                [pk for _closed, pk in rows],
                basis=RETENTION,
                now=now,
                actor=None,
                note="",
                skip_locked=True,
            )
            result.complaints += done
            result.customers += customers
            if progress is not None:
                progress(min(result.complaints, total), total)
    for name, purge in retention_purges():
        result.purged[name] = purge(before=cutoff, dry_run=dry_run)
    return result


def _customers_left_without_data(due: QuerySet[Complaint]) -> QuerySet[Customer]:
    """Customers not anonymised whose every complaint is anonymised or in ``due``."""
    keeps_data = Complaint.objects.filter(customer=OuterRef("pk"), anonymised_at__isnull=True)
    return Customer.objects.filter(
        anonymised_at__isnull=True, pk__in=due.values("customer_id")
    ).exclude(Exists(keeps_data.exclude(pk__in=due.values("pk"))))


def _anonymise_batch(
    ids: list[int],
    *,
    basis: str,
    now: datetime,
    actor: Actor,
    note: str,
    skip_locked: bool,
) -> tuple[int, int]:
    """Anonymise these complaints (those nobody claimed yet) and the customers
    left without personal data; one transaction. Returns (complaints, customers)."""
    with transaction.atomic(), history_unlocked():
        # Claim: lock the rows (another sweep's batch is skipped, not waited
        # for), then set the marker only where it is still empty. A complaint
        # anonymised meanwhile, by a data-subject request, is left alone.
        locked = Complaint.objects.select_for_update(skip_locked=skip_locked, of=("self",)).filter(
            pk__in=ids, anonymised_at__isnull=True
        )
        complaints = list(locked.select_related("customer"))
        if not complaints:
            return 0, 0
        claimed = [c.pk for c in complaints]
        Complaint.objects.filter(pk__in=claimed).update(anonymised_at=now)
        known = {c.pk: _personal_values(c) for c in complaints}
        _anonymise_own(claimed, known=known)
        for _name, anonymise in anonymisers():
            anonymise(claimed, placeholder=PLACEHOLDER)
        action = codes.ANONYMISED if basis == RETENTION else codes.ANONYMISED_ON_REQUEST
        data: dict[str, Any] = {"basis": basis}
        if basis == RETENTION:
            data["retention_days"] = retention_days()
        for complaint in complaints:
            complaint.anonymised_at = now
            event_record(complaint=complaint, action=action, actor=actor, note=note, data=data)
        customers = _customers_anonymise({c.customer_id for c in complaints}, now=now)
    return len(claimed), customers


def _personal_values(complaint: Complaint) -> set[str]:
    """What the customer of this complaint can be recognised by, as typed and as stored."""
    customer = complaint.customer
    values = {
        customer.name,
        complaint.contact_name,
        customer.email,
        complaint.contact_email,
        customer.phone,
        complaint.contact_phone,
    }
    for phone in (customer.phone, complaint.contact_phone):
        if phone.startswith("+90"):
            values.add("0" + phone[3:])  # as Turkish customers write it
            values.add(phone[3:])
    return {v for v in values if v and len(v) >= 3}


def _typed(name: str) -> Case:
    return Case(When(**{name: ""}, then=Value("")), default=Value(PLACEHOLDER))


def _anonymise_own(ids: list[int], *, known: dict[int, set[str]]) -> None:
    """complaints' own tables: the complaint's texts and contact, its messages,
    and its history's notes and typed values (the codes, dates and stages stay)."""
    Complaint.objects.filter(pk__in=ids).update(
        contact_email="",
        contact_phone="",
        **{name: _typed(name) for name in _TYPED_FIELDS},
    )
    ComplaintMessage.objects.filter(complaint_id__in=ids).update(body=PLACEHOLDER)
    events = list(
        ComplaintEvent.objects.filter(complaint_id__in=ids).only("complaint_id", "note", "data")
    )
    for event in events:
        event.note = PLACEHOLDER if event.note else ""
        event.data = scrub_history_data(event.data, known=known.get(event.complaint_id, set()))
    ComplaintEvent.objects.bulk_update(events, ["note", "data"], batch_size=500)
    admin_log_scrub(Complaint, ids)
    admin_log_scrub(
        ComplaintMessage,
        ComplaintMessage.objects.filter(complaint_id__in=ids).values_list("pk", flat=True),
    )


def _customers_anonymise(customer_ids: Iterable[int], *, now: datetime) -> int:
    """Anonymise those of these customers whose every complaint is anonymised."""
    # Two sweeps anonymising the last two complaints of one customer at once
    # would each see the other's complaint still holding data, and leave the
    # customer as they are: lock the customers first (in id order, so two
    # batches never wait on each other in a cycle); the second then sees the
    # first one's complaints committed.
    candidates = list(
        Customer.objects.select_for_update()
        .filter(pk__in=list(customer_ids), anonymised_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    keeps_data = Complaint.objects.filter(customer=OuterRef("pk"), anonymised_at__isnull=True)
    ids = list(
        Customer.objects.filter(pk__in=candidates)
        .exclude(Exists(keeps_data))
        .values_list("pk", flat=True)
    )
    if ids:
        Customer.objects.filter(pk__in=ids).update(
            name=PLACEHOLDER, email="", phone="", anonymised_at=now
        )
        admin_log_scrub(Customer, ids)
    return len(ids)


def complaints_open_of(customer: Customer) -> QuerySet[Complaint]:
    return Complaint.objects.filter(customer=customer).exclude(stage=Stage.CLOSED)


def customer_anonymise(*, customer: Customer, reason: str, actor: Actor) -> int:
    """A data-subject request (KVKK article 11): anonymise the customer and all
    their complaints now, through the same path as the retention sweep. The
    reason is recorded in each complaint's history (with any of the customer's
    details it names taken out). Returns the number of complaints anonymised.

    Refused while a complaint is open: it could no longer be handled, nor its
    customer told the decision. Close it (or record the withdrawal) first.
    """
    actor_require(actor, "complaints.anonymise_customer")
    reason = (reason or "").strip()
    if not reason:
        raise GuardFailed({"reason": _("Give the reason (the request and how it reached us).")})
    still_open = list(complaints_open_of(customer).values_list("tracking_number", flat=True))
    if still_open:
        raise GuardFailed(
            {
                "reason": _("Close these complaints first: %(numbers)s.")
                % {"numbers": ", ".join(still_open)}
            }
        )
    pending = Complaint.objects.filter(customer=customer, anonymised_at__isnull=True)
    known: set[str] = set()
    for complaint in pending.select_related("customer"):
        known |= _personal_values(complaint)
    ids = list(pending.values_list("pk", flat=True))
    note = scrub_known(reason, known)[:2000]
    now = timezone.now()
    done, _customers = _anonymise_batch(
        ids, basis=REQUEST, now=now, actor=actor, note=note, skip_locked=False
    )
    with transaction.atomic():
        # A customer without complaints left to anonymise (all done by the sweep).
        _customers_anonymise([customer.pk], now=now)
    return done
