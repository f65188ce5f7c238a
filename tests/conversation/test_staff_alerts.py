"""Item 5: the assignee (while there is none, the Representative group) is told
by e-mail when the customer writes, sends files or rejects the decision, and
when a complaint is assigned to them; each can turn these off; one e-mail per
event, through the outbox."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints import access
from complaints.models import Answer, MessageAuthor, Stage
from complaints.services import complaint_assign, complaint_message_add
from notifications.models import Notification, StaffAlertPreference
from notifications.services import notification_send
from tests.factories import UserFactory

from .conftest import body_of, mails_to

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def customer_writes(committed, complaint, body="Hâlâ internetim yok."):
    return committed(
        complaint_message_add,
        complaint=complaint,
        body=body,
        author_kind=MessageAuthor.CUSTOMER,
        channel="email",
    )


def alerts() -> list[Notification]:
    return list(Notification.objects.filter(kind=Notification.Kind.STAFF_ALERT).order_by("id"))


def test_the_assignee_is_told_when_the_customer_writes(
    smtp, committed, complaint_in, representative
):
    complaint = complaint_in(Stage.IN_ANALYSIS)

    customer_writes(committed, complaint)

    mails = mails_to(smtp, representative.email)
    assert len(mails) == 1
    assert complaint.tracking_number in str(mails[0]["Subject"])
    assert "Hâlâ internetim yok." in body_of(mails[0])
    assert f"/admin/complaints/complaint/{complaint.pk}/change/" in body_of(mails[0])
    assert "/notices/alerts/" in body_of(mails[0])
    assert [n.recipient_user for n in alerts()] == [representative]
    # Exactly once: the send run again sends nothing more.
    notification_send(notification_id=alerts()[0].pk)
    assert len(mails_to(smtp, representative.email)) == 1


def test_while_unassigned_the_representative_group_is_told(
    smtp, committed, complaint_in, representative
):
    first = UserFactory(username="temsilci1", groups=["Representative"])
    second = UserFactory(username="temsilci2", groups=["Representative"])
    UserFactory(username="inactive", groups=["Representative"], is_active=False)
    agent = UserFactory(username="agent2", groups=["Agent"])
    complaint = complaint_in()

    customer_writes(committed, complaint)

    assert {n.recipient for n in alerts()} == {first.email, second.email, representative.email}
    assert mails_to(smtp, str(agent.email)) == []


def test_a_rejected_decision_is_told_with_its_reason(
    smtp, committed, complaint_in, representative, client
):
    complaint = complaint_in(Stage.DECISION_NOTIFIED)
    client.get(f"/track/{complaint.tracking_number}/?k={access.customer_link_token(complaint)}")

    committed(
        client.post,
        f"/track/{complaint.tracking_number}/answer/",
        {"answer": Answer.REJECTED, "reason": "Fark iade edilmedi."},
    )

    mail = mails_to(smtp, representative.email)[-1]
    assert "reddetti" in str(mail["Subject"])
    assert "Fark iade edilmedi." in body_of(mail)


def test_files_sent_on_their_own_are_told_once(
    smtp, committed, complaint_in, representative, client
):
    complaint = complaint_in(Stage.IN_ANALYSIS)
    client.get(f"/track/{complaint.tracking_number}/?k={access.customer_link_token(complaint)}")
    files = [SimpleUploadedFile(f"d{i}.pdf", PDF, "application/pdf") for i in range(2)]

    committed(client.post, f"/track/{complaint.tracking_number}/message/", {"attachments": files})

    mails = mails_to(smtp, representative.email)
    assert len(mails) == 1
    assert "d0.pdf" in body_of(mails[0]) and "d1.pdf" in body_of(mails[0])


def test_a_message_with_files_is_one_email(smtp, committed, complaint_in, representative, client):
    complaint = complaint_in(Stage.IN_ANALYSIS)
    client.get(f"/track/{complaint.tracking_number}/?k={access.customer_link_token(complaint)}")

    committed(
        client.post,
        f"/track/{complaint.tracking_number}/message/",
        {
            "body": "Dekont ekte.",
            "attachments": [SimpleUploadedFile("d.pdf", PDF, "application/pdf")],
        },
    )

    mails = mails_to(smtp, representative.email)
    assert len(mails) == 1
    assert "Dekont ekte." in body_of(mails[0]) and "d.pdf" in body_of(mails[0])


def test_files_with_the_web_form_itself_raise_no_alert(smtp, client, representative):
    import uuid

    client.post(
        "/submit/",
        {
            "name": "Ayşe",
            "email": "ayse@example.com",
            "kind": "complaint",
            "subject": "Fatura",
            "description": "Ekte.",
            "submission_id": str(uuid.uuid4()),
            "attachments": [SimpleUploadedFile("d.pdf", PDF, "application/pdf")],
        },
    )
    assert alerts() == []


def test_the_new_assignee_is_told_unless_they_took_it_themselves(
    smtp, committed, complaint_in, agent, representative
):
    complaint = complaint_in(Stage.CLASSIFIED)
    committed(complaint_assign, complaint=complaint, assignee=representative, actor=agent)
    mails = mails_to(smtp, representative.email)
    assert len(mails) == 1 and "atandı" in str(mails[0]["Subject"])

    committed(complaint_assign, complaint=complaint, assignee=agent, actor=agent)
    assert mails_to(smtp, agent.email) == []  # took it themselves
    assert len(alerts()) == 1


def test_a_staff_member_turns_an_alert_off(smtp, committed, complaint_in, representative, client):
    complaint = complaint_in(Stage.IN_ANALYSIS)
    client.force_login(representative)
    page = client.get("/notices/alerts/")
    assert page.status_code == 200

    response = client.post(
        "/notices/alerts/",
        {"decision_rejected": "on", "customer_files": "on", "assigned": "on"},
    )
    assert response.status_code == 302
    preference = StaffAlertPreference.objects.get(user=representative)
    assert not preference.customer_message and preference.assigned

    customer_writes(committed, complaint)
    assert mails_to(smtp, representative.email) == []


def test_the_alert_settings_page_is_for_staff_only(client, db):
    response = client.get("/notices/alerts/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    customer = UserFactory(username="notstaff", is_staff=False)
    client.force_login(customer)
    assert client.get("/notices/alerts/").status_code == 302
    assert not StaffAlertPreference.objects.exists()


def test_staff_messages_raise_no_alert(smtp, committed, complaint_in, representative, agent):
    complaint = complaint_in(Stage.IN_ANALYSIS)
    committed(
        complaint_message_add,
        complaint=complaint,
        body="Not",
        author_kind=MessageAuthor.STAFF,
        channel=complaint.channel,
        actor=agent,
        internal=True,
    )
    assert alerts() == []
