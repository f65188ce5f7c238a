"""A new complaint's share of the daily figures (sla.rollup), written at receipt.

The submission path's part of the figures, kept apart from the rest of
sla.rollup: on PostgreSQL one statement writes the complaint's share and adds
it to its day's, week's and four weeks' rows (a data-modifying WITH), where a
later event's refresh takes three.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from django.db import connection
from django.utils import timezone

from common.batch import statement_send
from common.db import CompiledQuery, Marker
from complaints.models import Complaint
from sla.models import ComplaintFigures, DailyFigures
from sla.rollup import (
    BEYOND_DAILY_UNLESS_NULL,
    BEYOND_DAILY_UNLESS_ZERO,
    COUNTED,
    KEY,
    SHARE_FIELDS,
    figures_apply,
    figures_refresh,
    share_expressions,
)
from sla.rollup_sql import adding_on_conflict, column_of, spans_of
from sla.targets import sla_time_zone

__all__ = ["figures_receive"]


def figures_receive(*, complaint_id: int, received_at: datetime) -> None:
    """A complaint just recorded: its share, inserted straight from its row.

    On PostgreSQL one statement writes the share and adds it to its day's,
    week's and four weeks' figures (a data-modifying WITH:
    ``_receive_statement``; ``received_at`` says which days to offer it);
    on SQLite two (INSERT ... SELECT ... RETURNING, then the upsert). A
    complaint that already has a share (which a receipt should not) falls
    back to the refresh.
    """
    if connection.vendor == "postgresql":
        # Sent now, or with the submission's batch (common.batch): nothing in
        # the receipt reads the figures back before the commit.
        _receive_in_one(complaint_id, received_at)
    else:
        _received(complaint_id, _insert_select_one(complaint_id), daily_written=False)


def _received(complaint_id: int, returned: dict[str, Any] | None, *, daily_written: bool) -> None:
    if returned is None:
        figures_refresh(complaint_id=complaint_id)
        return
    figures_apply(old=None, new=returned, daily_written=daily_written)


# The share of one complaint, compiled once (the expressions do not depend on
# the instant): compiling them took most of the CPU of a submission's figures.
_ONE_SHARE = CompiledQuery(
    lambda complaint_id: (
        Complaint.objects.order_by()
        .filter(pk=complaint_id)
        .annotate(**{f"share_{name}": value for name, value in share_expressions().items()})
        .values_list("pk", *(f"share_{name}" for name in SHARE_FIELDS))
    ),
    Marker("complaint_id", -(2**62)),
)


def _insert_select_one(complaint_id: int) -> dict[str, Any] | None:
    sql, params = _ONE_SHARE.sql(complaint_id=complaint_id)
    with connection.cursor() as cursor:
        cursor.execute(_share_insert(sql), params)
        row = cursor.fetchone()
    return None if row is None else _share_of(row[1:])


def _share_of(row: Sequence[Any]) -> dict[str, Any]:
    # Back to Python values (SQLite returns dates as text).
    return {
        name: ComplaintFigures._meta.get_field(name).to_python(value)  # type: ignore[union-attr]
        for name, value in zip(SHARE_FIELDS, row, strict=True)
    }


@lru_cache(maxsize=4)
def _share_insert(select: str) -> str:
    # INSERT ... SELECT of the share, written once: the SELECT is the same on every call.
    qn = connection.ops.quote_name
    columns = [qn(column_of(ComplaintFigures, name)) for name in ("complaint", *SHARE_FIELDS)]
    return (
        f"INSERT INTO {qn(ComplaintFigures._meta.db_table)} ({', '.join(columns)}) "
        f"{select} ON CONFLICT DO NOTHING RETURNING {', '.join(columns)}"
    )


def _receive_in_one(complaint_id: int, received_at: datetime) -> None:
    """The share and its daily figures in one statement (PostgreSQL).

    The day of receipt is the database's (the share's ``day``); the spans of
    the days around ``received_at`` in the SLA time zone go in as VALUES, so
    the rows written are always those of the day the share says, in the order
    ``figures_apply`` writes them (the same lock order). Its answer is no
    row when the complaint had a share already (the refresh then runs), else
    how many daily rows were written and whether the share needs more than
    them. Only then (a day not among those given, a cause or business seconds
    at receipt) is the share read back for ``figures_apply`` to finish.
    """
    local = timezone.localtime(received_at, sla_time_zone()).date()
    sql, params = _ONE_SHARE.sql(complaint_id=complaint_id)

    def answered(rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            _received(complaint_id, None, daily_written=False)
            return
        [(daily_rows, beyond_daily)] = rows
        if daily_rows and not beyond_daily:
            return  # all written: the usual receipt, nothing read back
        _received(complaint_id, _share_stored(complaint_id), daily_written=daily_rows > 0)

    statement_send(_receive_statement(sql, local), params, then=answered)


def _share_stored(complaint_id: int) -> dict[str, Any]:
    return ComplaintFigures.objects.values(*SHARE_FIELDS).get(pk=complaint_id)


def _spans_around(local: date) -> str:
    """The days around ``local`` and the rows each adds to, as VALUES rows:
    (day, span, start, ordinal), in the order figures_apply writes them.

    Written into the statement, not passed as parameters: dates formatted
    from ``date`` objects (digits and dashes), our own span names and small
    integers, nothing to escape (quoting 36 parameters cost more CPU than the
    rest of the statement's values).
    """
    rows = []
    for day in (local - timedelta(days=1), local, local + timedelta(days=1)):
        for ordinal, (span, start) in enumerate(sorted(spans_of(day))):
            assert isinstance(start, date) and span.isalnum(), (span, start)
            rows.append(
                f"('{day.isoformat()}'::date, '{span}', '{start.isoformat()}'::date, {ordinal})"
            )
    return ", ".join(rows)


@lru_cache(maxsize=4)
def _receive_statement(select: str, local: date) -> str:
    qn = connection.ops.quote_name
    daily = qn(DailyFigures._meta.db_table)
    dimensions = [qn(column_of(ComplaintFigures, name)) for name in KEY[1:]]
    counted = [qn(column_of(ComplaintFigures, name)) for name in COUNTED]
    keys = ("span", *KEY)
    columns = [qn(column_of(DailyFigures, name)) for name in (*keys, "received", *COUNTED)]
    values = _spans_around(local)
    # Two small values, not the share's 26 (loading them cost more CPU than
    # the statement): how many daily rows were written, and whether the share
    # needs more of figures_apply than them (sla.rollup.BEYOND_DAILY_*).
    beyond = " OR ".join(
        [
            *(f"s.{qn(column_of(ComplaintFigures, n))} <> 0" for n in BEYOND_DAILY_UNLESS_ZERO),
            *(
                f"s.{qn(column_of(ComplaintFigures, n))} IS NOT NULL"
                for n in BEYOND_DAILY_UNLESS_NULL
            ),
        ]
    )
    # Our own table and column names and _spans_around's rows; the id a parameter.
    return (
        f"WITH s AS ({_share_insert(select)}), "  # noqa: S608
        f"d AS (INSERT INTO {daily} ({', '.join(columns)}) "
        f"SELECT v.span, v.start, {', '.join(f's.{c}' for c in dimensions)}, 1, "
        f"{', '.join(f's.{c}' for c in counted)} "
        f"FROM s JOIN (VALUES {values}) AS v (day, span, start, ordinal) "
        f"ON v.day = s.{qn(column_of(ComplaintFigures, 'day'))} ORDER BY v.ordinal "
        f"{adding_on_conflict(DailyFigures, keys, ('received', *COUNTED))} RETURNING 1) "
        f"SELECT (SELECT COUNT(*) FROM d), {beyond} FROM s"
    )
