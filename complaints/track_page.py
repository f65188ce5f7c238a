"""The parts of the tracking page that differ per complaint (the facts, the
stages and the history), written in Python instead of the template engine.

Issue 15: the status page at ≤ 4× the CPU of /healthz. Through the engine
these parts were about 60 variable, `if` and `include` nodes and a `date`
filter per date, which cost more than everything else the page does; here
they are a few string joins. The output is byte for byte what
``templates/complaints/track.html`` rendered before
(tests/complaints/test_tracking_page_html.py renders both and compares, in
both languages and every stage), and it follows the engine's rules: every
value is escaped as autoescape would (translations too: ``{% translate %}``
escapes its text, ``{% blocktranslate %}`` only its variables), and a date
is shown in the current time zone in the active language's format, each
distinct date formatted once per page.

It shows only what the PublicStatus holds (no personal data), and the subject
only when the view passes it (a proven customer's own page).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from html import escape

from django.utils import formats, timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, ngettext

from common.dates import date_formatter

from .selectors import PublicStatus, StageStep


def _dates() -> Callable[[datetime], str]:
    """The page's DATETIME_FORMAT, as the ``date`` filter gives it (in the
    current time zone; escaped), each distinct date formatted once."""
    shown: dict[datetime, str] = {}
    formatted = date_formatter()

    def show(value: datetime) -> str:
        found = shown.get(value)
        if found is None:
            found = shown[value] = escape(formatted(value))
        return found

    return show


def _t(message: str) -> str:
    # {% translate %}: the translated text, escaped.
    return _translated(get_language(), message)


@lru_cache(maxsize=128)
def _translated(language: str | None, message: str) -> str:
    return escape(gettext(message))


def status_facts_html(status: PublicStatus, *, subject: str | None = None) -> SafeString:
    """The waiting notice (when staff asked for information) and the facts list;
    ``subject`` only on the proven customer's page."""
    date = _dates()
    parts: list[str] = []
    if status.waiting_on_customer_since:
        since = gettext("Waiting for your information since %(since)s.") % {
            "since": date(status.waiting_on_customer_since)
        }
        parts.append(
            '\n<div class="card notice-waiting" role="status">\n'
            f"  <p><strong>{since}</strong></p>\n"
            "  <p>"
            + _t(
                "We have sent you a question. Please answer it by replying to our message or by "
                "contacting us; the time we take to resolve your application does not run while "
                "we wait."
            )
            + "</p>\n</div>\n"
        )
    parts.append('\n<dl class="facts card">\n  ')
    if subject is not None:
        parts.append(f'<div class="wide"><dt>{_t("Subject")}</dt><dd>{escape(subject)}</dd></div>')
    parts.append(
        f"\n  <div><dt>{_t('Kind')}</dt><dd>{escape(status.kind_label)}</dd></div>"
        f"\n  <div><dt>{_t('Current stage')}</dt><dd><strong>{escape(status.stage_label)}"
        "</strong></dd></div>"
        f"\n  <div><dt>{_t('Date received')}</dt><dd>{date(status.received_at)}</dd></div>\n  "
    )
    if status.ack_due_at and not status.ack_met:
        parts.append(
            f"<div><dt>{_t('Acknowledgement due')}</dt><dd>{date(status.ack_due_at)}</dd></div>"
        )
    parts.append("\n  ")
    if status.resolution_due_at and not status.resolution_met:
        parts.append(
            f"<div><dt>{_t('Solution proposal due')}</dt>"
            f"<dd>{date(status.resolution_due_at)}</dd></div>"
        )
    parts.append("\n  ")
    if status.reopen_count:
        times = ngettext("%(counter)s time", "%(counter)s times", status.reopen_count) % {
            "counter": escape(str(formats.localize(status.reopen_count)))
        }
        parts.append(f"<div><dt>{_t('Re-evaluated')}</dt><dd>{times}</dd></div>")
    parts.append("\n</dl>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


def _step(step: StageStep, date: Callable[[datetime], str]) -> str:
    current = step.is_current
    marked = ' aria-current="step"' if current else ""
    reached = ""
    if step.reached_at:
        iso = escape(timezone.localtime(step.reached_at).isoformat())
        reached = f'<time datetime="{iso}">{date(step.reached_at)}</time>'
    return (
        f'\n  <li class="{step.css}"{marked}>\n'
        f'    <span class="stage-name">{escape(step.label)}</span>\n'
        f"    {reached}\n"
        f"    {_CURRENT_MARK.format(_t('current stage')) if current else ''}\n"
        "  </li>\n  "
    )


_CURRENT_MARK = '<span class="visually-hidden">({})</span>'


@lru_cache(maxsize=64)
def _steps_ahead(language: str | None, stage: str, steps: tuple[StageStep, ...]) -> str:
    # The stages still ahead (no dates) are the same for every complaint at
    # this stage: written once per stage and language. The steps are part of
    # the key, so a page can never get another stage's list.
    return "".join(_step(step, _no_dates) for step in steps)


def _no_dates(value: datetime) -> str:
    raise AssertionError("a stage ahead has no date")


def status_stages_html(status: PublicStatus) -> SafeString:
    """The stages (those reached with their dates) and, after a first change, the history."""
    date = _dates()
    reached = "".join(_step(step, date) for step in status.steps_reached)
    ahead = _steps_ahead(get_language(), status.stage, tuple(status.steps_ahead))
    parts = [f'<h2>{_t("Stages")}</h2>\n<ol class="stages">\n  {reached}\n  {ahead}\n</ol>\n']
    if len(status.history) > 1:
        rows = "".join(
            f"<tr><td>{date(at)}</td><td>{escape(label)}</td></tr>"
            for at, label in status.history_labelled
        )
        parts.append(
            f'\n<h2>{_t("History")}</h2>\n<table class="history">\n'
            f'  <thead><tr><th scope="col">{_t("Date")}</th>'
            f'<th scope="col">{_t("Stage")}</th></tr></thead>\n'
            f"  <tbody>{rows}</tbody>\n</table>\n"
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
