"""/privacy/: the privacy notice in force, and every earlier version (each
complaint records the version its customer was given)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .privacy import privacy_notice_current, privacy_notice_get


@require_GET
def privacy_notice(request: HttpRequest) -> HttpResponse:
    notice = privacy_notice_current()
    if notice is None:
        raise Http404
    return render(request, "complaints/privacy.html", {"notice": notice, "is_current": True})


@require_GET
def privacy_notice_version(request: HttpRequest, version: int) -> HttpResponse:
    notice = privacy_notice_get(version)
    if notice is None:
        raise Http404
    current = privacy_notice_current()
    return render(
        request,
        "complaints/privacy.html",
        {"notice": notice, "is_current": current is not None and current.pk == notice.pk},
    )
