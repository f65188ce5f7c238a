"""Write generated customers, complaints and their history into the database.

Columns come from the models (``_meta.concrete_fields``), rows from the
unsaved ``Complaint`` instances bench/gen_life.py fills. PostgreSQL gets COPY
(psycopg 3) through Django's own connection, so a load inside a test's
transaction rolls back with it; other databases get executemany with each
field's own conversion (slow, for small test loads).
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, models, transaction

from bench import gen_mix as mix
from bench.gen_clock import BusinessClock
from bench.gen_life import Context, Lives
from complaints import staff, tracking
from complaints.models import Category, Complaint, ComplaintEvent, Customer, RootCause
from sla import calendar_cache
from sla.targets import sla_time_zone

ASSIGNEES = 20
CUSTOMERS_PER_COMPLAINT = 1 / 1.4


class Table:
    """One model's table: its columns in order, and a way to append rows fast."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.attnames = [f.attname for f in self.fields]
        self.name = model._meta.db_table
        self.copy = connection.vendor == "postgresql"

    def row(self, values: dict[str, Any]) -> list[Any]:
        return [values.get(name) for name in self.attnames]

    def instance_row(self, obj: models.Model) -> list[Any]:
        return [getattr(obj, name) for name in self.attnames]

    def write(self, rows: Iterable[Sequence[Any]]) -> int:
        columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in self.fields)
        json_at = [i for i, f in enumerate(self.fields) if isinstance(f, models.JSONField)]
        written = 0
        with connection.cursor() as cursor:
            if self.copy:
                with cursor.cursor.copy(f"COPY {self.name} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        for i in json_at:
                            row = list(row)
                            row[i] = json.dumps(row[i])
                        copy.write_row(row)
                        written += 1
                return written
            prepared = [
                [f.get_db_prep_save(v, connection) for f, v in zip(self.fields, row, strict=True)]
                for row in rows
            ]
            placeholders = ", ".join(["%s"] * len(self.fields))
            cursor.executemany(
                f"INSERT INTO {self.name} ({columns}) VALUES ({placeholders})", prepared
            )
            return len(prepared)


class Progress:
    """A one-line progress bar on stderr (no dependency); silent when off."""

    def __init__(self, total: int, label: str, *, on: bool) -> None:
        self.total, self.label, self.on = total, label, on
        self.started, self.done = time.monotonic(), 0

    def advance(self, n: int) -> None:
        self.done += n
        if not self.on:
            return
        elapsed = time.monotonic() - self.started
        share = self.done / self.total if self.total else 1.0
        eta = elapsed / share - elapsed if share else 0.0
        sys.stderr.write(
            f"\r{self.label} [{'#' * int(share * 30):<30}] {share:6.1%} "
            f"{self.done:>9,}/{self.total:,} {elapsed:6.0f}s  eta {eta:5.0f}s"
        )
        sys.stderr.flush()

    def close(self) -> None:
        if self.on:
            sys.stderr.write("\n")


@dataclass
class Loaded:
    complaints: int
    customers: int
    events: int
    now: float
    first_pk: int


def _staff() -> list[Any]:
    User = get_user_model()
    representatives = Group.objects.get(name="Representative")
    users = []
    for i in range(ASSIGNEES):
        user, _ = User.objects.get_or_create(username=f"bench-rep{i}", defaults={"is_staff": True})
        user.groups.add(representatives)
        users.append(user)
    manager, created = User.objects.get_or_create(
        username="bench-manager", defaults={"is_staff": True}
    )
    if created:
        manager.set_password("bench-manager-pass")
        manager.save()
    manager.groups.add(Group.objects.get(name="Manager"))
    return users


def _context() -> Context:
    categories = list(Category.objects.filter(active=True).order_by("position", "code"))
    return Context(
        categories=categories,
        category_weights=[mix.CATEGORY_WEIGHTS.get(c.code, 1) for c in categories],
        assignees=_staff(),
        root_causes=list(RootCause.objects.filter(active=True).values_list("pk", flat=True)),
    )


def _next_id(model: type[models.Model]) -> int:
    top = model._default_manager.aggregate(top=models.Max("pk"))["top"]
    return int(top or 0)


def load(
    *,
    count: int,
    weeks: int = 156,
    chunk: int = 20_000,
    seed: int = 10002,
    now: float | None = None,
    progress: bool = True,
) -> Loaded:
    """Generate and write ``count`` complaints received over the last ``weeks`` weeks."""
    rng = random.Random(seed)
    now = time.time() if now is None else now
    tz = sla_time_zone()
    span_days = weeks * 7
    today = datetime.fromtimestamp(now, tz).date()
    context = _context()
    customers_table, complaints_table = Table(Customer), Table(Complaint)
    events_table = Table(ComplaintEvent)
    customer_base, complaint_base = _next_id(Customer), _next_id(Complaint)
    event_id = _next_id(ComplaintEvent)
    customers = max(1, int(count * CUSTOMERS_PER_COMPLAINT))
    events_total = 0
    # The tracking guard asks whether the assignee may be assigned (one query per
    # complaint, an hour at 1M): the answer for each representative is read once.
    assignable = {user.pk: staff.user_is_assignable(user) for user in context.assignees}
    # One read of the calendar overrides for the whole load.
    with (
        calendar_cache.overrides_pinned(),
        mock.patch.object(staff, "user_is_assignable", lambda user: assignable[user.pk]),
    ):
        clock = BusinessClock(today - timedelta(days=span_days + 7), today + timedelta(days=400))
        lives = Lives(clock=clock, now=now, rng=rng, ctx=context)
        joined = datetime.fromtimestamp(now - span_days * 86400.0, UTC)
        with transaction.atomic():
            customers_table.write(
                customers_table.row(
                    {
                        "id": customer_base + i,
                        "name": f"Müşteri {customer_base + i}",
                        "email": f"bench{customer_base + i}@example.com",
                        "phone": "",
                        "language": "tr",
                        "created_at": joined,
                    }
                )
                for i in range(1, customers + 1)
            )
        # Ids follow the receipt time, as they do when complaints arrive one by
        # one: the table's physical order then matches time, like production's.
        receipts = sorted(lives.received_at(span_days) for _ in range(count))
        bar = Progress(count, "complaints", on=progress)
        numbers: set[str] = set()
        for start in range(0, count, chunk):
            size = min(chunk, count - start)
            batch = [
                lives.build(
                    pk=complaint_base + start + j + 1,
                    customer_id=customer_base + 1 + rng.randrange(customers),
                    received=receipts[start + j],
                )
                for j in range(size)
            ]
            for life in batch:
                life.complaint.tracking_number = _tracking_number(numbers)
            event_rows = []
            for life in batch:
                for code, source, target, at in life.events:
                    event_id += 1
                    event_rows.append(
                        events_table.row(
                            {
                                "id": event_id,
                                "complaint_id": life.complaint.pk,
                                "action": code,
                                "from_stage": source,
                                "to_stage": target,
                                "note": "",
                                "data": {},
                                "created_at": datetime.fromtimestamp(at, UTC),
                            }
                        )
                    )
            with transaction.atomic():
                complaints_table.write(
                    complaints_table.instance_row(life.complaint) for life in batch
                )
                events_total += events_table.write(event_rows)
            bar.advance(size)
        bar.close()
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(
            no_style(), [Customer, Complaint, ComplaintEvent]
        ):
            cursor.execute(sql)
    return Loaded(
        complaints=count,
        customers=customers,
        events=events_total,
        now=now,
        first_pk=complaint_base + 1,
    )


def _tracking_number(seen: set[str]) -> str:
    # The application's own generator; the unique index is the real guarantee,
    # so a repeat within the load is drawn again rather than failing the COPY.
    while True:
        number = tracking.generate()
        if number not in seen:
            seen.add(number)
            return number


def analyze() -> None:
    """VACUUM ANALYZE the loaded tables (PostgreSQL; outside any transaction)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (Customer, Complaint, ComplaintEvent):
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
