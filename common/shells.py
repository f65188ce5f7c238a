"""Page shells: a whole public page rendered once per process and language,
with holes where each request's values go, then completed by string joins.

Issue 15 (the status page at ≤ 4× and the form at ≤ 3× the CPU of /healthz):
with the per-complaint parts written in Python (complaints/track_page.py) and
the header, the menus and the footer in fragments (common/fragments.py), the
template engine still cost a third of the status page's CPU, walking the
``{% extends %}`` tree, its blocks and its context on every request. A shell
renders the template once, through the same engine, with a marker in place of
each value that differs between requests (the CSRF token, the page's address,
the tracking number, the parts from track_page); the output is cut at the
markers, and a request joins the pieces with its own values, escaped as
autoescape would have escaped them.

A shell is a cache of the engine's own output, so what a page shows is still
written in its template, once. It holds only for what the caller declares:
the template must not use anything of the request or the context but the
``holes`` and the ``context`` given (tests/common/test_shells.py renders
pages both ways and compares them byte for byte), and the caller renders
normally when the page would differ (a message to show, a bound form). Not
used while ``DEBUG`` is on, so that edited templates show at once; emptied
when a setting changes (tests).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from html import escape
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.test.signals import setting_changed
from django.utils.safestring import SafeString
from django.utils.translation import get_language

# What every page of base.html needs: the CSRF token of the language form and
# the address it returns to.
CSRF_TOKEN = "csrf_token"  # noqa: S105 - the name of a context variable
NEXT = "next"

# One marker per hole and process: letters and digits only, so that escaping
# and URL quoting leave it as it is wherever the template puts it.
_MARK = "shell" + secrets.token_hex(8)
_MAX_ENTRIES = 200
# What neither escaping nor URL quoting changes.
_PLAIN = re.compile(r"[A-Za-z0-9_.~-]*")


class _Request:
    """What base.html reads of the request: its namespace and its address (a hole)."""

    def __init__(self, namespace: str, path: str) -> None:
        self.resolver_match = _Match(namespace)
        self._path = path

    def get_full_path(self) -> str:
        return self._path


class _Match:
    def __init__(self, namespace: str) -> None:
        self.namespace = namespace


class Shell:
    """A page of ``template_name`` whose only varying values are ``holes``.

    ``context(marks, vary)`` builds the template's context from a mapping of
    each hole to its marker (a string) and the ``vary`` values; ``render``
    completes the page of the active language and ``vary`` (a few possible
    values only, never anything a client sends) with the request's values. A
    value marked safe (``SafeString``: HTML the caller built and escaped) goes
    in as it is; any other is escaped. A hole's value must reach the page as
    it is or escaped: not through a filter, nor tested by ``{% if %}`` (a
    marker is always true).
    """

    def __init__(
        self,
        template_name: str,
        *,
        holes: Sequence[str],
        context: Callable[[Mapping[str, str], tuple[Any, ...]], dict[str, Any]],
        plain: Sequence[str] = (),
    ) -> None:
        self.template_name = template_name
        self.holes = (CSRF_TOKEN, NEXT, *holes)
        self.plain = tuple(plain)
        self.context = context
        self._pieces: dict[tuple[Any, ...], tuple[list[str], list[str]]] = {}
        _SHELLS.append(self)

    def render(
        self,
        request: HttpRequest,
        values: Mapping[str, str],
        *,
        vary: tuple[Any, ...] = (),
        status: int = 200,
    ) -> HttpResponse:
        match = request.resolver_match
        namespace = match.namespace if match is not None else ""
        filled = {CSRF_TOKEN: get_token(request), NEXT: request.get_full_path(), **values}
        for name in self.plain:
            if not _PLAIN.fullmatch(filled[name]):
                raise ValueError(f"{name}: only letters, digits and -._~ go into an address")
        if settings.DEBUG:
            # The same engine and context, with the values in place of the marks.
            return HttpResponse(self._engine_render(namespace, vary, filled), status=status)
        key = (get_language(), namespace, *vary)
        found = self._pieces.get(key)
        if found is None:
            if len(self._pieces) >= _MAX_ENTRIES:
                self._pieces.clear()
            found = self._pieces[key] = self._cut(namespace, vary)
        texts, names = found
        parts = [texts[0]]
        for name, text in zip(names, texts[1:], strict=True):
            value = filled[name]
            parts.append(value if isinstance(value, SafeString) else escape(value))
            parts.append(text)
        return HttpResponse("".join(parts), status=status)

    def _marks(self) -> dict[str, str]:
        return {name: f"{_MARK}x{i}x" for i, name in enumerate(self.holes)}

    def _cut(self, namespace: str, vary: tuple[Any, ...]) -> tuple[list[str], list[str]]:
        marks = self._marks()
        by_mark = {mark: name for name, mark in marks.items()}
        page = self._engine_render(namespace, vary, marks)
        texts: list[str] = []
        names: list[str] = []
        rest = page
        while (start := rest.find(_MARK)) >= 0:
            end = rest.index("x", rest.index("x", start + len(_MARK)) + 1) + 1
            texts.append(rest[:start])
            names.append(by_mark[rest[start:end]])
            rest = rest[end:]
        texts.append(rest)
        return texts, names

    def _engine_render(
        self, namespace: str, vary: tuple[Any, ...], values: Mapping[str, str]
    ) -> str:
        context = self.context(values, vary)
        context.setdefault("request", _Request(namespace, values[NEXT]))
        context.setdefault(CSRF_TOKEN, values[CSRF_TOKEN])
        return render_to_string(self.template_name, context)

    def forget(self) -> None:
        self._pieces.clear()


_SHELLS: list[Shell] = []


def shells_forget(**kwargs: Any) -> None:
    for shell in _SHELLS:
        shell.forget()


setting_changed.connect(shells_forget, dispatch_uid="common.shells")
