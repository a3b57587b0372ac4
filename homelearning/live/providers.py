"""Video providers behind one small interface: create, join address for one person, end, is running."""

from __future__ import annotations

import datetime
import hashlib
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any, Protocol
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeElementTree  # type: ignore[import-untyped]
from django.conf import settings
from django.urls import reverse

from homelearning.core.errors import ServiceError


class ProviderError(ServiceError):
    """The video provider refused, failed or did not answer in time."""


@dataclass(frozen=True)
class Room:
    """What a provider needs to know about one session."""

    meeting_id: str
    name: str
    minutes: int
    max_participants: int
    create_time: str = ""
    starts_at: datetime.datetime | None = None
    ends_at: datetime.datetime | None = None
    host_account: str = ""
    monitor_account: str = ""
    provider_meeting_id: str = ""
    provider_join_url: str = ""


@dataclass(frozen=True)
class Booking:
    """What the provider answered when the meeting was booked."""

    create_time: str = ""
    meeting_id: str = ""
    join_url: str = ""


class VideoProvider(Protocol):
    name: str

    def create(self, room: Room) -> Booking:
        """Book the meeting with the safeguarding settings locked."""

    def join_url(self, room: Room, *, full_name: str, user_id: str, moderator: bool, ref: str) -> str:
        """A join address for one person."""

    def end(self, room: Room) -> None:
        """End the meeting for everyone."""

    def is_running(self, room: Room) -> bool: ...


class DemoProvider:
    """A meeting room page inside Home Learning, clearly marked as a demonstration."""

    name = "demo"

    def create(self, room: Room) -> Booking:
        return Booking(create_time="demo")

    def join_url(self, room: Room, *, full_name: str, user_id: str, moderator: bool, ref: str) -> str:
        return reverse("live:staff_room" if moderator else "live:demo_room", args=[ref])

    def end(self, room: Room) -> None:
        return None

    def is_running(self, room: Room) -> bool:
        return False


# Every create call carries these; a test server checks each one.
BBB_SAFEGUARDS: dict[str, str] = {
    "record": "false",
    "autoStartRecording": "false",
    "allowStartStopRecording": "false",
    "guestPolicy": "ASK_MODERATOR",
    "muteOnStart": "true",
    "allowModsToUnmuteUsers": "true",
    "lockSettingsDisablePublicChat": "true",
    "lockSettingsDisablePrivateChat": "true",
    "lockSettingsDisableNotes": "true",
    "disabledFeatures": "chat,privateChat,sharedNotes",
    "webcamsOnlyForModerator": "true",
    "endWhenNoModerator": "true",
    "endWhenNoModeratorDelayInMinutes": "1",
    "allowPromoteGuestToModerator": "false",
}


# What a BigBlueButton server may accept (its `supportedChecksumAlgorithms`, since 2.5; older: sha1 only).
BBB_CHECKSUM_ALGORITHMS = ("sha1", "sha256", "sha384", "sha512")


def bbb_checksum(call: str, query: str, secret: str, algorithm: str = "sha256") -> str:
    """BigBlueButton's checksum: the hash of the call's name, its query string and the shared secret."""
    if algorithm not in BBB_CHECKSUM_ALGORITHMS:
        raise ValueError(f"BigBlueButton checksums are {', '.join(BBB_CHECKSUM_ALGORITHMS)}, not {algorithm!r}.")
    return hashlib.new(algorithm, (call + query + secret).encode()).hexdigest()


class BigBlueButtonProvider:
    """BigBlueButton's API: checksums in the server's algorithm (SHA-256 unless set), XML answers parsed
    with defusedxml."""

    name = "bigbluebutton"

    def __init__(self, *, base_url: str, secret: str, timeout: float = 5.0, checksum: str = "sha256") -> None:
        if checksum not in BBB_CHECKSUM_ALGORITHMS:
            raise ValueError(f"BigBlueButton checksums are {', '.join(BBB_CHECKSUM_ALGORITHMS)}, not {checksum!r}.")
        self.base_url = base_url.rstrip("/") + "/"
        self.secret = secret
        self.timeout = timeout
        self.checksum = checksum

    def url(self, call: str, params: dict[str, str]) -> str:
        query = urllib.parse.urlencode(params)
        checksum = bbb_checksum(call, query, self.secret, self.checksum)
        sep = "&" if query else ""
        return f"{self.base_url}{call}?{query}{sep}checksum={checksum}"

    def _call(self, call: str, params: dict[str, str]) -> Element:
        try:
            with urllib.request.urlopen(self.url(call, params), timeout=self.timeout) as response:  # noqa: S310
                body = response.read()
        except TimeoutError as exc:
            raise ProviderError("The video service did not answer in time. Try again in a moment.") from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise ProviderError("The video service did not answer in time. Try again in a moment.") from exc
            raise ProviderError("The video service could not be reached. Try again in a moment.") from exc
        except OSError as exc:
            raise ProviderError("The video service could not be reached. Try again in a moment.") from exc
        try:
            root: Element = SafeElementTree.fromstring(body)
        except Exception as exc:  # defusedxml raises several kinds; all mean "not a usable answer"
            raise ProviderError("The video service sent an answer Home Learning cannot read.") from exc
        if root.findtext("returncode") != "SUCCESS":
            key = root.findtext("messageKey") or "unknown"
            raise ProviderError(f"The video service refused the request ({key}).")
        return root

    def create(self, room: Room) -> Booking:
        params = {
            "name": room.name,
            "meetingID": room.meeting_id,
            "maxParticipants": str(room.max_participants),
            "duration": str(room.minutes),
            **BBB_SAFEGUARDS,
        }
        root = self._call("create", params)
        return Booking(create_time=root.findtext("createTime") or "", meeting_id=room.meeting_id)

    def join_url(self, room: Room, *, full_name: str, user_id: str, moderator: bool, ref: str) -> str:
        params = {"fullName": full_name, "meetingID": room.meeting_id, "userID": user_id}
        if moderator:
            params["role"] = "MODERATOR"
        else:
            # Never guest=false for a child: that would skip the moderator's approval.
            params |= {"role": "VIEWER", "guest": "true"}
        if room.create_time:
            params["createTime"] = room.create_time
        return self.url("join", params)

    def end(self, room: Room) -> None:
        try:
            self._call("end", {"meetingID": room.meeting_id})
        except ProviderError:
            if self.is_running(room):
                raise

    def is_running(self, room: Room) -> bool:
        root = self._call("isMeetingRunning", {"meetingID": room.meeting_id})
        return root.findtext("running") == "true"


# Every onlineMeeting Home Learning books carries these; a test server checks each one.
TEAMS_SAFEGUARDS: dict[str, Any] = {
    # Only the organiser skips the lobby: every child waits there for a second check.
    "lobbyBypassSettings": {"scope": "organizer", "isDialInBypassEnabled": False},
    "allowedPresenters": "organizer",
    "allowMeetingChat": "disabled",
    "allowRecording": False,
    "allowTranscription": False,
    "recordAutomatically": False,
    "allowAttendeeToEnableMic": False,
    "allowAttendeeToEnableCamera": False,
    "allowParticipantsToChangeName": False,
    "allowTeamworkReactions": False,
    "isEntryExitAnnounced": True,
}
GRAPH_SCOPE = "https://graph.microsoft.com/.default"


def _graph_time(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.0000000Z")


class TeamsProvider:
    """Microsoft Teams through Microsoft Graph v1.0, as an app registration (client credentials, msal).

    Graph cannot end a meeting for everyone or cap its size: Home Learning releases no joins after
    the end, the Teams lobby is the second gate, and the meeting is deleted when the session ends.
    """

    name = "teams"

    def __init__(
        self,
        *,
        tenant_id: str,
        client_id: str,
        client_secret: str,
        authority_url: str = "https://login.microsoftonline.com",
        graph_url: str = "https://graph.microsoft.com/v1.0",
        timeout: float = 5.0,
        verify: str | bool = True,
    ) -> None:
        import requests

        self.tenant_id = tenant_id
        self.client_id = client_id
        self.client_secret = client_secret
        self.authority = authority_url.rstrip("/") + "/" + tenant_id
        self.graph_url = graph_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        self.session.verify = verify
        if verify is not True:
            # A CA bundle given in settings wins over REQUESTS_CA_BUNDLE and friends in the environment.
            self.session.trust_env = False

    def _token(self) -> str:
        import msal  # type: ignore[import-untyped]
        import requests

        try:
            app = msal.ConfidentialClientApplication(
                self.client_id,
                client_credential=self.client_secret,
                authority=self.authority,
                http_client=self.session,
                instance_discovery=False,
                timeout=self.timeout,
            )
            result = app.acquire_token_for_client(scopes=[GRAPH_SCOPE])
        except requests.Timeout as exc:
            raise ProviderError("Microsoft Teams did not answer in time. Try again in a moment.") from exc
        except (requests.RequestException, ValueError) as exc:
            raise ProviderError("Microsoft Teams could not be reached to sign in. Try again in a moment.") from exc
        token = result.get("access_token") if isinstance(result, dict) else None
        if not token:
            code = result.get("error", "unknown") if isinstance(result, dict) else "unknown"
            raise ProviderError(f"Microsoft Teams refused Home Learning's sign-in ({code}).")
        return str(token)

    def _request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        import requests

        token = self._token()
        try:
            response = self.session.request(
                method,
                self.graph_url + path,
                json=body,
                headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
                timeout=self.timeout,
            )
        except requests.Timeout as exc:
            raise ProviderError("Microsoft Teams did not answer in time. Try again in a moment.") from exc
        except requests.RequestException as exc:
            raise ProviderError("Microsoft Teams could not be reached. Try again in a moment.") from exc
        if response.status_code == 404 and method in {"GET", "DELETE"}:
            return None
        if response.status_code >= 400:
            try:
                code = response.json()["error"]["code"]
            except (ValueError, KeyError, TypeError):
                code = f"HTTP {response.status_code}"
            raise ProviderError(f"Microsoft Teams refused the request ({code}).")
        if response.status_code == 204 or not response.content:
            return {}
        try:
            return response.json()
        except ValueError as exc:
            raise ProviderError("Microsoft Teams sent an answer Home Learning cannot read.") from exc

    def _meetings_path(self, room: Room) -> str:
        if not room.host_account:
            raise ProviderError("The host has no Microsoft Teams account.")
        return f"/users/{urllib.parse.quote(room.host_account)}/onlineMeetings"

    def create(self, room: Room) -> Booking:
        if room.starts_at is None or room.ends_at is None:
            raise ProviderError("The session has no start or end time.")
        body: dict[str, Any] = {
            "subject": room.name,
            "startDateTime": _graph_time(room.starts_at),
            "endDateTime": _graph_time(room.ends_at),
            "externalId": room.meeting_id,
            **TEAMS_SAFEGUARDS,
        }
        if room.monitor_account:
            # The second member of staff can admit from the lobby and end the meeting too.
            body["participants"] = {"attendees": [{"upn": room.monitor_account, "role": "coorganizer"}]}
        answer = self._request("POST", self._meetings_path(room), body)
        meeting_id = answer.get("id") if isinstance(answer, dict) else None
        join_url = answer.get("joinWebUrl") if isinstance(answer, dict) else None
        if not meeting_id or not join_url:
            raise ProviderError("Microsoft Teams sent an answer Home Learning cannot read.")
        return Booking(meeting_id=str(meeting_id), join_url=str(join_url))

    def join_url(self, room: Room, *, full_name: str, user_id: str, moderator: bool, ref: str) -> str:
        # Teams has one join address a meeting; the lobby (organiser only bypasses it) is the second gate.
        if not room.provider_join_url:
            raise ProviderError("The Teams meeting has not been booked yet.")
        return room.provider_join_url

    def end(self, room: Room) -> None:
        """Graph cannot end a meeting for everyone: delete it, so its address stops working."""
        if room.provider_meeting_id:
            self._request("DELETE", f"{self._meetings_path(room)}/{urllib.parse.quote(room.provider_meeting_id)}")

    def is_running(self, room: Room) -> bool:
        if not room.provider_meeting_id:
            return False
        answer = self._request("GET", f"{self._meetings_path(room)}/{urllib.parse.quote(room.provider_meeting_id)}")
        return answer is not None


PROVIDER_LABELS = {
    DemoProvider.name: "Demonstration room (no video service)",
    BigBlueButtonProvider.name: "BigBlueButton",
    TeamsProvider.name: "Microsoft Teams",
}


def configured_providers() -> list[str]:
    """The providers whose credentials are set in the server's environment."""
    names = [DemoProvider.name]
    if settings.LIVE_BBB_URL and settings.LIVE_BBB_SECRET:
        names.append(BigBlueButtonProvider.name)
    if settings.LIVE_TEAMS_TENANT_ID and settings.LIVE_TEAMS_CLIENT_ID and settings.LIVE_TEAMS_CLIENT_SECRET:
        names.append(TeamsProvider.name)
    return names


def provider_named(name: str) -> VideoProvider:
    if name == BigBlueButtonProvider.name:
        return BigBlueButtonProvider(
            base_url=settings.LIVE_BBB_URL,
            secret=settings.LIVE_BBB_SECRET,
            timeout=float(settings.LIVE_PROVIDER_TIMEOUT),
            checksum=settings.LIVE_BBB_CHECKSUM,
        )
    if name == TeamsProvider.name:
        return TeamsProvider(
            tenant_id=settings.LIVE_TEAMS_TENANT_ID,
            client_id=settings.LIVE_TEAMS_CLIENT_ID,
            client_secret=settings.LIVE_TEAMS_CLIENT_SECRET,
            authority_url=settings.LIVE_TEAMS_AUTHORITY,
            graph_url=settings.LIVE_GRAPH_URL,
            timeout=float(settings.LIVE_PROVIDER_TIMEOUT),
            verify=settings.LIVE_TEAMS_CA_BUNDLE or True,
        )
    return DemoProvider()


def default_provider_name() -> str:
    return str(settings.LIVE_PROVIDER)
