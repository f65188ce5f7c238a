"""Abuse limits for the public endpoints, per client address.

A fixed-window counter in Django's cache (Redis in production, so all
workers share it; locmem in tests). Each scope ("submit", "track",
"webhook") has its own limit from ``INTAKE_RATE_LIMITS``; an exhausted
window answers 429 with ``Retry-After`` (seconds until the window ends).

Three ways in, one counter:

- ``RateLimitMiddleware``: for views this app does not own (the web form,
  the tracking page, anymail's inbound webhooks), matched by method and path
  (``INTAKE_RATE_LIMIT_PATHS``).
- ``rate_limit(scope)``: a decorator for plain Django views (the Twilio webhook).
- ``PublicRateThrottle`` subclasses: DRF throttles for the public API, so the
  429 comes out in the API's error shape.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from rest_framework.throttling import BaseThrottle

from common.cache import counter_hit

from . import conf

logger = logging.getLogger(__name__)

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int  # seconds


def parse_rate(text: str | None) -> Rate | None:
    """``"20/h"`` → Rate(20, 3600); ``"5/10m"`` → Rate(5, 600); None or "" → no limit."""
    if not text:
        return None
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d*)\s*([smhd])[a-z]*\s*", text.lower())
    if match is None:
        raise ValueError(f"bad rate {text!r}: use N/s, N/m, N/h or N/d")
    count, multiplier, unit = match.groups()
    return Rate(limit=int(count), period=int(multiplier or 1) * _PERIODS[unit])


def client_address(request: HttpRequest) -> str:
    """The address the limit counts against.

    REMOTE_ADDR, unless INTAKE_TRUSTED_PROXY_COUNT says how many proxies of
    ours append to X-Forwarded-For: then the entry that the outermost of them
    added. Entries left of it are the client's to write, so never trusted.
    An IPv6 client is counted by its /64, which one subscriber usually holds whole.
    """
    address = request.META.get("REMOTE_ADDR", "") or ""
    proxies = conf.trusted_proxy_count()
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def client_ip(request: HttpRequest) -> str | None:
    """``client_address`` as one IP address, for what stores addresses as such
    (django-axes' login lockout): an IPv6 client's /64 as its first address;
    None when the request carries no usable address."""
    address = client_address(request)
    try:
        return str(ipaddress.ip_network(address, strict=False).network_address)
    except ValueError:
        return None


def hit(scope: str, ident: str, *, now: float | None = None) -> int | None:
    """Count one request; the seconds to wait when over the limit, else None.

    The cache failing never blocks a customer: the limit is then not applied.
    """
    if not conf.rate_limit_enabled():
        return None
    rate = parse_rate(conf.rate_limits().get(scope))
    if rate is None:
        return None
    now = time.time() if now is None else now
    window = int(now // rate.period)
    key = f"intake:rl:{scope}:{ident}:{window}"
    try:
        # Atomic in Redis (one round trip there), so concurrent workers never
        # lose a count; the key dies with its window.
        count = counter_hit(cache, key, rate.period + 1)
    except Exception:  # a cache outage must not take the public form down
        logger.warning("rate limit not applied: cache unavailable", exc_info=True)
        return None
    if count <= rate.limit:
        return None
    return max(1, math.ceil((window + 1) * rate.period - now))


def check(request: HttpRequest, scope: str) -> int | None:
    return hit(scope, client_address(request))


def too_many_requests(retry_after: int) -> HttpResponse:
    response = HttpResponse(
        f"Too many requests. Try again in {retry_after} seconds.\n",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(retry_after)
    return response


def rate_limit(scope: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorator for a Django view: 429 with Retry-After once the scope's limit is spent."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            retry_after = check(request, scope)
            if retry_after is not None:
                return too_many_requests(retry_after)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class RateLimitMiddleware:
    """Limits the public views matched by INTAKE_RATE_LIMIT_PATHS.

    Add after CommonMiddleware (so paths are final) and before CsrfViewMiddleware
    (so a flood is refused before any other work).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        scope = self._scope_for(request)
        if scope is not None:
            retry_after = check(request, scope)
            if retry_after is not None:
                return too_many_requests(retry_after)
        return self.get_response(request)

    @staticmethod
    def _scope_for(request: HttpRequest) -> str | None:
        method = (request.method or "").upper()
        for methods, pattern, scope in conf.rate_limit_paths():
            if method in methods.upper().split(",") and re.search(pattern, request.path_info):
                return scope
        return None


class PublicRateThrottle(BaseThrottle):
    """DRF throttle on the same counter; subclasses set ``scope``."""

    scope = ""

    def __init__(self) -> None:
        self._wait: int | None = None

    def allow_request(self, request: Any, view: Any) -> bool:
        self._wait = check(request, self.scope)
        return self._wait is None

    def wait(self) -> float | None:
        return self._wait


class SubmitRateThrottle(PublicRateThrottle):
    scope = "submit"


class TrackRateThrottle(PublicRateThrottle):
    scope = "track"
