"""A transaction's BEGIN goes to PostgreSQL in its first statement's message
(common/postgresql/base.py): one round trip fewer per transaction, with the
same results, the same errors and the same rollback. Read on the wire, in
libpq's own trace of the messages the client sends."""

from __future__ import annotations

import re

import pytest
from django.db import IntegrityError, connection, transaction
from psycopg import IsolationLevel

from common.batch import statement_send, statements_batched
from complaints.models import Customer
from tests.wire import sent

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

INSERT = "INSERT INTO complaints_customer (name, email, phone, language, created_at) VALUES "


def _rows(sql: str, params: list | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def test_the_first_statement_of_a_transaction_carries_its_begin():
    with sent() as messages, transaction.atomic():
        assert _rows("SELECT %s", [1]) == [(1,)]
        assert _rows("SELECT 2") == [(2,)]
    assert messages == ["BEGIN; SELECT 1", "SELECT 2", "COMMIT"]


def test_statements_outside_a_transaction_go_as_they_are():
    with sent() as messages:
        assert _rows("SELECT 3") == [(3,)]
    assert messages == ["SELECT 3"]


def test_a_transaction_without_statements_sends_nothing():
    with sent() as messages, transaction.atomic():
        pass
    assert messages == []


def test_the_cursor_holds_the_statements_results_alone():
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(INSERT + "('A', '', '', 'tr', now()), ('B', '', '', 'tr', now())")
        assert cursor.rowcount == 2
        assert cursor.description is None
    assert Customer.objects.filter(name__in=["A", "B"]).count() == 2


def test_what_the_orm_writes_in_the_transaction_is_committed_once():
    with sent() as messages, transaction.atomic():
        customer = Customer.objects.create(name="Ayşe", language="tr")
    assert Customer.objects.get(pk=customer.pk).name == "Ayşe"
    assert messages[0].startswith("BEGIN; INSERT INTO ")
    assert messages[1:] == ["COMMIT"]


def test_a_failing_first_statement_raises_and_rolls_the_transaction_back():
    Customer.objects.create(name="first", language="tr")
    taken = Customer.objects.get(name="first").pk
    with sent() as messages, pytest.raises(IntegrityError), transaction.atomic():
        Customer.objects.create(pk=taken, name="second", language="tr")
    assert messages[0].startswith("BEGIN; INSERT INTO ")
    assert messages[-1] == "ROLLBACK"
    assert list(Customer.objects.values_list("name", flat=True)) == ["first"]
    # The connection goes on: the next transaction begins as usual.
    with sent() as messages, transaction.atomic():
        Customer.objects.create(name="third", language="tr")
    assert messages[0].startswith("BEGIN; INSERT INTO ")
    assert Customer.objects.count() == 2


def test_a_rolled_back_transaction_leaves_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        Customer.objects.create(name="gone", language="tr")
        raise RuntimeError("the caller's own failure")
    assert not Customer.objects.exists()


def test_a_savepoint_as_the_first_statement_carries_the_begin():
    with sent() as messages, transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            Customer.objects.create(name="inner", language="tr")
            raise RuntimeError("roll the savepoint back")
        Customer.objects.create(name="outer", language="tr")
    assert re.fullmatch(r"BEGIN; SAVEPOINT \S+", messages[0]), messages[0]
    assert messages[-1] == "COMMIT"
    assert list(Customer.objects.values_list("name", flat=True)) == ["outer"]


def test_a_batch_of_statements_as_the_first_keeps_each_answer_in_its_place():
    answers: list = []
    with sent() as messages, transaction.atomic(), statements_batched():
        statement_send("SELECT %s", [1], then=answers.append)
        statement_send("SELECT 2 WHERE false", [], then=answers.append)
        statement_send("SELECT %s", ["üç"], then=answers.append)
    assert answers == [[(1,)], [], [("üç",)]]
    assert messages == ["BEGIN; SELECT 1; SELECT 2 WHERE false; SELECT 'üç'", "COMMIT"]


def test_the_isolation_level_asked_for_is_the_one_begun():
    connection.ensure_connection()
    pg = connection.connection
    pg.isolation_level = IsolationLevel.SERIALIZABLE
    try:
        with sent() as messages, transaction.atomic():
            assert _rows("SHOW transaction_isolation") == [("serializable",)]
    finally:
        pg.isolation_level = None
    assert messages[0] == "BEGIN ISOLATION LEVEL SERIALIZABLE; SHOW transaction_isolation"


def test_executemany_and_named_cursors_begin_as_psycopg_does():
    with sent() as messages, transaction.atomic():
        with connection.cursor() as cursor:
            cursor.executemany(
                INSERT + "(%s, '', '', 'tr', now())",
                [("x",), ("y",)],
            )
        names = sorted(Customer.objects.values_list("name", flat=True).iterator(chunk_size=10))
        assert names == ["x", "y"]
    assert messages[0] == "BEGIN"
    with sent() as messages, transaction.atomic():
        assert sorted(Customer.objects.values_list("name", flat=True).iterator()) == ["x", "y"]
    assert messages[0] == "BEGIN"  # the named cursor's DECLARE goes after it
    with pytest.raises(RuntimeError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.executemany(
                INSERT + "(%s, '', '', 'tr', now())",
                [("z",)],
            )
        raise RuntimeError("roll back")
    assert not Customer.objects.filter(name="z").exists()
