"""/recourse/: where else the customer can go, the version in force and every
earlier version (each rejection and closure notice links the version it carried)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .recourse import recourse_text_current, recourse_text_get


@require_GET
def recourse_text(request: HttpRequest) -> HttpResponse:
    text = recourse_text_current()
    if text is None:
        raise Http404
    return render(request, "complaints/recourse.html", {"text": text, "is_current": True})


@require_GET
def recourse_text_version(request: HttpRequest, version: int) -> HttpResponse:
    text = recourse_text_get(version)
    if text is None:
        raise Http404
    current = recourse_text_current()
    return render(
        request,
        "complaints/recourse.html",
        {"text": text, "is_current": current is not None and current.pk == text.pk},
    )
