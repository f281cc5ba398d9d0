"""What a file is, from its bytes: never from its name.

``filetype`` reads the magic numbers of the first bytes. Two places where magic numbers alone
lie, handled here:

- a text file that merely starts with ``%PDF`` is reported as a PDF: a real PDF also ends with a
  cross-reference pointer (``startxref <offset>`` then ``%%EOF``), checked on the file's tail;
- WebM/Matroska is always reported as ``video/webm``; the track list (EBML ``Tracks`` →
  ``TrackType``) tells an audio-only recording apart. MP4/MOV likewise by the ``hdlr`` boxes when
  the ``moov`` box comes first (phones and browsers write it first; if it comes last, the file keeps
  its video type).
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Iterable
from dataclasses import dataclass

import filetype

from engine.record.evidence.rows import kind_of

HEAD_BYTES = 64 * 1024
TAIL_BYTES = 2048
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_GENERIC = frozenset({"", "application/octet-stream", "binary/octet-stream", "application/unknown"})
_EQUIVALENT: tuple[frozenset[str], ...] = (
    frozenset(
        {
            "video/mp4",
            "audio/mp4",
            "video/x-m4v",
            "audio/x-m4a",
            "video/quicktime",
            "video/3gpp",
            "audio/3gpp",
        }
    ),
    frozenset({"video/webm", "audio/webm", "video/x-matroska", "audio/x-matroska"}),
    frozenset({"audio/ogg", "video/ogg", "application/ogg", "audio/opus"}),
    frozenset({"audio/x-wav", "audio/wav", "audio/wave", "audio/vnd.wave"}),
    frozenset({"audio/x-flac", "audio/flac"}),
    frozenset({"audio/mpeg", "audio/mp3"}),
    frozenset({"image/jpeg", "image/jpg", "image/pjpeg"}),
    frozenset({"image/heic", "image/heif"}),
    frozenset({"image/bmp", "image/x-ms-bmp"}),
    frozenset({"application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint"}),
)
_OOXML = "application/vnd.openxmlformats-officedocument."
_EXTENSIONS = {
    "image/heic": ".heic",
    "audio/webm": ".weba",
    "audio/x-m4a": ".m4a",
    "audio/amr": ".amr",
    "audio/x-flac": ".flac",
    "image/jpeg": ".jpg",
    "audio/mp4": ".m4a",
    "image/tiff": ".tif",
}


@dataclass(frozen=True, slots=True)
class Detected:
    media_type: str
    kind: str  # audio | video | image | document

    @property
    def extension(self) -> str:
        return _EXTENSIONS.get(self.media_type) or mimetypes.guess_extension(self.media_type) or ""


def detect(head: bytes, claimed: Iterable[str] = ()) -> Detected | None:
    """The media type of a file from its first bytes (``HEAD_BYTES``); None when the bytes are not known.

    ``claimed`` only picks among the Office Open XML types, which all look like a ZIP file."""
    guess = filetype.guess(head)
    if guess is None:
        return None
    media_type: str = guess.mime
    if media_type == "application/zip" and b"[Content_Types].xml" in head:
        media_type = next((c for c in claimed if c.startswith(_OOXML)), media_type)
    elif media_type in ("video/webm", "video/x-matroska") and _webm_is_audio_only(head):
        media_type = "audio/webm"
    elif media_type in ("video/mp4", "video/quicktime", "video/3gpp") and _mp4_is_audio_only(head):
        media_type = "audio/mp4"
    return Detected(media_type, kind_of(media_type))


def pdf_is_whole(head: bytes, tail: bytes, size: int) -> bool:
    """A PDF starts with ``%PDF-`` and ends with ``startxref <offset> %%EOF`` pointing inside the file."""
    match = _STARTXREF.search(tail)
    return head.startswith(b"%PDF-") and match is not None and 0 < int(match.group(1)) < size


def claimed_types(filename: str, declared: str | None) -> list[str]:
    """The types the sender claims: by the file name's extension and by the declared Content-Type."""
    claims = []
    by_name, _ = mimetypes.guess_type(filename, strict=False)
    if by_name:
        claims.append(by_name.lower())
    declared = (declared or "").split(";", 1)[0].strip().lower()
    if declared not in _GENERIC and not declared.startswith("multipart/"):
        claims.append(declared)
    return claims


def same_type(claimed: str, detected: str) -> bool:
    if claimed == detected:
        return True
    return any(claimed in group and detected in group for group in _EQUIVALENT)


def is_allowed(media_type: str, allowed: Iterable[str]) -> bool:
    family = media_type.split("/", 1)[0]
    return any(pattern in (media_type, f"{family}/*") for pattern in allowed)


# --- EBML (WebM/Matroska): read the track types before the first cluster ----------------------------

_SEGMENT, _TRACKS, _TRACK_ENTRY, _TRACK_TYPE, _CLUSTER = 0x18538067, 0x1654AE6B, 0xAE, 0x83, 0x1F43B675
_VIDEO_TRACK, _AUDIO_TRACK = 1, 2


def _vint(data: bytes, pos: int, keep_marker: bool) -> tuple[int | None, int] | None:
    """A variable-length integer at ``pos``: (value, next position); value None means "unknown size"."""
    if pos >= len(data) or data[pos] == 0:
        return None
    length = 9 - data[pos].bit_length()
    if pos + length > len(data):
        return None
    value = int.from_bytes(data[pos : pos + length], "big")
    if keep_marker:
        return value, pos + length
    value &= (1 << (7 * length)) - 1
    return (None if value == (1 << (7 * length)) - 1 else value), pos + length


def _track_types(data: bytes) -> set[int]:
    types: set[int] = set()
    pos = 0
    while (element := _vint(data, pos, True)) is not None and element[0] != _CLUSTER:
        parsed = _vint(data, element[1], False)
        if parsed is None:
            break
        size, body = parsed
        if element[0] == _TRACK_TYPE and size is not None and 0 < size <= 8:
            types.add(int.from_bytes(data[body : body + size], "big"))
        descend = element[0] in (_SEGMENT, _TRACKS, _TRACK_ENTRY) or size is None
        pos = body if descend else body + (size or 0)
    return types


def _webm_is_audio_only(head: bytes) -> bool:
    types = _track_types(head)
    return _AUDIO_TRACK in types and _VIDEO_TRACK not in types


def _mp4_is_audio_only(head: bytes) -> bool:
    handlers = {head[i + 12 : i + 16] for i in (m.start() for m in re.finditer(rb"hdlr", head))}
    return b"soun" in handlers and b"vide" not in handlers
