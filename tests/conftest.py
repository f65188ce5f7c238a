from typing import Any

import pytest

from config.celery import app as celery_app
from tests.factories import UserFactory


def pytest_collection_modifyitems(config, items):
    import os

    from django.conf import settings

    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    has_redis = bool(os.environ.get("REDIS_URL"))
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (DATABASE_URL)"))
        if "redis" in item.keywords and not has_redis:
            item.add_marker(pytest.mark.skip(reason="needs Redis (REDIS_URL)"))


@pytest.fixture(autouse=True)
def _eager_celery(request):
    """Tasks run in-process in tests, even when REDIS_URL points at a real broker;
    tests marked ``redis`` that start a real worker switch this off themselves."""
    if "redis" in request.keywords:
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's deliberate slowness would dominate the suite's run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def agent(db):
    return UserFactory(username="agent", groups=["Agent"])


@pytest.fixture
def representative(db):
    return UserFactory(username="rep", groups=["Representative"])


@pytest.fixture
def manager(db):
    return UserFactory(username="manager", groups=["Manager"])


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True)


@pytest.fixture
def outsider(db):
    """A staff account in no group: may log in, may do nothing."""
    return UserFactory(username="outsider")


class Clock:
    """The time ``django.utils.timezone.now()`` answers while set (None: the real one)."""

    def __init__(self) -> None:
        self.now: Any = None

    def set(self, at: Any) -> Any:
        self.now = at
        return at


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """``clock.set(datetime(...))``: services, stamps and history rows read that instant.

    complaints' services read ``timezone.now()`` at call time (the history rows
    and messages are stamped explicitly for this), so a whole step, its
    reactions and the due dates they derive, happen at the instant chosen.
    """
    from django.utils import timezone

    fake = Clock()
    real = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: fake.now if fake.now is not None else real())
    return fake
