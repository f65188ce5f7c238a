"""Load N realistic complaints, with their histories, into a PostgreSQL database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sikayet_bench \\
        .venv/bin/python bench/generate.py --count 1000000

Migrates the database, then bulk-loads customers, complaints and their
history rows with COPY (psycopg 3), in chunks, with a progress bar. The data
follows the process: complaints arrive mostly in business hours over the last
``--weeks`` weeks through every channel, are acknowledged, classified by the
12 criteria (with a few priority overrides), followed, answered and closed,
some late, some re-opened, a small tail stuck open; the most recent ones are
still in every stage. Due dates, at-risk instants, met times, business seconds
and the sweep's markers are what the application would have stored, computed
with the same calendar (holidays and half days included) through a day table,
so a million rows take minutes, not hours.

Run it on a database of its own: it refuses to load into one that already
holds complaints unless given ``--append``.
"""

from __future__ import annotations

import argparse
import bisect
import os
import random
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from complaints import tracking  # noqa: E402
from complaints.models import Category, Complaint, RootCause  # noqa: E402
from sla import calendar, conf  # noqa: E402

IST = ZoneInfo("Europe/Istanbul")
HOUR = 3600.0

KINDS = (("complaint", 70), ("request", 20), ("feedback", 10))
CHANNELS = (("web", 35), ("email", 25), ("phone", 18), ("sms", 5), ("in_person", 5), ("api", 12))
CATEGORY_WEIGHTS = {
    "unlawful-practice": 2,
    "operations-stopped": 9,
    "reputation-damage": 2,
    "operations-disrupted": 20,
    "financial": 22,
    "contract-breach": 8,
    "communication": 14,
    "staff-behaviour": 6,
    "customer-regulation-breach": 3,
    "outside-scope": 6,
    "request-against-contract": 4,
    "company-not-at-fault": 4,
}
SUBJECTS = (
    "İnternet bağlantım sık sık kopuyor",
    "Faturamda fazla ücret var",
    "Modem arızası giderilmedi",
    "Taahhüt dışı ücret yansıtıldı",
    "Çağrı merkezine ulaşamıyorum",
    "Hız paketimden düşük hız alıyorum",
    "Nakil talebim sonuçlanmadı",
    "Teknisyen randevuya gelmedi",
    "İptal talebim işleme alınmadı",
    "Personelin tutumundan memnun değilim",
)
CONTACT_CHANNELS = {"phone", "in_person"}


def pick(rng: random.Random, table: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([k for k, _ in table], weights=[w for _, w in table])[0]


# --- The business calendar as a day table --------------------------------------------


class DayTable:
    """sla.calendar's rules, precomputed per day, for fast arithmetic on timestamps.

    Business seconds up to an instant are a prefix sum over days, so
    business_seconds_between is a subtraction and business_instant_after a
    bisection: the same answers as sla.calendar (holidays, half days,
    overrides included), at a tiny fraction of the cost per row.
    """

    def __init__(self, first: date, last: date) -> None:
        self.first = first
        self.days: list[date] = []
        self.opens: list[float] = []
        self.closes: list[float] = []
        self.business: list[bool] = []
        self.cumulative: list[float] = []  # business seconds before each day
        opening = calendar.opening_time()
        total = 0.0
        day = first
        while day <= last:
            is_business = calendar.is_business_day(day)
            open_at = datetime.combine(day, opening, tzinfo=IST).timestamp()
            close_at = datetime.combine(day, calendar.closing_time(day), tzinfo=IST).timestamp()
            self.days.append(day)
            self.opens.append(open_at)
            self.closes.append(close_at)
            self.business.append(is_business)
            self.cumulative.append(total)
            if is_business:
                total += close_at - open_at
            day += timedelta(days=1)
        # next_business[i]: index of the first business day strictly after day i.
        self.next_business = [0] * len(self.days)
        following = len(self.days) - 1
        for index in range(len(self.days) - 1, -1, -1):
            self.next_business[index] = following
            if self.business[index]:
                following = index

    def index(self, ts: float) -> int:
        return (datetime.fromtimestamp(ts, IST).date() - self.first).days

    def seconds_until(self, ts: float) -> float:
        i = self.index(ts)
        before = self.cumulative[i]
        if self.business[i]:
            before += min(max(ts - self.opens[i], 0.0), self.closes[i] - self.opens[i])
        return before

    def between(self, start: float, end: float) -> float:
        return max(0.0, self.seconds_until(end) - self.seconds_until(start)) if end > start else 0.0

    def instant_after(self, start: float, seconds: float) -> float:
        target = self.seconds_until(start) + seconds
        i = max(bisect.bisect_right(self.cumulative, target) - 1, self.index(start))
        while (
            not self.business[i] or self.cumulative[i] + (self.closes[i] - self.opens[i]) < target
        ):
            i += 1
        return max(start, self.opens[i] + (target - self.cumulative[i]))

    def ack_due(self, ts: float) -> float:
        i = self.index(ts)
        if self.business[i] and ts < self.closes[i]:
            return self.closes[i]
        return self.closes[self.next_business[i]]

    def add_business_days(self, ts: float, n: int) -> float:
        i = self.index(ts)
        for _ in range(n):
            i = self.next_business[i]
        return self.closes[i]

    def at_risk_after(self, start: float, due: float, fraction: float) -> float:
        total = self.between(start, due)
        if total <= 0:
            return due
        return min(self.instant_after(start, total * fraction), due)


# --- One complaint's life ---------------------------------------------------------------


@dataclass
class Row:
    values: dict[str, Any]
    events: list[tuple[str, str, str, float, str]]  # action, from, to, at, data


STAGES = (
    "received",
    "acknowledged",
    "classified",
    "tracking",
    "in_analysis",
    "responded",
    "decision_notified",
    "closed",
)


class Life:
    """Draws one complaint's timeline and what the application would have stored."""

    def __init__(self, table: DayTable, now: float, rng: random.Random, context: dict[str, Any]):
        self.t = table
        self.now = now
        self.rng = rng
        self.ctx = context
        self.fraction = conf.at_risk_fraction()
        self.days_by_priority = conf.resolution_days()

    def received_at(self, span_days: int) -> float:
        rng = self.rng
        while True:
            day_offset = rng.randrange(span_days)
            day_start = self.now - day_offset * 86400.0
            local = datetime.fromtimestamp(day_start, IST)
            if local.weekday() >= 5 and rng.random() > 0.3:
                continue  # fewer complaints at weekends
            midnight = datetime(local.year, local.month, local.day, tzinfo=IST).timestamp()
            hour = rng.uniform(9, 18) if rng.random() < 0.85 else rng.uniform(0, 24)
            ts = midnight + hour * HOUR
            if ts < self.now:
                return ts

    def business_delay(self, start: float, hours: float) -> float:
        return self.t.instant_after(start, hours * HOUR)

    def build(self, pk: int, customer_id: int, received: float) -> Row:
        rng, t, now = self.rng, self.t, self.now
        kind = pick(rng, KINDS)
        channel = pick(rng, CHANNELS)
        code = rng.choices(self.ctx["category_codes"], weights=self.ctx["category_weights"])[0]
        category_id, default_priority = self.ctx["categories"][code]
        priority = default_priority
        override = ""
        if rng.random() < 0.05:
            priority = rng.choice([p for p in ("high", "normal", "low") if p != default_priority])
            override = "Müşterinin durumu nedeniyle öncelik değiştirildi."
        stuck = rng.random() < 0.01  # the long tail that stays open

        v: dict[str, Any] = {
            "id": pk,
            "kind": kind,
            "channel": channel,
            "customer_id": customer_id,
            "contact_email": ""
            if channel in CONTACT_CHANNELS
            else f"bench{customer_id}@example.com",
            "contact_phone": "+905320000000" if channel in CONTACT_CHANNELS else "",
            "language": "tr" if rng.random() < 0.9 else "en",
            "subject": rng.choice(SUBJECTS),
            "received_at": received,
        }
        events: list[tuple[str, str, str, float, str]] = [
            ("complaints.complaint.received", "", "received", received, "{}")
        ]
        reached = ["received"]

        # Acknowledgement: during the contact for phone and in person.
        ack_due = t.ack_due(received)
        v["ack_due_at"] = ack_due
        v["ack_at_risk_after"] = t.at_risk_after(received, ack_due, self.fraction)
        if channel in CONTACT_CHANNELS:
            acked = received + 1
        else:
            r = rng.random()
            hours = (
                rng.uniform(0.1, 5)
                if r < 0.86
                else rng.uniform(5, 12)
                if r < 0.96
                else rng.uniform(9, 30)
            )
            acked = self.business_delay(received, hours)
        ack = acked if acked <= now else None
        self._target(v, events, "ack", received, ack_due, v["ack_at_risk_after"], ack)

        def step(action: str, source: str, target: str, at: float | None) -> bool:
            if at is None or at > now:
                return False
            events.append((f"complaints.complaint.{action}", source, target, at, "{}"))
            reached.append(target)
            return True

        if ack is None or not step("acknowledged", "received", "acknowledged", ack):
            return self._finish(v, events, reached, priority, category_id, override, kind)
        v["acknowledged_at"] = ack
        classified = self.business_delay(ack, rng.uniform(0.1, 3))
        if not step("classified", "acknowledged", "classified", classified):
            return self._finish(v, events, reached, priority, category_id, override, kind)
        v["classified_at"] = classified
        n = self.days_by_priority[priority]
        has_target = kind != "feedback"
        cycle_start = received
        reopen_count = 0
        breaches = v.get("breach_count", 0)
        tracking_at = self.business_delay(classified, rng.uniform(0.1, 2))
        if not step("tracking_started", "classified", "tracking", tracking_at):
            return self._cycle(
                v, events, reached, priority, category_id, override, kind, received, n, None
            )
        analysis = self.business_delay(tracking_at, rng.uniform(0.1, 4))
        if not step("analysis_started", "tracking", "in_analysis", analysis):
            return self._cycle(
                v, events, reached, priority, category_id, override, kind, received, n, None
            )
        decision: float | None = None
        while True:
            due = t.add_business_days(cycle_start, n)
            total = t.between(cycle_start, due)
            late = rng.random() < 0.12
            share = rng.uniform(1.02, 2.5) if late else rng.uniform(0.25, 0.97)
            decision = None if stuck else t.instant_after(cycle_start, total * share)
            responded = None if decision is None else decision - (decision - analysis) * 0.15
            if not step("responded", "in_analysis", "responded", responded):
                decision = None
                break
            if not step("decision_notified", "responded", "decision_notified", decision):
                decision = None
                break
            v["decision_notified_at"] = decision
            reopen = rng.random() < 0.06 and kind != "feedback" and reopen_count == 0
            if not reopen or decision is None:
                break
            reopened = self.business_delay(decision, rng.uniform(2, 20))
            if reopened > now:
                break
            # The finished cycle's outcome stays in the history and breach count.
            if has_target:
                cycle: dict[str, Any] = {}
                self._target(
                    cycle,
                    events,
                    "resolution",
                    cycle_start,
                    due,
                    t.at_risk_after(cycle_start, due, self.fraction),
                    decision,
                )
                breaches += cycle.get("breach_count", 0)
            events.append(
                (
                    "complaints.complaint.reopened",
                    "decision_notified",
                    "in_analysis",
                    reopened,
                    "{}",
                )
            )
            reached.append("in_analysis")
            reopen_count += 1
            cycle_start = reopened
            analysis = reopened
        v["reopen_count"] = reopen_count
        v["breach_count"] = breaches
        row = self._cycle(
            v, events, reached, priority, category_id, override, kind, cycle_start, n, decision
        )
        if decision is not None and reached[-1] == "decision_notified":
            closed = self.business_delay(decision, rng.uniform(1, 27) if kind != "feedback" else 1)
            if closed <= now:
                events.append(
                    ("complaints.complaint.closed", "decision_notified", "closed", closed, "{}")
                )
                reached.append("closed")
                row.values["closed_at"] = closed
                row.values["customer_answer"] = "" if kind == "feedback" else "accepted"
                row.values["customer_answer_channel"] = "" if kind == "feedback" else "phone"
                row.values["customer_answered_at"] = None if kind == "feedback" else closed
                row.values["stage"] = "closed"
        return row

    def _cycle(
        self, v, events, reached, priority, category_id, override, kind, start, n, decision
    ) -> Row:
        if kind != "feedback":
            due = self.t.add_business_days(start, n)
            v["resolution_started_at"] = start
            v["resolution_due_at"] = due
            v["resolution_at_risk_after"] = self.t.at_risk_after(start, due, self.fraction)
            self._target(
                v, events, "resolution", start, due, v["resolution_at_risk_after"], decision
            )
        return self._finish(v, events, reached, priority, category_id, override, kind)

    def _target(
        self,
        v: dict[str, Any],
        events: list,
        name: str,
        start: float,
        due: float,
        at_risk_after: float,
        met: float | None,
    ) -> None:
        """Met time, business seconds and the sweep's markers, as the application stores them."""
        sweep_lag = 20.0  # the sweep runs every minute
        now = self.now
        if met is not None:
            v[f"{name}_met_at"] = met
            v[f"{name}_business_seconds"] = round(self.t.between(start, met))
        until = met if met is not None else now
        if at_risk_after + sweep_lag < min(until, due):
            v[f"{name}_at_risk_at"] = at_risk_after + sweep_lag
            events.append((f"sla.{name}.at_risk", "", "", at_risk_after + sweep_lag, "{}"))
        breached = None
        if met is not None and met > due:
            breached = min(due + sweep_lag, met)
        elif met is None and due + sweep_lag <= now:
            breached = due + sweep_lag
        if breached is not None:
            v[f"{name}_breached_at"] = breached
            v["breach_count"] = v.get("breach_count", 0) + 1
            events.append((f"sla.{name}.breached", "", "", breached, "{}"))

    def _finish(self, v, events, reached, priority, category_id, override, kind) -> Row:
        stage = reached[-1]
        v["stage"] = stage
        if STAGES.index(stage) >= STAGES.index("classified"):
            v["priority"] = priority
            v["category_id"] = category_id
            v["priority_override_reason"] = override
        if STAGES.index(stage) >= STAGES.index("tracking") or "reopened" in (e[0] for e in events):
            v["assignee_id"] = self.rng.choice(self.ctx["assignees"])
        if STAGES.index(stage) >= STAGES.index("responded") or v.get("reopen_count"):
            v["root_cause_id"] = self.rng.choice(self.ctx["root_causes"])
            v["root_cause_analysis"] = "Kök neden analizi yapıldı."
            v["solution_proposal"] = "Çözüm önerisi müşteriye iletildi."
        if v.get("decision_notified_at"):
            v["decision"] = "Fark bir sonraki faturaya yansıtılacak."
        v["updated_at"] = max(e[3] for e in events)
        return Row(values=v, events=events)


# --- Loading ---------------------------------------------------------------------------------

COMPLAINT_COLUMNS: list[str] = [
    str(f.column)
    for f in Complaint._meta.concrete_fields
    if f.column not in {"tracking_number", "description", "created_at"}
] + ["tracking_number", "description", "created_at"]
TIMESTAMP_COLUMNS = {
    str(f.column)
    for f in Complaint._meta.concrete_fields
    if f.get_internal_type() == "DateTimeField"
}
DEFAULTS: dict[str, Any] = {
    str(f.column): (f.get_default() if f.has_default() else ("" if not f.null else None))
    for f in Complaint._meta.concrete_fields
}


def _conninfo() -> str:
    db = connection.settings_dict
    parts = {
        "dbname": db["NAME"],
        "user": db.get("USER") or "",
        "password": db.get("PASSWORD") or "",
        "host": db.get("HOST") or "",
        "port": str(db.get("PORT") or ""),
    }
    return " ".join(f"{k}={v}" for k, v in parts.items() if v)


class Progress:
    """A one-line progress bar on stderr (no dependency)."""

    def __init__(self, total: int, label: str) -> None:
        self.total, self.label, self.started = total, label, time.monotonic()
        self.done = 0

    def advance(self, n: int) -> None:
        self.done += n
        elapsed = time.monotonic() - self.started
        share = self.done / self.total if self.total else 1.0
        eta = elapsed / share - elapsed if share else 0.0
        bar = "#" * int(share * 30)
        sys.stderr.write(
            f"\r{self.label} [{bar:<30}] {share:6.1%} {self.done:>9,}/{self.total:,} "
            f"{elapsed:6.0f}s  eta {eta:5.0f}s"
        )
        sys.stderr.flush()

    def close(self) -> None:
        sys.stderr.write("\n")


def _ts(value: float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--weeks", type=int, default=156, help="span of receipt dates")
    parser.add_argument("--chunk", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=10002)
    parser.add_argument("--append", action="store_true", help="load into a non-empty database")
    args = parser.parse_args()

    if connection.vendor != "postgresql":
        sys.exit("bench/generate.py needs PostgreSQL: set DATABASE_URL=postgres://...")
    call_command("migrate", interactive=False, verbosity=0)
    if Complaint.objects.exists() and not args.append:
        sys.exit("The database already holds complaints; use a fresh one or --append.")

    rng = random.Random(args.seed)
    now = time.time()
    span_days = args.weeks * 7
    first_day = (datetime.fromtimestamp(now, IST) - timedelta(days=span_days + 7)).date()
    table = DayTable(first_day, (datetime.fromtimestamp(now, IST) + timedelta(days=400)).date())

    User = get_user_model()
    representatives = Group.objects.get(name="Representative")
    assignees = []
    for i in range(20):
        user, _ = User.objects.get_or_create(username=f"bench-rep{i}", defaults={"is_staff": True})
        user.groups.add(representatives)
        assignees.append(user.pk)
    manager, created = User.objects.get_or_create(
        username="bench-manager", defaults={"is_staff": True}
    )
    if created:
        manager.set_password("bench-manager-pass")
        manager.save()
    manager.groups.add(Group.objects.get(name="Manager"))
    categories = {c.code: (c.pk, c.default_priority) for c in Category.objects.all()}
    codes = [c for c in CATEGORY_WEIGHTS if c in categories]
    context = {
        "categories": categories,
        "category_codes": codes,
        "category_weights": [CATEGORY_WEIGHTS[c] for c in codes],
        "assignees": assignees,
        "root_causes": list(RootCause.objects.values_list("pk", flat=True)),
    }
    life = Life(table, now, rng, context)

    with psycopg.connect(_conninfo(), autocommit=False) as conn:
        cur = conn.cursor()
        cur.execute("SELECT coalesce(max(id), 0) FROM complaints_customer")
        customer_base = _scalar(cur)
        cur.execute("SELECT coalesce(max(id), 0) FROM complaints_complaint")
        complaint_base = _scalar(cur)
        cur.execute("SELECT coalesce(max(id), 0) FROM complaints_complaintevent")
        event_id = _scalar(cur)

        customers = max(1, int(args.count / 1.4))
        bar = Progress(customers, "customers ")
        with cur.copy(
            "COPY complaints_customer (id, name, email, phone, language, created_at) FROM STDIN"
        ) as copy:
            created_at = datetime.fromtimestamp(now - span_days * 86400.0, UTC)
            for i in range(1, customers + 1):
                pk = customer_base + i
                copy.write_row(
                    (pk, f"Müşteri {pk}", f"bench{pk}@example.com", "", "tr", created_at)
                )
                if i % 50_000 == 0:
                    bar.advance(50_000)
        bar.advance(customers % 50_000)
        bar.close()

        # Ids follow the receipt time, as they do when complaints arrive one by
        # one: the table's physical order then matches time, like production's.
        receipts = sorted(life.received_at(span_days) for _ in range(args.count))
        bar = Progress(args.count, "complaints")
        seen: set[str] = set()
        events_total = 0
        for start in range(0, args.count, args.chunk):
            size = min(args.chunk, args.count - start)
            rows = []
            for j in range(size):
                pk = complaint_base + start + j + 1
                customer = customer_base + 1 + rng.randrange(customers)
                rows.append(life.build(pk, customer, receipts[start + j]))
            with cur.copy(
                f"COPY complaints_complaint ({', '.join(COMPLAINT_COLUMNS)}) FROM STDIN"
            ) as copy:
                for row in rows:
                    values = row.values
                    number = _tracking_number(rng, seen)
                    record = []
                    for column in COMPLAINT_COLUMNS[:-3]:
                        value = values.get(column, DEFAULTS.get(column))
                        if column in TIMESTAMP_COLUMNS and isinstance(value, float):
                            value = _ts(value)
                        record.append(value)
                    record += [
                        number,
                        "Açıklama: " + values["subject"] + ".",
                        _ts(values["received_at"]),
                    ]
                    copy.write_row(record)
            with cur.copy(
                "COPY complaints_complaintevent (id, complaint_id, action, from_stage, "
                "to_stage, actor_id, note, data, created_at) FROM STDIN"
            ) as copy:
                for row in rows:
                    for action, source, target, at, data in row.events:
                        event_id += 1
                        copy.write_row(
                            (
                                event_id,
                                row.values["id"],
                                action,
                                source,
                                target,
                                None,
                                "",
                                data,
                                _ts(at),
                            )
                        )
                    events_total += len(row.events)
            conn.commit()
            bar.advance(size)
        bar.close()
        for table_name in (
            "complaints_customer",
            "complaints_complaint",
            "complaints_complaintevent",
        ):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table_name}', 'id'), "
                f"(SELECT max(id) FROM {table_name}))"
            )
        conn.commit()
        sys.stderr.write("VACUUM ANALYZE ...\n")
        conn.autocommit = True
        for table_name in (
            "complaints_customer",
            "complaints_complaint",
            "complaints_complaintevent",
        ):
            cur.execute(f"VACUUM ANALYZE {table_name}")
    print(
        f"loaded {args.count:,} complaints, {customers:,} customers, {events_total:,} history rows"
    )


def _scalar(cur: psycopg.Cursor[Any]) -> int:
    row = cur.fetchone()
    assert row is not None
    return int(row[0])


def _tracking_number(rng: random.Random, seen: set[str]) -> str:
    # Seeded (the application draws with `secrets`), unique within the load;
    # the check symbol is the application's, so the numbers validate.
    while True:
        body = "".join(rng.choices(tracking.ALPHABET, k=11))
        number = tracking._format(body + tracking._check_symbol(body))
        if number not in seen:
            seen.add(number)
            return number


if __name__ == "__main__":
    main()
