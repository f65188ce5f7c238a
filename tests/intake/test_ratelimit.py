"""Abuse limits on the public endpoints: per client address, 429 with Retry-After."""

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from complaints.models import Complaint
from intake import ratelimit
from intake.ratelimit import Rate, client_address, hit, parse_rate
from tests.factories import make_complaint

API_SUBMIT = "/api/v1/public/complaints/"
FORM = {
    "name": "Ayşe Yılmaz",
    "email": "ayse@example.com",
    "kind": "complaint",
    "subject": "Bağlantı kopuyor",
    "description": "Akşamları bağlantı kopuyor.",
}
MIDDLEWARE = "intake.ratelimit.RateLimitMiddleware"


@pytest.fixture
def with_middleware(settings):
    """The middleware as settings will list it: after CommonMiddleware, before CSRF."""
    middleware = list(django_settings.MIDDLEWARE)
    if MIDDLEWARE not in middleware:
        middleware.insert(middleware.index("django.middleware.csrf.CsrfViewMiddleware"), MIDDLEWARE)
    settings.MIDDLEWARE = middleware


# --- The counter --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("20/h", Rate(20, 3600)),
        ("60/m", Rate(60, 60)),
        ("5/minute", Rate(5, 60)),
        ("100/day", Rate(100, 86400)),
        ("3/10s", Rate(3, 10)),
        ("", None),
        (None, None),
    ],
)
def test_rates_are_read_like_drfs(text, rate):
    assert parse_rate(text) == rate


def test_a_malformed_rate_is_an_error_not_a_silent_no_limit():
    with pytest.raises(ValueError):
        parse_rate("twenty an hour")


def test_the_limit_applies_within_a_window_and_resets_with_the_next(settings):
    settings.INTAKE_RATE_LIMITS = {"submit": "3/m"}
    start = 60 * 16_667 + 20.0  # 20 s into a minute window
    assert [hit("submit", "1.2.3.4", now=start) for _ in range(3)] == [None, None, None]
    assert hit("submit", "1.2.3.4", now=start + 1) == 39  # seconds until the window ends
    assert hit("submit", "5.6.7.8", now=start + 1) is None  # another client
    assert hit("track", "1.2.3.4", now=start + 1) is None  # another scope
    assert hit("submit", "1.2.3.4", now=start + 40) is None  # the next window


def test_a_scope_without_a_rate_is_not_limited(settings):
    settings.INTAKE_RATE_LIMITS = {"submit": None}
    assert all(hit("submit", "1.2.3.4") is None for _ in range(50))


def test_a_cache_outage_never_blocks_a_customer(settings, monkeypatch):
    settings.INTAKE_RATE_LIMITS = {"submit": "1/m"}

    def broken(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(ratelimit.cache, "add", broken)
    # The Redis cache counts in one round trip (common.cache.counter_hit).
    monkeypatch.setattr(ratelimit.cache, "counter_hit", broken, raising=False)
    assert hit("submit", "1.2.3.4") is None
    assert hit("submit", "1.2.3.4") is None


# --- The client address ---------------------------------------------------------------


def request(remote: str, forwarded: str | None = None):
    extra: dict[str, Any] = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_the_address_is_remote_addr_by_default_and_x_forwarded_for_is_ignored(settings):
    settings.INTAKE_TRUSTED_PROXY_COUNT = 0
    assert client_address(request("10.0.0.5", "203.0.113.7")) == "10.0.0.5"


def test_behind_trusted_proxies_the_address_they_saw_counts(settings):
    settings.INTAKE_TRUSTED_PROXY_COUNT = 1
    # The client forged "1.1.1.1"; our one proxy appended what it saw.
    assert client_address(request("10.0.0.5", "1.1.1.1, 203.0.113.7")) == "203.0.113.7"
    settings.INTAKE_TRUSTED_PROXY_COUNT = 2
    assert client_address(request("10.0.0.5", "1.1.1.1, 203.0.113.7, 10.0.0.9")) == "203.0.113.7"


def test_with_fewer_forwarded_entries_than_proxies_remote_addr_counts(settings):
    settings.INTAKE_TRUSTED_PROXY_COUNT = 2
    assert client_address(request("10.0.0.5", "203.0.113.7")) == "10.0.0.5"


def test_an_ipv6_client_is_counted_by_its_64_network(settings):
    settings.INTAKE_TRUSTED_PROXY_COUNT = 0
    a = client_address(request("2001:db8:1:2::1"))
    b = client_address(request("2001:db8:1:2:ffff::9"))
    assert a == b == "2001:db8:1:2::/64"
    assert client_address(request("::ffff:192.0.2.1")) == "192.0.2.1"


# --- The endpoints -------------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_submit_answers_429_with_retry_after_in_the_error_shape(settings):
    settings.INTAKE_RATE_LIMITS = {"submit": "2/h"}
    client = APIClient(REMOTE_ADDR="198.51.100.1")
    statuses = [client.post(API_SUBMIT, FORM, format="json").status_code for _ in range(3)]
    assert statuses == [201, 201, 429]
    response = client.post(API_SUBMIT, FORM, format="json")
    assert int(response["Retry-After"]) > 0
    assert response.json()["error"]["code"] == "throttled"
    assert Complaint.objects.count() == 2
    other = APIClient(REMOTE_ADDR="198.51.100.2")
    assert other.post(API_SUBMIT, FORM, format="json").status_code == 201


@pytest.mark.django_db
def test_the_api_track_is_limited(settings):
    settings.INTAKE_RATE_LIMITS = {"track": "1/m"}
    number = make_complaint().tracking_number
    client = APIClient()
    assert client.get(f"/api/v1/public/complaints/{number}/").status_code == 200
    response = client.get(f"/api/v1/public/complaints/{number}/")
    assert response.status_code == 429
    assert response["Retry-After"]


@pytest.mark.django_db
def test_the_twilio_webhook_is_limited_before_any_other_work(settings):
    settings.INTAKE_RATE_LIMITS = {"webhook": "1/m"}
    assert Client().post("/webhooks/twilio/sms/", {}).status_code == 403  # unsigned
    response = Client().post("/webhooks/twilio/sms/", {})
    assert response.status_code == 429
    assert response["Retry-After"]


@pytest.mark.django_db
def test_the_web_form_post_is_limited_by_the_middleware(settings, with_middleware):
    settings.INTAKE_RATE_LIMITS = {"submit": "1/h"}
    client = Client()
    assert client.get("/submit/").status_code == 200
    first = client.post("/submit/", {})
    assert first.status_code == 400  # counted (an empty form), not limited
    second = client.post("/submit/", {})
    assert second.status_code == 429
    assert second["Retry-After"]
    assert client.get("/submit/").status_code == 200  # showing the form is never limited


@pytest.mark.django_db
def test_the_web_form_and_the_api_share_the_submit_limit(settings, with_middleware):
    settings.INTAKE_RATE_LIMITS = {"submit": "1/h"}
    assert APIClient().post(API_SUBMIT, FORM, format="json").status_code == 201
    assert Client().post("/submit/", {}).status_code == 429


@pytest.mark.django_db
def test_the_tracking_page_is_limited_by_the_middleware(settings, with_middleware):
    settings.INTAKE_RATE_LIMITS = {"track": "2/m"}
    number = make_complaint().tracking_number
    client = Client()
    assert client.get(f"/track/{number}/").status_code == 200
    assert client.get("/track/").status_code == 200
    assert client.get(f"/track/{number}/").status_code == 429


@pytest.mark.django_db
def test_the_inbound_email_webhook_is_limited_by_the_middleware(settings, with_middleware):
    settings.INTAKE_RATE_LIMITS = {"webhook": "1/m"}
    settings.ANYMAIL = {"WEBHOOK_SECRET": "user:pass"}
    client = Client()
    client.post("/anymail/postmark/inbound/", "{}", content_type="application/json")
    response = client.post("/anymail/postmark/inbound/", "{}", content_type="application/json")
    assert response.status_code == 429


@pytest.mark.django_db
def test_limits_can_be_switched_off(settings, with_middleware):
    settings.INTAKE_RATE_LIMITS = {"submit": "1/h"}
    settings.INTAKE_RATE_LIMIT_ENABLED = False
    client = APIClient()
    assert [client.post(API_SUBMIT, FORM, format="json").status_code for _ in range(3)] == [201] * 3


@pytest.mark.parametrize(
    ("remote", "expected"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("", None),
        ("not-an-address", None),
    ],
)
def test_the_login_lockout_gets_the_client_as_one_ip_address(rf, remote, expected):
    # django-axes stores it in a GenericIPAddressField: a /64 or "unknown" would
    # be refused by PostgreSQL's inet type.
    from intake.ratelimit import client_ip

    request = rf.get("/admin/login/", REMOTE_ADDR=remote)
    assert client_ip(request) == expected
