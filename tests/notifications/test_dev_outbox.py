"""`make run`'s transports: every notice written to var/outbox/, one file each,
with one log line naming it; the file's name is the notice's provider id."""

from __future__ import annotations

import email
import logging
from email import policy

import pytest

from notifications.models import Notification
from notifications.services import notification_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox_dir(settings, tmp_path):
    settings.NOTIFICATIONS_DEV_OUTBOX_DIR = str(tmp_path)
    settings.EMAIL_BACKEND = "notifications.dev_outbox.DevOutboxEmailBackend"
    settings.SMS_BACKEND = "notifications.dev_outbox.DevOutboxSMSBackend"
    return tmp_path


def test_an_email_notice_is_written_as_an_eml_file_named_in_the_log(outbox_dir, submit, caplog):
    with caplog.at_level(logging.INFO, logger="notifications.dev_outbox"):
        complaint = submit(email="ayse@example.com", phone="")
    files = list(outbox_dir.glob("*.eml"))
    assert len(files) == 1
    message = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert message["To"] == "ayse@example.com"
    body = message.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert complaint.tracking_number in text
    lines = [r.getMessage() for r in caplog.records if r.name == "notifications.dev_outbox"]
    assert lines == [f"e-mail to ayse@example.com written to {files[0]}"]
    notice = Notification.objects.get(complaint=complaint)
    assert notice.status == "sent"
    assert notice.provider_message_id == str(files[0])


def test_an_sms_notice_is_written_as_a_txt_file(outbox_dir, submit, caplog):
    with caplog.at_level(logging.INFO, logger="notifications.dev_outbox"):
        complaint = submit(email="", phone="0532 123 45 67")
    files = list(outbox_dir.glob("*.txt"))
    assert len(files) == 1
    content = files[0].read_text(encoding="utf-8")
    assert content.startswith("To: +905321234567\n")
    assert complaint.tracking_number in content
    assert [r.getMessage() for r in caplog.records if r.name == "notifications.dev_outbox"] == [
        f"SMS to +905321234567 written to {files[0]}"
    ]


def test_sending_the_same_notice_twice_writes_one_file(outbox_dir, submit):
    complaint = submit(email="ayse@example.com", phone="")
    notice = Notification.objects.get(complaint=complaint)
    assert notification_send(notification_id=notice.pk).result == "skipped"
    assert len(list(outbox_dir.iterdir())) == 1


def test_files_inside_the_project_are_named_relative_to_it(settings, submit, tmp_path):
    settings.BASE_DIR = tmp_path
    settings.NOTIFICATIONS_DEV_OUTBOX_DIR = str(tmp_path / "var" / "outbox")
    settings.EMAIL_BACKEND = "notifications.dev_outbox.DevOutboxEmailBackend"
    complaint = submit(email="ayse@example.com", phone="")
    notice = Notification.objects.get(complaint=complaint)
    assert notice.provider_message_id.startswith("var/outbox/")
    assert notice.provider_message_id.endswith(".eml")
