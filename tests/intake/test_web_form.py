"""The public web form at /submit/ (CONTRACT.md, issue 2 item 6)."""

import re
import uuid

import pytest
from django.urls import reverse

from complaints.models import Channel, Complaint, ComplaintEvent, Stage

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "name": "Ayşe Yılmaz",
        "email": "Ayse@Example.com",
        "phone": "",
        "kind": "complaint",
        "subject": "Fatura hatası",
        "description": "Bu ay iki kez ücret alındı.",
        "submission_id": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def test_the_form_is_turkish_by_default(client):
    response = client.get("/submit/")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "tr"
    assert '<html lang="tr">' in response.content.decode()


def test_the_form_is_available_in_english(client):
    response = client.get("/submit/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.headers["Content-Language"] == "en"
    assert "Send us a request, feedback or a complaint" in response.content.decode()


def test_a_valid_submission_records_the_complaint_and_shows_its_tracking_number(client):
    response = client.post("/submit/", form_data(), follow=True)
    complaint = Complaint.objects.get()
    assert complaint.stage == Stage.RECEIVED
    assert complaint.channel == Channel.WEB
    assert complaint.customer.email == "ayse@example.com"
    assert response.redirect_chain[-1][0] == reverse("intake:submitted")
    assert complaint.tracking_number in response.content.decode()
    assert ComplaintEvent.objects.filter(
        complaint=complaint, action="complaints.complaint.received"
    ).exists()


def test_the_same_form_submitted_twice_records_one_complaint(client):
    data = form_data()
    client.post("/submit/", data)
    client.post("/submit/", data)
    assert Complaint.objects.count() == 1


def test_without_email_or_phone_the_form_says_so_and_records_nothing(client):
    response = client.post("/submit/", form_data(email="", phone=""))
    assert response.status_code == 400
    assert "Give an e-mail address or a phone number." in response.content.decode(
        "utf-8"
    ) or "e-posta" in response.content.decode("utf-8")
    assert Complaint.objects.count() == 0


def test_a_bad_phone_number_is_refused_with_a_message_on_the_field(client):
    response = client.post("/submit/", form_data(email="", phone="123"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_phone_errors"' in body
    assert "Enter a valid phone number." in body
    assert Complaint.objects.count() == 0


def test_a_turkish_mobile_number_is_stored_in_e164(client):
    client.post("/submit/", form_data(email="", phone="0532 123 45 67"))
    assert Complaint.objects.get().contact_phone == "+905321234567"


def test_missing_fields_are_marked_for_screen_readers(client):
    response = client.post("/submit/", form_data(subject="", description=""))
    body = response.content.decode()
    assert response.status_code == 400
    assert 'role="alert"' in body
    assert 'id="id_subject_errors"' in body
    assert 'id="id_description_errors"' in body


def test_the_form_is_protected_against_csrf(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/submit/", form_data())
    assert response.status_code == 403
    assert Complaint.objects.count() == 0


def test_submitted_content_is_escaped_on_the_tracking_page(client):
    client.post("/submit/", form_data(subject="<script>alert(1)</script>"))
    complaint = Complaint.objects.get()
    response = client.get(f"/track/{complaint.tracking_number}/")
    # The subject is personal data and never shown; nothing is injected either.
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_the_done_page_without_a_submission_goes_back_to_the_form(client):
    response = client.get(reverse("intake:submitted"))
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:submit")


def test_missing_contact_is_reported_together_with_the_other_missing_fields(client):
    response = client.post(
        "/submit/", form_data(email="", phone="", subject=""), HTTP_ACCEPT_LANGUAGE="en"
    )
    errors = response.context["form"].errors
    assert "subject" in errors
    assert errors["email"] == ["Give an e-mail address or a phone number."]


def test_error_messages_are_linked_to_their_inputs(client):
    response = client.post("/submit/", form_data(email="", phone="123"))
    body = response.content.decode()
    assert 'aria-describedby="id_phone_helptext id_phone_error"' in body
    assert 'id="id_phone_error"' in body


def test_the_error_summary_lists_each_field_with_a_link_and_takes_the_focus(client):
    response = client.post(
        "/submit/", form_data(name="", email="", phone="", kind=""), HTTP_ACCEPT_LANGUAGE="en"
    )
    body = response.content.decode()
    start = body.index('id="form-errors"')
    summary = body[start : body.index("</div>\n</div>", start)]
    assert "autofocus" in body[start - 80 : start + 200]
    assert 'tabindex="-1"' in body[start - 80 : start + 200]
    assert '<a href="#id_name">Your name — This field is required.</a>' in summary
    assert '<a href="#id_email">E-mail — Give an e-mail address or a phone number.</a>' in summary
    # A group of radio buttons is reached through its first button.
    assert '<a href="#id_kind_0">' in summary


def test_field_errors_are_plain_lists_so_each_item_stays_a_list_item(client):
    # axe "listitem": a <ul role="alert"> is no list, so its <li> were orphans.
    body = client.post("/submit/", form_data(subject="")).content.decode()
    assert '<ul class="errors" id="id_subject_errors">' in body
    assert re.search(r'<ul[^>]*role="alert"', body) is None


def test_the_form_calls_feedback_feedback_in_english(client):
    body = client.get("/submit/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "opinion" not in body.lower()
    assert "Send us a request, feedback or a complaint" in body


def test_the_confirmation_page_reads_its_number_from_a_signed_cookie_not_a_session(client):
    from django.contrib.sessions.models import Session

    response = client.post("/submit/", form_data())
    complaint = Complaint.objects.get()

    cookie = response.cookies["intake_done"]
    assert cookie["path"] == reverse("intake:submitted")
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert complaint.tracking_number in cookie.value  # signed, not hidden: it is shown anyway
    assert Session.objects.count() == 0
    page = client.get(reverse("intake:submitted"))
    assert complaint.tracking_number in page.content.decode()


def test_a_confirmation_cookie_changed_to_another_number_goes_back_to_the_form(client):
    client.post("/submit/", form_data(email="baska@example.com", description="Başka."))
    other = Complaint.objects.get().tracking_number
    client.post("/submit/", form_data())
    number, _, signed = client.cookies["intake_done"].value.partition(":")  # number:time:sig
    assert number != other
    client.cookies["intake_done"] = f"{other}:{signed}"
    response = client.get(reverse("intake:submitted"))
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:submit")
