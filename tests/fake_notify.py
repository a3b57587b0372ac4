"""A local GOV.UK Notify that checks every request as the real one does (a JWT signed with the key's secret,
issued by the service, no older than 30 seconds; the template and a `body` to fill it; a UK mobile) and
answers as Notify does: 201 with the notification's id, or 400/403/429/500 with Notify's error list."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from django_tasks_db.models import DBTaskResult

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"homelearning_test-{SERVICE_ID}-{SECRET}"
TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
TASK = "homelearning.texts.tasks.send_text"


@dataclass
class FakeNotify:
    url: str = ""
    mode: str = "ok"  # ok | bad_number | rate_limited | http500 | slow
    sent: list[dict[str, Any]] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)

    def bodies(self) -> list[str]:
        return [s["personalisation"]["body"] for s in self.sent]


@pytest.fixture
def notify(settings) -> Iterator[FakeNotify]:  # type: ignore[no-untyped-def]
    state = FakeNotify()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            return None

        def _send(self, status: int, body: object) -> None:
            data = json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except BrokenPipeError:
                return

        def _error(self, status: int, error: str, message: str) -> None:
            state.refusals.append(message)
            self._send(status, {"status_code": status, "errors": [{"error": error, "message": message}]})

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"null")
            if self.path != "/v2/notifications/sms":
                return self._error(404, "NotFound", f"no such path {self.path}")
            auth = self.headers.get("Authorization", "")
            if not auth.startswith("Bearer "):
                return self._error(403, "AuthError", "Unauthorized: authentication token must be provided")
            try:
                claims = jwt.decode(auth[7:], SECRET, algorithms=["HS256"], options={"require": ["iss", "iat"]})
            except jwt.PyJWTError as exc:
                return self._error(403, "AuthError", f"Invalid token: {exc}")
            if claims["iss"] != SERVICE_ID:
                return self._error(403, "AuthError", "Invalid token: service not found")
            if abs(time.time() - claims["iat"]) > 30:
                return self._error(403, "AuthError", "Error: Your system clock must be accurate to within 30 seconds")
            if not isinstance(body, dict) or body.get("template_id") != TEMPLATE_ID:
                return self._error(400, "BadRequestError", "Template not found")
            if set(body) - {"phone_number", "template_id", "personalisation", "reference"}:
                return self._error(400, "ValidationError", f"Additional properties are not allowed {sorted(body)}")
            if not isinstance(body.get("personalisation"), dict) or not body["personalisation"].get("body"):
                return self._error(400, "BadRequestError", "Missing personalisation: body")
            phone = str(body.get("phone_number", ""))
            if state.mode == "bad_number" or not phone.startswith("+447") or len(phone) != 13:
                return self._error(400, "ValidationError", "phone_number Not a UK mobile number")
            if state.mode == "slow":
                time.sleep(1.5)
            if state.mode == "rate_limited":
                return self._error(
                    429, "RateLimitError", "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds"
                )
            if state.mode == "http500":
                return self._error(500, "Exception", "Internal server error")
            state.sent.append(body)
            self._send(
                201,
                {
                    "id": str(uuid.uuid4()),
                    "reference": body.get("reference"),
                    "content": {"body": body["personalisation"]["body"], "from_number": "HomeLearn"},
                    "template": {"id": TEMPLATE_ID, "version": 1, "uri": "x"},
                },
            )

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.TEXTS_PROVIDER = "notify"
    settings.NOTIFY_API_KEY = API_KEY
    settings.NOTIFY_SMS_TEMPLATE_ID = TEMPLATE_ID
    settings.NOTIFY_BASE_URL = state.url
    yield state
    server.shutdown()
    server.server_close()


def run_text_jobs() -> list[str]:
    """Run the queued text jobs that are due, as the worker would; what each returned."""
    from django.db.models import Q
    from django.utils import timezone
    from django_tasks_db.models import get_date_max

    from homelearning.texts.tasks import send_text

    due = Q(run_after=get_date_max()) | Q(run_after__lte=timezone.now())
    results = []
    for row in DBTaskResult.objects.filter(due, task_path=TASK, status="READY").order_by("enqueued_at"):
        row.delete()
        results.append(send_text.call(**row.args_kwargs["kwargs"]))
    return results
