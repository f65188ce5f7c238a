"""The rate limits' counter on the Redis cache: one command, atomic, never left
without a lifetime, and working again after Redis forgot its scripts."""

import uuid

import pytest
from django.core.cache import cache, caches

from common.cache import RedisCache, counter_hit

pytestmark = pytest.mark.redis


@pytest.fixture
def redis_cache():
    redis = caches["default"]
    if not isinstance(redis, RedisCache):
        pytest.skip("the default cache is not common.cache.RedisCache")
    return redis


def _client(redis_cache):
    return redis_cache._cache.get_client(write=True)


def test_the_counter_counts_from_one_and_keeps_a_lifetime(redis_cache):
    key = f"test:counter:{uuid.uuid4().hex}"
    assert [counter_hit(cache, key, 30) for _ in range(3)] == [1, 2, 3]
    full = redis_cache.make_and_validate_key(key)
    assert 0 < _client(redis_cache).ttl(full) <= 30


def test_every_hit_sets_the_lifetime_again(redis_cache):
    key = f"test:counter:{uuid.uuid4().hex}"
    full = redis_cache.make_and_validate_key(key)
    counter_hit(cache, key, 30)
    _client(redis_cache).persist(full)  # as if EXPIRE had been lost
    assert counter_hit(cache, key, 30) == 2
    assert 0 < _client(redis_cache).ttl(full) <= 30


def test_the_counter_works_after_redis_forgot_its_scripts(redis_cache):
    key = f"test:counter:{uuid.uuid4().hex}"
    assert counter_hit(cache, key, 30) == 1
    _client(redis_cache).script_flush()
    assert counter_hit(cache, key, 30) == 2


def _evalsha_calls(client) -> int:
    return int(client.info("commandstats").get("cmdstat_evalsha", {}).get("calls", 0))


def test_a_hit_is_one_command_written_straight_to_the_socket(redis_cache):
    key = f"test:counter:{uuid.uuid4().hex}"
    counter_hit(cache, key, 30)  # the script is loaded, the connection made
    client = _client(redis_cache)
    through_redis_py: list[tuple] = []
    original = client.execute_command

    def counting(*args, **options):
        through_redis_py.append(args)
        return original(*args, **options)

    before = _evalsha_calls(client)
    client.execute_command = counting
    try:
        assert counter_hit(cache, key, 30) == 2
    finally:
        del client.execute_command
    assert through_redis_py == []
    assert _evalsha_calls(client) == before + 1


def test_the_counter_goes_on_when_redis_closes_the_connection(redis_cache):
    key = f"test:counter:{uuid.uuid4().hex}"
    assert counter_hit(cache, key, 30) == 1
    client = _client(redis_cache)
    client.client_kill_filter(_type="normal", skipme=True)
    assert counter_hit(cache, key, 30) == 2  # through redis-py, the socket closed
    assert counter_hit(cache, key, 30) == 3  # a new socket
