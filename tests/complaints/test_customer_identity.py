"""Customer identity from unverified input (issue 8 item 2): each complaint keeps
its contact as given, intake never changes or reveals a customer record, and
records that are possibly one person are only grouped for staff."""

from __future__ import annotations

from typing import Any

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from complaints.identity import Details, conflicts, customer_matching, name_key
from complaints.models import Complaint, Customer, Stage
from notifications.models import Notification
from tests.factories import make_complaint
from tests.helpers import advance

pytestmark = pytest.mark.django_db

VICTIM = {"name": "Ayşe Yılmaz", "email": "", "phone": "0532 123 45 67"}


@pytest.fixture
def submit(django_capture_on_commit_callbacks: Any):
    """A complaint through intake, with what its commit sends (the acknowledgement)."""

    def run(**fields: Any) -> Complaint:
        with django_capture_on_commit_callbacks(execute=True):
            complaint = make_complaint(**fields)
        return Complaint.objects.get(pk=complaint.pk)

    return run


def record(customer: Customer) -> dict[str, Any]:
    return model_to_dict(Customer.objects.get(pk=customer.pk))


# --- Someone types a known phone number or e-mail address -------------------------


def test_a_known_phone_with_another_email_is_not_greeted_with_the_stored_name(submit, mailoutbox):
    victim = submit(**VICTIM).customer
    stored = record(victim)
    mailoutbox.clear()

    complaint = submit(name="Mehmet Kaya", email="mehmet@example.com", phone="05321234567")

    (message,) = mailoutbox
    assert message.to == ["mehmet@example.com"]
    assert "Sayın Mehmet Kaya" in message.body
    assert "Ayşe" not in message.body
    assert "Ayşe" not in message.alternatives[0][0]
    assert record(victim) == stored  # the e-mail was not written onto her record
    assert complaint.customer != victim
    assert (complaint.customer.name, complaint.customer.email) == (
        "Mehmet Kaya",
        "mehmet@example.com",
    )


def test_a_known_email_with_a_new_phone_leaves_the_record_unchanged(submit):
    victim = submit(name="Ayşe Yılmaz", email="ayse@example.com", phone="").customer
    stored = record(victim)

    complaint = submit(name="Mehmet Kaya", email="ayse@example.com", phone="05329998877")

    assert record(victim) == stored
    assert complaint.customer != victim
    assert complaint.customer.phone == "+905329998877"


def test_the_same_name_and_phone_with_a_new_email_still_get_a_record_of_their_own(submit):
    # The name is no proof either: a record that lacks a detail given is not filled in.
    victim = submit(**VICTIM).customer
    stored = record(victim)

    complaint = submit(name="Ayşe Yılmaz", email="ayse.new@example.com", phone="05321234567")

    assert complaint.customer != victim
    assert record(victim) == stored


def test_the_submitter_is_told_nothing_about_the_stored_record(client, submit):
    submit(name="Ayşe Yılmaz", email="ayse@example.com", phone="05321234567")

    response = client.post(
        "/api/v1/public/complaints/",
        {
            "name": "Mehmet Kaya",
            "email": "ayse@example.com",
            "phone": "05321234567",
            "kind": "complaint",
            "subject": "Deneme",
            "description": "Deneme",
        },
        content_type="application/json",
    )

    assert response.status_code == 201
    body = response.content.decode()
    assert "Ayşe" not in body and "Yılmaz" not in body
    page = client.get(f"/track/{response.json()['tracking_number']}/").content.decode()
    assert "Ayşe" not in page and "Mehmet" not in page


# --- A real customer comes back ----------------------------------------------------


def test_a_known_email_with_a_different_name_is_greeted_with_the_name_typed(submit, mailoutbox):
    first = submit(name="Ayşe Yılmaz", email="ayse@example.com")
    mailoutbox.clear()

    second = submit(name="Ayşe Demir", email="ayse@example.com")

    (message,) = mailoutbox
    assert "Sayın Ayşe Demir" in message.body
    assert "Yılmaz" not in message.body
    assert second.contact_name == "Ayşe Demir"
    assert second.customer != first.customer  # grouped, not silently merged
    assert Customer.objects.get(pk=first.customer_id).name == "Ayşe Yılmaz"


def test_the_same_details_again_are_filed_under_the_same_record(submit):
    first = submit(name="Ayşe Yılmaz", email="ayse@example.com", phone="05321234567")
    second = submit(name="AYŞE  YILMAZ", email="Ayse@Example.com", phone="+90 532 123 45 67")
    third = submit(name="ayşe yilmaz", email="", phone="05321234567")  # fewer details

    assert first.customer == second.customer == third.customer
    assert Customer.objects.count() == 1
    assert third.contact_email == ""  # the contact as given, not the record's


def test_every_notice_greets_the_name_given_with_the_complaint(
    representative, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = make_complaint(name="Ayşe Demir", email="ayse@example.com")
    # The record says something else (a merge, or staff correcting it).
    Customer.objects.filter(pk=complaint.customer_id).update(name="Başka Biri")
    with django_capture_on_commit_callbacks(execute=True):
        advance(Complaint.objects.get(pk=complaint.pk), Stage.CLOSED, representative)

    kinds = set(Notification.objects.filter(complaint=complaint).values_list("kind", flat=True))
    assert {"acknowledgement", "decision", "closure"} <= kinds
    assert len(mailoutbox) >= 3
    for message in mailoutbox:
        assert "Sayın Ayşe Demir" in message.body, message.subject
        assert "Başka Biri" not in message.body + message.alternatives[0][0]


def test_a_complaint_without_a_name_on_file_is_greeted_politely(submit, mailoutbox):
    from notifications.content import render_notice

    complaint = submit(name="Ayşe Demir", email="ayse@example.com")
    Complaint.objects.filter(pk=complaint.pk).update(contact_name="")  # e.g. anonymised
    notice = Notification.objects.get(complaint=complaint)
    notice.refresh_from_db()

    assert render_notice(notice).text.startswith("Sayın Müşterimiz,")


# --- Staff see the contact as given, and the records possibly the same ---------------


def test_the_staff_api_names_the_customer_as_given_with_the_complaint(client, representative):
    first = make_complaint(name="Ayşe Yılmaz", email="ayse@example.com")
    second = make_complaint(name="Ayşe Demir", email="ayse@example.com")
    Customer.objects.filter(pk=second.customer_id).update(name="Kayıttaki İsim")
    client.force_login(representative)

    listed = client.get("/api/v1/complaints/").json()["results"]
    detail = client.get(f"/api/v1/complaints/{second.pk}/").json()

    names = {row["id"]: row["customer_name"] for row in listed}
    assert names == {first.pk: "Ayşe Yılmaz", second.pk: "Ayşe Demir"}
    assert detail["customer_name"] == "Ayşe Demir"
    assert detail["customer"]["id"] == second.customer_id
    assert detail["customer"]["name"] == "Kayıttaki İsim"


def test_the_complaint_page_shows_the_records_possibly_the_same_with_what_differs(
    client, representative
):
    victim = make_complaint(**VICTIM)
    other = make_complaint(name="Mehmet Kaya", email="mehmet@example.com", phone="05321234567")
    client.force_login(representative)

    page = client.get(
        reverse("admin:complaints_complaint_change", args=[other.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert "Possibly the same customer" in page
    assert reverse("admin:complaints_customer_change", args=[victim.customer_id]) in page
    assert "<strong>Ayşe Yılmaz</strong>" in page  # the name differs
    assert "<td>+905321234567</td>" in page  # the phone is shared
    assert "name, e-mail" in page
    assert f"?id__in={victim.customer_id},{other.customer_id}" in page


def test_the_customer_page_shows_the_records_possibly_the_same_with_what_differs(
    client, representative
):
    victim = make_complaint(**VICTIM)
    other = make_complaint(name="Mehmet Kaya", email="mehmet@example.com", phone="05321234567")
    client.force_login(representative)

    page = client.get(
        reverse("admin:complaints_customer_change", args=[victim.customer_id]),
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()

    assert "Possibly the same customer" in page
    assert reverse("admin:complaints_customer_change", args=[other.customer_id]) in page
    assert "<strong>Mehmet Kaya</strong>" in page
    assert "<strong>mehmet@example.com</strong>" in page


def test_a_customer_sharing_nothing_is_shown_alone(client, representative):
    complaint = make_complaint(name="Ayşe Yılmaz", email="ayse@example.com")
    make_complaint(name="Mehmet Kaya", email="mehmet@example.com")
    client.force_login(representative)

    page = client.get(
        reverse("admin:complaints_complaint_change", args=[complaint.pk]),
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()

    assert "No record shares this e-mail address or phone number." in page


def test_the_customer_list_filters_the_records_possibly_the_same(client, representative):
    make_complaint(**VICTIM)
    make_complaint(name="Mehmet Kaya", email="mehmet@example.com", phone="05321234567")
    alone = make_complaint(name="Zeynep Ak", email="zeynep@example.com")
    client.force_login(representative)

    response = client.get("/admin/complaints/customer/?possibly_same=yes")

    shown = {c.pk for c in response.context["cl"].result_list}
    assert len(shown) == 2 and alone.customer_id not in shown


# --- The rule itself ---------------------------------------------------------------


def test_names_compare_without_case_spacing_or_the_turkish_dotted_i():
    assert name_key(" İNCİ  YILDIZ ") == name_key("inci yıldız") == name_key("Inci Yildiz")
    assert name_key("Ayşe") != name_key("Ayse")


def test_a_detail_the_record_lacks_is_a_conflict_and_one_not_given_is_not():
    stored = Details(name="Ayşe Yılmaz", email="", phone="+905321234567")
    assert conflicts(Details(name="Ayşe Yılmaz", phone="+905321234567"), stored) == ()
    assert conflicts(Details(name="Ayşe Yılmaz", email="a@example.com"), stored) == ("email",)


def test_nothing_is_matched_without_an_email_or_a_phone():
    Customer.objects.create(name="Ayşe Yılmaz")
    assert customer_matching(details=Details(name="Ayşe Yılmaz")) is None
