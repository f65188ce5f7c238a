"""Staff triage in the admin (issue 2 item 8)."""

import pytest
from django.urls import reverse

from complaints.models import Complaint, ComplaintEvent, ComplaintMessage, Stage
from tests.factories import category, make_complaint, root_cause
from tests.helpers import advance, public_status

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/complaints/complaint/"


def change_url(complaint):
    return reverse("admin:complaints_complaint_change", args=[complaint.pk])


def transition_url(complaint, name):
    return reverse("admin:complaints_complaint_transition", args=[complaint.pk, name])


def post_transition(client, complaint, name, **fields):
    data = {f"{name}-{key}": value for key, value in fields.items()}
    return client.post(transition_url(complaint, name), data)


def test_staff_carry_a_complaint_through_all_eight_stages_with_a_rejection(client, representative):
    client.force_login(representative)
    complaint = make_complaint()

    steps = [
        ("acknowledged", {}),
        ("classified", {"category": category("financial").pk}),
        ("tracking_started", {"assignee": representative.pk}),
        ("analysis_started", {}),
        (
            "responded",
            {
                "root_cause": root_cause().pk,
                "root_cause_analysis": "Şablon hatası",
                "solution_proposal": "İade",
            },
        ),
        ("decision_notified", {"decision": "İade edildi"}),
        ("reopened", {"customer_answer_channel": "phone", "customer_answer_reason": "Eksik"}),
        (
            "responded",
            {
                "root_cause": root_cause().pk,
                "root_cause_analysis": "İkinci inceleme",
                "solution_proposal": "Tam iade",
            },
        ),
        ("decision_notified", {"decision": "Tam iade edildi"}),
        ("closed", {"customer_answer_channel": "phone"}),
    ]
    for name, fields in steps:
        response = post_transition(client, complaint, name, **fields)
        assert response.status_code == 302, (name, response.content.decode()[:2000])
        complaint.refresh_from_db()

    assert complaint.stage == Stage.CLOSED
    assert complaint.reopen_count == 1
    assert complaint.priority == "normal"  # the category's default
    actions = list(
        ComplaintEvent.objects.filter(complaint=complaint).values_list("action", flat=True)
    )
    assert actions.count("complaints.complaint.reopened") == 1
    # (other apps may react to the closure with rows of their own, e.g. the survey)
    assert [a for a in actions if a.startswith("complaints.complaint.")][-1] == (
        "complaints.complaint.closed"
    )
    assert client.get(f"/track/{complaint.tracking_number}/").status_code == 200
    assert public_status(complaint).stage == "closed"


def test_the_change_page_offers_only_the_transitions_allowed_from_the_current_stage(
    client, representative
):
    client.force_login(representative)
    complaint = advance(make_complaint(), Stage.DECISION_NOTIFIED, representative)
    response = client.get(change_url(complaint))
    names = [item["transition"].name for item in response.context["transitions"]]
    assert sorted(names) == ["closed", "closed_no_answer", "reopened"]
    body = response.content.decode()
    assert 'id="transition-closed"' in body
    assert 'id="transition-acknowledged"' not in body


def test_the_change_page_hides_steps_the_user_may_not_take(client, agent):
    client.force_login(agent)
    complaint = advance(make_complaint(), Stage.DECISION_NOTIFIED, agent)
    response = client.get(change_url(complaint))
    assert response.context["transitions"] == []


def test_a_guard_failure_shows_the_form_again_with_the_missing_field(client, agent):
    client.force_login(agent)
    complaint = advance(make_complaint(), Stage.ACKNOWLEDGED, agent)
    response = post_transition(client, complaint, "classified", category="")
    assert response.status_code == 200
    assert "category" in response.context["form"].errors
    complaint.refresh_from_db()
    assert complaint.stage == Stage.ACKNOWLEDGED


def test_a_step_not_allowed_from_the_stage_changes_nothing(client, representative):
    client.force_login(representative)
    complaint = make_complaint()
    response = post_transition(client, complaint, "closed", customer_answer_channel="phone")
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.stage == Stage.RECEIVED


def test_an_agent_cannot_close_even_by_posting_directly(client, agent, representative):
    complaint = advance(make_complaint(), Stage.DECISION_NOTIFIED, representative)
    client.force_login(agent)
    response = post_transition(client, complaint, "closed", customer_answer_channel="phone")
    assert response.status_code == 403
    complaint.refresh_from_db()
    assert complaint.stage == Stage.DECISION_NOTIFIED


def test_a_user_without_a_group_cannot_see_complaints(client, outsider):
    complaint = make_complaint()
    client.force_login(outsider)
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(change_url(complaint)).status_code == 403
    assert post_transition(client, complaint, "acknowledged").status_code == 403
    complaint.refresh_from_db()
    assert complaint.stage == Stage.RECEIVED


def test_a_phone_complaint_registered_by_staff_is_acknowledged_at_once_with_its_number(
    client, agent
):
    client.force_login(agent)
    response = client.post(
        "/admin/complaints/complaint/add/",
        {
            "channel": "phone",
            "kind": "complaint",
            "name": "Veli Kaya",
            "email": "",
            "phone": "",
            "language": "tr",
            "subject": "Hat arızası",
            "description": "Telefonla bildirildi.",
            "privacy_notice_read_out": "on",
        },
        follow=True,
    )
    complaint = Complaint.objects.get()
    assert complaint.stage == Stage.ACKNOWLEDGED
    assert complaint.channel == "phone"
    assert complaint.tracking_number in response.content.decode()
    assert [e.actor for e in complaint.events.all()] == [agent, agent]


def test_registering_an_email_complaint_without_contact_is_refused(client, agent):
    client.force_login(agent)
    response = client.post(
        "/admin/complaints/complaint/add/",
        {
            "channel": "email",
            "kind": "complaint",
            "name": "Veli Kaya",
            "language": "tr",
            "subject": "Konu",
            "description": "Açıklama",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Complaint.objects.count() == 0


def test_the_list_page_does_not_grow_queries_with_rows(
    client, representative, django_assert_max_num_queries
):
    client.force_login(representative)
    for i in range(3):
        advance(make_complaint(email=f"a{i}@example.com"), Stage.TRACKING, representative)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(CHANGELIST).status_code == 200
    for i in range(20):
        advance(make_complaint(email=f"b{i}@example.com"), Stage.TRACKING, representative)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 23


def test_search_finds_a_complaint_by_a_phone_number_typed_the_national_way(client, agent):
    client.force_login(agent)
    complaint = make_complaint(email="", phone="+905321234567")
    make_complaint(email="other@example.com")
    response = client.get(CHANGELIST, {"q": "0532 123 45 67"})
    assert list(response.context["cl"].result_list) == [complaint]


def test_search_by_tracking_number(client, agent):
    client.force_login(agent)
    complaint = make_complaint()
    make_complaint(email="other@example.com")
    response = client.get(CHANGELIST, {"q": complaint.tracking_number})
    assert list(response.context["cl"].result_list) == [complaint]


def test_filters_by_stage_and_overdue(client, agent):
    from datetime import timedelta

    from django.utils import timezone

    client.force_login(agent)
    late = make_complaint()
    Complaint.objects.filter(pk=late.pk).update(ack_due_at=timezone.now() - timedelta(hours=1))
    on_time = make_complaint(email="x@example.com")
    Complaint.objects.filter(pk=on_time.pk).update(ack_due_at=timezone.now() + timedelta(hours=1))
    response = client.get(CHANGELIST, {"overdue": "ack", "stage__exact": "received"})
    assert list(response.context["cl"].result_list) == [late]


def test_bulk_assign_to_me_starts_follow_up_of_classified_complaints(client, representative):
    client.force_login(representative)
    classified = advance(make_complaint(), Stage.CLASSIFIED, representative)
    received = make_complaint(email="b@example.com")
    client.post(
        CHANGELIST,
        {"action": "assign_to_me", "_selected_action": [classified.pk, received.pk]},
    )
    classified.refresh_from_db()
    received.refresh_from_db()
    assert classified.stage == Stage.TRACKING
    assert classified.assignee == representative
    assert received.assignee == representative
    assert received.stage == Stage.RECEIVED


def test_bulk_classify_uses_the_chosen_category_and_skips_others(client, agent):
    client.force_login(agent)
    ready = advance(make_complaint(), Stage.ACKNOWLEDGED, agent)
    not_ready = make_complaint(email="b@example.com")
    client.post(
        CHANGELIST,
        {
            "action": "classify",
            "category": category("operations-stopped").pk,
            "_selected_action": [ready.pk, not_ready.pk],
        },
    )
    ready.refresh_from_db()
    not_ready.refresh_from_db()
    assert (ready.stage, ready.priority) == (Stage.CLASSIFIED, "high")
    assert not_ready.stage == Stage.RECEIVED


def test_staff_add_an_internal_note_that_the_tracking_page_never_shows(client, agent):
    client.force_login(agent)
    complaint = make_complaint()
    client.post(
        reverse("admin:complaints_complaint_message", args=[complaint.pk]),
        {"body": "Müşteri daha önce de aradı.", "internal": "on"},
    )
    message = ComplaintMessage.objects.get()
    assert message.internal and message.author == agent
    assert "Müşteri daha önce de aradı." in client.get(change_url(complaint)).content.decode()
    client.logout()
    body = client.get(f"/track/{complaint.tracking_number}/").content.decode()
    assert "Müşteri daha önce de aradı." not in body


def test_complaints_cannot_be_deleted_from_the_admin(client, superuser):
    client.force_login(superuser)
    complaint = make_complaint()
    response = client.get(reverse("admin:complaints_complaint_delete", args=[complaint.pk]))
    assert response.status_code == 403


def test_the_sla_filter_lists_complaints_at_risk_and_with_a_recorded_breach(client, agent):
    from datetime import timedelta

    from django.utils import timezone

    client.force_login(agent)
    now = timezone.now()
    at_risk = make_complaint()
    Complaint.objects.filter(pk=at_risk.pk).update(
        ack_met_at=None,
        ack_at_risk_after=now - timedelta(minutes=5),
        ack_due_at=now + timedelta(hours=1),
    )
    calm = make_complaint(email="calm@example.com")
    Complaint.objects.filter(pk=calm.pk).update(
        ack_met_at=None,
        ack_at_risk_after=now + timedelta(hours=1),
        ack_due_at=now + timedelta(hours=2),
    )
    breached_once = make_complaint(email="late@example.com")
    Complaint.objects.filter(pk=breached_once.pk).update(breach_count=1)
    response = client.get(CHANGELIST, {"sla": "at_risk"})
    assert list(response.context["cl"].result_list) == [at_risk]
    response = client.get(CHANGELIST, {"sla": "breach_recorded"})
    assert list(response.context["cl"].result_list) == [breached_once]


def test_the_history_shows_readable_actions_with_the_code_at_hand(client, agent):
    client.force_login(agent)
    complaint = advance(make_complaint(), Stage.ACKNOWLEDGED, agent)
    body = client.get(change_url(complaint)).content.decode()
    assert 'title="complaints.complaint.acknowledged"' in body
    assert "<code>complaints.complaint.acknowledged</code>" not in body
    event = complaint.events.get(action="complaints.complaint.acknowledged")
    assert event.action_label != event.action


def test_the_due_column_shows_the_next_target_still_to_meet(representative):
    from datetime import timedelta

    from django.utils import timezone

    from sla.extensions import due_column

    complaint = make_complaint()
    now = timezone.now()
    ack_due, resolution_due = now + timedelta(hours=2), now + timedelta(days=3)
    Complaint.objects.filter(pk=complaint.pk).update(
        ack_due_at=ack_due, ack_met_at=None, resolution_due_at=resolution_due
    )
    complaint.refresh_from_db()
    shown_ack = due_column(complaint)
    Complaint.objects.filter(pk=complaint.pk).update(ack_met_at=now)
    complaint.refresh_from_db()
    shown_resolution = due_column(complaint)
    assert shown_ack != shown_resolution
    Complaint.objects.filter(pk=complaint.pk).update(resolution_met_at=now)
    complaint.refresh_from_db()
    assert due_column(complaint) == "—"


def test_the_message_form_only_accepts_post(client, agent):
    client.force_login(agent)
    complaint = make_complaint()
    response = client.get(reverse("admin:complaints_complaint_message", args=[complaint.pk]))
    assert response.status_code == 405


def test_the_audit_log_filters_by_readable_action_names(client, superuser):
    client.force_login(superuser)
    complaint = advance(make_complaint(), Stage.ACKNOWLEDGED, superuser)
    response = client.get(
        "/admin/complaints/complaintevent/", {"action": "complaints.complaint.acknowledged"}
    )
    assert [e.complaint for e in response.context["cl"].result_list] == [complaint]
    body = response.content.decode()
    assert "?action=complaints.complaint.received" in body


def test_staff_change_the_category_after_evaluation_from_the_change_page(client, agent):
    client.force_login(agent)
    complaint = advance(make_complaint(), Stage.IN_ANALYSIS, agent)
    assert client.get(change_url(complaint)).context["recategorize_form"] is not None
    client.post(
        reverse("admin:complaints_complaint_recategorize", args=[complaint.pk]),
        {"category": category("company-not-at-fault").pk, "reason": "Kusur yok."},
    )
    complaint.refresh_from_db()
    assert complaint.category == category("company-not-at-fault")
    assert complaint.priority == "low"
