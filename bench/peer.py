"""Side by side with django-helpdesk under gunicorn (issue 15): worker CPU per
request of the public form, the status page and a stored submission, for both
in the same run, interleaved.

    # once: the peer from PyPI into /tmp/peer (see /work/shared/bench-peer/README.md)
    cp -r ../shared/bench-peer /tmp/bench-peer && PEER_DIR=/tmp/peer /tmp/bench-peer/setup.sh
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sikayet_bench \\
    REDIS_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/python bench/peer.py --peer-src /tmp/bench-peer --peer-dir /tmp/peer

Both run under the same gunicorn settings (2 sync workers, loopback), ours with
production settings and a broker (a notice is enqueued; no worker runs, so
nothing is sent). Each measurement is a closed loop of ``--concurrency``
client threads for ``--seconds``; the figure is the CPU time (user + system,
from /proc) that the server's workers spent, divided by the requests they
answered as expected. The client's own CPU is not counted, so a slow client
only lowers the request rate. Rounds alternate which server goes first.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shlex
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
CLK_TCK = os.sysconf("SC_CLK_TCK")

Request = tuple[str, str, dict[str, str], bytes]  # method, path, headers, body


class Server:
    def __init__(self, name: str, port: int, command: list[str], cwd: Path, env: dict[str, str]):
        self.name, self.port = name, port
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        for _ in range(100):
            try:
                self.call("GET", "/healthz" if name == "ours" else "/hello/")
                return
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"{name} did not start: {self.process.stderr}")

    def call(
        self, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b""
    ) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body or None, headers=headers or {})
            response = connection.getresponse()
            headers = {k.lower(): v for k, v in response.getheaders()}
            headers["set-cookie"] = "; ".join(response.msg.get_all("Set-Cookie") or [])
            return response.status, headers, response.read()
        finally:
            connection.close()

    def worker_ticks(self) -> int:
        ticks = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:  # a worker of this master
                ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def gunicorn(python: Path, app: str) -> list[str]:
    return [
        str(python),
        "-m",
        "gunicorn",
        app,
        "--workers",
        "2",
        "--worker-class",
        "sync",
        "--timeout",
        "60",
        "--log-level",
        "warning",
    ]


def csrf_pair(server: Server, path: str) -> tuple[str, str]:
    _status, headers, body = server.call("GET", path)
    cookie = re.search(r"csrftoken=([^;]+)", headers.get("set-cookie", ""))
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    assert cookie and token, f"no CSRF pair from {server.name} {path}"
    return cookie.group(1), token.group(1).decode()


def form_post(
    path: str, cookie: str, fields: Callable[[], dict[str, str]]
) -> Callable[[], Request]:
    def build() -> Request:
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookie}",
        }
        return "POST", path, headers, urlencode(fields()).encode()

    return build


def measure(
    server: Server, build: Callable[[], Request], expect: int, seconds: float, concurrency: int
) -> float:
    done = threading.Event()
    counts = {"ok": 0, "other": 0}
    lock = threading.Lock()

    def loop() -> None:
        while not done.is_set():
            method, path, headers, body = build()
            status, _h, _b = server.call(method, path, headers, body)
            with lock:
                counts["ok" if status == expect else "other"] += 1

    for _ in range(20):  # warm
        server.call(*build())
    before = server.worker_ticks()
    threads = [threading.Thread(target=loop) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    done.set()
    for thread in threads:
        thread.join()
    spent = server.worker_ticks() - before
    if counts["other"]:
        print(f"   {server.name}: {counts['other']} answers other than {expect}", file=sys.stderr)
    return spent * 1000 / CLK_TCK / max(1, counts["ok"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--peer-src", type=Path, required=True, help="a copy of shared/bench-peer")
    parser.add_argument("--peer-dir", type=Path, required=True, help="its PEER_DIR (setup.sh)")
    parser.add_argument("--port", type=int, default=8021)
    parser.add_argument("--peer-port", type=int, default=8011)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
        raise SystemExit("set DATABASE_URL and REDIS_URL (scratch ones: this writes complaints)")
    ours_env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-not-secret",
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "INTAKE_RATE_LIMIT_SUBMIT": "1000000/m",
        "INTAKE_RATE_LIMIT_TRACK": "1000000/m",
        "LOG_LEVEL": "WARNING",
    }
    python = Path(sys.executable)
    for command in (["migrate", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run(  # noqa: S603 - our own manage.py
            [str(python), "manage.py", *command], cwd=ROOT, env=ours_env, check=True
        )
    seed = dict(
        line.split("=", 1)
        for line in shlex.split((args.peer_dir / "seed.env").read_text(), comments=True)
        if "=" in line
    )
    peer_env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
        "PEER_DIR": str(args.peer_dir),
    }
    ours = Server(
        "ours",
        args.port,
        [*gunicorn(python, "config.wsgi:application"), "--bind", f"127.0.0.1:{args.port}"],
        ROOT,
        ours_env,
    )
    peer = Server(
        "peer",
        args.peer_port,
        [
            *gunicorn(args.peer_dir / "venv/bin/python", "peerproj.wsgi:application"),
            "--bind",
            f"127.0.0.1:{args.peer_port}",
        ],
        args.peer_src,
        peer_env,
    )
    try:
        _s, _h, body = ours.call(
            "POST",
            "/api/v1/public/complaints/",
            {"Content-Type": "application/json"},
            b'{"name": "Bench", "email": "bench@example.com", "subject": "Bench",'
            b' "description": "The status page of this one is measured."}',
        )
        number = re.search(rb'"tracking_number":"([^"]+)"', body.replace(b" ", b""))
        assert number, body
        ours_cookie, ours_token = csrf_pair(ours, "/submit/")
        peer_cookie, peer_token = csrf_pair(peer, "/helpdesk/tickets/submit/")

        def ours_fields() -> dict[str, str]:
            return {
                "csrfmiddlewaretoken": ours_token,
                "submission_id": str(uuid.uuid4()),
                "kind": "complaint",
                "name": "Ayşe Yılmaz",
                "email": "ayse@example.com",
                "phone": "",
                "subject": "Fatura",
                "privacy_notice_version": "1",
                "description": f"Faturam iki kez kesildi ({uuid.uuid4().hex}).",
            }

        def peer_fields() -> dict[str, str]:
            return {
                "csrfmiddlewaretoken": peer_token,
                "queue": seed["QUEUE_ID"],
                "title": "Load test complaint",
                "priority": "3",
                "body": "The item arrived broken and support did not answer.",
                "submitter_email": "load@example.invalid",
            }

        def get(path: str) -> Callable[[], Request]:
            return lambda: ("GET", path, {}, b"")

        scenarios = {
            "bare view (/hello/, /healthz)": ((get("/hello/"), 200), (get("/healthz"), 200)),
            "GET the public form": (
                (get("/helpdesk/tickets/submit/"), 200),
                (get("/submit/"), 200),
            ),
            "GET the status page": (
                (get(seed["VIEW_PATH"]), 200),
                (get(f"/track/{number.group(1).decode()}/"), 200),
            ),
            "POST the form (one stored)": (
                (form_post("/helpdesk/tickets/submit/", peer_cookie, peer_fields), 302),
                (form_post("/submit/", ours_cookie, ours_fields), 302),
            ),
        }
        results: dict[str, dict[str, list[float]]] = {
            n: {"peer": [], "ours": []} for n in scenarios
        }
        print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        for round_ in range(args.rounds):
            for name, ((peer_build, peer_ok), (ours_build, ours_ok)) in scenarios.items():
                pair = [(peer, peer_build, peer_ok), (ours, ours_build, ours_ok)]
                for server, build, ok in pair if round_ % 2 == 0 else reversed(pair):
                    results[name][server.name].append(
                        measure(server, build, ok, args.seconds, args.concurrency)
                    )
        print(f"load average after: {os.getloadavg()[0]:.1f}")
    finally:
        ours.stop()
        peer.stop()
    med = statistics.median
    print(
        f"\n{'worker CPU ms per request (median of ' + str(args.rounds) + ' rounds)':44} "
        f"{'helpdesk':>9} {'ours':>7} {'ours/peer':>10}"
    )
    for name, by in results.items():
        print(
            f"{name:44} {med(by['peer']):9.2f} {med(by['ours']):7.2f} "
            f"{med(o / p for o, p in zip(by['ours'], by['peer'], strict=True)):10.2f}"
        )


if __name__ == "__main__":
    main()
