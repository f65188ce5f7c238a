"""A web process freezes what it made while starting (config/web_process.py)."""

import gc
import sys

import pytest


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_the_start_up_objects_are_out_of_the_collectors_reach(unfrozen):
    from config.web_process import web_process_ready

    assert gc.get_freeze_count() == 0
    web_process_ready()
    assert gc.get_freeze_count() > 10_000
    # The views came in with the URLconf before the freeze: the collector
    # no longer holds them (frozen objects are in none of its generations).
    from complaints import views as track_views
    from intake import views as submit_views

    collected = {id(o) for o in gc.get_objects()}
    assert id(submit_views.submit) not in collected
    assert id(track_views.track) not in collected


def test_the_wsgi_entry_point_makes_the_process_ready(unfrozen):
    sys.modules.pop("config.wsgi", None)
    import config.wsgi  # noqa: F401

    assert gc.get_freeze_count() > 10_000
