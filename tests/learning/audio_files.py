"""Small real recordings for tests, made without an encoder: MPEG-1 Layer III frames of silence (what mutagen
and browsers read as MP3), and an M4A assembled atom by atom, each with tags a phone would write."""

from __future__ import annotations

import io
import struct

FRAME_HEADER = bytes([0xFF, 0xFB, 0x90, 0x64])  # MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, no padding
FRAME_BYTES = 417  # 144 * 128000 / 44100
FRAMES_PER_SECOND = 44100 / 1152


def mp3(seconds: float = 2.0, *, tags: bool = True) -> bytes:
    frames = max(1, round(seconds * FRAMES_PER_SECOND))
    audio = (FRAME_HEADER + bytes(FRAME_BYTES - 4)) * frames
    if not tags:
        return audio
    from mutagen.id3 import COMM, ID3, TIT2, TXXX

    # The tags a phone's recorder writes, each of which the upload must strip (tests/learning/test_audio.py
    # looks for every one of these words in the stored file): a title, a comment, and a location as a
    # user-defined text frame (ISO 6709, as Android recorders write it).
    tag = ID3()
    tag.add(TIT2(encoding=3, text="Mrs Patel reads Chapter 3"))
    tag.add(COMM(encoding=3, lang="eng", desc="", text="Recorded at 12 Acacia Avenue"))
    tag.add(TXXX(encoding=3, desc="location", text="+51.5072-000.1276/"))
    out = io.BytesIO(audio)
    tag.save(out)
    return out.getvalue()


def _atom(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", 8 + len(body)) + kind + body


def m4a(seconds: float = 2.0, *, tags: bool = True) -> bytes:
    """An AAC-in-MP4 file as an iPhone's Voice Memos writes it, with no audio samples (mutagen reads the
    length from the movie header)."""
    timescale = 44100
    duration = int(seconds * timescale)
    ftyp = _atom(b"ftyp", b"M4A " + struct.pack(">I", 0) + b"M4A mp42isom")
    mvhd = _atom(b"mvhd", bytes(4) + struct.pack(">IIII", 0, 0, timescale, duration) + bytes(80))
    mdhd = _atom(b"mdhd", bytes(4) + struct.pack(">IIII", 0, 0, timescale, duration) + bytes(4))
    hdlr = _atom(b"hdlr", bytes(4) + bytes(4) + b"soun" + bytes(12) + b"Core Media Audio\x00")
    esds = _atom(b"esds", bytes(4) + bytes.fromhex("03190000000411401500000000000000000000000000000502121006800102"))
    mp4a = _atom(
        b"mp4a", bytes(6) + struct.pack(">H", 1) + bytes(8) + struct.pack(">HHHHI", 1, 16, 0, 0, timescale << 16) + esds
    )
    stsd = _atom(b"stsd", bytes(4) + struct.pack(">I", 1) + mp4a)
    stbl = _atom(
        b"stbl",
        stsd
        + _atom(b"stts", bytes(8))
        + _atom(b"stsc", bytes(8))
        + _atom(b"stsz", bytes(12))
        + _atom(b"stco", bytes(8)),
    )
    minf = _atom(b"minf", _atom(b"smhd", bytes(8)) + stbl)
    trak = _atom(b"trak", _atom(b"tkhd", bytes(4) + bytes(80)) + _atom(b"mdia", mdhd + hdlr + minf))
    moov = _atom(b"moov", mvhd + trak)
    data = ftyp + moov + _atom(b"mdat", b"")
    if not tags:
        return data
    from mutagen.mp4 import MP4

    out = io.BytesIO(data)
    audio = MP4(out)
    audio.add_tags()
    audio.tags["\xa9nam"] = ["Mrs Patel reads Chapter 3"]  # type: ignore[index]
    audio.tags["\xa9too"] = ["Voice Memos, Pat's iPhone"]  # type: ignore[index]
    audio.tags["\xa9xyz"] = ["+51.5072-000.1276/"]  # type: ignore[index]
    out.seek(0)
    audio.save(out)
    return out.getvalue()
