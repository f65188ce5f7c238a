"""Settings read from the environment: what each deployment shape gets."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.live_server import ROOT, embedded_env


def settings_in(tmp_path, expression: str, **env: str) -> object:
    """``expression`` evaluated in a fresh process whose settings read ``env``."""
    code = (
        "import json, django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
        "'config.settings'); django.setup(); from django.conf import settings; "
        f"print(json.dumps({expression}, default=str))"
    )
    result = subprocess.run(  # noqa: S603  (our own manage.py / python)
        [sys.executable, "-c", code],
        env=embedded_env(tmp_path, **env),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_any_sqlite_database_url_is_set_up_for_a_web_server(tmp_path):
    options = settings_in(
        tmp_path,
        "settings.DATABASES['default']['OPTIONS']",
        DATABASE_URL=f"sqlite:///{tmp_path / 'elsewhere.sqlite3'}",
    )
    assert options == {
        "init_command": "PRAGMA journal_mode=WAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }


def test_options_in_the_sqlite_url_win(tmp_path):
    options = settings_in(
        tmp_path,
        "settings.DATABASES['default']['OPTIONS']",
        DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}?timeout=3",
    )
    assert isinstance(options, dict) and options["timeout"] == 3


def test_the_sqlite_file_really_is_in_wal_mode(tmp_path):
    mode = settings_in(
        tmp_path,
        "__import__('django.db').db.connection.cursor().execute('PRAGMA journal_mode')"
        ".fetchone()[0]",
    )
    assert mode == "wal"
