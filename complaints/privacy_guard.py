"""The history cannot be rewritten: database triggers refuse UPDATE and DELETE
on the history table (``complaints_complaintevent``) and DELETE on complaints,
whoever asks (the ORM, a shell, a script), on PostgreSQL and on SQLite.

There is one way through, and it is audited: ``history_unlocked()``, used by
the anonymisation of complaints (complaints.retention), lets UPDATE through for
the rest of the current transaction only, and that transaction also writes the
history row saying what was anonymised and why. Nothing lets a history row or a
complaint be deleted; only the test suite's flush, which empties every table
between transactional tests, lifts that (tests/conftest.py).

How the flag reaches the trigger:

- PostgreSQL: a transaction-local setting (``set_config(..., true)``, i.e.
  ``SET LOCAL``), read with ``current_setting(name, true)``; it ends with the
  transaction, commit or rollback, and no other session ever sees it.
  ``TRUNCATE`` fires no row trigger, so a statement trigger refuses it too.
- SQLite: no session variables, so a one-row control table
  (``complaints_history_guard``) that the anonymiser writes inside its
  transaction. A rollback undoes the write; SQLite has one writer at a time, so
  no other connection can write while the flag is set.

SQLite drops a table's triggers when a migration rebuilds the table (how it
alters columns and constraints), so the triggers are installed again after
every ``migrate`` (complaints.apps, post_migrate); a test checks they are there.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.transaction import TransactionManagementError

HISTORY_TABLE = "complaints_complaintevent"
COMPLAINT_TABLE = "complaints_complaint"
# PostgreSQL: transaction-local settings read by the trigger function.
ANONYMISING_SETTING = "app.history_anonymising"
WIPING_SETTING = "app.history_wiping"
# SQLite: the control row.
GUARD_TABLE = "complaints_history_guard"

_REFUSED = "refused: the history is append-only and complaints are kept (complaints.privacy_guard)"

_POSTGRESQL_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION complaints_history_guard() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE'
           AND coalesce(current_setting('{ANONYMISING_SETTING}', true), '') = 'on' THEN
            RETURN NEW;
        END IF;
        IF TG_OP IN ('DELETE', 'TRUNCATE')
           AND coalesce(current_setting('{WIPING_SETTING}', true), '') = 'on' THEN
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NULL;
        END IF;
        RAISE EXCEPTION '% on % {_REFUSED}', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'restrict_violation';
    END
    $$
    """,
    f"DROP TRIGGER IF EXISTS complaints_history_append_only ON {HISTORY_TABLE}",
    f"""CREATE TRIGGER complaints_history_append_only BEFORE UPDATE OR DELETE ON {HISTORY_TABLE}
        FOR EACH ROW EXECUTE FUNCTION complaints_history_guard()""",
    f"DROP TRIGGER IF EXISTS complaints_history_no_truncate ON {HISTORY_TABLE}",
    f"""CREATE TRIGGER complaints_history_no_truncate BEFORE TRUNCATE ON {HISTORY_TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION complaints_history_guard()""",
    f"DROP TRIGGER IF EXISTS complaints_complaint_kept ON {COMPLAINT_TABLE}",
    f"""CREATE TRIGGER complaints_complaint_kept BEFORE DELETE ON {COMPLAINT_TABLE}
        FOR EACH ROW EXECUTE FUNCTION complaints_history_guard()""",
    f"DROP TRIGGER IF EXISTS complaints_complaint_no_truncate ON {COMPLAINT_TABLE}",
    f"""CREATE TRIGGER complaints_complaint_no_truncate BEFORE TRUNCATE ON {COMPLAINT_TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION complaints_history_guard()""",
]
_POSTGRESQL_UNINSTALL = [
    f"DROP TRIGGER IF EXISTS complaints_history_append_only ON {HISTORY_TABLE}",
    f"DROP TRIGGER IF EXISTS complaints_history_no_truncate ON {HISTORY_TABLE}",
    f"DROP TRIGGER IF EXISTS complaints_complaint_kept ON {COMPLAINT_TABLE}",
    f"DROP TRIGGER IF EXISTS complaints_complaint_no_truncate ON {COMPLAINT_TABLE}",
    "DROP FUNCTION IF EXISTS complaints_history_guard()",
]


def _sqlite_refusal(name: str, event: str, table: str, flag: str) -> str:
    # Fixed names of this module only, never input.
    return f"""CREATE TRIGGER IF NOT EXISTS {name} BEFORE {event} ON {table}
        WHEN coalesce((SELECT {flag} FROM {GUARD_TABLE} WHERE id = 1), 0) = 0
        BEGIN SELECT RAISE(ABORT, '{event} on {table} {_REFUSED}'); END"""  # noqa: S608


_SQLITE_INSTALL = [
    f"""CREATE TABLE IF NOT EXISTS {GUARD_TABLE} (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        anonymising INTEGER NOT NULL DEFAULT 0,
        wiping INTEGER NOT NULL DEFAULT 0
    )""",
    f"INSERT OR IGNORE INTO {GUARD_TABLE} (id) VALUES (1)",  # noqa: S608 - a fixed name
    _sqlite_refusal("complaints_history_no_update", "UPDATE", HISTORY_TABLE, "anonymising"),
    _sqlite_refusal("complaints_history_no_delete", "DELETE", HISTORY_TABLE, "wiping"),
    _sqlite_refusal("complaints_complaint_kept", "DELETE", COMPLAINT_TABLE, "wiping"),
]
_SQLITE_UNINSTALL = [
    "DROP TRIGGER IF EXISTS complaints_history_no_update",
    "DROP TRIGGER IF EXISTS complaints_history_no_delete",
    "DROP TRIGGER IF EXISTS complaints_complaint_kept",
    f"DROP TABLE IF EXISTS {GUARD_TABLE}",
]

_INSTALL = {"postgresql": _POSTGRESQL_INSTALL, "sqlite": _SQLITE_INSTALL}
_UNINSTALL = {"postgresql": _POSTGRESQL_UNINSTALL, "sqlite": _SQLITE_UNINSTALL}
# The triggers each vendor must have, for the check after migrate and its test.
TRIGGERS = {
    "postgresql": (
        "complaints_history_append_only",
        "complaints_history_no_truncate",
        "complaints_complaint_kept",
        "complaints_complaint_no_truncate",
    ),
    "sqlite": (
        "complaints_history_no_update",
        "complaints_history_no_delete",
        "complaints_complaint_kept",
    ),
}


def history_guard_install(connection: Any) -> None:
    """Create the triggers (and SQLite's control row) if missing; idempotent."""
    with connection.cursor() as cursor:
        for statement in _INSTALL.get(connection.vendor, ()):
            cursor.execute(statement)


def history_guard_uninstall(connection: Any) -> None:
    with connection.cursor() as cursor:
        for statement in _UNINSTALL.get(connection.vendor, ()):
            cursor.execute(statement)


def history_guard_triggers(connection: Any) -> set[str]:
    """The guard's triggers present in the database."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger "
                "WHERE NOT tgisinternal AND tgname LIKE 'complaints_%%'"
            )
        elif connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'complaints_%'"
            )
        else:
            return set()
        return {row[0] for row in cursor.fetchall()}


def _flag(connection: Any, *, setting: str, column: str, on: bool) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config(%s, %s, true)", [setting, "on" if on else "off"])
        elif connection.vendor == "sqlite":
            cursor.execute(f"UPDATE {GUARD_TABLE} SET {column} = %s WHERE id = 1", [int(on)])  # noqa: S608 - fixed names


@contextmanager
def history_unlocked(*, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Let UPDATE of history rows through, until the block ends (inside a transaction).

    Only the anonymisation of complaints uses it, and it writes the history row
    that records the anonymisation in the same transaction. If the block
    raises, the transaction's rollback takes the flag back with it.
    """
    connection = connections[using]
    if not connection.in_atomic_block:
        raise TransactionManagementError("history_unlocked() must run inside a transaction")
    _flag(connection, setting=ANONYMISING_SETTING, column="anonymising", on=True)
    yield
    _flag(connection, setting=ANONYMISING_SETTING, column="anonymising", on=False)


def history_wipe_allowed(connection: Any, *, on: bool) -> None:
    """For the test suite's flush only (tests/conftest.py): let DELETE and
    TRUNCATE through until the flag is put back, in the current transaction."""
    if not connection.in_atomic_block:
        raise TransactionManagementError("history_wipe_allowed() must run inside a transaction")
    _flag(connection, setting=WIPING_SETTING, column="wiping", on=on)
