"""Switching the language without losing what was typed.

The language menu never acts on its own (WCAG 3.2.2: choosing an option must
not change the page): it has a button. On a page with a form, the menu and its
button belong to that form (HTML's ``form`` attribute), so the button posts
what was typed along with the language, without JavaScript. This view keeps
that draft in the session for the page it redirects to, which reads it back
once with ``language_draft_pop`` as the form's initial values.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

SESSION_KEY = "language_draft"
# Not form fields: Django's own and the language switch's.
_IGNORED = {"csrfmiddlewaretoken", "language", "next", "submission_id"}
# A draft is what a person typed into one form, not a place to store data.
_MAX_FIELDS = 20
_MAX_CHARS = 20_000


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    response = django_set_language(request)
    location = response.get("Location")
    draft = _draft(request)
    if location and draft:
        request.session[SESSION_KEY] = {"path": urlsplit(location).path, "data": draft}
    return response


def _draft(request: HttpRequest) -> dict[str, str]:
    draft: dict[str, str] = {}
    size = 0
    for name in request.POST:
        if name in _IGNORED or len(draft) >= _MAX_FIELDS:
            continue
        value = request.POST.get(name, "")
        size += len(name) + len(value)
        if size > _MAX_CHARS:
            break
        if value:
            draft[name] = value
    return draft


def language_draft_pop(request: HttpRequest) -> dict[str, Any]:
    """What was typed on this page before the language was switched, once; else {}."""
    stored = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if not isinstance(stored, dict) or stored.get("path") != request.path:
        return {}
    del request.session[SESSION_KEY]
    data = stored.get("data")
    return dict(data) if isinstance(data, dict) else {}
