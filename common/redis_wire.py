"""One Redis command and its reply, over a connection kept per thread.

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
and its reply are handled here, and only the simplest replies: an integer
(``:12``), a string (``$5`` and its bytes) or nil (``$-1``, ``_``). An error
reply raises ``ReplyError`` and leaves the connection in use (the reply was
read whole); a socket error, a closed connection or a reply of any other
shape (a push frame, an array, a second frame) closes it and raises
``WireError``. The callers then take redis-py's way.
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


def command(pool: Any, *args: bytes | str | int) -> int | bytes | None:
    """Send one command on this thread's connection to ``pool``'s server and
    return its reply: an integer, a string (bytes) or nil (None)."""
    held = _held(pool)
    sock = held.connection._sock
    try:
        if sock is None:
            raise WireError("not connected")
        sock.sendall(pack(*args))
        reply = _read_reply(sock)
    except OSError as exc:
        _close(held)
        raise WireError(str(exc)) from exc
    except ReplyError:
        raise
    except WireError:
        _close(held)
        raise
    return reply


def command_int(pool: Any, *args: bytes | str | int) -> int:
    """``command`` for a command whose reply is an integer."""
    reply = command(pool, *args)
    if not isinstance(reply, int):
        _forget_pool(pool)
        raise WireError(f"not an integer: {reply!r:.40}")
    return reply


def _read_reply(sock: Any) -> int | bytes | None:
    # One frame, read whole: ":12", "-ERR ...", "$5" + 5 bytes, "$-1" or "_"
    # (nil, RESP 2 and 3). Anything else, or more than one frame, is a WireError.
    reply = sock.recv(_REPLY_CHUNK)
    while b"\r\n" not in reply:
        reply = _more(sock, reply)
    end = reply.index(b"\r\n")
    kind, line = reply[:1], reply[1:end]
    if kind == b"$":
        size = _number(line, reply)
        if size == -1:
            return _only(None, reply, end + 2)
        while len(reply) < end + 2 + size + 2:
            reply = _more(sock, reply)
        if reply[end + 2 + size : end + 4 + size] != b"\r\n":
            raise WireError(f"unexpected reply {reply[:40]!r}")
        return _only(reply[end + 2 : end + 2 + size], reply, end + 4 + size)
    if kind == b":":
        return _only(_number(line, reply), reply, end + 2)
    if kind == b"_" and not line:
        return _only(None, reply, end + 2)
    if kind == b"-" and len(reply) == end + 2:
        raise ReplyError(line.decode(errors="replace"))
    raise WireError(f"unexpected reply {reply[:40]!r}")


def _more(sock: Any, reply: bytes) -> bytes:
    more = sock.recv(_REPLY_CHUNK)
    if not more:
        raise WireError("connection closed by the server")
    return reply + more


def _number(line: bytes, reply: bytes) -> int:
    try:
        return int(line)
    except ValueError as exc:
        raise WireError(f"unexpected reply {reply[:40]!r}") from exc


def _only(value: Any, reply: bytes, length: int) -> Any:
    if len(reply) != length:
        raise WireError(f"more than one reply {reply[:40]!r}")
    return value


def _forget_pool(pool: Any) -> None:
    """Close this thread's connection to ``pool``'s server, if it holds one."""
    held = _connections().get(id(pool))
    if held is not None and held.pool is pool:
        _close(held)


def forget() -> None:
    """Close this thread's connections (tests; a worker about to exit)."""
    for held in list(_connections().values()):
        if held.pid == os.getpid():
            _close(held)
    _connections().clear()
