"""The BigBlueButton adapter against a fake server that checks every request like the real one would."""

from __future__ import annotations

import hashlib
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from homelearning.live.providers import BBB_SAFEGUARDS, BigBlueButtonProvider, ProviderError, Room

SECRET = "fake-bbb-secret"

ROOM = Room(meeting_id="hl-abc", name="Story time", minutes=30, max_participants=17)


@dataclass
class FakeBBB:
    calls: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    mode: str = "ok"  # ok | failed | garbage | slow | http500
    algorithm: str = "sha256"  # the one checksum algorithm this server accepts
    running: bool = True
    url: str = ""


def _xml(body: str) -> bytes:
    return f"<response>{body}</response>".encode()


@pytest.fixture
def fake() -> Iterator[FakeBBB]:
    state = FakeBBB()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            return None

        def do_GET(self) -> None:
            parsed = urllib.parse.urlsplit(self.path)
            call = parsed.path.rsplit("/", 1)[-1]
            query, _, checksum = parsed.query.rpartition("&checksum=")
            params = dict(urllib.parse.parse_qsl(query))
            state.calls.append((call, params))
            expected = hashlib.new(state.algorithm, (call + query + SECRET).encode()).hexdigest()
            if state.mode == "slow":
                time.sleep(1.5)
            if state.mode == "http500":
                self.send_response(500)
                self.end_headers()
                return
            if checksum != expected:
                body = _xml("<returncode>FAILED</returncode><messageKey>checksumError</messageKey>")
            elif state.mode == "failed":
                body = _xml("<returncode>FAILED</returncode><messageKey>idNotUnique</messageKey>")
            elif state.mode == "garbage":
                body = b"<response><unclosed>"
            elif call == "create":
                body = _xml("<returncode>SUCCESS</returncode><createTime>1799999999000</createTime>")
            elif call == "end":
                body = _xml("<returncode>SUCCESS</returncode><messageKey>sentEndMeetingRequest</messageKey>")
            elif call == "isMeetingRunning":
                running = "true" if state.running else "false"
                body = _xml(f"<returncode>SUCCESS</returncode><running>{running}</running>")
            else:
                body = _xml("<returncode>FAILED</returncode><messageKey>unknownCall</messageKey>")
            try:
                self.send_response(200)
                self.send_header("Content-Type", "text/xml")
                self.end_headers()
                self.wfile.write(body)
            except BrokenPipeError:  # the client gave up waiting (the timeout test)
                return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/bigbluebutton/api/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def _provider(
    fake: FakeBBB, secret: str = SECRET, timeout: float = 5.0, checksum: str = "sha256"
) -> BigBlueButtonProvider:
    return BigBlueButtonProvider(base_url=fake.url, secret=secret, timeout=timeout, checksum=checksum)


def test_create_sends_every_safeguard_with_a_valid_checksum(fake: FakeBBB) -> None:
    assert _provider(fake).create(ROOM).create_time == "1799999999000"
    call, params = fake.calls[-1]
    assert call == "create"
    assert params["record"] == "false"
    assert params["autoStartRecording"] == "false"
    assert params["allowStartStopRecording"] == "false"
    assert params["guestPolicy"] == "ASK_MODERATOR"
    assert params["muteOnStart"] == "true"
    assert params["lockSettingsDisablePublicChat"] == "true"
    assert params["lockSettingsDisablePrivateChat"] == "true"
    assert params["lockSettingsDisableNotes"] == "true"
    assert params["webcamsOnlyForModerator"] == "true"
    assert params["endWhenNoModerator"] == "true"
    assert params["maxParticipants"] == "17"
    assert params["duration"] == "30"
    assert params["meetingID"] == "hl-abc"
    assert {k: params[k] for k in BBB_SAFEGUARDS} == BBB_SAFEGUARDS
    assert "chat" in params["disabledFeatures"] and "sharedNotes" in params["disabledFeatures"]


def test_a_wrong_secret_is_a_checksum_error(fake: FakeBBB) -> None:
    with pytest.raises(ProviderError, match="checksumError"):
        _provider(fake, secret="wrong").create(ROOM)


def test_join_url_for_a_child_is_viewer_guest_first_name(fake: FakeBBB) -> None:
    room = Room(meeting_id="hl-abc", name="Story time", minutes=30, max_participants=17, create_time="1799")
    url = _provider(fake).join_url(room, full_name="Amy", user_id="child-xyz", moderator=False, ref="code")
    parsed = urllib.parse.urlsplit(url)
    assert parsed.path.endswith("/join")
    query, _, checksum = parsed.query.rpartition("&checksum=")
    params = dict(urllib.parse.parse_qsl(query))
    assert params == {
        "fullName": "Amy",
        "meetingID": "hl-abc",
        "userID": "child-xyz",
        "role": "VIEWER",
        "guest": "true",
        "createTime": "1799",
    }
    assert checksum == hashlib.sha256(("join" + query + SECRET).encode()).hexdigest()
    staff = _provider(fake).join_url(room, full_name="Mr Teal", user_id="s", moderator=True, ref="")
    assert "role=MODERATOR" in staff and "guest" not in staff


def test_end_and_is_running(fake: FakeBBB) -> None:
    provider = _provider(fake)
    provider.end(ROOM)
    assert fake.calls[-1] == ("end", {"meetingID": "hl-abc"})
    assert provider.is_running(ROOM) is True
    fake.running = False
    assert provider.is_running(ROOM) is False


def test_end_that_fails_is_confirmed_with_is_running(fake: FakeBBB) -> None:
    fake.mode = "failed"
    with pytest.raises(ProviderError, match="idNotUnique"):
        _provider(fake).end(ROOM)
    assert [c for c, _ in fake.calls] == ["end", "isMeetingRunning"]


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("failed", "refused the request \\(idNotUnique\\)"),
        ("garbage", "cannot read"),
        ("http500", "could not be reached"),
    ],
)
def test_errors_become_clear_messages(fake: FakeBBB, mode: str, message: str) -> None:
    fake.mode = mode
    with pytest.raises(ProviderError, match=message):
        _provider(fake).create(ROOM)


def test_timeout(fake: FakeBBB) -> None:
    fake.mode = "slow"
    with pytest.raises(ProviderError, match="did not answer in time"):
        _provider(fake, timeout=0.3).create(ROOM)


def test_unreachable_server() -> None:
    provider = BigBlueButtonProvider(base_url="http://127.0.0.1:9/api/", secret=SECRET, timeout=1)
    with pytest.raises(ProviderError, match="could not be reached"):
        provider.is_running(ROOM)


def test_xml_bombs_are_refused(fake: FakeBBB, monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = b'<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><response><returncode>&b;</returncode></response>'

    class Reply:
        def __enter__(self) -> Reply:
            return self

        def __exit__(self, *args: object) -> None:
            return None

        def read(self) -> bytes:
            return bomb

    monkeypatch.setattr("urllib.request.urlopen", lambda *a, **k: Reply())
    with pytest.raises(ProviderError, match="cannot read"):
        _provider(fake).create(ROOM)


def test_whole_flow_books_the_room_once_and_ends_it(  # type: ignore[no-untyped-def]
    fake: FakeBBB, world, booked, clock, settings, django_capture_on_commit_callbacks
) -> None:
    from homelearning.live import services
    from homelearning.live.models import LiveSession
    from tests.live.conftest import open_session

    settings.LIVE_BBB_URL = fake.url
    settings.LIVE_BBB_SECRET = SECRET
    LiveSession.objects.filter(pk=booked.pk).update(provider="bigbluebutton")
    booked.refresh_from_db()
    open_session(clock)
    agreement = services.agreement_current()
    for pupil, user in ((world.amy, world.parent), (world.cara, world.other_parent)):
        invite = services.invitation_accept(
            invitation=booked.invitations.get(pupil=pupil), user=user, carer=None, agreement=agreement
        )
        services.invitation_admit(invitation=invite, by=world.staff(world.teacher))
    creates = [p for c, p in fake.calls if c == "create"]
    assert len(creates) == 1
    assert creates[0]["maxParticipants"] == "4"  # two children and two staff
    assert creates[0]["duration"] == "30"
    url = services.join_url_for(invitation=booked.invitations.get(pupil=world.amy))
    assert "fullName=Amy&" in url and "role=VIEWER" in url and "guest=true" in url
    assert "createTime=1799999999000" in url and "Amelia" not in url and "Parker" not in url
    with django_capture_on_commit_callbacks(execute=True):
        services.session_end(session=booked, by=world.staff(world.teacher))
    assert fake.calls[-1][0] == "end"


# Published examples. BigBlueButton's API documentation ("API Security"): the create call below with the
# secret 639259d4-… has the SHA-1 checksum 1fcbb0c4…. bbbserver's API guide gives one call with both its
# SHA-1 and its SHA-256 checksum.
DOC_QUERY = "name=Test+Meeting&meetingID=abc123&attendeePW=111222&moderatorPW=333444"
GUIDE_QUERY = (
    "name=Demo&meetingID=replace-with-meeting-id&attendeePW=replace-with-password&moderatorPW=replace-with-password"
)


@pytest.mark.parametrize(
    ("query", "secret", "algorithm", "expected"),
    [
        (DOC_QUERY, "639259d4-9dd8-4b25-bf01-95f9567eaf4b", "sha1", "1fcbb0c4fc1f039f73aa6d697d2db9ba7f803f17"),
        (GUIDE_QUERY, "replace-with-secret", "sha1", "7030bd96ede6a7ac41da848fe3bfc562e52a5914"),
        (
            GUIDE_QUERY,
            "replace-with-secret",
            "sha256",
            "7e5a0a48f1542462e56ca034dc83d741bff1deb5feab0cd9ef74fa6e009fe1fd",
        ),
    ],
)
def test_checksums_match_the_published_examples(query: str, secret: str, algorithm: str, expected: str) -> None:
    from homelearning.live.providers import bbb_checksum

    assert bbb_checksum("create", query, secret, algorithm) == expected


@pytest.mark.parametrize("algorithm", ["sha1", "sha256", "sha384", "sha512"])
def test_a_server_limited_to_one_algorithm_accepts_calls_made_with_it(fake: FakeBBB, algorithm: str) -> None:
    fake.algorithm = algorithm
    assert _provider(fake, checksum=algorithm).is_running(ROOM) is True
    other = "sha1" if algorithm != "sha1" else "sha256"
    with pytest.raises(ProviderError, match="checksumError"):
        _provider(fake, checksum=other).is_running(ROOM)
    (_, params), _ = fake.calls
    assert params == {"meetingID": ROOM.meeting_id}


def test_an_unknown_algorithm_is_refused_at_once() -> None:
    with pytest.raises(ValueError, match="sha1, sha256, sha384, sha512"):
        BigBlueButtonProvider(base_url="http://127.0.0.1:9/", secret=SECRET, checksum="md5")


def test_the_setting_reaches_the_provider(settings) -> None:  # type: ignore[no-untyped-def]
    from homelearning.live.providers import provider_named

    settings.LIVE_BBB_URL, settings.LIVE_BBB_SECRET, settings.LIVE_BBB_CHECKSUM = (
        "http://bbb.test/api/",
        SECRET,
        "sha512",
    )
    provider = provider_named("bigbluebutton")
    assert isinstance(provider, BigBlueButtonProvider) and provider.checksum == "sha512"
    assert provider.url("isMeetingRunning", {"meetingID": "m1"}).endswith(
        "checksum=" + hashlib.sha512(("isMeetingRunning" + "meetingID=m1" + SECRET).encode()).hexdigest()
    )
