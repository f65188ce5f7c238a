"""Statements whose answers can wait (common.batch): on PostgreSQL with
client-side binding those sent in a batch reach the database in one message
at its end, each answer going to its own ``then`` in order; elsewhere, and
outside a batch, each runs at once. A batch left by an exception sends
nothing; an answer that raises fails the block."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.batch import statement_send, statements_batched, statements_flush
from common.db import binds_on_client

pytestmark = pytest.mark.django_db

ONE_MESSAGE = binds_on_client(connection)

# A literal percent sign and a quote beside the parameters: each statement
# keeps its own placeholders when they are joined.
STATEMENTS: list[tuple[str, list[Any]]] = [
    ("SELECT %s, '50%%'", [1]),
    ("SELECT 2 WHERE 1 = %s", [0]),  # no rows
    ("SELECT %s UNION ALL SELECT %s", ["O'Brien", "Işık"]),
]
ANSWERS = [[(1, "50%")], [], [("O'Brien",), ("Işık",)]]


def _send_all(answers: list) -> None:
    for sql, params in STATEMENTS:
        statement_send(sql, params, then=answers.append)


def test_a_batch_sends_its_statements_in_one_message_at_its_end():
    answers: list = []
    with CaptureQueriesContext(connection) as captured, statements_batched():
        _send_all(answers)
        if ONE_MESSAGE:
            assert answers == []  # nothing sent yet
    assert answers == ANSWERS
    assert len(captured.captured_queries) == (1 if ONE_MESSAGE else len(STATEMENTS))


def test_outside_a_batch_each_statement_runs_at_once():
    answers: list = []
    with CaptureQueriesContext(connection) as captured:
        statement_send(*STATEMENTS[0], then=answers.append)
        assert answers == ANSWERS[:1]
    assert len(captured.captured_queries) == 1


def test_a_flush_sends_what_was_kept_and_the_batch_goes_on():
    answers: list = []
    with statements_batched():
        statement_send(*STATEMENTS[0], then=answers.append)
        statements_flush()
        assert answers == ANSWERS[:1]
        statement_send(*STATEMENTS[2], then=answers.append)
        if ONE_MESSAGE:
            assert answers == ANSWERS[:1]
    assert answers == [ANSWERS[0], ANSWERS[2]]


def test_a_batch_left_by_an_exception_sends_nothing():
    answers: list = []
    with (
        CaptureQueriesContext(connection) as captured,
        pytest.raises(RuntimeError),
        statements_batched(),
    ):
        statement_send(*STATEMENTS[0], then=answers.append)
        raise RuntimeError("the caller's own failure")
    if ONE_MESSAGE:
        assert answers == [] and captured.captured_queries == []
    # And no batch is left open: the next statement runs at once.
    statement_send(*STATEMENTS[0], then=answers.append)
    assert answers[-1] == ANSWERS[0]


def test_an_answer_that_raises_fails_the_block_after_the_earlier_answers():
    answers: list = []

    def refuse(rows: list) -> None:
        raise LookupError("taken")

    with pytest.raises(LookupError), statements_batched():
        statement_send(*STATEMENTS[0], then=answers.append)
        statement_send(*STATEMENTS[1], then=refuse)
        statement_send(*STATEMENTS[2], then=answers.append)
    assert answers == ANSWERS[:1]


def test_a_nested_batch_is_sent_by_the_outer_one():
    answers: list = []
    with statements_batched():
        with statements_batched():
            statement_send(*STATEMENTS[0], then=answers.append)
        if ONE_MESSAGE:
            assert answers == []
    assert answers == ANSWERS[:1]


def test_a_statement_without_a_result_set_answers_no_rows():
    answers: list = []
    with statements_batched():
        statement_send(
            "UPDATE complaints_customer SET name = name WHERE 1 = %s", [0], then=answers.append
        )
        statement_send(*STATEMENTS[0], then=answers.append)
    assert answers == [[], ANSWERS[0]]
