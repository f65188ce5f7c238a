"""Who a complaint's contact may be: the one rule that files a complaint under a
customer record, and the one that groups records that are possibly one person.

Contact details typed at intake are unverified: anyone can type anyone's phone
number or e-mail address. So:

- a complaint keeps its contact as given (``Complaint.contact_*``), and every
  notice and screen speaks to that contact, never to the record's details;
- intake files a complaint under an existing record only when every detail given
  agrees with it (``customer_matching``): the submitter then learns nothing
  and the record needs no change. A detail the record lacks counts as a
  difference, so a known phone number with a new e-mail address opens a new
  record instead of filling in someone else's;
- records that share an e-mail address or a phone number are shown to staff as
  "possibly the same customer", with the details that differ
  (``customer_lookalikes``); staff merge them deliberately
  (``complaints.services.customer_merge``).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet

from common.db import CompiledQuery, Marker

from .models import Customer

if TYPE_CHECKING:
    from .models import Complaint

FIELDS = ("name", "email", "phone")

# A person sharing a phone with a hundred records is a switchboard: looking
# further would not help staff decide.
_CANDIDATES = 100


@dataclass(frozen=True)
class Details:
    """Contact details, normalised the way intake stores them."""

    name: str
    email: str = ""
    phone: str = ""

    @classmethod
    def of_customer(cls, customer: Customer) -> Details:
        return cls(name=customer.name, email=customer.email, phone=customer.phone)

    @classmethod
    def of_complaint(cls, complaint: Complaint) -> Details:
        return cls(
            name=complaint.contact_name,
            email=complaint.contact_email,
            phone=complaint.contact_phone,
        )


def name_key(name: str) -> str:
    """A name as compared: spacing, case and the Turkish dotted/dotless i ignored.

    ``"AYŞE  YILMAZ"``, ``"Ayşe Yılmaz"`` and ``"ayşe yilmaz"`` are the same name:
    people type their name in capitals, or on a keyboard without ``ı``.
    """
    folded = unicodedata.normalize("NFKC", " ".join(name.split())).casefold()
    # casefold() turns "İ" into "i" + U+0307 and leaves "ı" alone.
    return folded.replace("\u0307", "").replace("ı", "i")


def _same(field: str, a: str, b: str) -> bool:
    return name_key(a) == name_key(b) if field == "name" else a == b


def differences(a: Details, b: Details) -> tuple[str, ...]:
    """The fields whose values differ (a detail one side lacks included)."""
    return tuple(f for f in FIELDS if not _same(f, getattr(a, f), getattr(b, f)))


def conflicts(given: Details, stored: Details) -> tuple[str, ...]:
    """The details given that the stored record does not hold as given."""
    return tuple(
        f
        for f in FIELDS
        if getattr(given, f) and not _same(f, getattr(given, f), getattr(stored, f))
    )


def _sharing(details: Details) -> Q | None:
    keys = [Q(**{f: getattr(details, f)}) for f in ("email", "phone") if getattr(details, f)]
    if not keys:
        return None
    query = keys[0]
    for key in keys[1:]:
        query |= key
    return query


def customer_matching(*, details: Details, hold: bool = False) -> Customer | None:
    """The record a complaint with these details is filed under, if one agrees with
    every detail given; None means the complaint gets a record of its own.

    ``hold``: the same query also locks the records it reads (``FOR NO KEY
    UPDATE``, in id order, until the transaction ends), so that the record
    returned cannot be merged away or anonymised before the complaint filed
    under it is stored (``complaints.services.customer_merge`` locks in the same
    order and waits). A record a merge removed meanwhile is not among them:
    PostgreSQL reads the locked rows as they are once the merge commits.
    """
    given = tuple(f for f in ("email", "phone") if getattr(details, f))
    if not given:
        return None
    # _sharing()'s query, compiled once per combination (every submission asks).
    values = {f: getattr(details, f) for f in given}
    for customer in _SHARING_COMPILED[given, hold].instances(**values):
        if not conflicts(details, Details.of_customer(customer)):
            return customer
    return None


def _candidates(*, hold: bool, **values: str) -> QuerySet[Customer]:
    query = _sharing(Details(name="", **values))
    assert query is not None
    candidates = Customer.objects.filter(query).order_by("id")
    if hold:
        candidates = candidates.select_for_update(no_key=True)
    return candidates[:_CANDIDATES]


_SHARING_COMPILED: dict[tuple[tuple[str, ...], bool], CompiledQuery] = {
    (given, hold): CompiledQuery(
        partial(_candidates, hold=hold), *(Marker(f, f"\x00{f}\x00") for f in given)
    )
    for given in (("email",), ("phone",), ("email", "phone"))
    for hold in (False, True)
}


@dataclass(frozen=True)
class Lookalike:
    """Another record that is possibly the same customer, and how it differs."""

    customer: Customer
    differing: tuple[str, ...]


def customer_lookalikes(*, details: Details, exclude: int | None = None) -> list[Lookalike]:
    """The records sharing an e-mail address or a phone number with these details."""
    query = _sharing(details)
    if query is None:
        return []
    candidates = Customer.objects.filter(query).order_by("id")
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude)
    return [
        Lookalike(customer=customer, differing=differences(details, Details.of_customer(customer)))
        for customer in candidates[:_CANDIDATES]
    ]


def complaint_lookalikes(*, complaint: Complaint) -> list[Lookalike]:
    """The records possibly the same customer as a complaint's contact as given.

    Its own record is among them only when it disagrees with a detail given (a
    merge filed the complaint there); otherwise it is the complaint's customer.
    """
    contact = Details.of_complaint(complaint)
    return [
        found
        for found in customer_lookalikes(details=contact)
        if found.customer.pk != complaint.customer_id
        or conflicts(contact, Details.of_customer(found.customer))
    ]


def has_lookalike() -> Q:
    """A condition on a customer record: another record shares its e-mail or phone."""
    others = Customer.objects.exclude(pk=OuterRef("pk"))
    return Q(Exists(others.filter(email=OuterRef("email")).exclude(email=""))) | Q(
        Exists(others.filter(phone=OuterRef("phone")).exclude(phone=""))
    )
