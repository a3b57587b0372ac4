"""Video providers behind one small interface: create, join address for one person, end, is running."""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Protocol
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


class VideoProvider(Protocol):
    name: str

    def create(self, room: Room) -> str:
        """Book the meeting with the safeguarding settings locked; returns the provider's create time."""

    def join_url(self, room: Room, *, full_name: str, user_id: str, moderator: bool, ref: str) -> str:
        """A join address for one person."""

    def end(self, room: Room) -> None:
        """End the meeting for everyone."""

    def is_running(self, room: Room) -> bool: ...


class DemoProvider:
    """A meeting room page inside Home Learning, clearly marked as a demonstration."""

    name = "demo"

    def create(self, room: Room) -> str:
        return "demo"

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


def bbb_checksum(call: str, query: str, secret: str) -> str:
    return hashlib.sha256((call + query + secret).encode()).hexdigest()


class BigBlueButtonProvider:
    """BigBlueButton's API: SHA-256 checksums, XML answers parsed with defusedxml."""

    name = "bigbluebutton"

    def __init__(self, *, base_url: str, secret: str, timeout: float = 5.0) -> None:
        self.base_url = base_url.rstrip("/") + "/"
        self.secret = secret
        self.timeout = timeout

    def url(self, call: str, params: dict[str, str]) -> str:
        query = urllib.parse.urlencode(params)
        checksum = bbb_checksum(call, query, self.secret)
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

    def create(self, room: Room) -> str:
        params = {
            "name": room.name,
            "meetingID": room.meeting_id,
            "maxParticipants": str(room.max_participants),
            "duration": str(room.minutes),
            **BBB_SAFEGUARDS,
        }
        root = self._call("create", params)
        return root.findtext("createTime") or ""

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


def provider_named(name: str) -> VideoProvider:
    if name == BigBlueButtonProvider.name:
        return BigBlueButtonProvider(
            base_url=settings.LIVE_BBB_URL,
            secret=settings.LIVE_BBB_SECRET,
            timeout=float(settings.LIVE_PROVIDER_TIMEOUT),
        )
    return DemoProvider()


def default_provider_name() -> str:
    return str(settings.LIVE_PROVIDER)
