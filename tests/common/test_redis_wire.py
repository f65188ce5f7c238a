"""common.redis_wire: one command with an integer reply, its reply read whole,
anything unexpected closing the connection so the caller takes redis-py's way."""

import threading
from types import SimpleNamespace

import pytest

from common import redis_wire


class FakeSocket:
    def __init__(self, *chunks: bytes) -> None:
        self.chunks = list(chunks)
        self.sent: list[bytes] = []

    def sendall(self, data: bytes) -> None:
        self.sent.append(data)

    def recv(self, size: int) -> bytes:
        return self.chunks.pop(0) if self.chunks else b""


@pytest.fixture
def held(monkeypatch):
    """This thread's connection, with a fake socket."""
    closed: list[bool] = []
    pool = object()

    def hold(*chunks: bytes) -> FakeSocket:
        sock = FakeSocket(*chunks)
        entry = redis_wire._Held.__new__(redis_wire._Held)
        entry.pool, entry.pid = pool, redis_wire.os.getpid()
        entry.connection = SimpleNamespace(_sock=sock, disconnect=lambda: closed.append(True))
        redis_wire._connections()[id(pool)] = entry
        return sock

    yield SimpleNamespace(hold=hold, pool=pool, closed=closed)
    redis_wire._connections().clear()


def test_the_command_is_written_as_redis_reads_it():
    assert redis_wire.pack(b"EVALSHA", "ab", 1, "k", 60) == (
        b"*5\r\n$7\r\nEVALSHA\r\n$2\r\nab\r\n$1\r\n1\r\n$1\r\nk\r\n$2\r\n60\r\n"
    )


def test_an_integer_reply_is_returned(held):
    sock = held.hold(b":42\r\n")
    assert redis_wire.command_int(held.pool, b"INCR", "k") == 42
    assert sock.sent == [redis_wire.pack(b"INCR", "k")]
    assert held.closed == []


def test_a_reply_in_pieces_is_read_whole(held):
    held.hold(b":1", b"23", b"\r\n")
    assert redis_wire.command_int(held.pool, b"INCR", "k") == 123


def test_an_error_reply_raises_and_keeps_the_connection(held):
    held.hold(b"-NOSCRIPT No matching script.\r\n")
    with pytest.raises(redis_wire.ReplyError, match="NOSCRIPT"):
        redis_wire.command_int(held.pool, b"EVALSHA", "x", 0)
    assert held.closed == []


@pytest.mark.parametrize(
    "chunks",
    [
        (b"$2\r\nab\r\n",),  # a bulk string
        (b">3\r\n$10\r\ninvalidate\r\n", b":1\r\n"),  # a push frame first
        (b":1\r\n:2\r\n",),  # two frames
        (b":x\r\n",),  # not a number
        (b":1",),  # the server closed the connection mid-reply
    ],
)
def test_a_reply_of_another_shape_closes_the_connection(held, chunks):
    held.hold(*chunks)
    with pytest.raises(redis_wire.WireError):
        redis_wire.command_int(held.pool, b"INCR", "k")
    assert held.closed == [True]
    assert id(held.pool) not in redis_wire._connections()


def test_a_socket_error_closes_the_connection(held):
    sock = held.hold()

    def broken(data: bytes) -> None:
        raise ConnectionResetError("reset by peer")

    sock.sendall = broken
    with pytest.raises(redis_wire.WireError, match="reset"):
        redis_wire.command_int(held.pool, b"INCR", "k")
    assert held.closed == [True]


def test_a_unix_socket_or_tls_pool_takes_redis_pys_way():
    from redis.connection import SSLConnection

    pool = SimpleNamespace(connection_class=SSLConnection, connection_kwargs={})
    with pytest.raises(redis_wire.Unsupported):
        redis_wire.command_int(pool, b"INCR", "k")


@pytest.mark.redis
def test_each_thread_and_each_process_has_its_own_connection(monkeypatch):
    import os

    from django.core.cache import caches

    from common.cache import RedisCache

    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        pytest.skip("the default cache is not common.cache.RedisCache")
    pool = backend._cache.get_client(write=True).connection_pool
    key = "test:wire:threads"
    redis_wire.command_int(pool, b"DEL", key)
    mine = redis_wire._connections()[id(pool)].connection
    theirs: list = []

    def other_thread() -> None:
        redis_wire.command_int(pool, b"INCR", key)
        theirs.append(redis_wire._connections()[id(pool)].connection)
        redis_wire.forget()

    worker = threading.Thread(target=other_thread)
    worker.start()
    worker.join()
    assert theirs and theirs[0] is not mine
    # A forked child (another pid) makes its own and leaves the parent's socket alone.
    parent = redis_wire._connections()[id(pool)]
    child = os.getpid() + 1
    monkeypatch.setattr(redis_wire.os, "getpid", lambda: child)
    assert redis_wire.command_int(pool, b"INCR", key) == 2
    assert redis_wire._connections()[id(pool)] is not parent
    assert parent.connection._sock is not None
    redis_wire.forget()
    monkeypatch.undo()
    parent.connection.disconnect()


@pytest.mark.redis
def test_two_pools_keep_a_connection_each():
    from redis import ConnectionPool

    first = ConnectionPool.from_url(_redis_url())
    second = ConnectionPool.from_url(_redis_url())
    try:
        redis_wire.command_int(first, b"DEL", "test:wire:pools")
        one = redis_wire._connections()[id(first)].connection
        redis_wire.command_int(second, b"INCR", "test:wire:pools")
        assert redis_wire.command_int(first, b"INCR", "test:wire:pools") == 2
        assert redis_wire._connections()[id(first)].connection is one
    finally:
        redis_wire.forget()
        first.disconnect()
        second.disconnect()


def _redis_url() -> str:
    import os

    return os.environ["REDIS_URL"]
