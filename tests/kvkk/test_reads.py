"""Who looked: opening a complaint's staff page or its staff API detail records
a read (user, time, complaint), kept for the retention period, listed for
superusers only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.models import ComplaintRead
from complaints.retention import complaints_retention_sweep
from tests.factories import make_complaint

pytestmark = pytest.mark.django_db


def change_url(complaint) -> str:
    return f"/admin/complaints/complaint/{complaint.pk}/change/"


def test_opening_a_complaints_staff_page_records_who_and_when(client, agent):
    complaint = make_complaint()
    client.force_login(agent)
    before = timezone.now()
    assert client.get(change_url(complaint)).status_code == 200
    read = ComplaintRead.objects.get()
    assert (read.complaint, read.user, read.via) == (complaint, agent, "admin")
    assert before <= read.at <= timezone.now()


def test_a_refused_visitor_leaves_no_read(client, outsider):
    complaint = make_complaint()
    client.force_login(outsider)
    assert client.get(change_url(complaint)).status_code == 403
    assert not ComplaintRead.objects.exists()


def test_the_staff_api_detail_records_a_read_and_the_list_does_not(client_for, agent):
    complaint = make_complaint()
    api = client_for(agent)
    assert api.get("/api/v1/complaints/").status_code == 200
    assert not ComplaintRead.objects.exists()
    assert api.get(f"/api/v1/complaints/{complaint.pk}/").status_code == 200
    read = ComplaintRead.objects.get()
    assert (read.complaint, read.user, read.via) == (complaint, agent, "api")


def test_a_refused_or_missing_api_detail_records_nothing(client_for, outsider, agent):
    complaint = make_complaint()
    assert client_for(outsider).get(f"/api/v1/complaints/{complaint.pk}/").status_code == 403
    assert client_for(agent).get("/api/v1/complaints/999999/").status_code == 404
    assert not ComplaintRead.objects.exists()


def test_superusers_see_the_reads_read_only(client, superuser, agent):
    complaint = make_complaint()
    client.force_login(agent)
    client.get(change_url(complaint))
    client.force_login(superuser)
    page = client.get("/admin/complaints/complaintread/")
    assert page.status_code == 200
    assert complaint.tracking_number in page.content.decode()
    assert client.get("/admin/complaints/complaintread/add/").status_code == 403
    read = ComplaintRead.objects.get()
    response = client.post(f"/admin/complaints/complaintread/{read.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert ComplaintRead.objects.exists()


def test_a_manager_does_not_see_who_looked(client, manager):
    client.force_login(manager)
    assert client.get("/admin/complaints/complaintread/").status_code == 403
    assert "complaintread" not in client.get("/admin/").content.decode()


def test_reads_are_kept_for_the_retention_period_then_deleted(client, agent):
    complaint = make_complaint()
    client.force_login(agent)
    client.get(change_url(complaint))
    client.get(change_url(complaint))
    old, recent = ComplaintRead.objects.order_by("id")
    ComplaintRead.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=731))
    result = complaints_retention_sweep()
    assert result.purged["complaints.reads"] == 1
    assert list(ComplaintRead.objects.all()) == [recent]
