from typing import Any

import pytest

from config.celery import app as celery_app
from tests.factories import UserFactory


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "browser: drives Chromium through Playwright (skipped without Chromium)"
    )


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
    _leave_out_browser_tests_without_chromium(config, items)


def _leave_out_browser_tests_without_chromium(config, items):
    # One line in the summary says so (pytest_terminal_summary), instead of a
    # skip line per test.
    from tests.browser.pages import chromium_missing_reason

    reason = chromium_missing_reason()
    browser = [item for item in items if "browser" in item.keywords]
    if not reason or not browser:
        return
    items[:] = [item for item in items if "browser" not in item.keywords]
    config.hook.pytest_deselected(items=browser)
    config.stash[_BROWSER_SKIPPED] = f"Browser tests not run ({len(browser)}): {reason}"


_BROWSER_SKIPPED = pytest.StashKey[str]()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    note = config.stash.get(_BROWSER_SKIPPED, "")
    if note:
        terminalreporter.write_line(note, yellow=True, bold=True)


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


# django-axes (the admin login lockout) stays on in tests, with its production
# limits: the suite logs in with force_login, which does not go through
# authenticate(), and each test's failed logins roll back with its transaction.
# tests/test_admin_login.py tests the lockout itself.


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    from complaints.privacy import privacy_notice_versions_forget

    cache.clear()
    privacy_notice_versions_forget()
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


@pytest.fixture(autouse=True, scope="session")
def _test_flush_may_empty_the_history():
    """Transactional tests end with a flush of every table (DELETE on SQLite,
    TRUNCATE on PostgreSQL), which the history's triggers refuse
    (complaints.privacy_guard): the flush lifts them, in its own transaction.
    Nothing else in the suite, or in the product, deletes history rows."""
    from django.db import transaction
    from django.db.backends.base.operations import BaseDatabaseOperations

    from complaints.privacy_guard import history_wipe_allowed

    original = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        with transaction.atomic(using=self.connection.alias):
            history_wipe_allowed(self.connection, on=True)
            original(self, sql_list)
            history_wipe_allowed(self.connection, on=False)

    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush  # type: ignore[method-assign]
    yield
    BaseDatabaseOperations.execute_sql_flush = original  # type: ignore[method-assign]


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
