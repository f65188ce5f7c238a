"""Site-wide plumbing: the favicon, quiet logs for ordinary refusals, no kombu warning."""

from __future__ import annotations

import logging

import pytest


def test_the_favicon_is_served_at_the_root(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an icon file


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/submit/", "/track/", "/admin/login/"])
def test_pages_link_the_favicon(client, path):
    body = client.get(path).content.decode()
    assert '<link rel="icon" href="/favicon.ico"' in body
    assert 'type="image/svg+xml"' in body


@pytest.mark.django_db
def test_a_refused_page_logs_one_line_without_a_traceback(client, outsider, caplog):
    client.force_login(outsider)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/dashboard/").status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert [r.getMessage() for r in records] == ["Forbidden (Permission denied): /dashboard/"]
    assert records[0].exc_info is None


@pytest.mark.django_db
def test_a_server_error_still_logs_its_traceback(caplog):
    from config.log_filters import PermissionDeniedWithoutTraceback

    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = logging.LogRecord("django.request", 40, "", 0, "x", (), sys.exc_info())
    assert PermissionDeniedWithoutTraceback().filter(record)
    assert record.exc_info is not None


def test_the_broker_url_without_redis_names_a_host_so_kombu_does_not_warn(settings, caplog):
    # kombu warns "No hostname was supplied" once per connection pool, i.e. at
    # the first notice sent by every process: check the URL's connection itself.
    from kombu import Connection

    with caplog.at_level(logging.WARNING, logger="kombu.connection"):
        Connection(settings.CELERY_BROKER_URL)._info(resolve=False)
    assert not [r for r in caplog.records if "No hostname" in r.getMessage()]
