"""API tokens expire (API_TOKEN_LIFETIME_DAYS, default 30) and a superuser
revokes them in the admin."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/complaints/"
TOKENS = "/admin/authtoken/tokenproxy/"


def client_with(token: Token) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def aged(user, days: float) -> Token:
    token = Token.objects.create(user=user)
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - timedelta(days=days))
    return Token.objects.get(pk=token.pk)


def test_a_token_works_within_its_lifetime(representative):
    assert client_with(aged(representative, 29)).get(LIST).status_code == 200


def test_a_token_older_than_its_lifetime_is_refused(representative):
    response = client_with(aged(representative, 31)).get(LIST, HTTP_ACCEPT_LANGUAGE="en")
    # 403 rather than 401 where the session comes first among the staff API's
    # authentications (DRF asks the first one for a WWW-Authenticate header).
    assert response.status_code in (401, 403)
    body = response.json()["error"]
    assert body["code"] == "authentication_failed"
    assert "expired" in body["message"]


def test_the_lifetime_is_a_setting(representative, settings):
    settings.API_TOKEN_LIFETIME_DAYS = 7
    assert client_with(aged(representative, 8)).get(LIST).status_code in (401, 403)
    agent = UserFactory(username="x", groups=["Agent"])
    assert client_with(aged(agent, 6)).get(LIST).status_code == 200


def test_an_expired_partner_token_is_refused_on_the_public_api_too(db):
    partner = UserFactory(username="partner", is_staff=False)
    response = client_with(aged(partner, 45)).post(
        "/api/v1/public/complaints/",
        {"name": "A", "email": "a@example.com", "subject": "s", "description": "d"},
        format="json",
    )
    assert response.status_code == 401


def test_a_superuser_sees_when_each_token_expires_and_revokes_it(client, superuser, representative):
    token = aged(representative, 10)
    api = client_with(token)
    assert api.get(LIST).status_code == 200
    client.force_login(superuser)

    page = client.get(TOKENS)
    assert page.status_code == 200
    expires = timezone.localtime(token.created + timedelta(days=30)).strftime("%Y")
    assert representative.username in page.content.decode() and expires in page.content.decode()

    response = client.post(
        TOKENS, {"action": "revoke_tokens", "_selected_action": [token.pk]}, follow=True
    )
    assert response.status_code == 200
    assert not Token.objects.filter(pk=token.pk).exists()
    assert api.get(LIST).status_code in (401, 403)


@pytest.mark.parametrize("who", ["agent", "manager", "representative"])
def test_staff_who_are_not_superusers_cannot_see_or_revoke_tokens(client, who, request):
    user = request.getfixturevalue(who)
    # Even holding the token model's permissions: tokens are for superusers.
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="authtoken"))
    client.force_login(user)
    assert client.get(TOKENS).status_code == 403


def test_a_revocation_is_recorded_in_the_admin_history(client, superuser, representative):
    from django.contrib.admin.models import DELETION, LogEntry

    token = aged(representative, 1)
    client.force_login(superuser)
    client.post(TOKENS, {"action": "revoke_tokens", "_selected_action": [token.pk]})
    entry = LogEntry.objects.get(action_flag=DELETION)
    assert entry.user == superuser and entry.object_id == str(representative.pk)
    assert representative.username in entry.object_repr and token.key not in entry.object_repr


def test_deleting_one_token_from_its_page_keeps_the_key_out_of_the_history(
    client, superuser, representative
):
    from django.contrib.admin.models import LogEntry

    token = aged(representative, 1)
    client.force_login(superuser)
    response = client.post(f"{TOKENS}{representative.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Token.objects.filter(pk=token.pk).exists()
    assert token.key not in LogEntry.objects.get().object_repr
