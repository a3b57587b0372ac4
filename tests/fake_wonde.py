"""A local Wonde that checks every request as the real API would: the bearer token, the school, the includes,
paging (`per_page` at most 200, `meta.pagination.next`), and each write-back record (date, AM/PM, a student and
an attendance code it knows). It can answer 429 (with Retry-After), a 500, or reject chosen students' marks."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

TOKEN = "wonde-test-token-0123456789abcdef"
SCHOOL_ID = "A1930499544"
# The register codes of the 2024 regulations, as a school's MIS holds them, with Wonde's ids.
CODES = {
    code: f"A{100 + n}"
    for n, code in enumerate(["X", "B", "I", "K", "C1", "C2", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7", "J1"])
}


@dataclass
class FakeWonde:
    url: str = ""
    school_name: str = "Balfour Test Infant School"
    school_urn: str = "100001"
    students: list[dict[str, Any]] = field(default_factory=list)
    employees: list[dict[str, Any]] = field(default_factory=list)
    throttle: int = 0  # answer this many next requests with 429
    fail: int = 0  # answer this many next requests with 500
    reject_students: dict[str, str] = field(default_factory=dict)  # student id -> Wonde's message
    written: list[dict[str, Any]] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)


def student(
    wonde_id: str,
    *,
    mis_id: str,
    forename: str,
    surname: str,
    born: str,
    upn: str = "",
    group: str = "Oak",
    year: str = "Year 1",
    language: str = "",
    sen: str = "N",
    contacts: list[dict[str, Any]] | None = None,
    legal_forename: str = "",
) -> dict[str, Any]:
    return {
        "id": wonde_id,
        "mis_id": mis_id,
        "forename": forename,
        "legal_forename": legal_forename or forename,
        "surname": surname,
        "legal_surname": surname,
        "date_of_birth": {"date": f"{born} 00:00:00.000000", "timezone_type": 3, "timezone": "Europe/London"},
        "education_details": {"data": {"upn": upn}},
        "extended_details": {"data": {"sen_status": sen, "first_language": {"code": language, "description": ""}}},
        "year": {"data": {"name": year}},
        "registration": {"data": {"name": group}},
        "contacts": {"data": contacts or []},
    }


def contact(
    wonde_id: str, *, forename: str, surname: str, email: str = "", mobile: str = "", relationship: str = "Mother"
) -> dict[str, Any]:
    return {
        "id": wonde_id,
        "mis_id": wonde_id.lstrip("C"),
        "title": "",
        "forename": forename,
        "surname": surname,
        "relationship": {"relationship": relationship, "parental_responsibility": True, "priority": 1},
        "contact_details": {"data": {"emails": {"email": email, "primary": email}, "phones": {"mobile": mobile}}},
    }


def employee(
    wonde_id: str, *, email: str, forename: str, surname: str, current: bool = True, roles: tuple[str, ...] = ()
) -> dict[str, Any]:
    return {
        "id": wonde_id,
        "mis_id": wonde_id,
        "title": "",
        "forename": forename,
        "surname": surname,
        "contact_details": {"data": {"emails": {"work": email}}},
        "employment_details": {"data": {"current": current, "employment_end_date": None}},
        "roles": {"data": [{"role": r} for r in roles]},
    }


@pytest.fixture
def wonde(settings) -> Iterator[FakeWonde]:  # type: ignore[no-untyped-def]
    with running(FakeWonde()) as state:
        settings.WONDE_TOKEN = TOKEN
        settings.WONDE_API_URL = f"{state.url}/v1.0"
        yield state


@contextmanager
def running(state: FakeWonde) -> Iterator[FakeWonde]:
    """Serve `state` on a free port of 127.0.0.1 (bench/wonde_bench.py uses this too)."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            return None

        def _json(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _refuse(self, status: int, message: str) -> None:
            state.refusals.append(message)
            self._json(status, {"error": "error", "error_description": message})

        def _gate(self) -> bool:
            state.requests.append(f"{self.command} {self.path}")
            if state.throttle:
                state.throttle -= 1
                self._json(429, {"error": "Too Many Attempts."}, {"Retry-After": "0"})
                return False
            if state.fail:
                state.fail -= 1
                self._json(500, {"error": "Server Error"})
                return False
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                self._refuse(401, "Invalid token")
                return False
            return True

        def _page(self, items: list[dict[str, Any]], query: dict[str, str], path: str) -> None:
            per_page = int(query.get("per_page", "50"))
            if not 1 <= per_page <= 200:
                return self._refuse(422, f"per_page must be between 1 and 200, not {per_page}")
            page = int(query.get("page", "1"))
            chunk = items[(page - 1) * per_page : page * per_page]
            more = page * per_page < len(items)
            following = f"{state.url}{path}?{urlencode({**query, 'page': page + 1})}" if more else None
            self._json(
                200,
                {
                    "data": chunk,
                    "meta": {
                        "pagination": {"next": following, "more": more, "per_page": per_page, "current_page": page}
                    },
                },
            )
            return None

        def do_GET(self) -> None:
            if not self._gate():
                return None
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            if parts.path == "/v1.0/attendance-codes":
                return self._page([{"id": i, "code": c} for c, i in CODES.items()], query, parts.path)
            whole = re.fullmatch(r"/v1\.0/schools/([A-Z0-9]+)", parts.path)
            if whole is not None:
                if whole.group(1) != SCHOOL_ID:
                    return self._refuse(404, "School not found or access not approved")
                return self._json(
                    200, {"data": {"id": SCHOOL_ID, "name": state.school_name, "urn": int(state.school_urn)}}
                )
            match = re.fullmatch(r"/v1\.0/schools/([A-Z0-9]+)/(students|employees)", parts.path)
            if match is None:
                return self._refuse(404, f"no such path {parts.path}")
            if match.group(1) != SCHOOL_ID:
                return self._refuse(404, "School not found or access not approved")
            includes = set(query.get("include", "").split(","))
            wanted = {
                "students": {"contacts.contact_details", "education_details", "extended_details"},
                "employees": {"contact_details", "employment_details"},
            }[match.group(2)]
            if not wanted <= includes:
                return self._refuse(422, f"include is missing {sorted(wanted - includes)}")
            return self._page(state.students if match.group(2) == "students" else state.employees, query, parts.path)

        def do_POST(self) -> None:
            if not self._gate():
                return None
            parts = urlsplit(self.path)
            if parts.path != f"/v1.0/schools/{SCHOOL_ID}/attendance/session":
                return self._refuse(404, f"no such path {parts.path}")
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
            records = body.get("attendance") if isinstance(body, dict) else None
            if not isinstance(records, list) or not records:
                return self._refuse(422, "attendance must be a list of records")
            known = {s["id"] for s in state.students}
            errors = []
            for index, record in enumerate(records):
                problem = ""
                if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(record.get("date", ""))):
                    problem = "date is invalid"
                elif record.get("session") not in ("AM", "PM"):
                    problem = "session must be AM or PM"
                elif record.get("student_id") not in known:
                    problem = "student not found"
                elif record.get("attendance_code_id") not in CODES.values():
                    problem = "attendance code not found"
                elif record.get("student_id") in state.reject_students:
                    problem = state.reject_students[record["student_id"]]
                if problem:
                    errors.append({"index": index, "message": problem})
            if errors:
                state.refusals += [e["message"] for e in errors]
                accepted = [r for i, r in enumerate(records) if i not in {e["index"] for e in errors}]
                state.written += accepted
                return self._json(422, {"error": "validation_error", "errors": errors})
            state.written += records
            return self._json(200, {"success": True, "processed": len(records)})

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
