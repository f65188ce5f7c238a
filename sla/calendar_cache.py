"""The staff's calendar overrides, as the calendar reads them: once per process,
invalidated through a version token in Django's cache.

sla.calendar asks this module for the overrides (``override_kinds()``) and
stays arithmetic on dates; sla.models holds the table and knows nothing of
this cache. The receivers that bump the version when a row changes are
connected by ``receivers_connect()`` from the app's ready().

Overrides are read from the database once and kept in the process; a version
token in the cache (bumped whenever an override is saved or deleted) tells
every process when to read them again, so the database is not queried per
call.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import uuid
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

logger = logging.getLogger(__name__)

__all__ = [
    "VERSION_CACHE_KEY",
    "bump_overrides_version",
    "current_version",
    "forget",
    "override_kinds",
    "overrides_pinned",
    "receivers_connect",
]

VERSION_CACHE_KEY = "sla:calendar:version"


@dataclass
class _OverrideState:
    version: str | None = None
    kinds: dict[date, str] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


_overrides = _OverrideState()
# Set by overrides_pinned(): a batch job's own copy, read without the token.
_pinned: ContextVar[Mapping[date, str] | None] = ContextVar("sla_overrides_pinned", default=None)


def _new_version() -> str:
    # A random token rather than a counter: if the key is evicted and
    # re-created, a counter could restart at a value some process already
    # holds and that process would keep stale overrides; a new token never
    # matches an old one.
    return uuid.uuid4().hex


def bump_overrides_version() -> None:
    """Tell every process to reload the overrides on its next calendar call.

    Called by the CalendarOverride post_save / post_delete receivers. Call it
    yourself after changes that send no signals (QuerySet.update(),
    bulk_create(), raw SQL).
    """
    # timeout=None: the default cache timeout (300 s) would make every process
    # reload the overrides every five minutes for no reason.
    try:
        cache.set(VERSION_CACHE_KEY, _new_version(), timeout=None)
    except Exception:
        # The override is saved; other processes see it once the cache is back
        # (this one reloads on its next call, see override_kinds).
        logger.warning("calendar: could not publish the overrides version", exc_info=True)
        with _overrides.lock:
            _overrides.kinds = None


def current_version() -> str | None:
    """The published overrides version, or None when the cache cannot be reached."""
    try:
        version = cache.get(VERSION_CACHE_KEY)
        if version is None:
            # First use, or the key was evicted: publish a fresh token (add() keeps
            # a token another process may have published in the meantime).
            cache.add(VERSION_CACHE_KEY, _new_version(), timeout=None)
            version = cache.get(VERSION_CACHE_KEY)
    except Exception:
        # Redis down must not stop a complaint from being recorded: due dates
        # are computed from what this process holds (or the table) until it's back.
        logger.warning("calendar: cache unreachable, using the overrides held", exc_info=True)
        return None
    return str(version)


def _load() -> dict[date, str]:
    # Imported here: the calendar (and so this module) is imported before the
    # app registry is ready; the model never imports this module.
    from sla.models import CalendarOverride

    return dict(CalendarOverride.objects.values_list("date", "kind"))


def override_kinds() -> Mapping[date, str]:
    """{date: kind} of every override, current as of the published version."""
    pinned = _pinned.get()
    if pinned is not None:
        return pinned
    # Read the version *before* the rows: if an override changes in between,
    # we hold new rows under the old version and simply reload once more later,
    # instead of holding old rows under the new version forever.
    version = current_version()
    if _overrides.kinds is not None and (version is None or _overrides.version == version):
        return _overrides.kinds
    with _overrides.lock:
        if _overrides.kinds is None or (version is not None and _overrides.version != version):
            _overrides.kinds = _load()
            _overrides.version = version
        return _overrides.kinds


@contextlib.contextmanager
def overrides_pinned() -> Iterator[Mapping[date, str]]:
    """Read the overrides once and use that copy for every call inside the block.

    For batch jobs that compute thousands of due dates (the benchmark loader,
    recomputations): one read instead of one cache round trip per call. An
    override saved meanwhile is seen after the block, as by a process that
    had not reloaded yet.
    """
    kinds = dict(override_kinds())
    token = _pinned.set(kinds)
    try:
        yield kinds
    finally:
        _pinned.reset(token)


def forget() -> None:
    """Drop the overrides held by this process and the published token (for tests)."""
    with _overrides.lock:
        _overrides.kinds = None
        _overrides.version = None
    with contextlib.suppress(Exception):
        cache.delete(VERSION_CACHE_KEY)


def _override_changed(sender: Any, **kwargs: Any) -> None:
    # Bump now so this process (which can already see its own uncommitted
    # change) reloads at once, and again after commit: another process that
    # reloaded between the first bump and the commit read the old rows under
    # the new version, and only a second bump makes it reload.
    bump_overrides_version()
    transaction.on_commit(bump_overrides_version)


def receivers_connect() -> None:
    """Bump the version whenever a CalendarOverride row is saved or deleted."""
    # A lazy sender ("app.Model"): no import of sla.models from here.
    post_save.connect(
        _override_changed, sender="sla.CalendarOverride", dispatch_uid="sla_override_saved"
    )
    post_delete.connect(
        _override_changed, sender="sla.CalendarOverride", dispatch_uid="sla_override_deleted"
    )
