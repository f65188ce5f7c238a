"""The staff API asks what the admin asks: an active staff account, then the
permission. One permission class (complaints.api.StaffPermission) says so for
every staff view."""

import pytest
from django.urls import get_resolver

from complaints import api
from tests.factories import UserFactory, make_complaint

from .test_permissions import CALL_IDS, staff_calls

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("index", range(len(CALL_IDS)), ids=CALL_IDS)
def test_a_group_member_without_staff_status_is_refused_with_a_token(client_for, agent, index):
    no_staff = UserFactory(username="former", is_staff=False, groups=["Representative"])
    complaint = make_complaint()
    method, url, body = staff_calls(complaint, agent)[index]
    response = getattr(client_for(no_staff), method)(url, body, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_removing_staff_status_ends_access_with_an_existing_token(client_for, representative):
    client = client_for(representative)
    assert client.get("/api/v1/complaints/").status_code == 200
    representative.is_staff = False
    representative.save(update_fields=["is_staff"])
    assert client.get("/api/v1/complaints/").status_code == 403


def test_a_deactivated_account_is_refused(client_for, representative):
    client = client_for(representative)
    representative.is_active = False
    representative.save(update_fields=["is_active"])
    assert client.get("/api/v1/complaints/").status_code in (401, 403)


def test_a_session_without_staff_status_is_refused_too(client):
    no_staff = UserFactory(username="former", is_staff=False, groups=["Manager"])
    client.force_login(no_staff)
    assert client.get("/api/v1/complaints/").status_code == 403


def test_a_superuser_without_staff_status_is_refused_as_in_the_admin(client_for):
    root = UserFactory(username="root", is_superuser=True, is_staff=False)
    assert client_for(root).get("/api/v1/complaints/").status_code == 403


def _staff_views():
    for pattern in get_resolver("config.api_urls").url_patterns:
        for inner in getattr(pattern, "url_patterns", []):
            view = getattr(inner.callback, "view_class", None)
            if view is not None and view.__module__ == "complaints.api":
                yield view


def test_every_staff_view_is_guarded_by_the_one_staff_permission():
    views = list(_staff_views())
    assert len(views) == 6
    for view in views:
        assert issubclass(view, api.StaffApi), view
        for permission in view.permission_classes:
            assert issubclass(permission, api.StaffPermission), (view, permission)
    assert issubclass(api.CanAddComplaints, api.StaffPermission)
