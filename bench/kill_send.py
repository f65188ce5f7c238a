"""The duplicate window, measured: sending workers are killed (SIGKILL) right
after the provider accepted an e-mail and before the row was marked sent, and
the copies that arrive are counted by Message-ID.

    .venv/bin/python bench/kill_send.py --notices 240 --kill-every 10 --workers 2

A fresh SQLite file (the embedded default), a local SMTP server (aiosmtpd) as
the provider, N notices pending in the outbox, and worker processes that send
them through the real outbox (``notification_send``: claim, render, SMTP,
mark sent). A worker kills itself after the SMTP server accepted every
``--kill-every``-th notice on its first attempt; the driver starts a new one;
the row's claim runs out (``NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS=3`` here, above
the 2 s send timeout) and a worker sends it again.
tests/notifications/test_kill_duplicates.py runs it small.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@dataclass(frozen=True)
class KillResult:
    notices: int
    kills: int
    deliveries: int
    distinct_message_ids: int
    duplicated_message_ids: int
    rows_sent: int
    seconds: float

    def __str__(self) -> str:
        return (
            f"{self.notices} notices, {self.kills} workers killed between provider-accept and "
            f"mark-sent: {self.deliveries} e-mails delivered, {self.distinct_message_ids} "
            f"distinct Message-IDs ({self.duplicated_message_ids} delivered twice, each copy "
            f"with its original's Message-ID), {self.rows_sent} rows sent, {self.seconds:.1f}s"
        )


def _env(directory: Path, smtp_port: int) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG"} and not k.startswith("PYTEST")
    }
    env.update(
        DATABASE_URL=f"sqlite:///{directory / 'db.sqlite3'}",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        DEFAULT_FROM_EMAIL="Key İnternet <destek@keyinternet.com.tr>",
        NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS="3",
        NOTIFICATIONS_SEND_TIMEOUT_SECONDS="2",
        LOG_LEVEL="ERROR",
    )
    return env


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def seed(count: int) -> None:
    """N complaints with an e-mail contact: N acknowledgements pending in the outbox."""
    _django()
    from notifications import services
    from tests.factories import make_complaint

    # Leave the rows for the workers instead of sending them at commit.
    services.notification_enqueue = lambda **kwargs: True  # type: ignore[assignment]
    for i in range(count):
        make_complaint(email=f"musteri{i}@example.com", name=f"Müşteri {i}")


def work(kill_every: int) -> None:
    """Send what is claimable until nothing is left; die as told."""
    _django()
    from django.db.models import Q
    from django.utils import timezone

    from notifications import conf, email, services
    from notifications.models import Notification, Status

    real_send = email.EmailTransport.send

    def send_then_maybe_die(self: email.EmailTransport, **kwargs: Any) -> str:
        result = real_send(self, **kwargs)  # the provider accepted it
        notice_id = int(kwargs["metadata"]["notification"])
        attempts = Notification.objects.get(pk=notice_id).attempts
        if notice_id % kill_every == 0 and attempts == 1:
            os.kill(os.getpid(), signal.SIGKILL)  # before marking it sent
        return result

    email.EmailTransport.send = send_then_maybe_die  # type: ignore[method-assign]
    while True:
        left = Notification.objects.exclude(status__in=[Status.SENT, Status.FAILED])
        if not left.exists():
            return
        stale = timezone.now() - timedelta(seconds=conf.claim_timeout_seconds())
        ids = list(
            left.filter(
                Q(status=Status.PENDING) | Q(status=Status.SENDING, claimed_at__lt=stale)
            ).values_list("pk", flat=True)[:20]
        )
        for notice_id in ids:
            services.notification_send(notification_id=notice_id)
        if not ids:
            time.sleep(0.2)


def measure(
    *, notices: int, kill_every: int, workers: int = 2, database: Path | None = None
) -> KillResult:
    """``database``: a migrated SQLite file to start from (else one is migrated)."""
    from tests.notifications.smtp_server import SMTPServer

    smtp = SMTPServer().start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            directory = Path(tmp)
            env = _env(directory, smtp.port)
            python = [sys.executable, str(Path(__file__).resolve())]
            manage = [sys.executable, str(ROOT / "manage.py")]
            if database is not None:
                shutil.copyfile(database, directory / "db.sqlite3")
            else:
                subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=ROOT, check=True)  # noqa: S603
            subprocess.run([*python, "seed", str(notices)], env=env, cwd=ROOT, check=True)  # noqa: S603
            started = time.monotonic()
            kills = 0
            running: list[subprocess.Popen] = []
            while True:
                for process in list(running):
                    code = process.poll()
                    if code is None:
                        continue
                    running.remove(process)
                    if code == -signal.SIGKILL:
                        kills += 1
                    elif code != 0:
                        raise RuntimeError(f"a worker failed with exit code {code}")
                left = _rows_left(directory)
                if not left and not running:
                    break
                while left and len(running) < workers:
                    worker = [*python, "work", str(kill_every)]
                    running.append(subprocess.Popen(worker, env=env, cwd=ROOT))  # noqa: S603
                if time.monotonic() - started > 600:
                    raise RuntimeError("the workers did not finish in 10 minutes")
                time.sleep(0.1)
            for process in running:
                process.wait(60)
            elapsed = time.monotonic() - started
            with sqlite3.connect(directory / "db.sqlite3") as db:
                rows_sent = db.execute(
                    "SELECT count(*) FROM notifications_notification WHERE status = 'sent'"
                ).fetchone()[0]
    finally:
        smtp.stop()
    ids = Counter(str(message["Message-ID"]) for message in smtp.messages)
    return KillResult(
        notices=notices,
        kills=kills,
        deliveries=len(smtp.messages),
        distinct_message_ids=len(ids),
        duplicated_message_ids=sum(1 for count in ids.values() if count > 1),
        rows_sent=rows_sent,
        seconds=elapsed,
    )


def _rows_left(directory: Path) -> int:
    with sqlite3.connect(directory / "db.sqlite3", timeout=20) as db:
        return db.execute(
            "SELECT count(*) FROM notifications_notification WHERE status NOT IN ('sent', 'failed')"
        ).fetchone()[0]


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "seed":
        seed(int(sys.argv[2]))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "work":
        work(int(sys.argv[2]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notices", type=int, default=240)
    parser.add_argument("--kill-every", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    print(measure(notices=args.notices, kill_every=args.kill_every, workers=args.workers))


if __name__ == "__main__":
    main()
