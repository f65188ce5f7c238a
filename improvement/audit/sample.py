"""A reproducible sample of complaints for internal audit, with their dossiers.

The same period, size and seed draw the same complaints on any database: the
ids received in the period are read in order and sampled with Python's
``random.Random(seed)`` (no database-specific random function).
"""

from __future__ import annotations

import csv
import hashlib
import random
from datetime import date
from pathlib import Path

from django.utils import timezone

from complaints.models import Complaint

from ..weeks import period_bounds
from .dossier import dossier_write


def audit_sample_ids(*, date_from: date, date_to: date, size: int, seed: int) -> list[int]:
    start, end = period_bounds(date_from, date_to)
    ids = list(
        Complaint.objects.filter(received_at__gte=start, received_at__lt=end)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    chosen = random.Random(seed).sample(ids, min(size, len(ids)))  # noqa: S311 (not security)
    return sorted(chosen)


def audit_sample_write(
    *, date_from: date, date_to: date, size: int, seed: int, folder: Path, language: str = "tr"
) -> list[Path]:
    """Write one dossier per sampled complaint and an index (CSV with each
    file's SHA-256) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    ids = audit_sample_ids(date_from=date_from, date_to=date_to, size=size, seed=seed)
    written: list[Path] = []
    rows = []
    for complaint in Complaint.objects.filter(pk__in=ids).order_by("pk"):
        path = folder / f"dossier-{complaint.tracking_number}.pdf"
        dossier_write(complaint=complaint, out=str(path), language=language)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        received = timezone.localtime(complaint.received_at).isoformat(timespec="seconds")
        rows.append([complaint.tracking_number, received, path.name, digest])
        written.append(path)
    with (folder / "index.csv").open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";" if language == "tr" else ",")
        writer.writerow(["tracking_number", "received_at", "file", "sha256"])
        writer.writerows(rows)
        writer.writerow([])
        writer.writerow(["from", date_from.isoformat(), "to", date_to.isoformat()])
        writer.writerow(["size", size, "seed", seed])
    return written
