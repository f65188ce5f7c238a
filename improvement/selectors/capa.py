"""The corrective-action register, read: recurrence around an implementation,
and the register's state for the dashboard and the review."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q
from django.utils import timezone

from complaints.models import Complaint

from ..capa_workflow import ACTIVE_STATUSES, CapaStatus
from ..weeks import day_start, local_date

if TYPE_CHECKING:
    from ..models import CorrectiveAction


def capa_scope_q(capa: CorrectiveAction) -> Q | None:
    """The complaints an action is about: its categories or its root causes."""
    categories = list(capa.categories.values_list("pk", flat=True))
    root_causes = list(capa.root_causes.values_list("pk", flat=True))
    if not categories and not root_causes:
        return None
    return Q(category_id__in=categories) | Q(root_cause_id__in=root_causes)


def capa_recurrence(*, capa: CorrectiveAction) -> tuple[int, int, int]:
    """Complaints received in the linked categories / root causes in the period
    before the implementation and in the period of the same length after it
    (up to the effectiveness check): ``(before, after, days)``. One query."""
    scope = capa_scope_q(capa)
    implemented_on = local_date(capa.implemented_at or timezone.now())
    check_on = capa.effectiveness_check_date or local_date(timezone.now())
    days = max((check_on - implemented_on).days, 1)
    if scope is None:
        return 0, 0, days
    start = day_start(implemented_on - timedelta(days=days))
    middle = day_start(implemented_on)
    end = day_start(implemented_on + timedelta(days=days))
    found = Complaint.objects.filter(scope, received_at__gte=start, received_at__lt=end).aggregate(
        before=Count("pk", filter=Q(received_at__lt=middle)),
        after=Count("pk", filter=Q(received_at__gte=middle)),
    )
    return int(found["before"] or 0), int(found["after"] or 0), days


def capa_summary(*, today: date | None = None) -> dict[str, Any]:
    """Actions per status, the overdue ones and the verdicts: one query."""
    from ..models import CorrectiveAction

    today = today or timezone.localdate()
    rows = CorrectiveAction.objects.values("status").annotate(
        n=Count("pk"),
        overdue=Count("pk", filter=Q(status__in=ACTIVE_STATUSES, due_date__lt=today)),
    )
    by_status = {status.value: 0 for status in CapaStatus}
    overdue = 0
    for row in rows:
        by_status[row["status"]] = row["n"]
        overdue += row["overdue"]
    return {
        "by_status": [(CapaStatus(k).label, v) for k, v in by_status.items()],
        "counts": by_status,
        "overdue": overdue,
        "total": sum(by_status.values()),
    }
