"""A local Azure AI Translator (Text Translation v3.0) that checks every request as the real one would and
"translates" by a rule a test can predict: each word outside a `notranslate` span becomes `pl:word`."""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django_tasks_db.models import DBTaskResult

KEY = "fake-azure-key"
REGION = "uksouth"
TARGETS = {"pl", "ro", "ur", "pa", "bn", "ar", "pt-pt", "so", "es", "uk"}
_SPAN = re.compile(r'(<span class="notranslate">\d+</span>)')


def fake_translation(text: str, target: str) -> str:
    """Each word outside the kept spans and tags gets the language in front; the spans stay as they were."""
    out = []
    for part in _SPAN.split(text):
        if _SPAN.fullmatch(part):
            out.append(part)
        else:
            out.append(re.sub(r"(?<![<\w/&#])([A-Za-z]+)(?![^<]*>)", lambda m: f"{target}:{m.group(1)}", part))
    return "".join(out)


@dataclass
class FakeAzure:
    url: str = ""
    mode: str = "ok"  # ok | http500 | unauthorised | garbage | short | slow | drop
    requests: list[dict[str, Any]] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)

    def texts_sent(self) -> list[str]:
        return [item["Text"] for r in self.requests for item in r["body"]]


@pytest.fixture
def azure(settings) -> Iterator[FakeAzure]:  # type: ignore[no-untyped-def]
    state = FakeAzure()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            return None

        def _send(self, status: int, body: object) -> None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except BrokenPipeError:
                return

        def _refuse(self, status: int, code: int, why: str) -> None:
            state.refusals.append(why)
            self._send(status, {"error": {"code": code, "message": why}})

        def do_POST(self) -> None:
            parsed = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(parsed.query))
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            try:
                body = json.loads(raw.decode("utf-8"))
            except ValueError:
                body = None
            state.requests.append({"path": parsed.path, "query": query, "headers": dict(self.headers), "body": body})
            if state.mode == "slow":
                time.sleep(1.5)
            if parsed.path != "/translate":
                return self._refuse(404, 404000, f"no such path {parsed.path}")
            if self.headers.get("Ocp-Apim-Subscription-Key") != KEY:
                return self._refuse(401, 401000, "bad or missing key")
            if self.headers.get("Ocp-Apim-Subscription-Region") != REGION:
                return self._refuse(401, 401015, "bad or missing region")
            if not (self.headers.get("Content-Type") or "").startswith("application/json"):
                return self._refuse(415, 415000, "not JSON")
            if query.get("api-version") != "3.0" or query.get("from") != "en" or query.get("textType") != "html":
                return self._refuse(400, 400000, f"bad query {query}")
            if query.get("to") not in TARGETS:
                return self._refuse(400, 400036, f"bad target {query.get('to')}")
            if (
                not isinstance(body, list)
                or not body
                or len(body) > 1000
                or any(set(item) != {"Text"} or not isinstance(item["Text"], str) for item in body)
            ):
                return self._refuse(400, 400074, "body must be 1 to 1000 objects with one Text")
            if sum(len(item["Text"]) for item in body) > 50_000:
                return self._refuse(400, 400077, "over 50,000 characters")
            if state.mode == "http500":
                return self._send(500, b"upstream trouble")
            if state.mode == "unauthorised":
                return self._refuse(401, 401000, "key revoked")
            if state.mode == "garbage":
                return self._send(200, b"<html>not json")
            target = query["to"]
            answers = [{"translations": [{"text": fake_translation(i["Text"], target), "to": target}]} for i in body]
            if state.mode == "short":
                answers = answers[:-1]
            if state.mode == "drop":
                for a in answers:
                    a["translations"][0]["text"] = _SPAN.sub("", a["translations"][0]["text"])
            return self._send(200, answers)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.MACHINE_TRANSLATION_PROVIDER = "azure"
    settings.AZURE_TRANSLATOR_KEY = KEY
    settings.AZURE_TRANSLATOR_REGION = REGION
    settings.AZURE_TRANSLATOR_ENDPOINT = state.url
    yield state
    server.shutdown()
    server.server_close()


TASK = "homelearning.translation.tasks.translate_work"


def run_translation_jobs() -> list[str]:
    """Run the queued translation jobs as the worker would; what each returned."""
    from homelearning.translation.tasks import translate_work

    results = []
    for row in DBTaskResult.objects.filter(task_path=TASK, status="READY").order_by("enqueued_at"):
        row.delete()
        results.append(translate_work.call(**row.args_kwargs["kwargs"]))
    return results
