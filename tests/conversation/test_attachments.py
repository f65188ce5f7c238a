"""Item 4: files on the web form and the customer's page, checked by content
and limits, kept through the storage API, downloaded only by staff with the
permission and by the verified customer, never rendered inline."""

from __future__ import annotations

import uuid

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints import access
from complaints.attachments import detect_type, safe_filename
from complaints.models import Complaint, ComplaintAttachment, ComplaintEvent, MessageAuthor

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"PE\x00\x00"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 60


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def form_data(**overrides):
    data = {
        "name": "Ayşe Yılmaz",
        "email": "ayse@example.com",
        "phone": "",
        "kind": "complaint",
        "subject": "Fatura hatası",
        "description": "Bu ay iki kez ücret alındı; dekontu ekliyorum.",
        "submission_id": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PDF, "application/pdf"),
        (PNG, "image/png"),
        ("Fatura no: 123 – ödendi\n".encode(), "text/plain"),
        (EXE, "application/x-msdownload"),
        (ELF, "application/x-executable"),
        (b"\x00\x01\x02binary", ""),
    ],
)
def test_the_type_is_read_from_the_content(content, expected):
    assert detect_type(content) == expected


def test_names_are_made_safe_for_a_download():
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename('C:\\Users\\ayse\\fatura "ekim".pdf') == "fatura_ekim.pdf"
    assert safe_filename("<script>.pdf") == "script.pdf"
    assert safe_filename("") == "file"
    assert len(safe_filename("a" * 300 + ".pdf")) <= 100


def test_the_web_form_keeps_a_pdf_through_the_storage_api(client):
    response = client.post(
        "/submit/", form_data(attachments=[upload("dekont.pdf", PDF)]), follow=True
    )

    assert response.status_code == 200
    attachment = ComplaintAttachment.objects.get()
    assert (attachment.filename, attachment.content_type, attachment.size) == (
        "dekont.pdf",
        "application/pdf",
        len(PDF),
    )
    assert attachment.author_kind == MessageAuthor.CUSTOMER
    stored = str(attachment.file.name)
    assert default_storage.exists(stored)
    assert "dekont" not in stored  # a random name in storage
    event = ComplaintEvent.objects.get(action="complaints.attachment.added")
    assert event.data["at_submission"] is True


def test_an_executable_named_pdf_is_refused_and_nothing_typed_is_lost(client):
    data = form_data(attachments=[upload("fatura.pdf", EXE)])

    response = client.post("/submit/", data)

    assert response.status_code == 400
    html = response.content.decode()
    assert "fatura.pdf" in html
    assert "PDF, JPEG, PNG" in html  # the message names what is accepted
    for typed in ("Ayşe Yılmaz", "ayse@example.com", "Fatura hatası", "dekontu ekliyorum"):
        assert typed in html
    assert not Complaint.objects.exists()
    assert not ComplaintAttachment.objects.exists()


def test_a_file_over_the_limit_is_refused_naming_the_limit(client, settings):
    settings.COMPLAINTS_ATTACHMENT_MAX_BYTES = 1024
    big = PDF + b"0" * 2048

    response = client.post("/submit/", form_data(attachments=[upload("big.pdf", big)]))

    assert response.status_code == 400
    html = response.content.decode()
    assert "big.pdf" in html
    assert "1,0\xa0KB" in html or "1.0\xa0KB" in html  # the limit, as a size
    assert "Fatura hatası" in html
    assert not Complaint.objects.exists()


def test_too_many_files_are_refused_naming_the_limit(client, settings):
    settings.COMPLAINTS_ATTACHMENT_MAX_COUNT = 2
    files = [upload(f"d{i}.pdf", PDF) for i in range(3)]
    response = client.post("/submit/", form_data(attachments=files))
    assert response.status_code == 400
    assert "2" in response.content.decode()
    assert not Complaint.objects.exists()


def verified(client, complaint):
    client.get(f"/track/{complaint.tracking_number}/?k={access.customer_link_token(complaint)}")
    return client


def test_the_customer_sends_files_with_a_message_on_their_page(committed, complaint_in, client):
    complaint = complaint_in()
    verified(client, complaint)
    response = committed(
        client.post,
        f"/track/{complaint.tracking_number}/message/",
        {
            "body": "Dekont ve ekran görüntüsü ekte.",
            "attachments": [upload("a.pdf", PDF), upload("b.png", PNG, "image/png")],
        },
    )
    assert response.status_code == 302
    files = list(ComplaintAttachment.objects.order_by("id"))
    assert [f.content_type for f in files] == ["application/pdf", "image/png"]
    assert files[0].message is not None and files[0].message.body.startswith("Dekont")
    # One history row for the post: the message's (the files come with it).
    assert not ComplaintEvent.objects.filter(action="complaints.attachment.added").exists()


def test_a_refused_file_on_the_page_keeps_the_message_typed(committed, complaint_in, client):
    complaint = complaint_in()
    verified(client, complaint)
    response = client.post(
        f"/track/{complaint.tracking_number}/message/",
        {"body": "Bu mesaj kaybolmamalı.", "attachments": [upload("x.pdf", ELF)]},
    )
    assert response.status_code == 400
    assert "Bu mesaj kaybolmamalı." in response.content.decode()
    assert "x.pdf" in response.content.decode()
    assert not complaint.messages.exists() and not ComplaintAttachment.objects.exists()


def file_url(complaint, attachment):
    return f"/track/{complaint.tracking_number}/files/{attachment.pk}/"


def test_the_verified_customer_downloads_as_an_attachment_never_inline(
    committed, complaint_in, client
):
    complaint = complaint_in()
    verified(client, complaint)
    committed(
        client.post,
        f"/track/{complaint.tracking_number}/message/",
        {"body": "", "attachments": [upload("ekim faturası.pdf", PDF)]},
    )
    attachment = ComplaintAttachment.objects.get()

    response = client.get(file_url(complaint, attachment))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''ekim_faturas%C4%B1.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == PDF


def test_nobody_else_downloads_the_customers_file(committed, complaint_in, client):
    complaint = complaint_in()
    other = complaint_in(email="mehmet@example.com")
    verified(client, complaint)
    committed(
        client.post,
        f"/track/{complaint.tracking_number}/message/",
        {"body": "", "attachments": [upload("a.pdf", PDF)]},
    )
    attachment = ComplaintAttachment.objects.get()

    stranger = client.__class__()
    response = stranger.get(file_url(complaint, attachment))
    assert response.status_code == 302 and "verify" in response["Location"]
    # The other complaint's customer, asking through their own number: 404.
    verified(stranger, other)
    assert stranger.get(file_url(other, attachment)).status_code == 404


def test_staff_download_with_the_permission_only(committed, complaint_in, client, agent, outsider):
    complaint = complaint_in()
    verified(client, complaint)
    committed(
        client.post,
        f"/track/{complaint.tracking_number}/message/",
        {"body": "", "attachments": [upload("a.pdf", PDF)]},
    )
    attachment = ComplaintAttachment.objects.get()
    admin_url = f"/admin/complaints/complaint/{complaint.pk}/attachment/{attachment.pk}/"

    staff = client.__class__()
    staff.force_login(outsider)
    assert staff.get(admin_url).status_code == 403
    staff.force_login(agent)
    response = staff.get(admin_url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    page = staff.get(f"/admin/complaints/complaint/{complaint.pk}/change/").content.decode()
    assert admin_url in page


def test_the_staff_api_lists_the_files(committed, complaint_in, client, agent):
    from rest_framework.test import APIClient

    complaint = complaint_in()
    verified(client, complaint)
    committed(
        client.post,
        f"/track/{complaint.tracking_number}/message/",
        {"body": "Ek", "attachments": [upload("a.pdf", PDF)]},
    )
    api = APIClient()
    api.force_authenticate(agent)
    data = api.get(f"/api/v1/complaints/{complaint.pk}/").json()
    customer_message = next(m for m in data["messages"] if m["author_kind"] == "customer")
    assert customer_message["attachments"][0]["filename"] == "a.pdf"
    assert customer_message["attachments"][0]["download_url"].endswith(
        f"/attachment/{ComplaintAttachment.objects.get().pk}/"
    )
    assert data["attachments"][0]["content_type"] == "application/pdf"


def test_the_form_sent_again_with_its_file_stores_the_file_once(client, settings, tmp_path):
    # The same client, content and file within the repeat window (a reload, a
    # double click): the first complaint is the answer, and the repeat's copy
    # of the file is never written, since its keys are checked first.
    settings.MEDIA_ROOT = str(tmp_path)
    for _ in range(2):
        response = client.post("/submit/", form_data(attachments=[upload("dekont.pdf", PDF)]))
        assert response.status_code == 302

    assert Complaint.objects.count() == 1
    assert ComplaintAttachment.objects.count() == 1
    assert len([path for path in tmp_path.rglob("*") if path.is_file()]) == 1
