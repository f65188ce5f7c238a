"""Database helpers for the hot paths (issue 15: the public pages and the
submission): an INSERT that tells a clash on a unique index without a
savepoint, querysets compiled to SQL once per process, and psycopg's parse
cache opened to statements of many parameters.

The first two use Django's own compilers, so the SQL is the ORM's for the database in
use (PostgreSQL, SQLite), with its quoting, adapters and converters.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections, models, router
from django.db.models.constants import OnConflict
from django.db.models.expressions import RawSQL
from django.db.models.sql import InsertQuery

from .db_params import insert_fields, insert_params

_psycopg_queries: Any
try:
    from psycopg import _queries as _psycopg_queries
except ImportError:  # SQLite only
    _psycopg_queries = None

# psycopg parses a statement (splits it at its placeholders) once and keeps the
# result, but only for statements of at most 50 parameters and 4 kB: the
# submission's complaint INSERT has 54 parameters and the figures' INSERT ...
# SELECT is 4.4 kB, so both were parsed again on every submission (0.1-0.2 ms
# of CPU each). The cache stays bounded by its size (an LRU of 128 statements).
PSYCOPG_CACHED_STATEMENT_PARAMS = 200
PSYCOPG_CACHED_STATEMENT_LENGTH = 16384
if _psycopg_queries is not None and hasattr(_psycopg_queries, "MAX_CACHED_STATEMENT_PARAMS"):
    _psycopg_queries.MAX_CACHED_STATEMENT_PARAMS = max(
        _psycopg_queries.MAX_CACHED_STATEMENT_PARAMS, PSYCOPG_CACHED_STATEMENT_PARAMS
    )
    _psycopg_queries.MAX_CACHED_STATEMENT_LENGTH = max(
        _psycopg_queries.MAX_CACHED_STATEMENT_LENGTH, PSYCOPG_CACHED_STATEMENT_LENGTH
    )


def insert_new(obj: models.Model) -> None:
    """``INSERT ... RETURNING id`` of one new instance, the statement compiled once.

    What ``Model.objects.create`` writes, for a row written on every
    submission (a history row), without its per-call compiling. No
    ``pre_save`` / ``post_save`` signals are sent.
    """
    _insert(obj, returning=(), on_conflict=None)


def insert_unless_conflict(
    obj: models.Model, *, returning: Sequence[models.Field] = ()
) -> tuple[Any, ...] | None:
    """``INSERT ... ON CONFLICT DO NOTHING RETURNING id`` of one new instance.

    Returns the id and the ``returning`` fields' values (also set on ``obj``,
    which is then saved), or None when a unique index already holds the row's
    key: ``obj`` is not saved, and the caller's transaction is still usable.
    One statement where ``get_or_create`` and a savepoint around an INSERT take
    four, and ``save()`` could not tell the clash without breaking the
    transaction (PostgreSQL aborts it on an IntegrityError). Field values may
    be expressions (a subquery): list them in ``returning`` to read them back.
    No ``pre_save`` / ``post_save`` signals are sent. On SQLite the statement
    is ``INSERT OR IGNORE``, which also skips a row failing a CHECK: when None
    comes back, look for the row holding the key before taking it as a clash.
    """
    return _insert(obj, returning=returning, on_conflict=OnConflict.IGNORE)


def insert_with_child_unless_conflict(
    obj: models.Model,
    child: models.Model,
    *,
    link: str,
    returning: Sequence[models.Field] = (),
) -> tuple[Any, ...] | None:
    """``obj`` as ``insert_unless_conflict`` writes it, and ``child`` pointing at
    it (``child.<link>`` = the new id), in one statement on PostgreSQL.

    A data-modifying CTE: ``WITH parent AS (INSERT ... ON CONFLICT DO NOTHING
    RETURNING ...), child AS (INSERT ... SELECT parent.id, ... FROM parent
    RETURNING id) SELECT ...``. A clash on a unique index writes neither row
    and returns None, the caller's transaction still usable. Otherwise both
    objects are saved (their ids set, ``child.<link>_id`` too) and the
    parent's id and ``returning`` values come back. One round trip where two
    INSERTs take two (issue 15: the submission's complaint and its first
    history row). Elsewhere (SQLite) the two INSERTs, one after the other.
    No ``pre_save`` / ``post_save`` signals are sent.
    """
    using = router.db_for_write(type(obj))
    connection = connections[using]
    link_field = child._meta.get_field(link)
    assert isinstance(link_field, models.ForeignKey) and link_field.related_model is type(obj)
    if connection.vendor != "postgresql":
        returned = insert_unless_conflict(obj, returning=returning)
        if returned is not None:
            setattr(child, link_field.name, obj)  # its id and the object
            insert_new(child)
        return returned
    parent_sql, parent_params, parent_returned = insert_sql(
        obj, returning=returning, on_conflict=OnConflict.IGNORE, using=using
    )
    child_fields = insert_fields(type(child))
    child_sql = _CHILD_INSERTS.get((type(child), link, using))
    if child_sql is None:
        qn = connection.ops.quote_name
        columns = ", ".join(qn(_column(f)) for f in child_fields)
        selected = ", ".join(
            f"parent.{qn(_column(obj._meta.pk))}" if f is link_field else "%s" for f in child_fields
        )
        child_sql = (
            f"INSERT INTO {qn(child._meta.db_table)} ({columns}) "  # noqa: S608 - our models' names
            f"SELECT {selected} FROM parent RETURNING {qn(_column(child._meta.pk))}"
        )
        _CHILD_INSERTS[type(child), link, using] = child_sql
    child_values = [field.pre_save(child, True) for field in child_fields]
    child_params = insert_params(type(child), child_values, connection, leaving_out=link_field)
    statement = (
        f"WITH parent AS ({parent_sql}), child AS ({child_sql}) "  # noqa: S608 - compiled above
        "SELECT parent.*, child.* FROM parent CROSS JOIN child"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*parent_params, *child_params])
        row = cursor.fetchone()
    if row is None:
        return None
    values = row_saved(obj, parent_returned, row[:-1], using)
    setattr(child, link_field.name, obj)  # its id and the object
    row_saved(child, [child._meta.pk], row[-1:], using)
    return values


def _column(field: Any) -> str:
    assert field.column, field
    return str(field.column)


def _insert(
    obj: models.Model, *, returning: Sequence[models.Field], on_conflict: OnConflict | None
) -> tuple[Any, ...] | None:
    using = router.db_for_write(type(obj))
    statement, params, returned = insert_sql(
        obj, returning=returning, on_conflict=on_conflict, using=using
    )
    with connections[using].cursor() as cursor:
        cursor.execute(statement, params)
        row = cursor.fetchone()
    if row is None:
        return None
    return row_saved(obj, returned, row, using)


def insert_sql(
    obj: models.Model,
    *,
    returning: Sequence[models.Field],
    on_conflict: OnConflict | None,
    using: str,
) -> tuple[str, list[Any], list[models.Field]]:
    model = type(obj)
    meta = model._meta
    fields = insert_fields(model)
    connection = connections[using]
    returned = [meta.pk, *returning]
    values = [field.pre_save(obj, True) for field in fields]
    # The statement is the same for every row of a model (RawSQL values put
    # their own SQL in it): compiled once, only the values prepared each time.
    key = (
        model,
        using,
        on_conflict,
        tuple(f.attname for f in returned),
        tuple((i, v.sql) for i, v in enumerate(values) if isinstance(v, RawSQL)),
    )
    statement = _INSERTS.get(key)
    if statement is None or any(
        hasattr(v, "resolve_expression") and not isinstance(v, RawSQL) for v in values
    ):
        query = InsertQuery(model, on_conflict=on_conflict)
        query.insert_values(fields, [obj])
        compiler = query.get_compiler(using=using)
        compiler.returning_fields = returned
        [(statement, compiled_params)] = compiler.as_sql()
        if not any(hasattr(v, "resolve_expression") and not isinstance(v, RawSQL) for v in values):
            _INSERTS[key] = statement
        return statement, list(compiled_params), returned
    return statement, insert_params(model, values, connection), returned


def row_saved(
    obj: models.Model, returned: Sequence[models.Field], row: Sequence[Any], using: str
) -> tuple[Any, ...]:
    values = [field.to_python(value) for field, value in zip(returned, row, strict=True)]
    for field, value in zip(returned, values, strict=True):
        setattr(obj, field.attname, value)
    obj._state.adding = False
    obj._state.db = using
    return tuple(values)


_INSERTS: dict[tuple[Any, ...], str] = {}
_CHILD_INSERTS: dict[tuple[Any, ...], str] = {}


class Marker:
    """A value that varies between runs of a ``CompiledQuery`` (``Marker("number")``).

    ``value`` is what the queryset is built with: it must pass the field's
    checks unchanged (a string for a text field, an int for an id).
    """

    def __init__(self, name: str, value: Any) -> None:
        self.name = name
        self.value = value


class CompiledQuery:
    """A queryset compiled to SQL once per process and database connection, run
    again with new values.

    Django compiles a queryset's SQL on every execution; for a small query
    that costs more CPU than the database spends answering it (0.4 ms of the
    0.5 ms of a one-row ``values_list`` on PostgreSQL). ``build`` makes the
    queryset from the markers' values; its other parameters must be constants
    (no ``now``). ``rows(**values)`` returns tuples, converted as the ORM
    converts them (SQLite's text dates); ``instances(**values)`` model
    instances, for a queryset of whole rows. Values are passed to the
    database as given: strings and ints, as the markers are.
    """

    def __init__(self, build: Callable[..., models.QuerySet], *markers: Marker) -> None:
        self._build = build
        self._markers = markers
        self._local = threading.local()  # connections are per thread

    def _compiled(self, alias: str) -> _Compiled:
        cache: dict[str, tuple[Any, _Compiled]] = self._local.__dict__.setdefault("by_alias", {})
        connection = connections[alias]
        found = cache.get(alias)
        if found is not None and found[0] is connection:
            return found[1]
        queryset = self._build(**{m.name: m.value for m in self._markers})
        compiler = queryset.query.get_compiler(connection=connection)
        statement, params = compiler.as_sql()
        positions = {
            m.name: [i for i, p in enumerate(params) if p == m.value] for m in self._markers
        }
        for name, found_at in positions.items():
            if len(found_at) != 1:
                raise ValueError(f"marker {name!r} found {len(found_at)} times in the parameters")
        if binds_on_client(connection):
            statement, params, positions = _constants_inlined(
                connection, statement, list(params), positions
            )
        compiled = _Compiled(
            statement=statement,
            params=list(params),
            positions=positions,
            compiler=compiler,
            converters=compiler.get_converters([col for col, _, _ in compiler.select]),
            model=queryset.model,
        )
        cache[alias] = (connection, compiled)
        return compiled

    def sql(self, *, using: str = "default", **values: Any) -> tuple[str, list[Any]]:
        """The statement and its parameters with these values (to embed it, as
        in ``INSERT ... SELECT`` or a subquery)."""
        compiled = self._compiled(using)
        params = list(compiled.params)
        for name, value in values.items():
            for index in compiled.positions[name]:
                params[index] = value
        return compiled.statement, params

    def rows(self, *, using: str = "default", **values: Any) -> list[tuple[Any, ...]]:
        compiled = self._compiled(using)
        statement, params = self.sql(using=using, **values)
        with connections[using].cursor() as cursor:
            cursor.execute(statement, params)
            rows = cursor.fetchall()
        if compiled.converters:
            rows = [tuple(r) for r in compiled.compiler.apply_converters(rows, compiled.converters)]
        return rows

    def instances(self, *, using: str = "default", **values: Any) -> list[Any]:
        model = self._compiled(using).model
        names = [f.attname for f in model._meta.concrete_fields]
        return [model.from_db(using, names, row) for row in self.rows(using=using, **values)]


def binds_on_client(connection: Any) -> bool:
    # Django's default on psycopg 3: parameters quoted into the statement by
    # psycopg itself (a ClientCursor), as _constants_inlined does once.
    return connection.vendor == "postgresql" and (
        connection.settings_dict.get("OPTIONS", {}).get("server_side_binding") is not True
    )


_PLACEHOLDER = re.compile(r"%[%s]")


def _constants_inlined(
    connection: Any, statement: str, params: list[Any], positions: dict[str, list[int]]
) -> tuple[str, list[Any], dict[str, list[int]]]:
    """The statement with every parameter but the markers written into it.

    What psycopg's client-side binding does on every execution (quoting each
    value with its dumper: ``ops.compose_sql``), done once: a query's
    constants (the share's CASE values, a status list) cost CPU per parameter
    on every run, 1-2 µs each (issue 15). The markers stay parameters, numbered
    in their order in the new statement.
    """
    marked = {index: name for name, found_at in positions.items() for index in found_at}
    kept: dict[str, list[int]] = {name: [] for name in positions}
    values: list[Any] = []
    seen = 0

    def written(match: re.Match[str]) -> str:
        nonlocal seen
        if match.group() == "%%":
            return "%%"
        index, seen = seen, seen + 1
        name = marked.get(index)
        if name is not None:
            kept[name].append(len(values))
            values.append(params[index])
            return "%s"
        # A literal's own "%" (in a quoted string) escaped for the execution.
        return str(connection.ops.compose_sql("%s", [params[index]])).replace("%", "%%")

    inlined = _PLACEHOLDER.sub(written, statement)
    if seen != len(params):  # not Django's placeholders: keep the parameters
        return statement, params, positions
    return inlined, values, kept


@dataclass(frozen=True)
class _Compiled:
    statement: str
    params: list[Any]
    positions: dict[str, list[int]]
    compiler: Any
    converters: dict[int, Any]
    model: type[models.Model]
