"""Django's Redis cache, with one client object per connection pool, and a
counter that costs one round trip.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` for every
cache call, and redis-py fills a dict of about 200 response callbacks in each:
more CPU than the round trip itself (issue 15 measured it on every public
page, through the rate limits and the calendar's version token). A client is
safe to share between threads: each command takes a connection from the pool.

The counter is one command, a Lua script run by EVALSHA: INCR then EXPIRE,
atomic in Redis. A pipeline of the two commands cost about twice the CPU of
one command in the web process (redis-py builds a pipeline object and packs,
reads and checks two replies), on every public page the rate limits count.
The command goes straight to a socket kept per thread (common/redis_wire.py);
when that cannot be used (Redis does not hold the script yet, a broken
connection, TLS) it goes through redis-py.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from redis.exceptions import NoScriptError

from common import redis_wire


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


# KEYS[1]: the counter; ARGV[1]: its lifetime in seconds. The count comes back.
_COUNTER_SCRIPT = (
    "local count = redis.call('INCR', KEYS[1]) redis.call('EXPIRE', KEYS[1], ARGV[1]) return count"
)
_COUNTER_SHA = hashlib.sha1(_COUNTER_SCRIPT.encode(), usedforsecurity=False).hexdigest()


class RedisCache(DjangoRedisCache):
    """``CACHES`` backend: Django's RedisCache with the client above."""

    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient

    def counter_hit(self, key: str, timeout: int) -> int:
        """Add one to the counter ``key`` and return it, in one round trip.

        INCR creates the key at 1; EXPIRE (re)sets its lifetime on every hit,
        so no key is ever left without one, whatever happened between calls.
        Both run in one script, which Redis runs whole before any other
        command; a server that does not hold the script yet (restarted,
        flushed) is sent it once.
        """
        full = self.make_and_validate_key(key)
        client = self._cache.get_client(full, write=True)
        try:
            # Straight to the socket (common/redis_wire.py), redis-py's way if not.
            return redis_wire.command_int(
                client.connection_pool, b"EVALSHA", _COUNTER_SHA, 1, full, timeout
            )
        except redis_wire.WireError:
            pass
        try:
            count = client.evalsha(_COUNTER_SHA, 1, full, timeout)
        except NoScriptError:
            client.script_load(_COUNTER_SCRIPT)
            count = client.evalsha(_COUNTER_SHA, 1, full, timeout)
        return int(count)


def counter_hit(cache: Any, key: str, timeout: int) -> int:
    """Add one to a counter in ``cache`` and return it: one round trip on the
    Redis cache above; on any other cache, ``add()`` then ``incr()``, both atomic.
    ``cache`` may be ``django.core.cache.cache`` (a proxy to the backend)."""
    one_trip = getattr(cache, "counter_hit", None)
    if one_trip is not None:
        return int(one_trip(key, timeout))
    if cache.add(key, 1, timeout=timeout):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=timeout)
        return 1
