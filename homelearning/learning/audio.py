"""A teacher's short recorded clip for an activity (issue 16, step 3): an M4A (a phone's voice memo) or an
MP3, read with mutagen, refused unless it is really audio of at most LEARNING_AUDIO_MAX_SECONDS, and stored
with every tag removed (title, artist, the recording app, the phone's name, a location).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.conf import settings

from homelearning.core.errors import ServiceError

AUDIO_TYPES = {"m4a": "audio/mp4", "mp3": "audio/mpeg"}


@dataclass(frozen=True)
class CleanAudio:
    data: bytes
    suffix: str  # "m4a" or "mp3"
    seconds: float


def _duration(seconds: int) -> str:
    """90 -> "1 min 30 s", 300 -> "5 min", 45 -> "45 s"."""
    minutes, rest = divmod(seconds, 60)
    return " ".join(part for part in (f"{minutes} min" if minutes else "", f"{rest} s" if rest else "") if part)


def sniff_audio(head: bytes) -> str | None:
    """ "m4a" or "mp3" from the file's first bytes, else None."""
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in {b"M4A ", b"M4B "}:
        return "m4a"
    if head.startswith(b"ID3") or (len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    return None


def clean_audio(data: bytes, suffix: str) -> CleanAudio:
    """The recording with its tags removed; a ServiceError saying what is wrong otherwise."""
    from mutagen import MutagenError
    from mutagen.mp3 import MP3
    from mutagen.mp4 import MP4

    kind = MP4 if suffix == "m4a" else MP3
    buffer = io.BytesIO(data)
    try:
        audio = kind(buffer)
        seconds = float(getattr(audio.info, "length", 0) or 0)
        if audio.tags is not None:
            buffer.seek(0)
            audio.delete(buffer)
    except (MutagenError, ValueError, OSError, EOFError) as exc:
        raise ServiceError("This recording cannot be read: record it again, as M4A or MP3.") from exc
    if seconds <= 0:
        raise ServiceError("This recording is empty.")
    limit = settings.LEARNING_AUDIO_MAX_SECONDS
    if seconds > limit + 0.5:
        raise ServiceError(
            f"A recording may be at most {_duration(limit)} long; this one is {_duration(round(seconds))}."
        )
    cleaned = buffer.getvalue()
    buffer.seek(0)
    try:
        if kind(buffer).tags:
            raise ServiceError("This recording's details could not be removed, so it was not saved.")
    except MutagenError as exc:
        raise ServiceError("This recording cannot be read: record it again, as M4A or MP3.") from exc
    return CleanAudio(data=cleaned, suffix=suffix, seconds=seconds)
