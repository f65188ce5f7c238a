"""/admin/login/ locks out repeated failures per username and address
(django-axes); the lockout is logged and shown to superusers; unlocking is a
command (README)."""

import logging

import pytest
from django.core.management import call_command
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
RIGHT = "pass-for-tests-1"


@pytest.fixture
def staff_member():
    return UserFactory(username="temsilci", groups=["Representative"])


def attempt(password: str, *, username: str = "temsilci", address: str = "203.0.113.7"):
    client = Client(REMOTE_ADDR=address)
    response = client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"})
    return response, client


def logged_in(client: Client) -> bool:
    return client.get("/admin/").status_code == 200


def test_the_right_password_after_too_many_wrong_ones_does_not_log_in(staff_member, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response, _client = attempt("wrong")
    response, client = attempt(RIGHT)
    assert response.status_code == 429
    assert not logged_in(client)


def test_below_the_limit_the_right_password_logs_in_and_starts_the_count_again(
    staff_member, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt("wrong")
    response, client = attempt(RIGHT)
    assert response.status_code == 302 and logged_in(client)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt("wrong")
    assert logged_in(attempt(RIGHT)[1])


def test_the_lockout_is_per_username_and_address(staff_member, settings):
    UserFactory(username="mudur", groups=["Manager"])
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt("wrong")
    # The same person from another address, and another user from this one, still log in.
    assert logged_in(attempt(RIGHT, address="198.51.100.20")[1])
    assert logged_in(attempt(RIGHT, username="mudur")[1])


def test_the_lockout_is_logged(staff_member, settings, caplog):
    with caplog.at_level(logging.WARNING):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            attempt("wrong")
    assert any("locking out" in record.getMessage().lower() for record in caplog.records)


def test_superusers_see_the_lockout_in_the_admin_and_other_staff_do_not(
    staff_member, settings, client, superuser, agent
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt("wrong")
    client.force_login(superuser)
    page = client.get("/admin/axes/accessattempt/")
    assert page.status_code == 200 and "temsilci" in page.content.decode()
    client.force_login(agent)
    assert client.get("/admin/axes/accessattempt/").status_code == 403


def test_an_administrator_unlocks_an_account_with_a_command(staff_member, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt("wrong")
    assert attempt(RIGHT)[0].status_code == 429
    call_command("axes_reset_username", "temsilci")
    assert logged_in(attempt(RIGHT)[1])


def test_the_limit_counts_the_client_behind_our_proxy_not_the_proxy(staff_member, settings):
    settings.INTAKE_TRUSTED_PROXY_COUNT = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7").post(
            LOGIN, {"username": "temsilci", "password": "wrong"}
        )
    # Another client through the same proxy is not locked out by the first one's failures.
    client = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.20")
    client.post(LOGIN, {"username": "temsilci", "password": RIGHT})
    assert logged_in(client)
