"""Internal audit: a complaint's dossier (PDF, everything in order) from its
admin page, a reproducible sample with its dossiers, and a full export of the
list's current filter as XLSX and CSV (UTF-8 with BOM; ";" in Turkish)."""

from __future__ import annotations

import csv
import io
import subprocess
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import load_workbook

from complaints.models import Complaint, Stage
from complaints.services import complaint_message_add, event_record
from improvement.audit.dossier import dossier_html
from improvement.audit.sample import audit_sample_ids
from tests.factories import UserFactory, make_complaint
from tests.helpers import advance

from .conftest import good_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor(db):
    return UserFactory(username="denetci", groups=["Auditor"])


@pytest.fixture
def handled(representative, client):
    """A complaint walked to closure, with a note, a notice row and a survey answer."""
    complaint = make_complaint()
    complaint_message_add(
        complaint=complaint,
        body="Müşteri aranacak.",
        internal=True,
        author_kind="staff",
        channel="web",
        actor=representative,
    )
    complaint = advance(complaint, Stage.CLOSED, representative)
    event_record(
        complaint=complaint,
        action="notifications.notice.undelivered",
        note="mailbox full",
        data={
            "kind": "decision",
            "channel": "email",
            "recipient": "ayse@example.com",
            "attempts": 1,
            "delivery_status": "bounced",
        },
    )
    from improvement.services.survey import survey_token

    token = survey_token(invitation=complaint.survey_invitation)
    client.post(f"/survey/{token}/", good_answers(comment="Teşekkürler"))
    return complaint


def test_the_dossier_holds_everything_in_order(handled):
    from django.utils import translation

    with translation.override("en"):
        html = dossier_html(handled)
    order = [
        "1. Contact",
        "2. Application",
        "3. Classification and its reasons",
        "4. Service levels",
        "5. Analysis, response and decision",
        "6. The customer's answers",
        "7. Messages",
        "8. Notices and their delivery",
        "9. Satisfaction survey",
        "10. Linked complaints",
        "11. History",
    ]
    positions = [html.index(title) for title in order]
    assert positions == sorted(positions)
    assert "ayse@example.com" in html
    assert "Müşteri aranacak." in html and "internal note" in html
    assert "bounced" in html and "mailbox full" in html
    assert "Fark iade edilecek." in html  # the solution proposal
    assert "5/5" in html and "Teşekkürler" in html
    assert "complaints.complaint.closed" in html  # the history, with its codes


def test_an_auditor_downloads_the_dossier_from_the_complaint_page(client, auditor, handled):
    client.force_login(auditor)
    page = client.get(f"/admin/complaints/complaint/{handled.pk}/change/")
    assert page.status_code == 200
    assert f'href="/improvement/complaints/{handled.pk}/dossier.pdf"' in page.content.decode()
    response = client.get(f"/improvement/complaints/{handled.pk}/dossier.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert handled.tracking_number in response["Content-Disposition"]


def test_the_dossier_is_refused_without_the_permission(client, agent, handled):
    client.force_login(agent)
    assert client.get(f"/improvement/complaints/{handled.pk}/dossier.pdf").status_code == 403
    assert (
        f"/improvement/complaints/{handled.pk}/dossier.pdf"
        not in client.get(f"/admin/complaints/complaint/{handled.pk}/change/").content.decode()
    )


def test_the_sample_is_reproducible_for_a_seed_and_differs_for_another(db):
    for i in range(30):
        make_complaint(email=f"c{i}@example.com")
    today = timezone.localdate()
    period = {"date_from": today - timedelta(days=1), "date_to": today}
    first = audit_sample_ids(**period, size=5, seed=42)
    assert first == audit_sample_ids(**period, size=5, seed=42)
    assert first != audit_sample_ids(**period, size=5, seed=43)
    assert len(set(first)) == 5
    assert len(audit_sample_ids(**period, size=500, seed=1)) == 30


def test_the_audit_sample_command_writes_the_dossiers_and_an_index(handled, tmp_path):
    today = timezone.localdate()
    out = io.StringIO()
    call_command(
        "audit_sample",
        f"--from={today - timedelta(days=7)}",
        f"--to={today}",
        "--size=1",
        "--seed=7",
        f"--output={tmp_path}",
        stdout=out,
    )
    path = tmp_path / f"dossier-{handled.tracking_number}.pdf"
    assert path.read_bytes().startswith(b"%PDF-")
    index = (tmp_path / "index.csv").read_bytes()
    assert index.startswith(b"\xef\xbb\xbf")
    assert handled.tracking_number in index.decode("utf-8-sig")
    text = subprocess.run(  # noqa: S603
        ["pdftotext", str(path), "-"],  # noqa: S607 (poppler from PATH, optional)
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    if text:  # poppler is there: the PDF has the complaint in it
        assert handled.tracking_number in text
    with pytest.raises(CommandError):
        call_command("audit_sample", "--from=x", "--to=2026-01-01", "--size=1", "--seed=1")


def _export(client, action: str, ids: list[int], language: str = "tr"):
    return client.post(
        "/admin/complaints/complaint/",
        {"action": action, "_selected_action": [str(i) for i in ids]},
        HTTP_ACCEPT_LANGUAGE=language,
    )


def test_the_list_exports_the_selected_complaints_as_csv_with_bom_and_semicolons(
    client, manager, handled
):
    other = make_complaint(email="b@example.com", subject="İkinci; noktalı virgüllü")
    client.force_login(manager)
    response = _export(client, "improvement_export_csv", [handled.pk, other.pk])
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Takip numarası"
    assert {r[0] for r in rows[1:]} == {handled.tracking_number, other.tracking_number}
    assert any(r[-1] == "İkinci; noktalı virgüllü" for r in rows[1:])  # quoted, not split
    assert "ayse@example.com" not in body.decode("utf-8-sig")  # no personal data

    english = _export(client, "improvement_export_csv", [other.pk], language="en")
    text = b"".join(english.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Tracking number,Received at,")


def test_the_list_exports_the_selected_complaints_as_xlsx_with_dates(
    client, manager, handled, tmp_path
):
    client.force_login(manager)
    response = _export(client, "improvement_export_xlsx", [handled.pk])
    assert response.status_code == 200
    path = tmp_path / "export.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    sheet = load_workbook(path).active
    header, row = [c.value for c in sheet[1]], [c.value for c in sheet[2]]
    assert row[0] == handled.tracking_number
    received = row[header.index("Alınma zamanı")]
    assert received.date() == timezone.localtime(handled.received_at).date()
    assert row[header.index("Yeniden açılma sayısı")] == 0


def test_export_actions_are_offered_only_with_the_permission(client, agent, manager):
    make_complaint()
    client.force_login(agent)
    page = client.get("/admin/complaints/complaint/").content.decode()
    assert "improvement_export_csv" not in page
    assert _export(client, "improvement_export_csv", [Complaint.objects.get().pk]).status_code in (
        200,
        302,
    )
    client.force_login(manager)
    assert "improvement_export_csv" in client.get("/admin/complaints/complaint/").content.decode()


def test_the_export_reads_the_list_filter_across_pages(client, manager):
    for i in range(3):
        make_complaint(email=f"x{i}@example.com", kind="request")
    make_complaint(email="y@example.com")
    client.force_login(manager)
    response = client.post(
        "/admin/complaints/complaint/?kind__exact=request",
        {"action": "improvement_export_csv", "select_across": "1", "_selected_action": ["0"]},
    )
    rows = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert len(rows) == 1 + 3
    assert date.today()  # (the period is the list's date filter, when chosen)
