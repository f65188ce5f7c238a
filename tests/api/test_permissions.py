"""Every staff endpoint refuses a user without the permission, and anonymous callers."""

import pytest

from complaints.models import Complaint, ComplaintEvent, Stage
from tests.factories import make_complaint
from tests.helpers import advance

pytestmark = pytest.mark.django_db


def staff_calls(complaint, someone):
    """(method, url, body) for every staff endpoint."""
    base = f"/api/v1/complaints/{complaint.pk}/"
    return [
        ("get", "/api/v1/complaints/", None),
        (
            "post",
            "/api/v1/complaints/",
            {
                "channel": "phone",
                "name": "H",
                "phone": "05321234567",
                "subject": "s",
                "description": "d",
            },
        ),
        ("get", base, None),
        ("post", base + "transitions/", {"to": "acknowledged"}),
        ("post", base + "assign/", {"assignee": someone.pk}),
        ("post", base + "classify/", {"category": "financial"}),
        ("post", base + "messages/", {"body": "Not", "internal": True}),
    ]


CALL_IDS = ["list", "create", "retrieve", "transition", "assign", "classify", "message"]


@pytest.mark.parametrize("index", range(len(CALL_IDS)), ids=CALL_IDS)
def test_a_staff_user_without_the_permission_is_refused(client_for, outsider, agent, index):
    complaint = make_complaint()
    method, url, body = staff_calls(complaint, agent)[index]
    events = ComplaintEvent.objects.count()
    response = getattr(client_for(outsider), method)(url, body, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert ComplaintEvent.objects.count() == events
    assert Complaint.objects.count() == 1


@pytest.mark.parametrize("index", range(len(CALL_IDS)), ids=CALL_IDS)
def test_an_anonymous_caller_is_refused(anonymous, agent, index):
    complaint = make_complaint()
    method, url, body = staff_calls(complaint, agent)[index]
    response = getattr(anonymous, method)(url, body, format="json")
    assert response.status_code in (401, 403)
    assert response.json()["error"]["code"] == "not_authenticated"


def test_a_manager_may_read_but_not_record_a_complaint(client_for, manager):
    client = client_for(manager)
    assert client.get("/api/v1/complaints/").status_code == 200
    response = client.post(
        "/api/v1/complaints/",
        {
            "channel": "phone",
            "name": "H",
            "phone": "05321234567",
            "subject": "s",
            "description": "d",
        },
        format="json",
    )
    assert response.status_code == 403


def test_a_manager_may_not_move_a_complaint_through_the_process(
    client_for, manager, representative
):
    complaint = advance(make_complaint(), Stage.ACKNOWLEDGED, representative)
    response = client_for(manager).post(
        f"/api/v1/complaints/{complaint.pk}/transitions/",
        {"to": "classified", "category": "financial"},
        format="json",
    )
    assert response.status_code == 403


def test_a_superuser_may_do_everything(client_for, superuser):
    complaint = make_complaint()
    response = client_for(superuser).post(
        f"/api/v1/complaints/{complaint.pk}/transitions/", {"to": "acknowledged"}, format="json"
    )
    assert response.status_code == 200
