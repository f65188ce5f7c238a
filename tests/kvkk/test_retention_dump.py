"""The test that must hold (issue 12): after ``retention_sweep`` with a retention
of one day, nothing of the customer of a closed complaint that went through
every stage is left anywhere in a full dump of the database (``pg_dump`` on
PostgreSQL, ``iterdump()`` on SQLite) nor in the media folder, while the
dashboard's figures are the same before and after.

Transactional, so that ``pg_dump`` (another session) sees the committed rows;
it runs on SQLite locally and on PostgreSQL in CI (``bash .ci/run``).
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import shutil
import subprocess
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from complaints.models import Complaint, ComplaintRead, Customer
from complaints.privacy import PLACEHOLDER
from sla.selectors import dashboard_get
from sla.statistics import DashboardFilters

from .lifecycle import EMAIL, NAME, PHONE, close_long_ago, live_a_whole_complaint, personal_values


def database_dump() -> str:
    """Everything the database holds, schema and rows, as text."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return "\n".join(connection.connection.iterdump())
    assert connection.vendor == "postgresql"
    settings = connection.settings_dict
    pg_dump = shutil.which("pg_dump")
    assert pg_dump, "pg_dump is needed for this test on PostgreSQL"
    env = {**os.environ, "PGPASSWORD": str(settings.get("PASSWORD") or "")}
    command = [pg_dump, "--no-owner", "--dbname", settings["NAME"]]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            command += [flag, str(settings[key])]
    return subprocess.run(  # noqa: S603 - a fixed command on the test database
        command, env=env, check=True, capture_output=True, text=True
    ).stdout


def media_contents(root: Path) -> str:
    """Every path and every file's bytes under the media folder, as text."""
    if not root.exists():
        return ""
    parts = []
    for path in sorted(root.rglob("*")):
        parts.append(str(path.relative_to(root)))
        if path.is_file():
            parts.append(path.read_bytes().decode("utf-8", errors="replace"))
    return "\n".join(parts)


def spellings(value: str) -> set[str]:
    """How a value may be written in a dump: as is, JSON-escaped, HTML-escaped."""
    return {value, json.dumps(value)[1:-1], html.escape(value), value.casefold()}


def leaks(text: str) -> list[str]:
    folded = text.casefold()
    return sorted(
        value
        for value in personal_values()
        if any(spelling.casefold() in folded for spelling in spellings(value))
    )


def dashboard_figures(now: Any) -> str:
    today = timezone.localdate(now)
    filters = DashboardFilters(date_from=today - timedelta(days=84), date_to=today)
    board = asdict(dashboard_get(filters=filters, now=now))
    return repr(board)


def edit_customer_in_the_admin(client: Any, pk: int, *, name: str) -> None:
    url = f"/admin/complaints/customer/{pk}/change/"
    page = client.get(url).content.decode()
    data = dict(
        re.findall(r'<input type="\w+" name="((?:initial-)?created_at_[01])" value="([^"]*)"', page)
    )
    data |= {"name": name, "email": EMAIL, "phone": PHONE, "language": "tr"}
    assert client.post(url, data).status_code == 302


def breaches_csv_without_subjects(client: Any) -> list[list[str]]:
    response = client.get("/dashboard/breaches.csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    subject = rows[0].index("Konu") if "Konu" in rows[0] else rows[0].index("Subject")
    return [row[:subject] + row[subject + 1 :] for row in rows]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_after_the_sweep_nothing_of_the_customer_is_left_and_the_figures_are_the_same(
    settings, client, representative, manager, django_capture_on_commit_callbacks
):
    settings.PERSONAL_DATA_RETENTION_DAYS = 1
    media = Path(settings.MEDIA_ROOT)
    lived = live_a_whole_complaint(staff=representative, capture=django_capture_on_commit_callbacks)
    # Staff open it and correct the customer's name in the admin: a read, a
    # history row naming the field, and the admin's own log naming the customer.
    client.force_login(representative)
    assert (
        client.get(f"/admin/complaints/complaint/{lived.complaint.pk}/change/").status_code == 200
    )
    edit_customer_in_the_admin(client, lived.complaint.customer_id, name=NAME + " Hanım")
    assert LogEntry.objects.filter(object_repr__contains=NAME).exists()
    close_long_ago(lived.complaint, days=2)
    # The data is really there before: the checks below can fail.
    assert set(leaks(database_dump() + media_contents(media))) == set(personal_values())
    client.force_login(manager)
    now = timezone.now()
    figures_before = dashboard_figures(now)
    csv_before = breaches_csv_without_subjects(client)
    assert len(csv_before) == 2  # the header and our complaint, breached once

    out, err = io.StringIO(), io.StringIO()
    call_command("retention_sweep", stdout=out, stderr=err)

    assert "anonymised 1 complaints and 1 customers" in out.getvalue()
    assert "anonymising [" in err.getvalue()
    assert leaks(database_dump()) == []
    assert leaks(media_contents(media)) == []
    assert not Path(lived.attachment_path).exists()
    assert dashboard_figures(now) == figures_before
    assert breaches_csv_without_subjects(client) == csv_before
    complaint = Complaint.objects.get(pk=lived.complaint.pk)
    assert complaint.subject == PLACEHOLDER
    assert Customer.objects.get(pk=complaint.customer_id).name == PLACEHOLDER
    assert complaint.events.filter(action="complaints.complaint.anonymised").count() == 1
    assert ComplaintRead.objects.filter(complaint=complaint).exists()  # kept: no personal data
