"""Calendar overrides in the admin (issue 10, item 6): Managers edit them, and each
save or delete recomputes, after the commit, the open complaints running over the
date (a Celery task, eager in tests).

Received Monday 14 December 2026 at 10:00, a normal-priority complaint (3 business
days) is due Thursday 17 December at 18:00; a bridge day on Wednesday 16 moves it
to Friday 18 December at 18:00.
"""

import logging
from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.db import transaction

from complaints.models import Complaint, ComplaintEvent
from sla import codes, tasks
from sla.models import CalendarOverride
from sla.recompute import calendar_override_changed
from tests.factories import UserFactory
from tests.sla.conftest import ist

pytestmark = pytest.mark.django_db

MONDAY_10 = ist(2026, 12, 14, 10, 0)
THURSDAY_18 = ist(2026, 12, 17, 18, 0)
FRIDAY_18 = ist(2026, 12, 18, 18, 0)
ADD = "/admin/sla/calendaroverride/add/"
LIST = "/admin/sla/calendaroverride/"


def due(complaint: Complaint):
    return Complaint.objects.get(pk=complaint.pk).resolution_due_at


@pytest.fixture
def complaint(clock, receive, classify):
    clock.set(MONDAY_10)
    complaint = classify(receive(at=MONDAY_10), "financial")
    clock.set(ist(2026, 12, 15, 9, 0))
    return complaint


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the block and then what it queued for after the commit (the admin's task)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def bridge_day(**fields):
    return {"date": "2026-12-16", "kind": "closed", "reason": "İdari izin", **fields}


def test_the_manager_group_may_add_change_delete_and_view_overrides():
    granted = set(
        Group.objects.get(name="Manager")
        .permissions.filter(content_type__app_label="sla")
        .values_list("codename", flat=True)
    )

    assert {
        "add_calendaroverride",
        "change_calendaroverride",
        "delete_calendaroverride",
        "view_calendaroverride",
    } <= granted


def test_a_manager_adds_a_bridge_day_in_the_admin_and_the_due_date_moves(
    manager_client, complaint, committed
):
    with committed():
        response = manager_client.post(ADD, bridge_day())

    assert response.status_code == 302, response.content
    assert CalendarOverride.objects.filter(date=date(2026, 12, 16)).exists()
    assert due(complaint) == FRIDAY_18
    event = ComplaintEvent.objects.get(complaint=complaint, action=codes.DUE_DATES_RECOMPUTED)
    assert event.data["resolution"]["to"] == FRIDAY_18.isoformat()
    page = manager_client.get(response["Location"]).content.decode()
    assert "16 Aralık 2026 tarihini kapsayan açık başvuruların son tarihleri" in page, page


def test_moving_an_override_to_another_day_recomputes_the_day_it_left(
    manager_client, complaint, committed
):
    with committed():
        manager_client.post(ADD, bridge_day())
    override = CalendarOverride.objects.get()

    with committed():
        response = manager_client.post(
            f"{LIST}{override.pk}/change/", bridge_day(date="2026-12-22")
        )

    assert response.status_code == 302, response.content
    assert due(complaint) == THURSDAY_18  # 22 December is past its window


def test_deleting_overrides_in_the_admin_moves_the_due_date_back(
    manager_client, complaint, committed
):
    with committed():
        manager_client.post(ADD, bridge_day())
    override = CalendarOverride.objects.get()
    assert due(complaint) == FRIDAY_18

    with committed():
        response = manager_client.post(
            LIST, {"action": "delete_selected", "_selected_action": [override.pk], "post": "yes"}
        )

    assert response.status_code == 302, response.content
    assert not CalendarOverride.objects.exists()
    assert due(complaint) == THURSDAY_18


def test_staff_without_the_permission_cannot_add_an_override(client, complaint, committed):
    client.force_login(UserFactory(username="agent", groups=["Agent"]))

    with committed():
        response = client.post(ADD, bridge_day())

    assert response.status_code == 403
    assert not CalendarOverride.objects.exists()
    assert due(complaint) == THURSDAY_18


def test_a_change_rolled_back_recomputes_nothing(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        calendar_override_changed(dates=[date(2026, 12, 16)])
        raise RuntimeError("the save failed")

    assert callbacks == []


def test_the_override_is_saved_even_when_the_task_cannot_be_queued(
    manager_client, complaint, committed, monkeypatch, caplog
):
    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.due_dates_recompute, "apply_async", broker_down)

    with caplog.at_level(logging.ERROR, logger="sla.recompute"), committed():
        response = manager_client.post(ADD, bridge_day())

    assert response.status_code == 302
    assert CalendarOverride.objects.exists()
    assert "run manage.py sla_recompute" in caplog.text
