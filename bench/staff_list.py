"""Time the staff's complaint list at scale: the admin changelist with its
default view and each filter option, the search box, and the staff API list,
on a PostgreSQL database loaded by bench/generate.py (issue 15).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sikayet_bench \\
        .venv/bin/python bench/staff_list.py --repeat 15

Every request goes through Django's test client (middleware, session,
permission checks, queries, template or serializer), DEBUG off, logged in as
``bench-admin`` (a superuser: the queue filter shows all complaints) or
``bench-agent`` (in the Agent group only: the default queue is "open: mine or
unassigned"). Each timed request alternates with a ``/healthz`` request through
the same client and a primary-key lookup on the same connection: the baselines,
measured in the same run (the machine is shared and noisy: compare the ratios).

The generator's texts are ten subjects, so the script plants what a search
looks for on a few rows (idempotent; it writes, so use a scratch database):
a rare word in five descriptions, a phone number on three complaints.
``--queries`` prints the slowest query of each case, ``--explain`` its plan.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# As in production: DEBUG off (no query log, production templates and checks);
# plain http through the test client, so no redirect to https.
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from complaints.models import Category, Complaint  # noqa: E402

ADMIN = "/admin/complaints/complaint/"
API = "/api/v1/complaints/"
RARE_WORD = "kargodaki"  # planted: "Kargodaki modem kutusu hasarlı geldi."
PLANTED_PHONE = "+905551112233"
PLANTED_PHONE_TYPED = "0555 111 22 33"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f}"


def _p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


def timed(fn: Callable[[], Any]) -> tuple[float, list[dict[str, str]], Any]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - started
    return elapsed, list(queries.captured_queries), result


def _pk_lookup(pk: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM complaints_complaint WHERE id = %s", [pk])
        cursor.fetchone()


def users() -> tuple[Any, Any]:
    User = get_user_model()
    admin, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    agent, _ = User.objects.get_or_create(username="bench-agent", defaults={"is_staff": True})
    agent.groups.set([Group.objects.get(name="Agent")])
    return admin, agent


def plant() -> dict[str, str]:
    """A rare word and a phone number on a few rows spread over the table."""
    top = Complaint.objects.order_by("-id").values_list("id", flat=True).first() or 0
    rare = [top * k // 6 for k in range(1, 6)]
    Complaint.objects.filter(id__in=rare).update(
        description="Kargodaki modem kutusu hasarlı geldi."
    )
    phones = [top * k // 4 + 1 for k in range(1, 4)]
    Complaint.objects.filter(id__in=phones).update(contact_phone=PLANTED_PHONE)
    sample = Complaint.objects.exclude(contact_email="").filter(id__lte=top // 2).last()
    assert sample is not None
    return {
        "tracking": sample.tracking_number,
        "email": sample.contact_email,
        "email_prefix": sample.contact_email.split("@")[0] + "@",
    }


def admin_cases(found: dict[str, str]) -> list[tuple[str, str, dict[str, str]]]:
    """(label, who, query): every option of every filter, the date drill-down and searches."""
    cases: list[tuple[str, str, dict[str, str]]] = [
        ("default (superuser: all complaints)", "admin", {}),
        ("default (agent: open, mine or unassigned)", "agent", {}),
        ("agent, queue=all", "agent", {"queue": "all"}),
        ("page 2", "admin", {"p": "2"}),
        ("page 200", "admin", {"p": "200"}),
    ]
    # The column headers' ordering (?o=N: N counts the action checkbox as 0).
    columns = ["tracking", "subject", "due", "priority", "stage", "customer", "category"]
    for n, column in enumerate([*columns, "representative", "received (oldest first)"], 1):
        cases.append((f"sorted by {column}", "admin", {"o": str(n)}))
    for field in ("stage", "priority", "kind", "channel"):
        for value, _label in getattr(Complaint._meta.get_field(field), "choices", None) or []:
            cases.append((f"{field}={value}", "admin", {f"{field}__exact": value}))
    for category in Category.objects.order_by("position"):
        cases.append(
            (f"category={category.code}", "admin", {"category__id__exact": str(category.pk)})
        )
    rep = get_user_model().objects.filter(username="bench-rep0").first()
    if rep is not None:
        cases.append(("assignee=bench-rep0", "admin", {"assignee__id__exact": str(rep.pk)}))
    cases.append(("assignee=none", "admin", {"assignee__isnull": "True"}))
    for value in ("ack", "resolution", "any"):
        cases.append((f"overdue={value}", "admin", {"overdue": value}))
    for value in ("at_risk", "breached", "breach_recorded"):
        cases.append((f"sla={value}", "admin", {"sla": value}))
    cases += [
        (
            "stage=in_analysis & priority=high",
            "admin",
            {"stage__exact": "in_analysis", "priority__exact": "high"},
        ),
        ("date: a year", "admin", {"received_at__year": _year()}),
        ("date: a month", "admin", {"received_at__year": _year(), "received_at__month": "3"}),
    ]
    return cases + [(label, who, {"q": q}) for label, who, q in search_cases(found)]


def search_cases(found: dict[str, str]) -> list[tuple[str, str, str]]:
    return [
        ("search: tracking number", "admin", found["tracking"]),
        (
            "search: tracking number typed loosely",
            "admin",
            found["tracking"].replace("-", " ").lower(),
        ),
        ("search: e-mail", "admin", found["email"]),
        ("search: e-mail, its beginning", "admin", found["email_prefix"]),
        ("search: phone, national form (3 rows)", "admin", PLANTED_PHONE_TYPED),
        ("search: phone, no match", "admin", "0555 999 88 77"),
        ("search: a rare word (5 rows)", "admin", RARE_WORD),
        ("search: a common word (~10%)", "admin", "fatura"),
        ("search: two words, folded (BAGLANTIM internet)", "admin", "BAGLANTIM internet"),
        ("search: a word found nowhere", "admin", "zzyzx"),
        ("search: common word, agent queue", "agent", "modem"),
    ]


def api_cases(found: dict[str, str]) -> list[tuple[str, str, dict[str, str]]]:
    cases = [
        ("API default (newest first)", "agent", {}),
        ("API stage=in_analysis", "agent", {"stage": "in_analysis"}),
        ("API priority=high", "agent", {"priority": "high"}),
        ("API kind=feedback", "agent", {"kind": "feedback"}),
        ("API channel=in_person", "agent", {"channel": "in_person"}),
        ("API category=financial", "agent", {"category": "financial"}),
        ("API assignee=none", "agent", {"assignee": "none"}),
        ("API overdue=true", "agent", {"overdue": "true"}),
        ("API ordering=resolution_due_at", "agent", {"ordering": "resolution_due_at"}),
        ("API page_size=100", "agent", {"page_size": "100"}),
    ]
    return cases + [
        (label.replace("search:", "API search:"), "agent", {"search": q})
        for label, _who, q in search_cases(found)
        if "agent queue" not in label
    ]


def _year() -> str:
    newest = Complaint.objects.order_by("-received_at").values_list("received_at", flat=True)[0]
    return str(newest.year - 1)


def run_cases(
    title: str,
    url: str,
    cases: list[tuple[str, str, dict[str, str]]],
    clients: dict[str, Client],
    args: argparse.Namespace,
    healthz: list[float],
    bare: list[float],
) -> None:
    print(f"\n== {title}: GET {url} ==")
    print(f"{'case':<48} {'median':>7} {'p90':>7}  ms   queries  rows   x/healthz")
    pk = Complaint.objects.order_by("id").values_list("id", flat=True)[0]
    for label, who, params in cases:
        if args.only and args.only not in label:
            continue
        client = clients[who]
        for _ in range(2):  # warm PostgreSQL's and Django's caches
            client.get(url, params)
        times, counts = [], set()
        slowest: tuple[float, str] = (0.0, "")
        rows = 0
        for _ in range(args.repeat):
            elapsed, queries, response = timed(partial(client.get, url, params))
            assert response.status_code == 200, (label, response.status_code)
            times.append(elapsed)
            counts.add(len(queries))
            top = max(queries, key=lambda q: float(q["time"]))
            if float(top["time"]) > slowest[0]:
                slowest = (float(top["time"]), top["sql"])
            rows = _rows(response)
            healthz.append(timed(partial(client.get, "/healthz"))[0])
            bare.append(timed(partial(_pk_lookup, pk))[0])
        ratio = statistics.median(times) / statistics.median(healthz[-args.repeat :])
        print(
            f"{label[:48]:<48} {_ms(statistics.median(times))} {_ms(_p90(times))}"
            f"      {','.join(map(str, sorted(counts))):>7} {rows:>5}  {ratio:6.0f}x"
        )
        if args.queries or args.explain:
            print(f"      slowest {slowest[0] * 1000:.1f} ms: {slowest[1][:300]}")
        if args.explain and slowest[1]:
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {slowest[1]}")
                for (line,) in cursor.fetchall():
                    print(f"        {line}")


def _rows(response: Any) -> int:
    if response.get("Content-Type", "").startswith("application/json"):
        return len(response.json()["results"])
    return response.content.count(b'name="_selected_action"')  # one checkbox a row


def compare_text(repeat: int) -> None:
    """The two ways to find words, side by side on raw SQL, in the shape of
    complaints.search's first step (the matches in any order, up to
    FEW_MATCHES + 1): full text over the stored folded document (GIN, migration 0021)
    and pg_trgm ILIKE over improvement's trigram index (no folding: ``baglantim``
    does not find ``bağlantım``)."""
    from complaints.search import DOCUMENT_COLUMN, FEW_MATCHES, search_words, tsquery_of

    print("\n== Finding words: full text (GIN) vs trigram ILIKE (GIN), raw SQL ==")
    trigram = "(subject || ' ' || description) ILIKE %s"
    for term in (RARE_WORD, "fatura", "baglantim internet", "zzyzx", "modem"):
        words = search_words(term)
        fts = f"{DOCUMENT_COLUMN} @@ to_tsquery('simple'::regconfig, %s)"
        for name, where, params in (
            ("full text", fts, [tsquery_of(words)]),
            ("trigram", " AND ".join([trigram] * len(words)), [f"%{w}%" for w in words]),
        ):
            sql = f"SELECT id FROM complaints_complaint WHERE {where} LIMIT {FEW_MATCHES + 1}"
            times, found = [], 0
            with connection.cursor() as cursor:
                for _ in range(repeat):
                    started = time.perf_counter()
                    cursor.execute(sql, params)
                    found = len(cursor.fetchall())
                    times.append(time.perf_counter() - started)
            print(
                f"{term:<22} {name:<10} median {_ms(statistics.median(times))} ms  "
                f"p90 {_ms(_p90(times))} ms  found {found:,}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--only", default="", help="only the cases whose label holds this")
    parser.add_argument("--queries", action="store_true", help="the slowest query of each case")
    parser.add_argument("--explain", action="store_true", help="and its EXPLAIN ANALYZE")
    parser.add_argument("--skip-admin", action="store_true")
    parser.add_argument("--skip-api", action="store_true")
    parser.add_argument("--compare-text", action="store_true", help="full text vs trigram")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/staff_list.py needs PostgreSQL: set DATABASE_URL=postgres://...")
    if settings.DEBUG:
        sys.exit("run with DEBUG off (DEBUG=0)")

    # No setup_test_environment(): its instrumented template rendering (which keeps
    # each response's context) would add a third to the admin's time.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # No collectstatic for a benchmark: static URLs without the manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    total = Complaint.objects.count()
    open_count = Complaint.objects.exclude(stage="closed").count()
    print(f"{total:,} complaints ({open_count:,} open)")
    found = plant()
    admin, agent = users()
    clients = {"admin": Client(), "agent": Client()}
    clients["admin"].force_login(admin)
    clients["agent"].force_login(agent)
    healthz: list[float] = []
    bare: list[float] = []
    if not args.skip_admin:
        run_cases("Admin list", ADMIN, admin_cases(found), clients, args, healthz, bare)
    if not args.skip_api:
        run_cases("Staff API list", API, api_cases(found), clients, args, healthz, bare)
    if healthz:
        print()
        for name, values in (
            ("baseline: GET /healthz (same clients, alternating)", healthz),
            ("baseline: SELECT by primary key (same connection)", bare),
        ):
            print(f"{name:<52} median {_ms(statistics.median(values))} p90 {_ms(_p90(values))} ms")
    if args.compare_text:
        compare_text(args.repeat)


if __name__ == "__main__":
    main()
