"""Hand the send task to a Redis broker in one round trip, from a publisher kept
per process (issue 15, item 2: the submission's CPU).

Celery's ``apply_async`` costs about 0.6 ms of CPU per call in the web process:
routing, the producer pool, its retry wrapper, signals, and kombu's Redis
transport building a new ``redis.Redis`` (with its 170 response callbacks)
for every message. Here Celery still builds the message
(``app.amqp.create_task_message``: the same protocol, headers and body a
worker expects), once per task and process, and each send replaces what
Celery's as_task_v2 makes per message (the id, the arguments and their repr);
kombu's channel still prepares its envelope, as ``Producer.publish`` does;
only the ``LPUSH`` goes through one client kept per process and broker URL.
About a third of the CPU. The route is the router's, asked once per task
(routing is by task name here: ``task_routes``). The ``LPUSH`` itself
is written straight to a socket kept per thread (common/redis_wire.py), and
goes through that client when it cannot be.

Anything this path does not cover goes through ``apply_async`` unchanged:
tasks run eagerly (``make run``, the tests), a broker other than Redis, a
countdown, a task with time limits, an expiry or a priority, a queue that is
not on a direct exchange or has a message TTL. A failure raises as ``apply_async``
would, after one immediate retry on a new connection; the caller
(``services.notification_enqueue``) logs it and the re-queue sweep sends later.
"""

from __future__ import annotations

import contextlib
import os
import threading
from typing import Any

from celery._state import get_current_app
from celery.utils import uuid as task_uuid
from celery.utils.saferepr import saferepr
from kombu.serialization import dumps as body_dumps
from kombu.utils.json import dumps as envelope_dumps
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from common import redis_wire

_REDIS_SCHEMES = ("redis://", "rediss://")


class _Publisher:
    """One broker URL's channel and client, reused by every message of the process."""

    def __init__(self, app: Any, url: str) -> None:
        self.url = url
        self.connection = app.connection_for_write(url)
        self.channel = self.connection.default_channel
        self.client = self.channel.Client(connection_pool=self.channel.pool)
        # Per task name: its queue (routing is settled at start-up) and
        # Celery's message for it, the fields that vary replaced per message.
        self.router: Any = None
        self.routes: dict[str, Any] = {}
        self.templates: dict[tuple[str, int], Any] = {}

    def push(self, queue: str, message: dict[str, Any]) -> None:
        channel = self.channel
        # What kombu's Channel.basic_publish and _put do for the anonymous
        # exchange (the queue is the routing key), on the kept client.
        channel._inplace_augment_message(message, "", queue)
        priority = channel._get_message_priority(message, reverse=False)
        key, body = channel._q_for_pri(queue, priority), envelope_dumps(message)
        try:
            # Straight to a socket kept per thread (common/redis_wire.py)...
            redis_wire.command_int(self.client.connection_pool, b"LPUSH", key, body)
        except redis_wire.WireError:
            # ... else redis-py's way, which raises what the broker answered.
            # A reply lost after the push may queue the task twice: it is
            # safe to run twice (the outbox row is claimed once).
            self.client.lpush(key, body)

    def close(self) -> None:
        self.connection.release()


_local = threading.local()


class _Settings:
    """What a send reads of Celery's configuration, read again only when it changes.

    Celery's look-up of one setting tries several spellings of the key in
    three maps (the changes made at run time, Django's settings, the
    defaults), the broker URLs the environment too: about 20 µs each, five a
    send (a third of its CPU). Read again when the configuration may have
    changed: a change at run time (``app.conf.x = ...``, which lands in the
    first map, a plain dict) or Django's settings replaced
    (``override_settings``). The environment is read with them: it is the
    process's, set before it starts.
    """

    def __init__(self, app: Any) -> None:
        conf = app.conf
        self.app, self.changes = app, dict(conf.changes)
        self.django = _django_settings()
        self.url: str = conf.broker_write_url or conf.broker_url or ""
        self.eager: bool = bool(conf.task_always_eager)
        self.serializer: str = conf.task_serializer
        self.repr_maxlevels: int = conf.task_repr_maxlevels
        self.argsrepr_maxsize: int = app.amqp.argsrepr_maxsize

    def current(self, app: Any) -> bool:
        return (
            app is self.app
            and _django_settings() is self.django
            and app.conf.changes == self.changes
        )


def _django_settings() -> Any:
    from django.conf import settings

    # The object behind the lazy settings: override_settings swaps it.
    return vars(settings)["_wrapped"]


def _settings(app: Any) -> _Settings:
    kept: _Settings | None = getattr(_local, "settings", None)
    if kept is None or not kept.current(app):
        kept = _local.settings = _Settings(app)
    return kept


def _publisher(app: Any) -> _Publisher | None:
    conf = _settings(app)
    url = conf.url
    if conf.eager or not url.startswith(_REDIS_SCHEMES):
        return None
    # Per thread: a kombu channel is not thread-safe (gunicorn's threaded workers).
    publisher: _Publisher | None = getattr(_local, "publisher", None)
    if publisher is None or publisher.url != url:
        if publisher is not None:
            publisher.close()
        publisher = _local.publisher = _Publisher(app, url)
    return publisher


def _forget() -> None:
    publisher = getattr(_local, "publisher", None)
    _local.publisher = None
    if publisher is not None:
        with contextlib.suppress(Exception):  # a broken connection, dropped either way
            publisher.close()


def task_publish(name: str, args: tuple[Any, ...], **options: Any) -> None:
    """Enqueue task ``name`` with ``args``, as ``apply_async(args, **options)`` would."""
    app: Any = get_current_app()
    task = app.tasks[name]
    plain = options.get("countdown") is None and _plain(task)
    publisher = _publisher(app) if plain else None
    queue = _queue(app, publisher, name) if publisher is not None else None
    if (
        publisher is None
        or queue is None
        or queue.exchange.type != "direct"
        or queue.name in (publisher.channel._expires or {})
    ):
        task.apply_async(args, **options)
        return
    message = _message(app, publisher, task, args, queue)
    try:
        publisher.push(queue.name, message)
    except (RedisConnectionError, RedisTimeoutError, OSError):
        # A connection the broker closed (a restart): once more on a new one.
        _forget()
        publisher = _publisher(app)
        assert publisher is not None
        publisher.push(queue.name, _message(app, publisher, task, args, queue))


def _plain(task: Any) -> bool:
    # Options apply_async would copy from the task into the message: none here.
    return not any(
        getattr(task, option, None)
        for option in ("time_limit", "soft_time_limit", "expires", "priority")
    )


def _queue(app: Any, publisher: _Publisher, name: str) -> Any:
    # The router's answer for a task sent with no options (none are passed),
    # kept while the app keeps that router (a change of task_routes makes another).
    router = app.amqp.router
    if publisher.router is not router:
        publisher.router, publisher.routes = router, {}
    if name not in publisher.routes:
        publisher.routes[name] = router.route({}, name, (), {}).get("queue")
    return publisher.routes[name]


# Placeholders in the template message: replaced by each message's own.
_TEMPLATE_ID = "00000000-0000-0000-0000-000000000000"


def _message(app: Any, publisher: _Publisher, task: Any, args: tuple[Any, ...], queue: Any) -> Any:
    name, conf = task.name, _settings(app)
    # Celery's own message for this task, made once per process (its origin
    # names the process); only the id and the arguments differ between two
    # sends, as in Celery's as_task_v2.
    key = (name, os.getpid())
    template = publisher.templates.get(key)
    if template is None:
        template = publisher.templates[key] = app.amqp.create_task_message(
            _TEMPLATE_ID, name, (), {}, ignore_result=task.ignore_result, reply_to=app.thread_oid
        )
    task_id = task_uuid()
    headers = {
        **template.headers,
        "id": task_id,
        "root_id": task_id,
        "argsrepr": _argsrepr(args, conf),
    }
    _args, kwargs, embed = template.body
    serializer = task.serializer or conf.serializer
    content_type, content_encoding, body = body_dumps((args, kwargs, embed), serializer=serializer)
    properties = {
        **template.properties,
        "correlation_id": task_id,
        "delivery_mode": queue.exchange.delivery_mode or 2,
    }
    return publisher.channel.prepare_message(
        body, 0, content_type, content_encoding, headers, properties
    )


def _argsrepr(args: tuple[Any, ...], conf: _Settings) -> str:
    # The send task's arguments are ids: their repr is saferepr's, without
    # its walk through the tuple (a tenth of a send's CPU).
    if len(args) <= 8 and all(type(arg) is int for arg in args):
        text = repr(args)
        if len(text) <= conf.argsrepr_maxsize:
            return text
    return str(saferepr(args, conf.argsrepr_maxsize, maxlevels=conf.repr_maxlevels))
