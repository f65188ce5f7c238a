"""Data-subject requests (KVKK article 11) on a customer's admin page: export
everything held (JSON and PDF) and anonymise now (reason, confirmation, a
Manager permission), recorded in the history."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from complaints.models import Complaint, ComplaintEvent, Customer, Stage
from complaints.privacy import PLACEHOLDER
from tests.factories import make_complaint
from tests.helpers import advance

from .lifecycle import EMAIL, NAME, PHONE, WORDS, live_a_whole_complaint

pytestmark = pytest.mark.django_db


def export_url(customer: Customer, fmt: str) -> str:
    return f"/admin/complaints/customer/{customer.pk}/data-subject/export.{fmt}"


def anonymise_url(customer: Customer) -> str:
    return f"/admin/complaints/customer/{customer.pk}/data-subject/anonymise/"


@pytest.fixture
def lived(representative, django_capture_on_commit_callbacks):
    return live_a_whole_complaint(
        staff=representative, capture=django_capture_on_commit_callbacks
    ).complaint


def test_the_manager_group_may_export_and_anonymise():
    codenames = set(
        Group.objects.get(name="Manager").permissions.values_list("codename", flat=True)
    )
    assert {"export_customer", "anonymise_customer"} <= codenames
    agent = set(Group.objects.get(name="Agent").permissions.values_list("codename", flat=True))
    assert not {"export_customer", "anonymise_customer"} & agent


def test_the_export_holds_the_customer_their_complaints_messages_notices_and_files(
    client, manager, lived
):
    client.force_login(manager)
    response = client.post(export_url(lived.customer, "json"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    export = json.loads(response.content)
    assert export["customer"] | {"created_at": None} == {
        "name": NAME,
        "email": EMAIL,
        "phone": PHONE,
        "language": "tr",
        "created_at": None,
        "anonymised_at": None,
    }
    [complaint] = export["complaints"]
    assert complaint["tracking_number"] == lived.tracking_number
    assert WORDS["subject"] in complaint["subject"]
    assert complaint["privacy_notice"] == {"version": 1, "given": "linked"}
    texts = " ".join(m["text"] for m in complaint["messages"])
    for word in ("customer_reply", "staff_message", "internal_note"):
        assert WORDS[word] in texts
    assert any(e["action"] == "complaints.complaint.closed" for e in complaint["history"])
    kinds = {n["kind"] for n in export["notices"]}
    assert {"acknowledgement", "decision", "reevaluation", "closure"} <= kinds
    assert all(n["to"] == EMAIL for n in export["notices"])  # staff escalations are not theirs
    assert len(export["inbound_messages"]) == 2
    [attachment] = export["files"]
    assert attachment["name"] == f"{WORDS['attachment_name']}.txt"
    assert attachment["stored"] is True
    # Who exported, in which form: recorded; what it held: not.
    event = ComplaintEvent.objects.get(complaint=lived, action="complaints.customer.exported")
    assert (event.actor, event.data) == (manager, {"format": "json"})


def test_the_export_as_pdf(client, manager, lived):
    client.force_login(manager)
    response = client.post(export_url(lived.customer, "pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert len(response.content) > 5000


def test_an_export_is_only_posted_and_only_in_json_or_pdf(client, manager, lived):
    client.force_login(manager)
    assert client.get(export_url(lived.customer, "json")).status_code == 405
    assert client.post(export_url(lived.customer, "xml")).status_code == 404


def test_an_agent_may_neither_export_nor_anonymise(client, agent, lived):
    client.force_login(agent)
    assert client.post(export_url(lived.customer, "json")).status_code == 403
    assert client.get(anonymise_url(lived.customer)).status_code == 403
    assert (
        client.post(anonymise_url(lived.customer), {"reason": "r", "confirm": "on"}).status_code
        == 403
    )
    page = client.get(f"/admin/complaints/customer/{lived.customer_id}/change/").content.decode()
    assert "data-subject" not in page
    assert Customer.objects.get(pk=lived.customer_id).name == NAME


def test_the_manager_sees_the_buttons(client, manager, lived):
    client.force_login(manager)
    page = client.get(f"/admin/complaints/customer/{lived.customer_id}/change/").content.decode()
    assert export_url(lived.customer, "json") in page
    assert anonymise_url(lived.customer) in page


def test_anonymising_now_asks_for_a_reason_and_a_confirmation(client, manager, lived):
    client.force_login(manager)
    page = client.get(anonymise_url(lived.customer))
    assert page.status_code == 200
    assert lived.tracking_number in page.content.decode()
    for incomplete in ({"reason": "KVKK-2026-14", "confirm": ""}, {"reason": " ", "confirm": "on"}):
        response = client.post(anonymise_url(lived.customer), incomplete)
        assert response.status_code == 200
        assert response.context["form"].errors
    assert Customer.objects.get(pk=lived.customer_id).name == NAME


def test_anonymising_now_erases_the_customer_and_records_who_and_why(client, manager, lived):
    client.force_login(manager)
    response = client.post(
        anonymise_url(lived.customer),
        {"reason": f"KVKK-2026-14: {NAME} asked by e-mail from {EMAIL}", "confirm": "on"},
    )
    assert response.status_code == 302
    customer = Customer.objects.get(pk=lived.customer_id)
    assert (customer.name, customer.email, customer.phone) == (PLACEHOLDER, "", "")
    complaint = Complaint.objects.get(pk=lived.pk)
    assert complaint.subject == PLACEHOLDER
    event = ComplaintEvent.objects.get(
        complaint=complaint, action="complaints.complaint.anonymised_on_request"
    )
    assert event.actor == manager
    assert event.note.startswith("KVKK-2026-14")
    assert NAME not in event.note and EMAIL not in event.note
    assert event.data == {"basis": "request"}
    attachment = complaint_files(complaint)
    assert attachment == []
    # The figures stay.
    assert (complaint.stage, complaint.priority, complaint.reopen_count) == ("closed", "high", 1)


def complaint_files(complaint: Complaint) -> list[Path]:
    from intake.models import InboundAttachment

    return [
        Path(a.file.path)
        for a in InboundAttachment.objects.filter(inbound__complaint=complaint)
        if a.file
    ]


def test_anonymising_now_is_refused_while_a_complaint_is_open(client, manager, representative):
    closed = advance(make_complaint(email="both@example.com"), Stage.CLOSED, representative)
    still_open = make_complaint(email="both@example.com")
    client.force_login(manager)
    response = client.post(
        anonymise_url(closed.customer), {"reason": "KVKK-2026-15", "confirm": "on"}
    )
    assert response.status_code == 200
    assert still_open.tracking_number in str(response.context["form"].errors)
    assert Complaint.objects.get(pk=closed.pk).anonymised_at is None
