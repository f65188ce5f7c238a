"""A local HTTP server that answers like Twilio's Messages API.

POST /2010-04-01/Accounts/{sid}/Messages.json → 201 with a JSON message
(sid, status "queued"), unless a scripted answer is queued first:
``server.script("500", "timeout", "400:21211")`` makes the next three calls
answer 500, hang past the client's timeout, and 400 with Twilio error code 21211.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

_MESSAGES = re.compile(r"^/2010-04-01/Accounts/(?P<sid>[^/]+)/Messages\.json$")


@dataclass
class Received:
    account_sid: str
    auth: tuple[str, str]
    form: dict[str, str]
    answered: int


@dataclass
class TwilioStandIn:
    hang_seconds: float = 3.0
    requests: list[Received] = field(default_factory=list)
    _script: deque[str] = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def sent(self) -> list[Received]:
        """The requests that were answered 201 (messages Twilio would send)."""
        return [r for r in self.requests if r.answered == 201]

    def script(self, *answers: str) -> None:
        with self._lock:
            self._script.extend(answers)

    def _next(self) -> str:
        with self._lock:
            return self._script.popleft() if self._script else "201"

    def start(self) -> TwilioStandIn:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                match = _MESSAGES.match(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode()
                if match is None:
                    self._json(404, {"code": 20404, "message": "not found", "status": 404})
                    return
                form = {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}
                auth = self._auth()
                answer = standin._next()
                if answer == "timeout":
                    time.sleep(standin.hang_seconds)
                    standin._record(match["sid"], auth, form, 0)
                    return
                if answer.startswith("5"):
                    standin._record(match["sid"], auth, form, int(answer))
                    self._json(
                        int(answer), {"code": 20500, "message": "Internal error", "status": 500}
                    )
                    return
                if answer.startswith("4"):
                    status, _, code = answer.partition(":")
                    standin._record(match["sid"], auth, form, int(status))
                    self._json(
                        int(status),
                        {
                            "code": int(code or 0) or None,
                            "message": f"The 'To' number {form.get('To')} is not a valid "
                            "phone number.",
                            "more_info": f"https://www.twilio.com/docs/errors/{code}",
                            "status": int(status),
                        },
                    )
                    return
                standin._record(match["sid"], auth, form, 201)
                self._json(
                    201,
                    {
                        "sid": "SM" + uuid.uuid4().hex,
                        "account_sid": match["sid"],
                        "to": form.get("To"),
                        "from": form.get("From"),
                        "body": form.get("Body"),
                        "status": "queued",
                        "num_segments": "1",
                        "direction": "outbound-api",
                        "api_version": "2010-04-01",
                        "uri": f"/2010-04-01/Accounts/{match['sid']}/Messages/x.json",
                    },
                )

            def _auth(self) -> tuple[str, str]:
                header = self.headers.get("Authorization", "")
                if not header.startswith("Basic "):
                    return ("", "")
                user, _, password = base64.b64decode(header[6:]).decode().partition(":")
                return (user, password)

            def _json(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def _record(self, sid: str, auth: tuple[str, str], form: dict[str, str], answered: int) -> None:
        with self._lock:
            self.requests.append(Received(sid, auth, form, answered))

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
