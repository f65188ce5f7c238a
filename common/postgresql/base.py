"""Django's PostgreSQL backend, with the BEGIN of a transaction sent in the
same message as the transaction's first statement (issue 15).

psycopg starts a transaction by sending ``BEGIN`` on its own and waiting
for the answer before it sends the statement: a round trip that carries no
work, in every transaction (a submission's five statements took six round
trips before the COMMIT). With Django's default client-side binding each
statement is sent as one simple-query message, which may hold several
statements: ``BEGIN; <statement>`` gives the same transaction, the same
errors and the same results in one round trip. BEGIN's own (empty) result
is dropped, so the cursor holds the statement's results alone.

Everything else is psycopg's: ``executemany``, ``COPY``, ``stream``, named
(server-side) cursors, pipeline mode and server-side binding
(``OPTIONS["server_side_binding"]``) send their BEGIN on their own as
before, and so does a psycopg this module does not recognise
(tests/common/test_postgresql_begin.py pins the behaviour on the wire).

``settings.DATABASES`` names this backend for every PostgreSQL URL
(``ENGINE = "common.postgresql"``); ``connection.vendor`` stays
``"postgresql"``.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.postgresql import base as django_postgresql
from psycopg import pq

__all__ = ["BeginInFirstStatementCursor", "DatabaseWrapper"]

_IDLE = pq.TransactionStatus.IDLE
_TEXT = pq.Format.TEXT
# Django's cursor class (a psycopg ClientCursor), whose private parts the
# stubs do not describe.
_ClientCursor: Any = django_postgresql.Cursor


class BeginInFirstStatementCursor(_ClientCursor):
    """Django's client-side-binding cursor, whose ``execute`` that starts a
    transaction sends the BEGIN with the statement."""

    # The BEGIN to send with the statement being executed, set for the
    # duration of one execute() (under the connection's lock).
    _begin_joined = b""

    def _execute_gen(
        self, query: Any, params: Any = None, *, prepare: Any = None, binary: Any = None
    ) -> Any:
        conn = self._conn
        if (
            _RECOGNISED
            and not conn._autocommit
            and not conn._pipeline
            and conn.pgconn.transaction_status == _IDLE
            and (binary is False or (binary is None and self.format == _TEXT))
        ):
            self._begin_joined = conn._get_tx_start_command()
        try:
            return (yield from super()._execute_gen(query, params, prepare=prepare, binary=binary))
        finally:
            self._begin_joined = b""

    def _start_query(self, query: Any = None) -> Any:
        if not self._begin_joined:
            return (yield from super()._start_query(query))
        # The cursor's own preparation, without the connection's separate
        # BEGIN (psycopg sends none in autocommit mode): _execute_send sends it.
        conn = self._conn
        conn._autocommit = True
        try:
            return (yield from super()._start_query(query))
        finally:
            conn._autocommit = False

    def _execute_send(
        self, query: Any, *, force_extended: bool = False, binary: Any = None
    ) -> None:
        if not self._begin_joined or force_extended:
            super()._execute_send(query, force_extended=force_extended, binary=binary)
            return
        self._query = query
        self._pgconn.send_query(self._begin_joined + b"; " + query.query)

    def _set_results(self, results: list[Any]) -> None:
        if self._begin_joined:
            results = results[1:]  # BEGIN's own result
        super()._set_results(results)


def _recognised() -> bool:
    """psycopg still has the parts this cursor relies on (else: psycopg's own BEGIN)."""
    from psycopg import ClientCursor
    from psycopg._connection_base import BaseConnection

    return all(
        hasattr(BaseConnection, name) for name in ("_get_tx_start_command", "_start_query")
    ) and all(
        hasattr(ClientCursor, name)
        for name in ("_execute_gen", "_start_query", "_execute_send", "_set_results")
    )


_RECOGNISED = _recognised()


class DatabaseWrapper(django_postgresql.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        params: dict[str, Any] = super().get_connection_params()
        if params.get("cursor_factory") is django_postgresql.Cursor:
            params["cursor_factory"] = BeginInFirstStatementCursor
        return params
