"""One Redis command with an integer reply, over a connection kept per thread.

The rate limits count every public page and submission in Redis (one EVALSHA,
common/cache.py). Measured inside a request, where the code around it has
pushed redis-py out of the processor's caches, redis-py 8's command path
(retries, events, observability hooks, the pool's bookkeeping, its parser)
cost 140–180 µs of CPU per command; the same round trip written straight to
the socket cost about 50 µs. On the status page that was a tenth of its CPU
(issue 15).

The connection is redis-py's own ``Connection``, made from the pool's
settings, so its handshake (AUTH, SELECT, HELLO) and timeouts are redis-py's;
it is kept per thread, process and pool, outside the pool. Only the command's bytes
and its reply are handled here, and only the simplest reply: one integer
line (``:12\\r\\n``). An error reply raises ``ReplyError`` and leaves the
connection in use (the reply was read whole); a socket error, a closed
connection or a reply of any other shape (a push frame, a second frame)
closes it and raises ``WireError``. The callers then take redis-py's way.
A Unix socket or TLS connection raises ``Unsupported``: redis-py's way too.
"""

from __future__ import annotations

import contextlib
import os
import threading
from typing import Any

from redis.connection import Connection

_REPLY_CHUNK = 256


class WireError(Exception):
    """The connection is not usable (closed here); take the client's way."""


class ReplyError(WireError):
    """Redis answered with an error line (the connection is still in step)."""


class Unsupported(WireError):
    """Not a plain TCP connection: take the client's way."""


class _Held:
    def __init__(self, pool: Any) -> None:
        self.pool = pool
        self.pid = os.getpid()
        self.connection = pool.connection_class(**pool.connection_kwargs)
        self.connection.connect()


_local = threading.local()


def _connections() -> dict[int, _Held]:
    # This thread's connections, one per pool (the cache's, the broker's).
    held: dict[int, _Held] | None = getattr(_local, "connections", None)
    if held is None:
        held = _local.connections = {}
    return held


def _held(pool: Any) -> _Held:
    connections = _connections()
    held = connections.get(id(pool))
    if held is not None and held.pool is pool and held.pid == os.getpid():
        return held
    if held is not None:
        # Another pool under a recycled id, or a forked child: after a fork the
        # parent's socket is left alone (it is the parent's).
        del connections[id(pool)]
        if held.pid == os.getpid():
            _close(held)
    if pool.connection_class is not Connection:
        raise Unsupported(pool.connection_class.__name__)
    held = connections[id(pool)] = _Held(pool)
    return held


def _close(held: _Held) -> None:
    connections = _connections()
    if connections.get(id(held.pool)) is held:
        del connections[id(held.pool)]
    with contextlib.suppress(Exception):  # closing a broken socket: nothing to keep
        held.connection.disconnect()


def pack(*args: bytes | str | int) -> bytes:
    """A command as Redis reads it (RESP: an array of bulk strings)."""
    parts = [b"*%d\r\n" % len(args)]
    for arg in args:
        data = arg if isinstance(arg, bytes) else str(arg).encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(parts)


def command_int(pool: Any, *args: bytes | str | int) -> int:
    """Send one command whose reply is an integer, on this thread's connection
    to ``pool``'s server, and return the integer."""
    held = _held(pool)
    sock = held.connection._sock
    try:
        if sock is None:
            raise WireError("not connected")
        sock.sendall(pack(*args))
        reply = sock.recv(_REPLY_CHUNK)
        while not reply.endswith(b"\r\n"):
            more = sock.recv(_REPLY_CHUNK)
            if not more:
                raise WireError("connection closed by the server")
            reply += more
    except OSError as exc:
        _close(held)
        raise WireError(str(exc)) from exc
    except WireError:
        _close(held)
        raise
    if reply.count(b"\r\n") != 1:
        _close(held)
        raise WireError(f"unexpected reply {reply[:40]!r}")
    kind, line = reply[:1], reply[1:-2]
    if kind == b"-":
        raise ReplyError(line.decode(errors="replace"))
    if kind != b":":
        _close(held)
        raise WireError(f"unexpected reply {reply[:40]!r}")
    try:
        return int(line)
    except ValueError as exc:
        _close(held)
        raise WireError(f"unexpected reply {reply[:40]!r}") from exc


def forget() -> None:
    """Close this thread's connections (tests; a worker about to exit)."""
    for held in list(_connections().values()):
        if held.pid == os.getpid():
            _close(held)
    _connections().clear()
