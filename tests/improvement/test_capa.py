"""Corrective and preventive actions: a register owned by Managers, its steps
declared once, the verdict stored beside the recurrence before and after the
implementation, an overdue action escalated once."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from complaints.models import ComplaintEvent
from complaints.services import TransitionNotAllowed
from improvement import codes
from improvement.capa_workflow import TRANSITIONS, CapaStatus, capa_transitions_from
from improvement.models import CapaEvent, CorrectiveAction, RecurrenceSignal
from improvement.services.capa import (
    CapaGuardFailed,
    capa_escalate_overdue,
    capa_open,
    capa_transition,
)
from improvement.tasks import capa_escalate_overdue as capa_escalate_overdue_task
from tests.factories import category, make_complaint

from .conftest import bulk_complaints

pytestmark = pytest.mark.django_db
IST = ZoneInfo("Europe/Istanbul")


def test_every_status_is_reachable_from_open_and_closed_is_the_end():
    reached, frontier = {CapaStatus.OPEN}, [CapaStatus.OPEN]
    while frontier:
        status = frontier.pop()
        for t in capa_transitions_from(status):
            if t.target not in reached:
                reached.add(t.target)
                frontier.append(t.target)
    assert reached == set(CapaStatus)
    assert capa_transitions_from(CapaStatus.CLOSED) == []
    assert len({t.action for t in TRANSITIONS}) == len(TRANSITIONS)


@pytest.fixture
def capa(manager) -> CorrectiveAction:
    return capa_open(
        title="Fatura şablonu hatası",
        problem_statement="Kurulum ücreti iki kez yansıyor.",
        actor=manager,
        owner=manager,
        due_date=timezone.localdate() + timedelta(days=14),
        categories=[category("financial")],
    )


def _implemented(capa: CorrectiveAction, manager, days_ago: int = 30) -> CorrectiveAction:
    capa = capa_transition(capa=capa, name="started", actor=manager)
    capa = capa_transition(
        capa=capa,
        name="implemented",
        actor=manager,
        fields={
            "action_taken": "Şablon düzeltildi.",
            "effectiveness_check_date": timezone.localdate() + timedelta(days=1),
        },
    )
    # as if implemented ``days_ago`` days ago, the check due today
    CorrectiveAction.objects.filter(pk=capa.pk).update(
        implemented_at=timezone.now() - timedelta(days=days_ago),
        effectiveness_check_date=timezone.localdate(),
    )
    capa.refresh_from_db()
    return capa


def test_an_action_goes_from_open_to_closed_each_step_in_its_history(capa, manager):
    capa = _implemented(capa, manager)
    capa = capa_transition(
        capa=capa, name="verified_effective", actor=manager, fields={"verdict_note": "Bitti."}
    )
    capa = capa_transition(capa=capa, name="closed", actor=manager)

    assert capa.status == CapaStatus.CLOSED
    assert capa.closed_at is not None
    assert list(capa.events.values_list("action", flat=True)) == [
        codes.CAPA_OPENED,
        "improvement.capa.started",
        "improvement.capa.implemented",
        "improvement.capa.verified_effective",
        "improvement.capa.closed",
    ]
    with pytest.raises(TransitionNotAllowed):
        capa_transition(capa=capa, name="started", actor=manager)


def test_the_implementation_needs_the_action_taken_and_a_later_check_date(capa, manager):
    capa = capa_transition(capa=capa, name="started", actor=manager)
    with pytest.raises(CapaGuardFailed) as refused:
        capa_transition(
            capa=capa,
            name="implemented",
            actor=manager,
            fields={"action_taken": "", "effectiveness_check_date": timezone.localdate()},
        )
    assert set(refused.value.errors) == {"action_taken", "effectiveness_check_date"}
    capa.refresh_from_db()
    assert capa.status == CapaStatus.IN_PROGRESS


def test_the_verdict_waits_for_the_effectiveness_check_date(capa, manager):
    capa = _implemented(capa, manager)
    CorrectiveAction.objects.filter(pk=capa.pk).update(
        effectiveness_check_date=timezone.localdate() + timedelta(days=3)
    )
    with pytest.raises(CapaGuardFailed) as refused:
        capa_transition(
            capa=capa, name="not_effective", actor=manager, fields={"verdict_note": "x"}
        )
    assert "effectiveness_check_date" in refused.value.errors


def test_the_verdict_is_stored_beside_the_recurrence_in_equal_periods_before_and_after(
    capa, manager
):
    capa = _implemented(capa, manager, days_ago=30)
    implemented = timezone.localtime(capa.implemented_at)
    financial, other = category("financial"), category("communication")

    def on(days: int, cat=financial) -> dict:
        day = (implemented + timedelta(days=days)).date()
        return {"received_at": datetime.combine(day, time(12), tzinfo=IST), "category": cat}

    bulk_complaints(
        [
            on(-45),  # before the period before: not counted
            *(on(-20), on(-10), on(-5), on(-1)),  # 4 before
            *(on(2), on(29)),  # 2 after
            *(on(-3, other), on(3, other)),  # another category: not counted
        ]
    )
    capa = capa_transition(
        capa=capa,
        name="not_effective",
        actor=manager,
        fields={"verdict_note": "Azaldı ama sürüyor."},
    )
    assert (capa.recurrence_before, capa.recurrence_after) == (4, 2)
    assert capa.measurement_period_days == 30
    assert capa.status == CapaStatus.NOT_EFFECTIVE
    assert (capa.verdict, capa.verdict_note) == ("not_effective", "Azaldı ama sürüyor.")
    row = capa.events.get(action="improvement.capa.not_effective")
    assert (row.data["recurrence_before"], row.data["recurrence_after"]) == (4, 2)

    capa = capa_transition(
        capa=capa, name="reworked", actor=manager, fields={"due_date": date.today()}
    )
    assert capa.status == CapaStatus.IN_PROGRESS


def test_each_step_needs_its_permission(capa, agent, representative):
    for user in (agent, representative):
        with pytest.raises(PermissionDenied):
            capa_transition(capa=capa, name="started", actor=user)
    with pytest.raises(PermissionDenied):
        capa_open(title="x", problem_statement="y", actor=agent)


def test_an_overdue_action_is_escalated_once_however_often_the_sweep_runs(capa, manager):
    CorrectiveAction.objects.filter(pk=capa.pk).update(
        due_date=timezone.localdate() - timedelta(days=1)
    )
    mail.outbox.clear()

    first = capa_escalate_overdue_task.delay().get()
    second = capa_escalate_overdue_task.delay().get()
    assert (first, second) == (1, 0)
    assert capa_escalate_overdue() == []
    assert CapaEvent.objects.filter(capa=capa, action=codes.CAPA_ESCALATED).count() == 1
    capa.refresh_from_db()
    assert capa.escalated_at is not None


def test_the_escalation_email_reaches_the_owner_and_the_managers_once(
    capa, manager, django_capture_on_commit_callbacks
):
    from tests.factories import UserFactory

    other_manager = UserFactory(username="mudur2", groups=["Manager"])
    CorrectiveAction.objects.filter(pk=capa.pk).update(
        due_date=timezone.localdate() - timedelta(days=2)
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        capa_escalate_overdue()
        capa_escalate_overdue()
    [message] = mail.outbox
    assert sorted(message.to) == sorted([manager.email, other_manager.email])
    assert capa.reference in message.subject


def test_actions_done_or_not_yet_due_are_not_escalated(capa, manager):
    _implemented(capa, manager)
    CorrectiveAction.objects.filter(pk=capa.pk).update(due_date=date(2020, 1, 1))
    capa_open(
        title="Henüz zamanı var",
        problem_statement="-",
        actor=manager,
        due_date=timezone.localdate(),
    )
    assert capa_escalate_overdue() == []


def test_the_beat_schedule_runs_the_overdue_sweep_and_the_signal_detection():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "improvement.tasks.capa_escalate_overdue",
        "improvement.tasks.recurrence_signals_detect",
    } <= tasks


# --- The register in the admin ---------------------------------------------------------


def test_open_a_corrective_action_from_a_signal_comes_prefilled(client, manager):
    [week_complaint, _other_week] = bulk_complaints(
        [
            {
                "received_at": datetime(2026, 11, 11, 12, tzinfo=IST),
                "category": category("financial"),
            },
            {
                "received_at": datetime(2026, 11, 17, 12, tzinfo=IST),
                "category": category("financial"),
            },
        ]
    )
    signal = RecurrenceSignal.objects.create(
        week=date(2026, 11, 9),
        dimension="category",
        category=category("financial"),
        count=12,
        mean=4.0,
        limit=10.0,
    )
    client.force_login(manager)
    page = client.get(f"/admin/improvement/correctiveaction/add/?signal={signal.pk}")
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert form.initial["signal"] == signal.pk
    assert form.initial["categories"] == [category("financial").pk]
    assert "12" in form.initial["problem_statement"]
    assert form.initial["complaints"] == [week_complaint.pk]  # the week's complaints


def test_a_manager_opens_an_action_in_the_admin_and_linked_complaints_record_it(client, manager):
    complaint = make_complaint()
    client.force_login(manager)
    response = client.post(
        "/admin/improvement/correctiveaction/add/",
        {
            "title": "Tekrarlayan fatura hatası",
            "problem_statement": "Aynı hata üç haftadır.",
            "owner": manager.pk,
            "due_date": "2030-01-31",
            "categories": [category("financial").pk],
            "complaints": str(complaint.pk),
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    capa = CorrectiveAction.objects.get()
    assert capa.created_by == manager
    assert capa.events.get().action == codes.CAPA_OPENED
    assert ComplaintEvent.objects.filter(complaint=complaint, action=codes.CAPA_LINKED).exists()

    page = client.get(f"/admin/improvement/correctiveaction/{capa.pk}/change/")
    assert f'action="/admin/improvement/correctiveaction/{capa.pk}/step/started/"' in (
        page.content.decode()
    )
    done = client.post(f"/admin/improvement/correctiveaction/{capa.pk}/step/started/")
    assert done.status_code == 302
    capa.refresh_from_db()
    assert capa.status == CapaStatus.IN_PROGRESS


def test_the_register_is_refused_to_staff_outside_the_manager_group(client, agent, capa):
    client.force_login(agent)
    assert client.get("/admin/improvement/correctiveaction/").status_code == 403
    assert client.get("/admin/improvement/correctiveaction/add/").status_code == 403
    response = client.post(f"/admin/improvement/correctiveaction/{capa.pk}/step/started/")
    assert response.status_code == 403
    capa.refresh_from_db()
    assert capa.status == CapaStatus.OPEN
