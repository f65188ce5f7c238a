"""The management review pack's figures: each section of a period against the
previous period of the same length. Every figure is an aggregate computed by
the database (one GROUP BY or one aggregate per section and period); nothing
loads the period's complaints into Python.

The SLA figures ("on time", business hours) are the sla app's own, asked for
through complaints.extensions.period_figures: this app does not define them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from complaints import extensions
from complaints.models import Category, Channel, Complaint, Kind, Priority, RootCause

from .. import conf
from ..capa_workflow import ACTIVE_STATUSES, Verdict
from ..models import CorrectiveAction, RecurrenceSignal
from ..selectors.capa import capa_summary
from ..selectors.survey import survey_results
from ..weeks import period_bounds, previous_period
from .pack import Breakdown, Kpi, Pack, ParetoRow, Row

# Backlog ages at the end of the period, in calendar days since receipt.
AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0–3", 0, 3),
    ("3–10", 3, 10),
    ("10–30", 10, 30),
    ("30+", 30, None),
)


def _percent(part: int | None, whole: int | None) -> float | None:
    return round(100.0 * (part or 0) / whole, 1) if whole else None


def _names(model: type[Category] | type[RootCause]) -> dict[int, str]:
    english = (get_language() or "tr").startswith("en")
    return {
        pk: (en if english else tr)
        for pk, tr, en in model.objects.order_by("position", "code").values_list(
            "pk", "name_tr", "name_en"
        )
    }


def _volume(start: datetime, end: datetime) -> dict[str, dict[str, int]]:
    rows = (
        Complaint.objects.filter(received_at__gte=start, received_at__lt=end)
        .values("channel", "kind", "category_id", "priority")
        .annotate(n=Count("pk"))
        .order_by()
    )
    totals: dict[str, dict[str, int]] = {d: {} for d in ("channel", "kind", "category", "priority")}
    for row in rows:
        for dimension, key in (
            ("channel", row["channel"]),
            ("kind", row["kind"]),
            ("category", str(row["category_id"] or "")),
            ("priority", row["priority"] or ""),
        ):
            totals[dimension][key] = totals[dimension].get(key, 0) + row["n"]
    return totals


def _root_causes(start: datetime, end: datetime) -> dict[int, int]:
    rows = (
        Complaint.objects.filter(
            received_at__gte=start, received_at__lt=end, root_cause__isnull=False
        )
        .values("root_cause_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["root_cause_id"]: row["n"] for row in rows}


def _closes(start: datetime, end: datetime) -> dict[str, int]:
    # A complaint or request closed without the customer's acceptance closed
    # for want of an answer (PROCESS.md "An unanswered decision"); feedback
    # has no acceptance to wait for.
    found = Complaint.objects.filter(closed_at__gte=start, closed_at__lt=end).aggregate(
        closed=Count("pk"),
        accepted=Count("pk", filter=Q(customer_answer="accepted")),
        no_answer=Count("pk", filter=~Q(customer_answer="accepted") & ~Q(kind=Kind.FEEDBACK)),
    )
    return {k: int(v or 0) for k, v in found.items()}


def _backlog(end: datetime) -> dict[str, Any]:
    """Complaints open at the end of the period, by age."""
    aggregates: dict[str, Any] = {"open": Count("pk")}
    for index, (_label, low, high) in enumerate(AGE_BUCKETS):
        condition = Q(received_at__lte=end - timedelta(days=low))
        if high is not None:
            condition &= Q(received_at__gt=end - timedelta(days=high))
        aggregates[f"age{index}"] = Count("pk", filter=condition)
    found = (
        Complaint.objects.filter(received_at__lt=end)
        .exclude(closed_at__lt=end)
        .aggregate(**aggregates)
    )
    return {
        "open": int(found["open"] or 0),
        "ages": [
            (label, int(found[f"age{i}"] or 0)) for i, (label, _l, _h) in enumerate(AGE_BUCKETS)
        ],
    }


def _capa(start: datetime, end: datetime) -> dict[str, Any]:
    in_period = Q(created_at__gte=start, created_at__lt=end)
    measured = Q(measured_at__gte=start, measured_at__lt=end)
    found = CorrectiveAction.objects.aggregate(
        opened=Count("pk", filter=in_period),
        closed=Count("pk", filter=Q(closed_at__gte=start, closed_at__lt=end)),
        effective=Count("pk", filter=measured & Q(verdict=Verdict.EFFECTIVE)),
        not_effective=Count("pk", filter=measured & Q(verdict=Verdict.NOT_EFFECTIVE)),
        judged=Count("pk", filter=measured),
        before=Sum("recurrence_before", filter=measured),
        after=Sum("recurrence_after", filter=measured),
    )
    return {k: int(v or 0) for k, v in found.items()}


def _capa_list(start: datetime, end: datetime) -> list[CorrectiveAction]:
    """The actions the review discusses: opened by the end of the period and
    not closed before it (at most 100, oldest first)."""
    return list(
        CorrectiveAction.objects.filter(created_at__lt=end)
        .exclude(closed_at__lt=start)
        .select_related("owner")
        .order_by("created_at", "pk")[:100]
    )


def _sla(start: datetime, end: datetime, now: datetime) -> dict[str, Any] | None:
    return extensions.period_figures(start=start, end=end, now=now).get("sla")


def review_pack(*, date_from: date, date_to: date, now: datetime | None = None) -> Pack:
    """Every figure of the management review for the days date_from..date_to."""
    now = now or timezone.now()
    previous_from, previous_to = previous_period(date_from, date_to)
    start, end = period_bounds(date_from, date_to)
    p_start, p_end = period_bounds(previous_from, previous_to)
    targets = conf.targets()

    sla_now, sla_before = _sla(start, end, now), _sla(p_start, p_end, now)
    survey, survey_before = (
        survey_results(start=start, end=end),
        survey_results(start=p_start, end=p_end),
    )
    closes = {"current": _closes(start, end), "previous": _closes(p_start, p_end)}
    # A period that ends in the future is read as it stands now.
    backlog = {"current": _backlog(min(end, now)), "previous": _backlog(min(p_end, now))}

    def sla(figures: dict[str, Any] | None, *path: str) -> Any:
        value: Any = figures
        for key in path:
            if not isinstance(value, dict):
                return None
            value = value.get(key)
        return value

    def on_time(figures: dict[str, Any] | None, *path: str) -> float | None:
        counts = sla(figures, *path) or {}
        return _percent(counts.get("on_time"), counts.get("decided"))

    kpis = [
        Kpi(
            "received",
            _("Applications received"),
            "",
            sla(sla_now, "received"),
            sla(sla_before, "received"),
            better="",
        ),
        Kpi(
            "ack_on_time",
            _("Acknowledged on time"),
            "%",
            on_time(sla_now, "ack"),
            on_time(sla_before, "ack"),
            targets["ack_on_time_percent"],
        ),
        Kpi(
            "resolution_on_time",
            _("Solution proposal on time"),
            "%",
            on_time(sla_now, "resolution"),
            on_time(sla_before, "resolution"),
            targets["resolution_on_time_percent"],
        ),
    ]
    for priority in Priority:
        kpis.append(
            Kpi(
                f"resolution_on_time_{priority.value}",
                _("Solution proposal on time, %(priority)s priority")
                % {"priority": str(priority.label).lower()},
                "%",
                on_time(sla_now, "resolution_by_priority", priority.value),
                on_time(sla_before, "resolution_by_priority", priority.value),
                targets["resolution_on_time_percent"],
            )
        )
    kpis += [
        Kpi(
            "reopen_rate",
            _("Re-opened after the decision"),
            "%",
            _percent(sla(sla_now, "reopened"), sla(sla_now, "decided")),
            _percent(sla(sla_before, "reopened"), sla(sla_before, "decided")),
            targets["reopen_rate_percent"],
            better="lower",
        ),
        Kpi(
            "no_answer",
            _("Closed without the customer's answer"),
            "",
            closes["current"]["no_answer"],
            closes["previous"]["no_answer"],
            better="lower",
        ),
        Kpi(
            "ack_hours_p50",
            _("Business hours to acknowledgement, median"),
            "h",
            sla(sla_now, "hours", "ack_p50"),
            sla(sla_before, "hours", "ack_p50"),
            better="lower",
        ),
        Kpi(
            "ack_hours_p90",
            _("Business hours to acknowledgement, 90th percentile"),
            "h",
            sla(sla_now, "hours", "ack_p90"),
            sla(sla_before, "hours", "ack_p90"),
            better="lower",
        ),
        Kpi(
            "decision_hours_p50",
            _("Business hours to the decision, median"),
            "h",
            sla(sla_now, "hours", "decision_p50"),
            sla(sla_before, "hours", "decision_p50"),
            better="lower",
        ),
        Kpi(
            "decision_hours_p90",
            _("Business hours to the decision, 90th percentile"),
            "h",
            sla(sla_now, "hours", "decision_p90"),
            sla(sla_before, "hours", "decision_p90"),
            better="lower",
        ),
        Kpi(
            "backlog",
            _("Open at the end of the period (backlog)"),
            "",
            backlog["current"]["open"],
            backlog["previous"]["open"],
            better="lower",
        ),
        Kpi(
            "backlog_30",
            _("Backlog older than 30 days"),
            "",
            backlog["current"]["ages"][-1][1],
            backlog["previous"]["ages"][-1][1],
            better="lower",
        ),
        Kpi(
            "survey_response_rate",
            _("Survey response rate"),
            "%",
            survey.overall.response_rate,
            survey_before.overall.response_rate,
            targets["survey_response_rate_percent"],
        ),
        Kpi(
            "survey_overall",
            _("Overall satisfaction with the process (mean)"),
            "/5",
            survey.overall.mean("overall"),
            survey_before.overall.mean("overall"),
            targets["survey_overall_mean"],
        ),
    ]

    categories, root_causes = _names(Category), _names(RootCause)
    volume_now, volume_before = _volume(start, end), _volume(p_start, p_end)
    labels = {
        "channel": {c.value: str(c.label) for c in Channel},
        "kind": {k.value: str(k.label) for k in Kind},
        "category": {str(pk): name for pk, name in categories.items()},
        "priority": {p.value: str(p.label) for p in Priority},
    }
    titles = {
        "channel": _("By channel"),
        "kind": _("By kind"),
        "category": _("By category"),
        "priority": _("By priority"),
    }
    volume = []
    for dimension, names in labels.items():
        keys = [k for k in names if k in volume_now[dimension] or k in volume_before[dimension]]
        unclassified = volume_now[dimension].get("", 0) + volume_before[dimension].get("", 0)
        rows = [
            Row(names[k], volume_now[dimension].get(k, 0), volume_before[dimension].get(k, 0))
            for k in keys
        ]
        if unclassified:
            rows.append(
                Row(
                    _("not classified yet"),
                    volume_now[dimension].get("", 0),
                    volume_before[dimension].get("", 0),
                )
            )
        volume.append(Breakdown(dimension, str(titles[dimension]), rows))

    causes_now, causes_before = _root_causes(start, end), _root_causes(p_start, p_end)
    total = sum(causes_now.values())
    pareto: list[ParetoRow] = []
    running = 0
    for pk in sorted(causes_now, key=lambda k: (-causes_now[k], root_causes.get(k, ""))):
        running += causes_now[pk]
        pareto.append(
            ParetoRow(
                label=root_causes.get(pk, str(pk)),
                current=causes_now[pk],
                previous=causes_before.get(pk, 0),
                share=round(100.0 * causes_now[pk] / total, 1),
                cumulative=round(100.0 * running / total, 1),
            )
        )
    for pk in sorted(set(causes_before) - set(causes_now)):
        pareto.append(ParetoRow(root_causes.get(pk, str(pk)), 0, causes_before[pk], 0.0, 100.0))

    signals: list[Any] = list(
        RecurrenceSignal.objects.filter(week__gte=date_from, week__lte=date_to)
        .select_related("category", "root_cause")
        .annotate(actions=Count("corrective_actions"))
        .order_by("-week", "-count")[:200]
    )
    signals_previous = RecurrenceSignal.objects.filter(
        week__gte=previous_from, week__lte=previous_to
    ).count()
    capa = {
        "current": _capa(start, end),
        "previous": _capa(p_start, p_end),
        "summary": capa_summary(today=date_to),
        "actions": _capa_list(start, end),
        "active_statuses": ACTIVE_STATUSES,
    }
    return Pack(
        date_from=date_from,
        date_to=date_to,
        previous_from=previous_from,
        previous_to=previous_to,
        generated_at=now,
        kpis=kpis,
        volume=volume,
        pareto=pareto,
        signals=signals,
        signals_previous=signals_previous,
        capa=capa,
        survey=survey,
        survey_previous=survey_before,
        backlog=backlog,
        closes=closes,
        sla_available=sla_now is not None,
    )
