"""Give due dates to complaints recorded before the SLA targets existed.

Safe to run again: each step only fills what is still empty, through the same
services the live handlers call (so a target met late records its breach).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q

from complaints.models import Complaint, Stage
from sla.rollup import figures_refresh
from sla.services import (
    complaint_ack_due_set,
    complaint_ack_met,
    complaint_resolution_due_set,
    complaint_resolution_met,
)


class Command(BaseCommand):
    help = "Fill missing SLA due dates and met times (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, batch_size: int = 500, **options: Any) -> None:
        todo = Complaint.objects.filter(
            Q(ack_due_at__isnull=True)
            | Q(ack_met_at__isnull=True, acknowledged_at__isnull=False)
            | (
                Q(resolution_due_at__isnull=True, classified_at__isnull=False)
                & ~Q(stage__in=[Stage.RECEIVED, Stage.ACKNOWLEDGED])
            )
            | Q(resolution_met_at__isnull=True, decision_notified_at__isnull=False)
        ).order_by("pk")
        done = 0
        for complaint in todo.iterator(chunk_size=batch_size):
            with transaction.atomic():
                self._fill(complaint)
            done += 1
        self.stdout.write(f"Complaints updated: {done}")

    def _fill(self, complaint: Complaint) -> None:
        if complaint.ack_due_at is None:
            complaint_ack_due_set(complaint=complaint)
        if complaint.acknowledged_at is not None and complaint.ack_met_at is None:
            complaint_ack_met(complaint=complaint, met_at=complaint.acknowledged_at)
        if complaint.classified_at is not None and complaint.resolution_due_at is None:
            complaint_resolution_due_set(complaint=complaint)
        if complaint.decision_notified_at is not None and complaint.resolution_met_at is None:
            complaint_resolution_met(complaint=complaint, met_at=complaint.decision_notified_at)
        # The services were called directly (no history row): count the changes.
        figures_refresh(complaint_id=complaint.pk)
