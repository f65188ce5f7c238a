"""Turkish wording in the admin: nouns after numbers, capitalised headings, the
breadcrumb, and success messages that say what happened."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from complaints.models import Complaint, Stage
from config.wording import counted
from tests.factories import make_complaint

pytestmark = pytest.mark.django_db


def _paginator(body: str) -> str:
    match = re.search(r'<p class="paginator">([\s\S]*?)</p>', body)
    assert match
    return " ".join(match.group(1).split())


def test_a_noun_after_a_number_stays_singular_in_turkish():
    with translation.override("tr"):
        assert counted(8, Complaint._meta) == "8 şikâyet"
        assert counted(1, Complaint._meta) == "1 şikâyet"
    with translation.override("en"):
        assert counted(8, Complaint._meta) == "8 complaints"
        assert counted(1, Complaint._meta) == "1 complaint"


def test_the_complaint_list_counts_in_turkish_without_a_plural(client, superuser):
    for _ in range(2):
        make_complaint()
    client.force_login(superuser)
    body = client.get("/admin/complaints/complaint/").content.decode()
    assert _paginator(body) == "2 şikâyet"
    assert "şikâyetler nesnelerini" not in body


def test_the_admin_headings_start_with_a_capital_letter(client, superuser):
    complaint = make_complaint()
    client.force_login(superuser)
    body = client.get(f"/admin/complaints/complaint/{complaint.pk}/change/").content.decode()
    heading = re.search(r"<h1>(.*?)</h1>", body)
    assert heading and heading.group(1)[0].isupper(), heading
    title = re.search(r"<title>(.*?)</title>", body)
    assert title and "| Şikâyet " in title.group(1)


def test_the_breadcrumb_does_not_repeat_the_model_name(client, superuser):
    complaint = make_complaint()
    client.force_login(superuser)
    body = client.get(f"/admin/complaints/complaint/{complaint.pk}/change/").content.decode()
    crumbs = re.search(r'<div class="breadcrumbs">([\s\S]*?)</div>', body)
    assert crumbs
    text = " ".join(re.sub(r"<[^>]+>", "", crumbs.group(1)).split())
    assert "Şikâyetler › Şikâyetler" not in text.replace("&rsaquo;", "›")
    assert "Şikâyetlerin ele alınması" in text


def test_an_assignment_says_to_whom(client, superuser, representative):
    from tests.helpers import advance

    complaint = advance(make_complaint(), Stage.TRACKING, representative)
    representative.first_name, representative.last_name = "Elif", "Temsilci"
    representative.save()
    client.force_login(superuser)
    response = client.post(
        f"/admin/complaints/complaint/{complaint.pk}/assign/",
        {"assignee": representative.pk},
        follow=True,
    )
    assert "Elif Temsilci kişisine atandı." in response.content.decode()


def test_a_message_says_whether_the_customer_gets_it(client, superuser):
    complaint = make_complaint()
    client.force_login(superuser)
    url = f"/admin/complaints/complaint/{complaint.pk}/message/"
    sent = client.post(url, {"body": "Merhaba"}, follow=True).content.decode()
    assert "Mesaj müşteriye gönderildi." in sent
    note = client.post(url, {"body": "Not", "internal": "on"}, follow=True).content.decode()
    assert "İç not kaydedildi: müşteri bunu görmez." in note
