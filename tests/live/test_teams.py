"""The Microsoft Teams adapter against a local fake of the Microsoft identity platform and Graph.

msal only talks to https authorities, so the fake serves TLS with a certificate made for the test,
and the adapter trusts it the way a school behind a TLS proxy would (LIV_TEAMS_CA_BUNDLE).
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import ssl
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from homelearning.live.providers import GRAPH_SCOPE, TEAMS_SAFEGUARDS, ProviderError, Room, TeamsProvider

TENANT = "11111111-2222-3333-4444-555555555555"
CLIENT_ID = "home-learning-app"
CLIENT_SECRET = "fake-client-secret"
TOKEN = "fake-graph-token"
HOST = "teacher@balfour.test"
MONITOR = "ta@balfour.test"
START = datetime.datetime(2027, 1, 12, 10, 0, tzinfo=datetime.UTC)
ROOM = Room(
    meeting_id="hl-abc",
    name="Story time",
    minutes=30,
    max_participants=17,
    starts_at=START,
    ends_at=START + datetime.timedelta(minutes=30),
    host_account=HOST,
    monitor_account=MONITOR,
)


@dataclass
class FakeMicrosoft:
    requests: list[tuple[str, str, dict[str, str], Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    mode: str = "ok"  # ok | token_refused | graph_error | slow | garbage | gone
    base: str = ""
    meetings: dict[str, dict[str, Any]] = field(default_factory=dict)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    # OpenSSL checks the dates against the machine's real clock, not the test's (TEST_TODAY moves only
    # Python's): valid for years either side, so a suite run on another day still trusts it.
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=3650))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def _check_meeting_body(body: dict[str, Any]) -> list[str]:
    problems = [f"{k}={body.get(k)!r}" for k, v in TEAMS_SAFEGUARDS.items() if body.get(k) != v]
    expected = {
        "subject": "Story time",
        "startDateTime": "2027-01-12T10:00:00.0000000Z",
        "endDateTime": "2027-01-12T10:30:00.0000000Z",
        "participants": {"attendees": [{"upn": MONITOR, "role": "coorganizer"}]},
    }
    problems += [f"{k}={body.get(k)!r}" for k, v in expected.items() if body.get(k) != v]
    if not str(body.get("externalId", "")).startswith("hl-"):
        problems.append(f"externalId={body.get('externalId')!r}")
    return problems


@pytest.fixture
def fake(certificate: tuple[Path, Path]) -> Iterator[FakeMicrosoft]:
    state = FakeMicrosoft()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            return None

        def _reply(self, status: int, body: Any = None) -> None:
            data = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError, ssl.SSLError):  # the client gave up (timeout test)
                return

        def _body(self) -> Any:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.headers.get("Content-Type", "").startswith("application/json"):
                return json.loads(raw or b"null")
            return dict(urllib.parse.parse_qsl(raw.decode()))

        def _handle(self, method: str) -> None:
            path = urllib.parse.urlsplit(self.path).path
            body = self._body() if method in {"POST", "PATCH"} else None
            state.requests.append((method, path, dict(self.headers), body))
            if path == f"/{TENANT}/v2.0/.well-known/openid-configuration":
                return self._reply(
                    200,
                    {
                        "issuer": f"{state.base}/{TENANT}/v2.0",
                        "authorization_endpoint": f"{state.base}/{TENANT}/oauth2/v2.0/authorize",
                        "token_endpoint": f"{state.base}/{TENANT}/oauth2/v2.0/token",
                    },
                )
            if path == f"/{TENANT}/oauth2/v2.0/token":
                assert isinstance(body, dict)
                if body.get("grant_type") != "client_credentials":
                    state.problems.append(f"grant_type={body.get('grant_type')}")
                if body.get("scope") != GRAPH_SCOPE:
                    state.problems.append(f"scope={body.get('scope')}")
                if body.get("client_id") != CLIENT_ID or body.get("client_secret") != CLIENT_SECRET:
                    return self._reply(401, {"error": "invalid_client", "error_description": "bad secret"})
                if state.mode == "token_refused":
                    return self._reply(400, {"error": "unauthorized_client", "error_description": "no consent"})
                return self._reply(200, {"token_type": "Bearer", "expires_in": 3599, "access_token": TOKEN})
            # Graph
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                return self._reply(401, {"error": {"code": "InvalidAuthenticationToken", "message": "no"}})
            if state.mode == "slow":
                time.sleep(1.5)
            if state.mode == "graph_error":
                return self._reply(403, {"error": {"code": "Forbidden", "message": "No application access policy"}})
            if state.mode == "garbage":
                return self._reply(201, b"<html>not json")
            prefix = f"/v1.0/users/{urllib.parse.quote(HOST)}/onlineMeetings"
            if method == "POST" and path == prefix:
                state.problems += _check_meeting_body(body)
                meeting = {
                    "id": "MSo1N2Y5ZGFjYy03MWJmLTQ3NDMtYjQxMy01M2VkNzMwMDEzNDQ",
                    "joinWebUrl": "https://teams.example/l/meetup-join/abc",
                }
                state.meetings[meeting["id"]] = meeting
                return self._reply(201, meeting)
            if path.startswith(prefix + "/"):
                meeting_id = urllib.parse.unquote(path[len(prefix) + 1 :])
                if method == "GET":
                    found = state.meetings.get(meeting_id)
                    return self._reply(200, found) if found else self._reply(404, {"error": {"code": "NotFound"}})
                if method == "DELETE":
                    state.meetings.pop(meeting_id, None)
                    return self._reply(204)
            state.problems.append(f"unexpected {method} {path}")
            return self._reply(404, {"error": {"code": "NotFound"}})

        def do_GET(self) -> None:
            self._handle("GET")

        def do_POST(self) -> None:
            self._handle("POST")

        def do_DELETE(self) -> None:
            self._handle("DELETE")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(certificate[0]), str(certificate[1]))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    state.base = f"https://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def _provider(fake: FakeMicrosoft, certificate: tuple[Path, Path], **overrides: Any) -> TeamsProvider:
    kwargs: dict[str, Any] = {
        "tenant_id": TENANT,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "authority_url": fake.base,
        "graph_url": fake.base + "/v1.0",
        "timeout": 5.0,
        "verify": str(certificate[0]),
    }
    kwargs.update(overrides)
    return TeamsProvider(**kwargs)


def test_create_signs_in_with_client_credentials_and_locks_every_setting(
    fake: FakeMicrosoft, certificate: tuple[Path, Path]
) -> None:
    booking = _provider(fake, certificate).create(ROOM)
    assert booking.meeting_id.startswith("MSo1")
    assert booking.join_url == "https://teams.example/l/meetup-join/abc"
    assert fake.problems == []
    token_calls = [r for r in fake.requests if r[1].endswith("/oauth2/v2.0/token")]
    assert len(token_calls) == 1
    [(method, path, headers, body)] = [r for r in fake.requests if "/onlineMeetings" in r[1]]
    assert method == "POST"
    assert path == "/v1.0/users/teacher%40balfour.test/onlineMeetings"
    assert headers["Authorization"] == f"Bearer {TOKEN}"
    assert body["lobbyBypassSettings"] == {"scope": "organizer", "isDialInBypassEnabled": False}
    assert body["allowedPresenters"] == "organizer"
    assert body["allowMeetingChat"] == "disabled"
    assert body["allowRecording"] is False and body["recordAutomatically"] is False
    assert body["allowTranscription"] is False
    assert body["allowAttendeeToEnableMic"] is False and body["allowAttendeeToEnableCamera"] is False
    assert body["allowParticipantsToChangeName"] is False
    assert body["allowTeamworkReactions"] is False
    assert body["participants"] == {"attendees": [{"upn": MONITOR, "role": "coorganizer"}]}
    assert body["externalId"] == "hl-abc"


def test_join_end_deletes_and_is_running(fake: FakeMicrosoft, certificate: tuple[Path, Path]) -> None:
    provider = _provider(fake, certificate)
    booking = provider.create(ROOM)
    room = Room(**{**ROOM.__dict__, "provider_meeting_id": booking.meeting_id, "provider_join_url": booking.join_url})
    assert provider.join_url(room, full_name="Amy", user_id="c", moderator=False, ref="x") == booking.join_url
    assert provider.is_running(room) is True
    provider.end(room)
    assert fake.requests[-1][0] == "DELETE"
    assert fake.requests[-1][1].endswith("/onlineMeetings/" + booking.meeting_id)
    assert provider.is_running(room) is False
    provider.end(room)  # already gone: not an error
    assert fake.problems == []


def test_join_before_booking_is_refused(fake: FakeMicrosoft, certificate: tuple[Path, Path]) -> None:
    with pytest.raises(ProviderError, match="not been booked"):
        _provider(fake, certificate).join_url(ROOM, full_name="Amy", user_id="c", moderator=False, ref="x")


def test_wrong_secret_is_a_clear_refusal(fake: FakeMicrosoft, certificate: tuple[Path, Path]) -> None:
    with pytest.raises(ProviderError, match="refused Home Learning's sign-in \\(invalid_client\\)"):
        _provider(fake, certificate, client_secret="wrong").create(ROOM)
    assert not [r for r in fake.requests if "/onlineMeetings" in r[1]]


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("token_refused", "refused Home Learning's sign-in \\(unauthorized_client\\)"),
        ("graph_error", "refused the request \\(Forbidden\\)"),
        ("garbage", "cannot read"),
    ],
)
def test_errors_become_clear_messages(
    fake: FakeMicrosoft, certificate: tuple[Path, Path], mode: str, message: str
) -> None:
    fake.mode = mode
    with pytest.raises(ProviderError, match=message):
        _provider(fake, certificate).create(ROOM)


def test_timeout(fake: FakeMicrosoft, certificate: tuple[Path, Path]) -> None:
    fake.mode = "slow"
    with pytest.raises(ProviderError, match="did not answer in time"):
        _provider(fake, certificate, timeout=0.5).create(ROOM)


def test_unreachable_and_untrusted_servers(fake: FakeMicrosoft, certificate: tuple[Path, Path]) -> None:
    with pytest.raises(ProviderError, match="could not be reached"):
        _provider(fake, certificate, authority_url="https://127.0.0.1:9", timeout=1).create(ROOM)
    # Without trusting the test certificate, TLS verification fails: nothing is sent in clear.
    with pytest.raises(ProviderError, match="could not be reached"):
        _provider(fake, certificate, verify=True).create(ROOM)


def test_host_without_an_account_is_refused(fake: FakeMicrosoft, certificate: tuple[Path, Path]) -> None:
    with pytest.raises(ProviderError, match="no Microsoft Teams account"):
        _provider(fake, certificate).create(Room(**{**ROOM.__dict__, "host_account": ""}))


def test_whole_flow_with_teams(  # type: ignore[no-untyped-def]
    fake: FakeMicrosoft, certificate, world, booked, clock, settings, django_capture_on_commit_callbacks
) -> None:
    from homelearning.live import services
    from homelearning.live.models import LiveSession
    from tests.live.conftest import amy_let_in

    settings.LIVE_TEAMS_TENANT_ID = TENANT
    settings.LIVE_TEAMS_CLIENT_ID = CLIENT_ID
    settings.LIVE_TEAMS_CLIENT_SECRET = CLIENT_SECRET
    settings.LIVE_TEAMS_AUTHORITY = fake.base
    settings.LIVE_GRAPH_URL = fake.base + "/v1.0"
    settings.LIVE_TEAMS_CA_BUNDLE = str(certificate[0])
    LiveSession.objects.filter(pk=booked.pk).update(provider="teams")
    invite = amy_let_in(world, booked, clock)
    booked.refresh_from_db()
    assert booked.provider_join_url == "https://teams.example/l/meetup-join/abc"
    assert services.join_url_for(invitation=invite) == booked.provider_join_url
    assert fake.problems == []
    with django_capture_on_commit_callbacks(execute=True):
        services.session_end(session=booked, by=world.staff(world.teacher))
    assert fake.requests[-1][0] == "DELETE"
    assert fake.meetings == {}
