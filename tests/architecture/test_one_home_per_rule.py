"""Issue 14: each rule has one home. These tests pin the homes down, so that a
second copy (the thing that kept drifting) shows up as a failure."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from complaints import codes
from complaints.history import ActionCode, action_label, code_is_declared, codes_declare
from complaints.models import Complaint, Stage
from complaints.selectors import complaint_actions_for
from complaints.services import (
    GuardFailed,
    complaint_assign,
    complaint_classify,
    complaint_register,
)
from complaints.signals import reactions_connect
from complaints.staff import assignable_users
from complaints.workflow import TRANSITIONS
from tests.factories import category, make_complaint
from tests.helpers import advance

ROOT = Path(__file__).resolve().parents[2]
APPS = ("complaints", "intake", "notifications", "sla")


# --- Action codes ----------------------------------------------------------------


def test_every_transition_writes_a_declared_code_with_a_readable_name():
    for transition in TRANSITIONS:
        assert code_is_declared(transition.action), transition.action
        assert action_label(transition.action) != transition.action


def test_start_up_refuses_a_reaction_keyed_on_an_undeclared_code():
    with pytest.raises(ImproperlyConfigured, match=r"complaints\.complaint\.clasified"):
        reactions_connect(app="test", reactions={"complaints.complaint.clasified": print})


def test_a_code_cannot_be_declared_twice_with_different_names():
    with pytest.raises(ValueError):
        codes_declare(ActionCode(codes.RECEIVED, "something else"))


def _string_constants(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def test_no_module_outside_a_codes_module_spells_an_action_code():
    prefixes = tuple(f"{app}.{noun}." for app in APPS for noun in _NOUNS)
    offenders = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if path.name == "codes.py" or "migrations" in path.parts:
                continue
            for text in _string_constants(path):
                if text.startswith(prefixes) and code_is_declared(text):
                    offenders.append(f"{path.relative_to(ROOT)}: {text}")
    assert offenders == []


_NOUNS = ("complaint", "message", "acknowledgement", "notice", "ack", "resolution", "customer")


# --- The shape of the apps ---------------------------------------------------------


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("app", APPS)
def test_apps_import_only_the_core(app):
    others = set(APPS) - {app} - ({"complaints"} if app != "complaints" else set())
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & others)
        for path in (ROOT / app).rglob("*.py")
        if _imports(path) & others
    }
    assert offenders == {}


def test_no_module_of_the_product_is_over_400_lines():
    long = {}
    for folder in (*APPS, "config", "bench", "common", "improvement"):
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            lines = len(path.read_text().splitlines())
            if lines > 400:
                long[str(path.relative_to(ROOT))] = lines
    assert long == {}


def test_the_admin_does_not_change_other_apps_classes_at_import_time():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            assert "ComplaintAdmin.inlines" not in path.read_text(), path


# --- Process decisions live in services --------------------------------------------


@pytest.fixture
def client_for(db):
    from rest_framework.test import APIClient

    def build(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return build


@pytest.mark.django_db
def test_assigning_a_classified_complaint_starts_tracking_wherever_it_happens(representative):
    complaint = advance(make_complaint(), Stage.CLASSIFIED, representative)
    complaint = complaint_assign(complaint=complaint, assignee=representative, actor=representative)
    assert complaint.stage == Stage.TRACKING
    assert complaint.events.filter(action=codes.TRACKING_STARTED).count() == 1


@pytest.mark.django_db
def test_assigning_through_the_api_starts_tracking_too(client_for, representative):
    complaint = advance(make_complaint(), Stage.CLASSIFIED, representative)
    response = client_for(representative).post(
        f"/api/v1/complaints/{complaint.pk}/assign/",
        {"assignee": representative.pk},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["stage"] == "tracking"


@pytest.mark.django_db
def test_only_agents_and_representatives_can_be_assigned_in_the_admin_and_the_api(
    client_for, manager, agent, representative
):
    complaint = advance(make_complaint(), Stage.TRACKING, representative)
    assert set(assignable_users()) == {agent, representative}
    with pytest.raises(GuardFailed):
        complaint_assign(complaint=complaint, assignee=manager, actor=representative)
    response = client_for(representative).post(
        f"/api/v1/complaints/{complaint.pk}/assign/", {"assignee": manager.pk}, format="json"
    )
    assert response.status_code == 400
    assert "assignee" in response.json()["error"]["fields"]


@pytest.mark.django_db
def test_staff_cannot_register_a_web_or_api_complaint(agent):
    from django.core.exceptions import ValidationError

    for channel in ("web", "api"):
        with pytest.raises(ValidationError):
            complaint_register(
                actor=agent,
                channel=channel,
                kind="complaint",
                name="Ayşe",
                phone="05321234567",
                subject="Fatura",
                description="Yanlış.",
            )


@pytest.mark.django_db
def test_classify_decides_between_classification_and_a_later_change(representative):
    complaint = advance(make_complaint(), Stage.ACKNOWLEDGED, representative)
    complaint = complaint_classify(
        complaint=complaint, actor=representative, category=category("financial")
    )
    assert complaint.stage == Stage.CLASSIFIED
    complaint = complaint_classify(
        complaint=complaint, actor=representative, priority="high", reason="Hukuki risk"
    )
    assert complaint.priority == "high"
    assert complaint.events.filter(action=codes.REPRIORITIZED).count() == 1
    with pytest.raises(GuardFailed):
        complaint_classify(complaint=complaint, actor=representative)


@pytest.mark.django_db
def test_the_admin_and_the_api_offer_the_same_steps(client, client_for, agent):
    complaint = advance(make_complaint(), Stage.ACKNOWLEDGED, agent)
    actions = complaint_actions_for(complaint=complaint, user=agent)
    api = client_for(agent).get(f"/api/v1/complaints/{complaint.pk}/").json()
    assert [t["name"] for t in api["available_transitions"] if t["permitted"]] == [
        t.name for t in actions.permitted_transitions
    ]
    client.force_login(agent)
    page = client.get(f"/admin/complaints/complaint/{complaint.pk}/change/")
    assert [row["transition"].name for row in page.context["transitions"]] == [
        t.name for t in actions.permitted_transitions
    ]


@pytest.mark.django_db
def test_a_user_who_lost_staff_status_may_take_no_step(agent):
    complaint = make_complaint()
    agent.is_staff = False
    agent.save()
    actions = complaint_actions_for(complaint=complaint, user=agent)
    assert actions.permitted_transitions == []
    assert not actions.can_message


def test_the_sla_overdue_rule_has_one_definition():
    # The admin filter, the admin column and the API field and filter all come from sla.
    extensions = importlib.import_module("complaints.extensions")
    names = [f.__name__ for f in extensions.admin_list_filters()]
    assert names == ["OverdueFilter", "SlaFilter"]
    assert {f.name for f in extensions.api_fields()} >= {"is_overdue"}
    assert {f.name for f in extensions.api_list_filters()} >= {"overdue"}
    for path in (ROOT / "complaints").rglob("*.py"):
        text = path.read_text()
        assert "ack_due_at__lt" not in text and "resolution_due_at__lt" not in text, path
    assert Complaint._meta.get_field("resolution_due_at")  # stays on Complaint (README)
