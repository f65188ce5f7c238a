"""Bad input answered as bad input (4xx), never as a 500.

RefuseNulMiddleware: NUL characters at the door.

PostgreSQL cannot store or compare NUL in text: a query-string filter
(``?stage__exact=%00``), a form field, a cookie or a header value carrying one
reaches a query as a DataError, a 500. No legitimate client sends one, so any
request with a NUL in its path, query string, form data (not file contents),
cookies or headers is answered 400 before any view runs. Placed early in
MIDDLEWARE. Webhooks that must take a provider's message whatever it holds
drop NULs themselves and are exempt (``REFUSE_NUL_EXEMPT_PATHS``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.admin.views.main import ERROR_FLAG
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.http.multipartparser import MultiPartParserError

logger = logging.getLogger(__name__)

NUL = "\x00"
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _any_nul(pairs: Iterable[tuple[str, list[str]]]) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in pairs)


class RefuseNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @staticmethod
    def exempt(path: str) -> bool:
        patterns = getattr(settings, "REFUSE_NUL_EXEMPT_PATHS", ())
        return any(re.search(pattern, path) for pattern in patterns)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_nul(request):
            return HttpResponseBadRequest(
                "NUL characters are not allowed.\n", content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)

    def _has_nul(self, request: HttpRequest) -> bool:
        if NUL in request.path_info:
            return True
        if any(NUL in str(value) for key, value in request.META.items() if key.startswith("HTTP_")):
            return True
        # Cookie values may carry a NUL as an escape ("\\000") that parsing decodes.
        if any(NUL in key or NUL in value for key, value in request.COOKIES.items()):
            return True
        if self.exempt(request.path_info):
            return False
        if _any_nul(request.GET.lists()):
            return True
        if request.method in ("POST", "PUT", "PATCH") and request.content_type in _FORM_TYPES:
            try:
                return _any_nul(request.POST.lists())
            except (MultiPartParserError, UnicodeDecodeError):
                return False  # left to the view (or the CSRF check) to refuse
        return False


class AdminFilterOverflowMiddleware:
    """A filter value outside the calendar on an admin list is a bad filter.

    Django's admin answers a filter it cannot apply with a redirect to the list
    with ``?e=1`` ("invalid lookup"). Two kinds escape that and become a 500:
    a date-hierarchy year at the end of the calendar (``?created_at__year=9999``:
    ValueError building the next year) and a datetime near year 1
    (``?received_at__gte=0001-01-01``: OverflowError converting it to UTC). They
    are answered the way Django answers the others.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        match = request.resolver_match
        if (
            isinstance(exception, OverflowError | ValueError)
            and match is not None
            and match.namespace == "admin"
            and (match.url_name or "").endswith("_changelist")
            and request.GET
            and ERROR_FLAG not in request.GET
        ):
            logger.warning("admin list %s: filter out of range (%s)", request.path, exception)
            return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
        return None
