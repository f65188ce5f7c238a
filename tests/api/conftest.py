"""Clients for the API tests: anonymous, logged in by token, logged in by session."""

from collections.abc import Callable

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


@pytest.fixture
def anonymous() -> APIClient:
    return APIClient()


@pytest.fixture
def client_for(db) -> Callable[..., APIClient]:
    """``client_for(user)``: an API client sending that user's token, as a script would."""

    def build(user) -> APIClient:
        token, _ = Token.objects.get_or_create(user=user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return build


@pytest.fixture
def snapshot() -> Callable:
    """``snapshot(complaint)``: its row and history ids, to prove a refusal changed nothing."""
    from complaints.models import Complaint, ComplaintEvent

    def take(complaint) -> dict:
        row = Complaint.objects.get(pk=complaint.pk)
        return {
            "row": {f.attname: getattr(row, f.attname) for f in Complaint._meta.concrete_fields},
            "history": list(
                ComplaintEvent.objects.filter(complaint=complaint).values_list("id", flat=True)
            ),
        }

    return take
