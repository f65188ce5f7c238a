"""The public tracking page: stage, stage dates and due dates; no personal data."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from . import tracking
from .selectors import complaint_get_by_tracking_number, complaint_public_status


@require_GET
def track_lookup(request: HttpRequest) -> HttpResponse:
    number = request.GET.get("number", "").strip()
    if not number:
        return render(request, "complaints/track_lookup.html", {})
    try:
        normalized = tracking.normalize(number)
    except tracking.InvalidTrackingNumber:
        return _not_found(request, number)
    return redirect("complaints:track", tracking_number=normalized)


@require_GET
def track(request: HttpRequest, tracking_number: str) -> HttpResponse:
    complaint = complaint_get_by_tracking_number(tracking_number)
    if complaint is None:
        return _not_found(request, tracking_number)
    status = complaint_public_status(complaint)
    return render(request, "complaints/track.html", {"status": status})


def _not_found(request: HttpRequest, number: str) -> HttpResponse:
    # Same page and status for a mistyped and for an unknown number: nothing
    # tells a guesser which numbers exist.
    return render(
        request, "complaints/track_lookup.html", {"number": number, "not_found": True}, status=404
    )
