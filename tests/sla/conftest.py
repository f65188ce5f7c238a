from collections.abc import Iterator

import pytest

from sla import calendar


@pytest.fixture(autouse=True)
def _fresh_calendar() -> Iterator[None]:
    # A test's overrides are rolled back with its transaction, which sends no
    # post_delete; forget them so they cannot leak into the next test.
    calendar.clear_cache()
    yield
    calendar.clear_cache()
