"""The daily figures' two SQL writers (sla.rollup, sla.histograms).

``upsert_adding``: INSERT ... VALUES (...), (...) ON CONFLICT DO UPDATE SET
n = n + excluded.n, so that concurrent transactions add up instead of
overwriting each other; ``insert_select``: INSERT ... SELECT of a Django
queryset or of plain SQL, for the set-based rebuild. Both in the SQL of the
database in use (PostgreSQL, SQLite).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from django.db import connection, models

__all__ = [
    "BLOCK_DAYS",
    "BLOCK_EPOCH",
    "adding_on_conflict",
    "block_of",
    "blocks_fill",
    "column_of",
    "insert_select",
    "spans_of",
    "upsert_adding",
]


def column_of(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return str(field.column)


def upsert_adding(
    model: type[models.Model],
    key: Sequence[str],
    counts: Sequence[str],
    rows: Sequence[tuple[tuple[Any, ...], list[int]]],
) -> None:
    rows = [(k, c) for k, c in rows if any(c)]
    if not rows:
        return
    sql = _upsert_statement(model, tuple(key), tuple(counts), len(rows))
    params: list[Any] = []
    for key_values, count_values in rows:
        params.extend(
            connection.ops.adapt_datefield_value(v) if isinstance(v, date) else v
            for v in key_values
        )
        params.extend(count_values)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@lru_cache(maxsize=64)
def _upsert_statement(
    model: type[models.Model], key: tuple[str, ...], counts: tuple[str, ...], rows: int
) -> str:
    # The same few statements on every event (a row or two of each table):
    # written once per shape.
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    key_columns = [qn(column_of(model, name)) for name in key]
    count_columns = [qn(column_of(model, name)) for name in counts]
    width = len(key_columns) + len(count_columns)
    values = ", ".join(["(" + ", ".join(["%s"] * width) + ")"] * rows)
    # Names from our own models' metadata, values as parameters.
    return (
        f"INSERT INTO {table} ({', '.join(key_columns + count_columns)}) VALUES {values} "  # noqa: S608
        + adding_on_conflict(model, key, counts)
    )


def adding_on_conflict(
    model: type[models.Model], key: tuple[str, ...], counts: tuple[str, ...]
) -> str:
    """The upsert's tail: a row already there gets the new counts added to its
    own (``upsert_adding``, and sla.rollup_receipt's statement; both cache
    the statement they build)."""
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    count_columns = [qn(column_of(model, name)) for name in counts]
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in count_columns)
    key_columns = ", ".join(qn(column_of(model, name)) for name in key)
    return f"ON CONFLICT ({key_columns}) DO UPDATE SET {updates}"


def insert_select(model: type[models.Model], fields: Sequence[str], select: Any) -> None:
    """INSERT INTO model (fields) SELECT ...; ``select`` a queryset or (sql, params)."""
    # A queryset's SELECT is Django's, compiled for this database; its columns
    # come in the order of ``fields`` (values()'s order, then the later annotations).
    qn = connection.ops.quote_name
    columns = ", ".join(qn(column_of(model, name)) for name in fields)
    sql, params = select if isinstance(select, tuple) else select.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {qn(model._meta.db_table)} ({columns}) {sql}", params)


# Four-week blocks start on this Monday and every 28 days before and after it.
BLOCK_EPOCH = date(2001, 1, 1)
BLOCK_DAYS = 28


def block_of(day: date) -> date:
    """The first day of the four-week block holding ``day`` (a Monday)."""
    return day - timedelta(days=(day - BLOCK_EPOCH).days % BLOCK_DAYS)


def spans_of(day: date) -> tuple[tuple[str, date], ...]:
    """The rows a day of receipt adds to: its own, its week's (from the Monday)
    and its four-week block's."""
    from sla.models import Span

    return (
        (Span.DAY.value, day),
        (Span.WEEK.value, day - timedelta(days=day.weekday())),
        (Span.FOUR_WEEKS.value, block_of(day)),
    )


def blocks_fill(model: type[models.Model], key: Sequence[str], counts: Sequence[str]) -> None:
    """Add the four-week rows of ``model`` from its (freshly rebuilt) week rows.

    ``key`` is the model's unique key, "span" and "day" included, in its
    order. The block of each week is computed here (``block_of``) and given to
    the database as a CASE over the weeks present, so that the rule has one
    rendering; one INSERT ... SELECT reads the week rows once, and writes in
    the key's order (a period's rows are then neighbours on disk).
    """
    from sla.models import Span

    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    span, day = qn(column_of(model, "span")), qn(column_of(model, "day"))
    weeks = sorted(
        model._default_manager.filter(span=Span.WEEK)
        .values_list("day", flat=True)
        .distinct()
        .order_by()
    )
    if not weeks:
        return
    adapt = connection.ops.adapt_datefield_value
    cases = " ".join(["WHEN %s THEN %s"] * len(weeks))
    case_params: list[Any] = []
    for week in weeks:
        case_params.extend([adapt(week), adapt(block_of(week))])
    others = [qn(column_of(model, name)) for name in key if name not in ("span", "day")]
    summed = [qn(column_of(model, name)) for name in counts]
    ordered = ", ".join(
        "b.block" if name == "day" else qn(column_of(model, name)) for name in key if name != "span"
    )
    # Our own table and column names; the days as parameters.
    sql = (
        f"INSERT INTO {table} ({', '.join([span, day, *others, *summed])}) "  # noqa: S608
        f"SELECT %s, b.block, {', '.join(others)}, "
        f"{', '.join(f'SUM({c})' for c in summed)} "
        f"FROM (SELECT CASE {day} {cases} END AS block, {', '.join([*others, *summed])} "
        f"FROM {table} WHERE {span} = %s) b "
        f"GROUP BY b.block, {', '.join(others)} ORDER BY {ordered}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [Span.FOUR_WEEKS.value, *case_params, Span.WEEK.value])
