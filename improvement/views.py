"""Staff pages of the improvement loop: the managers' improvement page, the
review download, linking similar complaints, the audit dossier.

Anonymous visitors are sent to the admin login; staff without the permission
get 403. The views only read and call services.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from complaints.models import Complaint
from complaints.permissions import user_can

from . import charts, conf
from .extensions import EXPORT_PERMISSION
from .forms import ReviewForm
from .selectors.capa import capa_summary
from .selectors.recurrence import signal_charts, signals_between
from .selectors.survey import survey_results
from .services.recurrence import complaint_link_add
from .weeks import local_date, period_bounds, week_start

REVIEW_PERMISSION = "improvement.view_review"


def _require(request: HttpRequest, permission: str) -> None:
    if not user_can(request.user, permission):
        raise PermissionDenied


@login_required
@require_POST
def complaint_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Link the complaint to a similar one chosen on its page."""
    complaint = get_object_or_404(Complaint, pk=pk)
    related_id = str(request.POST.get("related") or "")
    related = Complaint.objects.filter(pk=related_id).first() if related_id.isdigit() else None
    back = HttpResponseRedirect(
        reverse("admin:complaints_complaint_change", args=[complaint.pk]) + "#improvement"
    )
    if related is None:
        messages.error(request, gettext("Choose the complaint to link."))
        return back
    try:
        complaint_link_add(complaint=complaint, related=related, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, gettext("Linked to %(number)s.") % {"number": related.tracking_number}
        )
    return back


def _period(request: HttpRequest, today: date) -> tuple[date, date]:
    """The chosen period; by default the last 12 whole weeks up to this one."""
    default_to = week_start(today) + timedelta(days=6)
    default_from = week_start(today) - timedelta(weeks=11)
    form = ReviewForm(request.GET or None)
    start, end = default_from, default_to
    if form.is_bound:
        form.is_valid()
        data = getattr(form, "cleaned_data", {})
        if not form.non_field_errors():
            start = data.get("date_from") or start
            end = data.get("date_to") or end
    if start > end:
        start, end = default_from, default_to
    return start, end


CHART_LABELS = {
    "count": _("complaints per week"),
    "mean": _("mean of 12 weeks"),
    "limit": _("control limit"),
    "above": _("weeks above the limit"),
}


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Survey results, recurring-problem signals with their charts, the CAPA
    register's state and the review download. A fixed number of queries."""
    _require(request, REVIEW_PERMISSION)
    today = local_date(timezone.now())
    date_from, date_to = _period(request, today)
    start, end = period_bounds(date_from, date_to)
    signals = list(signals_between(date_from=date_from, date_to=date_to)[:30])
    series = signal_charts(signals)
    labels = {k: str(v) for k, v in CHART_LABELS.items()}
    signal_rows = []
    for signal in signals:
        points = series.get(signal.pk, [])
        signal_rows.append(
            {
                "signal": signal,
                "chart": charts.c_chart(
                    weeks=[p.week for p in points],
                    counts=[p.count for p in points],
                    limits=[p.limit for p in points],
                    means=[p.mean for p in points],
                    title=f"{signal.get_dimension_display()}: {signal.key}",
                    labels=labels,
                    width=420,
                    height=170,
                    min_count=conf.signal_min_count(),
                ),
            }
        )
    context: dict[str, Any] = {
        "title": _("Improvement"),
        "date_from": date_from,
        "date_to": date_to,
        "survey": survey_results(start=start, end=end),
        "signals": signal_rows,
        "capa": capa_summary(today=today),
        "can_open_capa": user_can(request.user, "improvement.add_correctiveaction"),
        "review_form": ReviewForm(
            initial={
                # The year up to today: what a yearly review meeting reads.
                "date_from": today - timedelta(days=364),
                "date_to": today,
                "format": "pdf",
                "language": (request.LANGUAGE_CODE or "tr")[:2],
            }
        ),
        "can_export": user_can(request.user, EXPORT_PERMISSION),
    }
    return render(request, "improvement/dashboard.html", context)


@login_required
@require_GET
def review_download(request: HttpRequest) -> HttpResponseBase:
    """The management-review pack of the chosen period, as PDF or XLSX."""
    _require(request, REVIEW_PERMISSION)
    from .review.output import review_response

    form = ReviewForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "improvement/review_form.html",
            {"title": _("Management review"), "review_form": form},
            status=400,
        )
    data = form.cleaned_data
    return review_response(
        date_from=data["date_from"],
        date_to=data["date_to"],
        fmt=data["format"],
        language=data.get("language") or (request.LANGUAGE_CODE or "tr")[:2],
    )


@login_required
@require_GET
def dossier(request: HttpRequest, pk: int) -> HttpResponse:
    """The audit dossier of one complaint, as PDF."""
    _require(request, EXPORT_PERMISSION)
    from .audit.dossier import dossier_response

    complaint = get_object_or_404(Complaint, pk=pk)
    return dossier_response(complaint=complaint, language=(request.LANGUAGE_CODE or "tr")[:2])
