"""The project as `make run` serves it: a real `manage.py runserver` (threaded,
no reloader) in a subprocess, on a free loopback port, with the embedded
defaults (SQLite in a temporary file, tasks in-process, no broker), for tests
that need real concurrency against a real server."""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def embedded_env(directory: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        # The embedded default: no broker, no outside database, dev settings.
        if key
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "DEBUG",
            "CI_REAL_SERVICES",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
        and not key.startswith("PYTEST")
    }
    env.update(
        DATABASE_URL=f"sqlite:///{directory / 'db.sqlite3'}",
        MEDIA_ROOT=str(directory / "media"),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        SMS_BACKEND="notifications.sms.LocmemSMSBackend",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


_template: list[Path] = []


def migrated_database(directory: Path) -> Path:
    """``directory/db.sqlite3``, migrated: the migrations run once per test
    session into a template file, which is then copied."""
    if not _template:
        template_dir = Path(tempfile.mkdtemp(prefix="sikayet-template-"))
        atexit.register(shutil.rmtree, template_dir, ignore_errors=True)
        subprocess.run(  # noqa: S603  (our own manage.py)
            [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "-v0"],
            env=embedded_env(template_dir),
            cwd=ROOT,
            check=True,
            timeout=300,
        )
        _template.append(template_dir / "db.sqlite3")
    target = directory / "db.sqlite3"
    shutil.copyfile(_template[0], target)
    return target


@contextmanager
def embedded_server(directory: Path, **extra_env: str) -> Iterator[str]:
    """Serve a freshly migrated SQLite file; yields the base URL."""
    env = embedded_env(directory, **extra_env)
    manage = [sys.executable, str(ROOT / "manage.py")]
    migrated_database(directory)
    port = free_port()
    log = (directory / "server.log").open("w")
    server = subprocess.Popen(  # noqa: S603  (our own manage.py)
        [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the server did not start:\n" + server_log(directory))
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(10)
        log.close()


def server_log(directory: Path) -> str:
    path = directory / "server.log"
    return path.read_text(errors="replace") if path.exists() else ""
