"""Finding complaints by what staff type into the search box: one rule for the
admin list and the staff API (issue 15), each case served by an index.

- A tracking number, typed loosely (case, spaces, dashes): that complaint
  (its unique index).
- Anything with an ``@``: an e-mail address, whole or its beginning, matched on
  the contact as given with each complaint (``lower(contact_email)``, an
  expression index with pattern operators on PostgreSQL), and a whole address
  also on the customer record (its own index), for complaints recorded under it.
- A phone number in any form ``normalize_phone`` reads (``0532 123 45 67``,
  ``+90 532 ...``): the contact phone as given, stored in E.164, or the
  customer record's.
- Anything else is words: each must begin a word of the subject, the
  description or the name given with the complaint. On PostgreSQL this is a
  full-text search (``to_tsvector('simple', ...)`` over a Turkish-folded text,
  stored in a generated column with a GIN index, migration 0021): folding maps
  İ/I/ı to i and ş ğ ü ö ç â î û to their base letters, so ``sikayet``,
  ``ŞİKAYET`` and ``şikâyet`` find each other, and a prefix match finds
  Turkish's suffixed forms (``fatura`` finds ``faturamda``). Elsewhere (SQLite
  in development) each word is an ``icontains`` over the three columns.

The list's ordering is kept (newest first): nothing is ranked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.db.models.lookups import StartsWith

from . import tracking
from .contacts import normalize_email, normalize_phone
from .models import Complaint, Customer

# Turkish letters and circumflexed vowels to their base letters, before the
# database lower-cases: "İ".lower() is "i̇" in Python and depends on the locale
# in PostgreSQL; the dotless ı becomes i so that a search typed without Turkish
# letters still matches.
FOLD_FROM = "İIıŞşĞğÜüÖöÇçÂâÎîÛû"
FOLD_TO = "iiissgguuooccaaiiuu"
_FOLD = str.maketrans(FOLD_FROM, FOLD_TO)

# The searched document, stored: migration 0021 adds it to complaints_complaint
# as a generated column (PostgreSQL only; the model does not declare it, so
# SQLite has no such column) with the GIN index complaint_search_document. The
# expression is this one home's: the migration reads it from here. Changing it
# means a new migration that re-creates the column (rows already stored keep
# the document they were computed with).
DOCUMENT_COLUMN = "search_document"
DOCUMENT_EXPRESSION = (
    "to_tsvector('simple'::regconfig, translate("
    "subject || ' ' || description || ' ' || contact_name, "
    f"'{FOLD_FROM}', '{FOLD_TO}'))"
)
# Qualified in the query: joined tables may have columns of the same names.
_DOCUMENT = f'"complaints_complaint"."{DOCUMENT_COLUMN}"'
_MATCH_SQL = f"{_DOCUMENT} @@ to_tsquery('simple'::regconfig, %s)"
# The same match for a list known to be long: the query in a scalar subquery is
# a value the planner does not see, so it takes its default share of matches
# (0.5%) instead of multiplying each word's (0.5% x 0.5% = 25 rows for two
# common words, and then read all 100,000 matches from the heap to sort them,
# 1.5 s); with 0.5% it walks the receipt index, where 50 matches come soon.
_DENSE_MATCH_SQL = f"{_DOCUMENT} @@ (SELECT to_tsquery('simple'::regconfig, %s))"

MAX_WORDS = 8
FEW_MATCHES = 5000
# Customer records with exactly the address or phone searched for: a person has
# a few; the bound keeps the query's IN list small whatever the data.
MAX_CUSTOMERS = 100
_WORD = re.compile(r"\w+")
_PHONE_CHARACTERS = re.compile(r"^[\d\s+()./-]+$")


def fold(text: str) -> str:
    return text.translate(_FOLD).lower()


def search_words(text: str) -> list[str]:
    """The words of a search, folded; only letters and digits, so that nothing
    typed can be read as full-text query syntax."""
    return _WORD.findall(fold(text))[:MAX_WORDS]


def tsquery_of(words: list[str]) -> str:
    # A one-letter prefix would match most of the table: one letter is a word.
    return " & ".join(word if len(word) == 1 else f"{word}:*" for word in words)


@dataclass(frozen=True)
class Found:
    """What a search found, and what its first step learnt of the list's length:
    ``count`` when the search read every match (a rare word's ids), or
    ``more_than`` when it stopped reading (a common word; then ``estimate_from``
    is the same list with the words visible to the planner, whose estimate of
    its rows reads the column's statistics). The admin's paginator uses them
    instead of counting the list again (complaints.admin.pagination)."""

    queryset: QuerySet[Complaint]
    count: int | None = None
    more_than: int = 0
    estimate_from: QuerySet[Complaint] | None = None


def complaint_search(queryset: QuerySet[Complaint], term: str) -> QuerySet[Complaint]:
    """``queryset`` narrowed to the complaints that ``term`` finds (see the module)."""
    return complaint_search_found(queryset, term).queryset


def complaint_search_found(queryset: QuerySet[Complaint], term: str) -> Found:
    """``complaint_search``, with what its first step learnt of the list's length."""
    term = (term or "").strip()
    if not term:
        return Found(queryset)
    if tracking.is_valid(term):
        return Found(queryset.filter(tracking_number=tracking.normalize(term)))
    if "@" in term:
        return Found(queryset.filter(_email_q(normalize_email(term))))
    phone = _phone_of(term)
    if phone:
        customers = _customer_ids(phone=phone)
        return Found(queryset.filter(Q(contact_phone=phone) | Q(customer_id__in=customers)))
    words = search_words(term)
    if not words:
        return Found(queryset.none(), count=0)
    if connection.vendor == "postgresql":
        # Constant statements; the words go as a parameter.
        query = (tsquery_of(words),)
        match = RawSQL(_MATCH_SQL, query, output_field=BooleanField())  # noqa: S611
        ids = _few_ids(queryset.filter(match))
        if ids is not None:
            return Found(queryset.filter(pk__in=ids), count=len(ids))
        dense = RawSQL(_DENSE_MATCH_SQL, query, output_field=BooleanField())  # noqa: S611
        return Found(
            queryset.filter(dense), more_than=FEW_MATCHES, estimate_from=queryset.filter(match)
        )
    # SQLite folds only ASCII letters' case: the words as typed.
    for word in _WORD.findall(term)[:MAX_WORDS]:
        queryset = queryset.filter(
            Q(subject__icontains=word)
            | Q(description__icontains=word)
            | Q(contact_name__icontains=word)
        )
    return Found(queryset)


def _few_ids(matching: QuerySet[Complaint]) -> list[int] | None:
    """A rare word's few complaints, by their ids (None: more than FEW_MATCHES).

    Ordered newest first, PostgreSQL would walk the receipt index and compute
    every row's document looking for 50 matches that do not exist (23 s for a
    word found nowhere at 1M). The GIN index finds them in any order in under a
    millisecond; past FEW_MATCHES, matches are dense enough for the walk."""
    ids = list(matching.order_by().values_list("pk", flat=True)[: FEW_MATCHES + 1])
    return ids if len(ids) <= FEW_MATCHES else None


def _email_q(email: str) -> Q:
    # lower() as in the index, whatever an older row holds (intake lower-cases).
    match = Q(StartsWith(Lower("contact_email"), email))
    customers = _customer_ids(email=email)
    if customers:
        match |= Q(customer_id__in=customers)
    return match


def _phone_of(term: str) -> str:
    if not _PHONE_CHARACTERS.match(term):
        return ""
    try:
        return normalize_phone(term)
    except ValidationError:
        return ""


def _customer_ids(*, email: str = "", phone: str = "") -> list[int]:
    # Read first, as a short list: "contact = x OR customer_id IN (…)" is then two
    # index scans OR-ed in one bitmap, where a join or a subquery would scan the table.
    customers = Customer.objects.filter(**({"email": email} if email else {"phone": phone}))
    return list(customers.order_by("id").values_list("id", flat=True)[:MAX_CUSTOMERS])
