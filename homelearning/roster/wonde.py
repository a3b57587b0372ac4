"""An adapter on Wonde's REST API (https://docs.wonde.com): schools, students with their contacts, classes and
year, employees, attendance codes, and the session attendance write-back.

Every request carries the school's token as a bearer token. Lists are paged (`meta.pagination.next`), and are
followed to the end. A 429 is waited out (Retry-After, else a growing pause) and tried again; a 5xx or a dropped
connection too, a few times. Anything else is a WondeError with Wonde's own message.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import requests

STUDENT_INCLUDES = "contacts.contact_details,education_details,extended_details,year,classes,registration"
EMPLOYEE_INCLUDES = "contact_details,employment_details,roles,classes"
PER_PAGE = 200
TRIES = 5


class WondeError(Exception):
    def __init__(self, message: str, *, status: int | None = None, body: Any = None) -> None:
        super().__init__(message)
        self.status, self.body = status, body


@dataclass
class Wonde:
    base_url: str
    token: str
    timeout: float = 30.0
    sleep: Callable[[float], None] = time.sleep
    session: requests.Session = field(default_factory=requests.Session)
    requests_made: int = 0

    def _call(self, method: str, url: str, *, params: dict[str, Any] | None = None, json: Any = None) -> Any:
        if not url.startswith("http"):
            url = f"{self.base_url.rstrip('/')}/{url.lstrip('/')}"
        for attempt in range(1, TRIES + 1):
            self.requests_made += 1
            try:
                response = self.session.request(
                    method,
                    url,
                    params=params,
                    json=json,
                    headers={"Authorization": f"Bearer {self.token}", "Accept": "application/json"},
                    timeout=self.timeout,
                )
            except requests.RequestException as exc:
                if attempt == TRIES:
                    raise WondeError(f"Wonde could not be reached: {exc}") from None
                self.sleep(2**attempt)
                continue
            if response.status_code == 429 or response.status_code >= 500:
                if attempt == TRIES:
                    raise WondeError(
                        f"Wonde answered {response.status_code} {TRIES} times.", status=response.status_code
                    )
                wait = response.headers.get("Retry-After", "")
                self.sleep(float(wait) if wait.isdigit() else float(2**attempt))
                continue
            try:
                body = response.json()
            except ValueError:
                body = None
            if response.status_code >= 400:
                said = (
                    body.get("error_description") or body.get("message") or body.get("error")
                    if isinstance(body, dict)
                    else ""
                )
                raise WondeError(
                    f"Wonde refused the request ({response.status_code}): {said or response.reason}",
                    status=response.status_code,
                    body=body,
                )
            if not isinstance(body, dict):
                raise WondeError("Wonde's answer was not JSON.", status=response.status_code)
            return body
        raise WondeError("unreachable")  # pragma: no cover

    def paged(self, path: str, params: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        body = self._call("GET", path, params={"per_page": PER_PAGE, **(params or {})})
        while True:
            yield from body.get("data") or []
            following = ((body.get("meta") or {}).get("pagination") or {}).get("next")
            if not following:
                return
            body = self._call("GET", following)

    def school(self, school_id: str) -> dict[str, Any]:
        return dict(self._call("GET", f"schools/{school_id}").get("data") or {})

    def students(self, school_id: str) -> list[dict[str, Any]]:
        return list(self.paged(f"schools/{school_id}/students", {"include": STUDENT_INCLUDES}))

    def employees(self, school_id: str) -> list[dict[str, Any]]:
        return list(self.paged(f"schools/{school_id}/employees", {"include": EMPLOYEE_INCLUDES}))

    def attendance_codes(self) -> dict[str, str]:
        """The register code (a letter) → Wonde's id for it."""
        return {str(c["code"]).upper(): str(c["id"]) for c in self.paged("attendance-codes")}

    def write_attendance(self, school_id: str, records: list[dict[str, str]]) -> dict[str, Any]:
        """Session attendance write-back: date, session (AM/PM), student_id, attendance_code_id, comment."""
        return dict(self._call("POST", f"schools/{school_id}/attendance/session", json={"attendance": records}))
