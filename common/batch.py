"""Statements whose answers can wait, sent to the database together (issue 15).

Inside ``statements_batched()``, ``statement_send(sql, params, then=...)``
keeps the statement; at the end of the block (or at ``statements_flush()``)
the kept statements go to PostgreSQL in one round trip, one simple-query
message of several statements, and each ``then(rows)`` is called with its
statement's rows, in order. Outside a batch, on SQLite, or with server-side
binding (where one message holds one statement) each statement runs at once
and its ``then`` straight after: the same rows, the same order, one round
trip each.

For the writes of one change that nothing reads back before the commit: the
submission's outbox row, its share of the figures and its idempotency keys
(three round trips of ~50 µs of the web process's CPU each became one). A
``then`` may raise (the transaction then rolls back, as the caller's
``atomic`` decides) or run further statements, which run at once. A batch
left by an exception sends nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connections, models, router
from django.db.models.constants import OnConflict

from .db import binds_on_client, insert_sql, row_saved

Rows = list[tuple[Any, ...]]
Then = Callable[[Rows], object]

_open = threading.local()  # alias -> the kept statements of the batch open on it


def statement_send(sql: str, params: Sequence[Any], *, then: Then, using: str = "default") -> None:
    """Run ``sql`` with ``params`` now, or at the end of the open batch; then ``then(rows)``.

    ``sql`` uses Django's ``%s`` placeholders and returns rows (``RETURNING``),
    or none.
    """
    kept: list[tuple[str, Sequence[Any], Then]] | None = _open.__dict__.get(using)
    if kept is None:
        then(_run([(sql, params)], using)[0])
    else:
        kept.append((sql, params, then))


def insert_unless_conflict_send(
    obj: models.Model, *, then: Callable[[tuple[Any, ...] | None], object]
) -> None:
    """``common.db.insert_unless_conflict`` of ``obj``, sent now or with the open batch.

    ``then`` gets what that returns: the new id (also set on ``obj``, then
    saved), or None when a unique index already holds the row's key.
    """
    using = router.db_for_write(type(obj))
    sql, params, returned = insert_sql(
        obj, returning=(), on_conflict=OnConflict.IGNORE, using=using
    )

    def answered(rows: Rows) -> None:
        then(row_saved(obj, returned, rows[0], using) if rows else None)

    statement_send(sql, params, then=answered, using=using)


@contextmanager
def statements_batched(using: str = "default") -> Iterator[None]:
    """Keep the statements sent in the block, and send them together at its end."""
    connection = connections[using]
    if using in _open.__dict__ or not binds_on_client(connection):
        yield  # nested in a batch (the outer one sends), or one statement per message
        return
    _open.__dict__[using] = []
    try:
        yield
    except BaseException:
        _open.__dict__.pop(using, None)
        raise
    statements_flush(using, closing=True)


def statements_flush(using: str = "default", *, closing: bool = False) -> None:
    """Send the open batch's statements now (before work that reads what they write)."""
    kept = _open.__dict__.get(using)
    if kept is None:
        return
    if closing:
        del _open.__dict__[using]
    else:
        _open.__dict__[using] = []
    if not kept:
        return
    answers = _run([(sql, params) for sql, params, _then in kept], using)
    for (_sql, _params, then), rows in zip(kept, answers, strict=True):
        then(rows)


def _run(statements: Sequence[tuple[str, Sequence[Any]]], using: str) -> list[Rows]:
    sql = "; ".join(statement for statement, _params in statements)
    params = [value for _statement, values in statements for value in values]
    answers: list[Rows] = []
    connection = connections[using]
    # psycopg's rownumber is None without rows to fetch: cheaper than its
    # description, which makes an object per column on every read.
    has_rows = "rownumber" if connection.vendor == "postgresql" else "description"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for index in range(len(statements)):
            if index:
                cursor.nextset()
            answers.append(cursor.fetchall() if getattr(cursor, has_rows) is not None else [])
    return answers
