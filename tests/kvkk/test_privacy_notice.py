"""The privacy notice (aydınlatma metni): versioned texts edited in the admin,
shown and linked on every public intake, and the version each complaint records."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from complaints.models import Channel, Complaint, NoticeGiven, PrivacyNotice
from complaints.privacy import privacy_notice_current, privacy_notice_publish
from complaints.services import complaint_register
from intake.inbound.email import inbound_email_receive
from notifications.models import Notification
from tests.factories import make_complaint

from .conftest import SITE_URL, inbound_email

pytestmark = pytest.mark.django_db

FORM = {
    "kind": "complaint",
    "name": "Ayşe Yılmaz",
    "email": "ayse@example.com",
    "phone": "",
    "subject": "Bağlantı kopuyor",
    "description": "Her akşam bağlantı kopuyor.",
}


def _form_fields(client: Client) -> dict[str, str]:
    page = client.get("/submit/").content.decode()
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    return {**hidden, **FORM}


def _current() -> PrivacyNotice:
    current = privacy_notice_current()
    assert current is not None
    return current


def _given(complaint: Complaint) -> tuple[int | None, str]:
    """The version a complaint records and how it was given."""
    notice = complaint.privacy_notice
    return (notice.version if notice is not None else None, complaint.privacy_notice_given)


def _publish(manager, text: str = "ikinci") -> PrivacyNotice:
    current = _current()
    return privacy_notice_publish(
        text_tr=f"{current.text_tr}\n\n{text}",
        text_en=f"{current.text_en}\n\n{text}",
        actor=manager,
    )


# --- The text and its versions -------------------------------------------------------


def test_the_first_version_names_controller_purposes_basis_retention_rights_and_contact():
    notice = PrivacyNotice.objects.get()
    assert notice.version == 1
    for needle in ("Veri sorumlusu", "amaçlarla", "anket", "Hukuki sebep", "730 gün", "11. madde"):
        assert needle in notice.text_tr
    for needle in ("Data controller", "purpose", "survey", "Legal basis", "730 days", "11"):
        assert needle in notice.text_en
    assert "[" in notice.text_tr  # the company's details are placeholders to fill in


def test_publishing_a_changed_text_makes_a_new_version_and_keeps_the_old_one(manager):
    first = PrivacyNotice.objects.get()
    second = _publish(manager)
    assert second.version == 2
    assert second.published_by == manager
    first.refresh_from_db()
    assert "ikinci" not in first.text_tr
    assert privacy_notice_current() == second


def test_publishing_the_same_text_again_makes_no_new_version(manager):
    current = _current()
    again = privacy_notice_publish(text_tr=current.text_tr, text_en=current.text_en, actor=manager)
    assert again == current
    assert PrivacyNotice.objects.count() == 1


def test_publishing_needs_both_languages(manager):
    with pytest.raises(ValidationError) as caught:
        privacy_notice_publish(text_tr="metin", text_en="  ", actor=manager)
    assert "text_en" in caught.value.message_dict


def test_an_agent_may_not_publish_a_notice(agent):
    with pytest.raises(PermissionDenied):
        privacy_notice_publish(text_tr="a", text_en="b", actor=agent)


def test_a_manager_publishes_a_new_version_in_the_admin_starting_from_the_text_in_force(
    client, manager
):
    client.force_login(manager)
    page = client.get("/admin/complaints/privacynotice/add/")
    assert page.status_code == 200
    assert "Veri sorumlusu" in page.content.decode()
    current = _current()
    response = client.post(
        "/admin/complaints/privacynotice/add/",
        {"text_tr": current.text_tr + "\nek", "text_en": current.text_en + "\nmore"},
    )
    assert response.status_code == 302
    assert _current().version == 2
    # A published version is never edited: its page is read-only.
    assert (
        client.post(
            f"/admin/complaints/privacynotice/{current.pk}/change/",
            {"text_tr": "x", "text_en": "y"},
        ).status_code
        == 403
    )


def test_an_agent_cannot_publish_a_notice_in_the_admin(client, agent):
    client.force_login(agent)
    assert client.get("/admin/complaints/privacynotice/add/").status_code == 403
    assert client.get("/admin/complaints/privacynotice/").status_code == 200  # may read it


# --- The public pages ------------------------------------------------------------------


def test_the_privacy_page_shows_the_version_in_force_in_turkish_first(client, manager):
    _publish(manager, "yeni paragraf")
    page = client.get("/privacy/")
    assert page.status_code == 200
    assert "yeni paragraf" in page.content.decode()
    assert "Veri sorumlusu" in page.content.decode()


def test_the_privacy_page_speaks_english_when_asked(client):
    page = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Data controller" in page.content.decode()


def test_an_earlier_version_stays_readable_and_an_unknown_one_is_not_found(client, manager):
    _publish(manager, "yeni paragraf")
    old = client.get("/privacy/1/").content.decode()
    assert "yeni paragraf" not in old
    assert "/privacy/" in old  # a link to the version in force
    assert client.get("/privacy/99/").status_code == 404


def test_the_web_form_shows_the_notice_and_links_it_and_asks_nothing_optional(client):
    page = client.get("/submit/").content.decode()
    assert 'href="/privacy/1/"' in page
    assert "Veri sorumlusu" in page  # the full text, folded under the summary
    assert 'type="checkbox"' not in page  # no consent bundled with submitting


@pytest.mark.parametrize("url", ["/submit/", "/track/", "/privacy/"])
def test_every_public_page_links_the_notice(client, url):
    assert 'href="/privacy/"' in client.get(url).content.decode()


def test_the_tracking_and_confirmation_pages_link_the_notice(client):
    client.post("/submit/", _form_fields(client))
    complaint = Complaint.objects.get()
    assert 'href="/privacy/"' in client.get("/submit/done/").content.decode()
    page = client.get(f"/track/{complaint.tracking_number}/")
    assert 'href="/privacy/"' in page.content.decode()


# --- What each complaint records -------------------------------------------------------


def test_a_web_complaint_records_the_version_shown_with_the_form(client, manager):
    fields = _form_fields(client)  # rendered with version 1
    _publish(manager)  # version 2 published before the customer sends the form
    assert client.post("/submit/", fields).status_code == 302
    assert _given(Complaint.objects.get()) == (1, NoticeGiven.SHOWN)


def test_a_tampered_version_on_the_form_records_the_version_in_force(client):
    fields = {**_form_fields(client), "privacy_notice_version": "abc"}
    assert client.post("/submit/", fields).status_code == 302
    assert _given(Complaint.objects.get())[0] == 1


def test_an_api_complaint_records_the_version_the_client_showed(client, manager):
    _publish(manager)
    response = client.post(
        "/api/v1/public/complaints/",
        {**FORM, "privacy_notice_version": 1},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["privacy_notice_version"] == 1
    assert _given(Complaint.objects.get()) == (1, "shown")


def test_the_api_refuses_a_version_nobody_published(client):
    response = client.post(
        "/api/v1/public/complaints/",
        {**FORM, "privacy_notice_version": 7},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "privacy_notice_version" in response.json()["error"]["fields"]


def test_an_email_relayed_through_the_api_has_the_notice_linked(client):
    response = client.post(
        "/api/v1/public/complaints/", {**FORM, "channel": "email"}, content_type="application/json"
    )
    assert response.status_code == 201
    assert Complaint.objects.get().privacy_notice_given == NoticeGiven.LINKED


def test_staff_must_read_the_notice_out_on_the_phone(agent):
    fields: dict[str, Any] = {
        "kind": "complaint",
        "name": "Veli",
        "subject": "s",
        "description": "d",
    }
    with pytest.raises(ValidationError) as caught:
        complaint_register(actor=agent, channel=Channel.PHONE, **fields)
    assert "privacy_notice_read_out" in caught.value.message_dict
    complaint = complaint_register(
        actor=agent, channel=Channel.IN_PERSON, privacy_notice_read_out=True, **fields
    )
    assert _given(complaint) == (1, "read_out")


def test_the_staff_form_shows_the_notice_to_read_out_and_refuses_without_the_tick(client, agent):
    client.force_login(agent)
    page = client.get("/admin/complaints/complaint/add/").content.decode()
    assert "Veri sorumlusu" in page
    assert 'name="privacy_notice_read_out"' in page
    response = client.post(
        "/admin/complaints/complaint/add/",
        {
            "channel": "phone",
            "kind": "complaint",
            "name": "Veli Kaya",
            "language": "tr",
            "subject": "Hat arızası",
            "description": "Telefonla bildirildi.",
        },
    )
    assert response.status_code == 200
    assert "privacy_notice_read_out" in response.context["form"].errors
    assert not Complaint.objects.exists()


def test_the_staff_api_refuses_a_phone_complaint_without_the_notice_read_out(client_for, agent):
    body = {"channel": "phone", "name": "H", "phone": "05321234567", "subject": "s"}
    response = client_for(agent).post(
        "/api/v1/complaints/", {**body, "description": "d"}, format="json"
    )
    assert response.status_code == 400
    assert "privacy_notice_read_out" in response.json()["error"]["fields"]


def test_an_email_typed_in_by_staff_has_the_notice_linked(agent):
    complaint = complaint_register(
        actor=agent,
        channel=Channel.EMAIL,
        kind="complaint",
        name="Veli",
        email="veli@example.com",
        subject="s",
        description="d",
    )
    assert complaint.privacy_notice_given == NoticeGiven.LINKED


def test_an_inbound_email_records_the_version_in_force_and_its_acknowledgement_links_it(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        inbound_email_receive(
            message=inbound_email(
                sender="ayse@example.com", name="Ayşe", subject="Fatura", text="Yanlış fatura."
            )
        )
    complaint = Complaint.objects.get()
    assert _given(complaint) == (1, "linked")
    notice = Notification.objects.get(complaint=complaint, kind="acknowledgement")
    assert f"{SITE_URL}/privacy/" in notice.body_text
    assert f'href="{SITE_URL}/privacy/"' in notice.body_html


def test_the_sms_acknowledgement_of_a_relayed_sms_links_the_notice(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        make_complaint(channel=Channel.SMS, email="", phone="05321234567")
    notice = Notification.objects.get(kind="acknowledgement")
    assert f"{SITE_URL}/privacy/" in notice.body_text


def test_the_reply_to_an_inbound_sms_acknowledges_it_and_links_the_notice():
    from intake.inbound.sms import inbound_sms_receive

    inbound = inbound_sms_receive(message_sid="SM1", sender="+905321234567", body="İnternet yok")
    assert inbound.complaint is not None
    assert inbound.complaint.privacy_notice_given == NoticeGiven.LINKED
    assert f"Aydınlatma metni: {SITE_URL}/privacy/" in inbound.reply
