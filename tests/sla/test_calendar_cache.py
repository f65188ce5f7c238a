"""The overrides cache is its own module: the calendar stays arithmetic, the model stays a table."""

import ast
from datetime import date, datetime
from pathlib import Path
from unittest.mock import patch
from zoneinfo import ZoneInfo

import pytest

import sla
from sla import calendar, calendar_cache
from sla.models import CalendarOverride

IST = ZoneInfo("Europe/Istanbul")
SLA_DIR = Path(sla.__file__).parent


def _imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_the_calendar_and_the_models_do_not_import_each_other():
    models = _imported_modules(SLA_DIR / "models.py")
    assert not {m for m in models if m.startswith(("sla.calendar", "sla.calendar_cache"))}
    assert not {m for m in _imported_modules(SLA_DIR / "calendar.py") if m.startswith("sla.models")}


def test_the_calendar_reads_no_model_and_no_cache_itself():
    imported = _imported_modules(SLA_DIR / "calendar.py")
    assert "django.core.cache" not in imported
    assert not {m for m in imported if m.endswith((".models", "models"))}


@pytest.mark.django_db
def test_pinned_overrides_are_read_once_for_a_whole_batch():
    CalendarOverride.objects.create(date=date(2026, 12, 1), kind="closed", reason="Köprü")
    received = datetime(2026, 11, 30, 10, 0, tzinfo=IST)
    with (
        calendar_cache.overrides_pinned(),
        patch.object(
            calendar_cache, "current_version", wraps=calendar_cache.current_version
        ) as spy,
    ):
        for _ in range(5):
            assert calendar.add_business_days(received, 1) == datetime(2026, 12, 2, 18, tzinfo=IST)
    assert spy.call_count == 0


@pytest.mark.django_db
def test_an_override_saved_during_a_pinned_block_applies_after_it():
    received = datetime(2026, 11, 30, 10, 0, tzinfo=IST)
    with calendar_cache.overrides_pinned():
        CalendarOverride.objects.create(date=date(2026, 12, 1), kind="closed", reason="Köprü")
        assert calendar.add_business_days(received, 1) == datetime(2026, 12, 1, 18, tzinfo=IST)
    assert calendar.add_business_days(received, 1) == datetime(2026, 12, 2, 18, tzinfo=IST)


def test_the_old_names_still_work_from_the_calendar():
    assert calendar.VERSION_CACHE_KEY == calendar_cache.VERSION_CACHE_KEY
    assert calendar.bump_overrides_version is calendar_cache.bump_overrides_version
