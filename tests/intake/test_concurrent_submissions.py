"""Two customers pressing *Gönder* at the same moment both get a tracking number,
on the embedded default (`make run`: runserver + SQLite) as on PostgreSQL.

A real server in a subprocess (threaded runserver, a temporary SQLite file,
tasks in-process), real client threads, all released at once by a barrier.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from collections import Counter
from pathlib import Path

import requests

from tests.live_server import embedded_server, server_log

CLIENTS = 16
API_PER_CLIENT = 10  # 160 through the API
FORM_PER_CLIENT = 3  # 48 through the web form
NUMBER = re.compile(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}")


def _api_submit(session: requests.Session, base: str, i: int) -> tuple[int, str]:
    response = session.post(
        base + "/api/v1/public/complaints/",
        json={
            "name": f"Müşteri {i}",
            "email": f"musteri{i}@example.com",
            "subject": "Bağlantı kopuyor",
            "description": "Akşamları internet bağlantım kopuyor.",
        },
        timeout=60,
    )
    number = response.json().get("tracking_number", "") if response.status_code == 201 else ""
    return response.status_code, number


def _form_submit(session: requests.Session, base: str, i: int) -> tuple[int, str]:
    page = session.get(base + "/submit/", timeout=60)
    if page.status_code != 200:
        return page.status_code, ""
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    submission = re.search(r'name="submission_id" value="([^"]+)"', page.text)
    assert token and submission, page.text[:500]
    response = session.post(
        base + "/submit/",
        data={
            "csrfmiddlewaretoken": token.group(1),
            "submission_id": submission.group(1),
            "kind": "complaint",
            "name": f"Form {i}",
            "email": f"form{i}@example.com",
            "phone": "",
            "subject": "Fatura",
            "description": "Faturam iki kez kesildi.",
        },
        headers={"Referer": base + "/submit/"},
        allow_redirects=False,
        timeout=60,
    )
    if response.status_code != 302:
        return response.status_code, ""
    done = session.get(base + response.headers["Location"], timeout=60)
    found = NUMBER.search(done.text)
    return (302 if found else done.status_code), found.group(0) if found else ""


def test_concurrent_submissions_on_the_embedded_sqlite_default_all_succeed(tmp_path: Path):
    with embedded_server(tmp_path, INTAKE_RATE_LIMIT_ENABLED="0") as base:
        barrier = threading.Barrier(CLIENTS)
        lock = threading.Lock()
        answers: list[tuple[str, int, str]] = []

        def client(c: int) -> None:
            session = requests.Session()
            results = []
            barrier.wait()
            for j in range(max(API_PER_CLIENT, FORM_PER_CLIENT)):
                i = c * 100 + j
                if j < API_PER_CLIENT:
                    results.append(("api", *_api_submit(session, base, i)))
                if j < FORM_PER_CLIENT:
                    results.append(("form", *_form_submit(session, base, i)))
            with lock:
                answers.extend(results)

        started = time.monotonic()
        threads = [threading.Thread(target=client, args=(c,)) for c in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(300)
        elapsed = time.monotonic() - started

    statuses = Counter((channel, status) for channel, status, _ in answers)
    numbers = [number for _, _, number in answers if number]
    summary = f"{CLIENTS} clients, {len(answers)} submissions in {elapsed:.1f}s: {dict(statuses)}"
    print(summary)
    expected = {
        ("api", 201): CLIENTS * API_PER_CLIENT,
        ("form", 302): CLIENTS * FORM_PER_CLIENT,
    }
    assert dict(statuses) == expected, summary + "\n" + server_log(tmp_path)[-3000:]

    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        stored = Counter(
            number for (number,) in db.execute("SELECT tracking_number FROM complaints_complaint")
        )
        unsent = db.execute(
            "SELECT count(*) FROM notifications_notification WHERE status != 'sent'"
        ).fetchone()[0]
        unacknowledged = db.execute(
            "SELECT count(*) FROM complaints_complaint WHERE stage != 'acknowledged'"
        ).fetchone()[0]
    # Every tracking number given out is stored exactly once, and nothing else is.
    assert len(numbers) == len(set(numbers)) == len(answers)
    assert stored == Counter(numbers)
    # The acknowledgements went out in the same requests, none lost to a lock.
    assert (unsent, unacknowledged) == (0, 0)
