"""The staff journey in a real browser (issue 13, part 6b): log in to the admin,
find the complaint, carry it through all 8 stages, including the customer's
rejection that re-opens it, then close it; register a phone complaint."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from complaints.models import Complaint, Stage
from tests.factories import UserFactory, make_complaint

from .pages import admin_find_complaint, admin_login, admin_stage, admin_step

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "pass-for-tests-1"  # tests.factories.UserFactory's


@pytest.fixture
def temsilci(db):
    return UserFactory(
        username="temsilci", first_name="Elif", last_name="Temsilci", groups=["Representative"]
    )


def _answer_links() -> dict[str, str]:
    body = str(mail.outbox[-1].body)
    return {
        kind: url
        for url, kind in re.findall(r"(https?://\S+/notices/answer/\S+?/(accept|reject)/)", body)
    }


def test_staff_carry_a_complaint_through_the_eight_stages_with_a_rejection(
    new_page, shot, temsilci, settings
):
    # The acknowledgement e-mail cannot go out (the server is down): the agent
    # acknowledges it by phone, from the admin.
    settings.EMAIL_BACKEND = "tests.browser.backends.UnreachableEmailBackend"
    complaint = make_complaint(name="Ayşe Yılmaz", email="ayse@example.com")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert Complaint.objects.get(pk=complaint.pk).stage == Stage.RECEIVED

    page = new_page()
    admin_login(page, "temsilci", PASSWORD)
    admin_find_complaint(page, complaint.tracking_number)
    assert admin_stage(page) == "Başvurunun Alınması"
    shot(page, "1 received")

    admin_step(page, "acknowledged", note="Müşteri telefonla arandı.")
    assert admin_stage(page) == "Alındığının Bildirilmesi"
    admin_step(page, "classified", category="Finansal konular")
    assert admin_stage(page) == "Sınıflandırma ve Önceliklendirme"
    shot(page, "3 classified")
    admin_step(page, "tracking_started", assignee="temsilci")
    assert admin_stage(page) == "Takip"
    admin_step(page, "analysis_started")
    assert admin_stage(page) == "Analiz ve Değerlendirme"
    admin_step(
        page,
        "responded",
        root_cause="Süreç hatası",
        root_cause_analysis="Kurulum ücreti iki kez yansıtılmış.",
        solution_proposal="Fazla ücret iade edilecek.",
    )
    assert admin_stage(page) == "Cevaplandırma"
    message = admin_step(
        page, "decision_notified", decision="Fark bir sonraki faturadan düşülecek."
    )
    assert "Kararın Bildirilmesi" in message
    shot(page, "7 decision notified")

    # The customer rejects the decision with the link of the e-mail.
    customer = new_page()
    customer.goto(_answer_links()["reject"])
    customer.get_by_label("Önerilen çözümü neden yeterli bulmuyorsunuz?").fill("İade yapılmadı.")
    with customer.expect_navigation():
        customer.get_by_role("button", name="Cevabımı gönder").click()
    assert "tekrar değerlendirilerek" in customer.locator(".card").inner_text()
    shot(customer, "customer rejected")

    page.reload()
    assert admin_stage(page) == "Analiz ve Değerlendirme"
    assert "1 kez yeniden açıldı" in page.locator("#content").inner_text()
    assert "İade yapılmadı." in page.locator("#content").inner_text()
    shot(page, "re-opened")
    admin_step(
        page,
        "responded",
        root_cause="Süreç hatası",
        root_cause_analysis="İade talimatı muhasebeye iletilmemiş.",
        solution_proposal="İade bugün yapıldı.",
    )
    admin_step(page, "decision_notified", decision="İade hesabınıza yapıldı.")
    # This time the customer accepts on the phone: the representative closes it.
    admin_step(page, "closed", customer_answer_channel="Telefon")
    assert admin_stage(page) == "Başvurunun Kapatılması"
    shot(page, "8 closed")
    complaint.refresh_from_db()
    assert complaint.stage == Stage.CLOSED
    assert complaint.reopen_count == 1


def test_staff_register_a_phone_complaint_and_give_the_tracking_number(new_page, shot, temsilci):
    page = new_page()
    admin_login(page, "temsilci", PASSWORD)
    page.goto("/admin/complaints/complaint/")
    with page.expect_navigation():
        page.locator(".object-tools a.addlink").click()
    assert page.locator("h1").inner_text() == "Şikâyet kaydet"
    page.get_by_label("Kanal").select_option("phone")
    page.get_by_label("Müşterinin adı").fill("Hasan Öztürk")
    page.get_by_label("Telefon").fill("0212 555 12 34")
    page.get_by_label("Konu").fill("Bağlantı kopuyor")
    page.get_by_label("Açıklama").fill("Akşamları bağlantı kesiliyor.")
    page.check('[name="privacy_notice_read_out"]')  # KVKK: the notice was read out
    shot(page, "register form")
    with page.expect_navigation():
        page.get_by_role("button", name="Kaydet ve takip numarasını ver").click()
    message = page.locator(".messagelist .success").inner_text()
    number = re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", message)
    assert number, message
    shot(page, "registered")
    complaint = Complaint.objects.get(tracking_number=number.group(0))
    assert complaint.channel == "phone"
    assert complaint.contact_phone == "+902125551234"
