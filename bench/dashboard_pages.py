"""Write the SLA dashboard's HTML at a fixed now, for several views in both
languages, into a directory: run it from two trees on the same database and
``diff -r`` the directories to hold a change to the same page byte for byte.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sikayet_bench \\
        .venv/bin/python bench/dashboard_pages.py /tmp/pages-after

Read-only. The CSRF token (random per request) is replaced by "X".
"""

from __future__ import annotations

import os
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from complaints.models import Category  # noqa: E402

FIXED_NOW = datetime(2026, 12, 2, 13, 7, 11, 123456, tzinfo=UTC)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    setup_test_environment()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    financial = str(Category.objects.get(code="financial").pk)
    views: dict[str, dict[str, str]] = {
        "default": {},
        "high": {"priority": "high"},
        "email_by_category": {"channel": "email", "by": "category"},
        "financial": {"category": financial},
        "year_by_channel": {"date_from": "2025-12-03", "by": "channel"},
        "two_filters": {"priority": "high", "channel": "email"},
        "short": {"date_from": "2026-11-04", "date_to": "2026-11-26"},
        "reversed": {"date_from": "2026-11-30", "date_to": "2026-11-01", "priority": "low"},
        "long_odd": {"date_from": "2025-02-11", "date_to": "2026-01-20", "by": "category"},
    }
    with mock.patch("django.utils.timezone.now", return_value=FIXED_NOW):
        client = Client()
        client.force_login(get_user_model().objects.get(username="bench-manager"))
        for language in ("tr", "en"):
            for name, params in views.items():
                response = client.get("/dashboard/", params, HTTP_ACCEPT_LANGUAGE=language)
                assert response.status_code == 200, (name, response.status_code)
                html = TOKEN.sub('name="csrfmiddlewaretoken" value="X"', response.content.decode())
                (out / f"{language}_{name}.html").write_text(html)
    print(f"{2 * len(views)} pages written to {out}")


if __name__ == "__main__":
    main()
