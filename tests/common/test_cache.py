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


def test_a_hit_is_one_command(redis_cache):
    key = f"test:counter:{uuid.uuid4().hex}"
    counter_hit(cache, key, 30)  # the script is loaded
    client = _client(redis_cache)
    sent: list[tuple] = []
    original = client.execute_command

    def counting(*args, **options):
        sent.append(args)
        return original(*args, **options)

    client.execute_command = counting
    try:
        assert counter_hit(cache, key, 30) == 2
    finally:
        del client.execute_command
    assert [args[0] for args in sent] == ["EVALSHA"]
