"""The send task's lean publish (notifications/publish.py, issue 15 item 2):
the message a worker receives is the one Celery's apply_async would have
sent, and whatever the lean path does not cover still goes through Celery."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from common import redis_wire
from config.celery import app
from notifications import publish
from notifications.services import SEND_TASK

celery_app: Any = app

# Fields that differ between any two messages: ids, the delivery tag.
_PER_MESSAGE_HEADERS = {"id", "root_id"}
_PER_MESSAGE_PROPERTIES = {"correlation_id", "delivery_tag"}


@pytest.fixture
def own_queue():
    """The send task routed to a queue of its own on the real broker; nothing consumes it."""
    queue = f"publish-test-{uuid.uuid4().hex[:8]}"
    previous = celery_app.conf.task_routes
    celery_app.conf.task_routes = {SEND_TASK: {"queue": queue}}
    celery_app.amqp.flush_routes()
    celery_app.amqp.__dict__.pop("router", None)
    assert not celery_app.conf.task_always_eager, "REDIS_URL must make tasks go through the broker"
    try:
        yield queue
    finally:
        celery_app.conf.task_routes = previous
        celery_app.amqp.flush_routes()
        celery_app.amqp.__dict__.pop("router", None)
        with celery_app.connection_for_write() as connection:
            channel: Any = connection.default_channel
            channel.queue_delete(queue)
        celery_app.amqp.queues.pop(queue, None)


def _messages(queue: str) -> list[dict[str, Any]]:
    """The queue's messages, oldest first, with their bodies decoded."""
    with celery_app.connection_for_write() as connection:
        channel: Any = connection.default_channel
        raw = channel.client.lrange(queue, 0, -1)
    messages = [json.loads(item) for item in reversed(raw)]
    for message in messages:
        message["body"] = json.loads(base64.b64decode(message["body"]))
    return messages


def _without_ids(message: dict[str, Any]) -> dict[str, Any]:
    headers = {k: v for k, v in message["headers"].items() if k not in _PER_MESSAGE_HEADERS}
    properties = {
        k: v for k, v in message["properties"].items() if k not in _PER_MESSAGE_PROPERTIES
    }
    return {**message, "headers": headers, "properties": properties}


@pytest.mark.redis
def test_the_lean_publish_sends_the_message_apply_async_sends(own_queue):
    celery_app.tasks[SEND_TASK].apply_async((41,))
    publish.task_publish(SEND_TASK, (41,))

    by_celery, by_us = _messages(own_queue)
    assert by_us["headers"]["task"] == SEND_TASK
    assert by_us["body"][0] == [41]
    assert by_us["headers"]["id"] != by_celery["headers"]["id"]
    assert by_us["headers"]["root_id"] == by_us["headers"]["id"]
    assert by_us["properties"]["correlation_id"] == by_us["headers"]["id"]
    assert _without_ids(by_us) == _without_ids(by_celery)


@pytest.mark.redis
def test_each_send_carries_its_own_id_and_arguments(own_queue):
    # The message is made from one kept per task: nothing of one send leaks
    # into the next, and a later send is still what apply_async sends.
    publish.task_publish(SEND_TASK, (41,))
    publish.task_publish(SEND_TASK, (1042,))
    celery_app.tasks[SEND_TASK].apply_async((1042,))

    first, second, by_celery = _messages(own_queue)
    assert [m["body"][0] for m in (first, second)] == [[41], [1042]]
    assert [m["headers"]["argsrepr"] for m in (first, second)] == ["(41,)", "(1042,)"]
    assert first["headers"]["id"] != second["headers"]["id"]
    assert second["properties"]["correlation_id"] == second["headers"]["id"]
    assert _without_ids(second) == _without_ids(by_celery)


@pytest.mark.redis
def test_a_connection_the_broker_closed_is_replaced_and_the_message_still_sent(
    own_queue, monkeypatch
):
    publish.task_publish(SEND_TASK, (1,))
    broken = publish._local.publisher

    def closed(*args: Any, **kwargs: Any) -> None:
        raise RedisConnectionError("Connection closed by server.")

    def socket_closed(*args: Any, **kwargs: Any) -> int:
        raise redis_wire.WireError("connection closed by the server")

    monkeypatch.setattr(broken.client, "lpush", closed)
    monkeypatch.setattr(publish.redis_wire, "command_int", socket_closed)
    publish.task_publish(SEND_TASK, (2,))

    assert publish._local.publisher is not broken
    assert [m["body"][0] for m in _messages(own_queue)] == [[1], [2]]


@pytest.mark.redis
def test_the_push_is_written_straight_to_the_socket(own_queue, monkeypatch):
    publish.task_publish(SEND_TASK, (1,))  # the publisher and its socket made
    through_redis_py: list[Any] = []
    monkeypatch.setattr(
        publish._local.publisher.client, "lpush", lambda *a: through_redis_py.append(a)
    )
    publish.task_publish(SEND_TASK, (2,))
    assert through_redis_py == []
    assert [m["body"][0] for m in _messages(own_queue)] == [[1], [2]]


@pytest.mark.redis
def test_a_socket_the_broker_closed_still_delivers_the_message_once(own_queue):
    publish.task_publish(SEND_TASK, (1,))
    publish._local.publisher.client.client_kill_filter(_type="normal", skipme=True)
    publish.task_publish(SEND_TASK, (2,))  # the socket is found closed: redis-py's way
    publish.task_publish(SEND_TASK, (3,))  # a new socket
    assert [m["body"][0] for m in _messages(own_queue)] == [[1], [2], [3]]


@pytest.fixture
def celery_calls(monkeypatch):
    calls: list[tuple[Any, dict[str, Any]]] = []
    task = celery_app.tasks[SEND_TASK]
    monkeypatch.setattr(task, "apply_async", lambda args, **options: calls.append((args, options)))
    return calls


def test_with_tasks_run_in_process_celery_runs_the_task(celery_calls):
    assert celery_app.conf.task_always_eager
    publish.task_publish(SEND_TASK, (5,), retry=True)
    assert celery_calls == [((5,), {"retry": True})]


@pytest.mark.redis
def test_a_send_at_a_later_time_goes_through_celery(own_queue, celery_calls):
    publish.task_publish(SEND_TASK, (6,), countdown=30)
    assert celery_calls == [((6,), {"countdown": 30})]
    assert _messages(own_queue) == []


@pytest.mark.redis
def test_a_change_of_configuration_after_a_send_is_seen_by_the_next(own_queue, celery_calls):
    # The lean path reads Celery's settings once, and again when they change:
    # at run time, or through Django's settings.
    from django.test import override_settings

    changes = celery_app.conf.changes
    # A value set at run time (by another test) would hide Django's setting.
    earlier = {k: changes.pop(k) for k in ("task_always_eager",) if k in changes}
    try:
        publish.task_publish(SEND_TASK, (7,))
        with override_settings(CELERY_TASK_ALWAYS_EAGER=True):
            publish.task_publish(SEND_TASK, (8,))
        publish.task_publish(SEND_TASK, (9,))
        celery_app.conf.task_always_eager = True
        publish.task_publish(SEND_TASK, (10,))
        del changes["task_always_eager"]
        publish.task_publish(SEND_TASK, (11,))
    finally:
        changes.update(earlier)

    assert celery_calls == [((8,), {}), ((10,), {})]
    assert [message["body"][0] for message in _messages(own_queue)] == [[7], [9], [11]]


def test_the_arguments_repr_is_celerys():
    from celery.utils.saferepr import saferepr

    conf = publish._settings(celery_app)
    for args in [(5712,), (1, 2), (), (10**40,), tuple(range(300)), ("a",)]:
        expected = saferepr(args, conf.argsrepr_maxsize, maxlevels=conf.repr_maxlevels)
        assert publish._argsrepr(args, conf) == expected
