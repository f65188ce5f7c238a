"""`manage.py demo_data` (make run): the demo logins, the showcase complaints
and the six months of history, idempotent."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from complaints.management.commands.demo_data import DEMO_USERS
from complaints.models import Complaint

pytestmark = pytest.mark.django_db


def test_demo_data_creates_the_logins_the_showcase_and_the_history_once(settings):
    settings.DEBUG = True
    settings.SMS_BACKEND = "notifications.sms.LocmemSMSBackend"
    out = StringIO()
    call_command("demo_data", "--history-count=150", stdout=out)
    total = Complaint.objects.count()
    assert total == 6 + 150
    assert set(get_user_model().objects.values_list("username", flat=True)) >= {
        u for u, *_ in DEMO_USERS
    }
    first = out.getvalue()
    assert "Demo complaints created: 6" in first
    assert first.rstrip().endswith("mudur      / mudur-demo-2026")  # the logins come last

    again = StringIO()
    call_command("demo_data", "--no-logins", "--history-count=150", stdout=again)
    assert Complaint.objects.count() == total
    assert "Demo complaints created: 0" in again.getvalue()
    assert "Demo history: already loaded" in again.getvalue()
    assert "Demo logins" not in again.getvalue()


def test_demo_data_refuses_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("demo_data", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("demo_history", stdout=StringIO())
