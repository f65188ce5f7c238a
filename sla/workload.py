"""Workload: open complaints per assignee × priority, with those at risk and
breached, for the Representative who balances the queue and for managers.

One aggregate query plus one for the names, whatever the number of rows; the
at-risk and breached conditions are sla.targets' own."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.admin import site
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint, Priority
from complaints.permissions import user_can
from complaints.workflow import OPEN_STAGES
from sla.targets import at_risk_open_q, breached_open_q

PERMISSIONS = ("sla.view_dashboard", "complaints.assign_complaint")


@dataclass
class WorkloadRow:
    assignee_id: int | None
    name: str
    by_priority: dict[str, int] = field(default_factory=dict)
    total: int = 0
    at_risk: int = 0
    breached: int = 0


def workload_get(*, now: Any = None) -> list[WorkloadRow]:
    now = now or timezone.now()
    counts = (
        Complaint.objects.filter(stage__in=OPEN_STAGES)
        .order_by()
        .values("assignee_id", "priority")
        .annotate(
            total=Count("id"),
            at_risk=Count("id", filter=at_risk_open_q(now=now)),
            breached=Count("id", filter=breached_open_q(now=now)),
        )
    )
    rows: dict[int | None, WorkloadRow] = {}
    for item in counts:
        row = rows.setdefault(
            item["assignee_id"], WorkloadRow(assignee_id=item["assignee_id"], name="")
        )
        key = item["priority"] or "none"
        row.by_priority[key] = row.by_priority.get(key, 0) + item["total"]
        row.total += item["total"]
        row.at_risk += item["at_risk"]
        row.breached += item["breached"]
    users = get_user_model().objects.filter(pk__in=[pk for pk in rows if pk is not None])
    names = {user.pk: user.get_full_name() or user.get_username() for user in users}
    for pk, row in rows.items():
        row.name = names.get(pk, "") if pk is not None else str(_("Unassigned"))
    return sorted(rows.values(), key=lambda r: (r.assignee_id is None, -r.breached, -r.total))


@login_required
def workload(request: HttpRequest) -> HttpResponse:
    if not any(user_can(request.user, permission) for permission in PERMISSIONS):
        raise PermissionDenied
    priorities = [*Priority.choices, ("none", _("Not classified"))]
    rows = workload_get()
    return render(
        request,
        "sla/workload.html",
        {
            **site.each_context(request),
            "title": _("Workload"),
            "rows": [
                {"row": row, "cells": [row.by_priority.get(value, 0) for value, _l in priorities]}
                for row in rows
            ],
            "priorities": priorities,
        },
    )
