"""The type of an evidence file comes from its bytes; names and Content-Types are only claims."""

from __future__ import annotations

import struct

import pytest

from engine.config import DEFAULT_EVIDENCE_TYPES
from engine.record.evidence.detect import claimed_types, detect, is_allowed, pdf_is_whole, same_type
from tests.integration.evidence_cases import mp4_bytes, pdf_bytes, png_bytes


def ebml(element_id: bytes, body: bytes) -> bytes:
    return element_id + bytes([0x80 | len(body)]) + body


def webm(*track_types: int) -> bytes:
    header = ebml(b"\x1a\x45\xdf\xa3", ebml(b"\x42\x82", b"webm"))
    entries = b"".join(
        ebml(b"\xae", ebml(b"\xd7", bytes([n])) + ebml(b"\x83", bytes([kind])))
        for n, kind in enumerate(track_types, 1)
    )
    segment = b"\x18\x53\x80\x67" + b"\x01\xff\xff\xff\xff\xff\xff\xff"  # unknown size, as recorders write
    return (
        header
        + segment
        + ebml(b"\x16\x54\xae\x6b", entries)
        + b"\x1f\x43\xb6\x75\x01\xff\xff\xff\xff\xff\xff\xff"
    )


def mp4_with_tracks(*handlers: bytes) -> bytes:
    hdlr = b"".join(
        struct.pack(">I", 32) + b"hdlr" + b"\x00" * 8 + handler + b"\x00" * 12 for handler in handlers
    )
    moov = struct.pack(">I", 8 + len(hdlr)) + b"moov" + hdlr
    return mp4_bytes()[:24] + moov + struct.pack(">I", 8) + b"mdat"


def test_a_webm_with_only_an_audio_track_is_audio() -> None:
    found = detect(webm(2))
    assert found is not None and (found.media_type, found.kind) == ("audio/webm", "audio")
    video = detect(webm(1, 2))
    assert video is not None and (video.media_type, video.kind) == ("video/webm", "video")


def test_an_mp4_whose_tracks_are_all_sound_is_audio() -> None:
    assert detect(mp4_with_tracks(b"soun")).media_type == "audio/mp4"  # type: ignore[union-attr]
    assert detect(mp4_with_tracks(b"vide", b"soun")).media_type == "video/mp4"  # type: ignore[union-attr]
    assert detect(mp4_bytes(b"\x00" * 100)).media_type == "video/mp4"  # type: ignore[union-attr]


def test_a_text_file_starting_with_pdf_is_not_a_whole_pdf() -> None:
    fake = b"%PDF-1.7 I am a text file\n"
    assert detect(fake).media_type == "application/pdf"  # type: ignore[union-attr]   (magic numbers are fooled)
    assert not pdf_is_whole(fake, fake[-2048:], len(fake))
    real = pdf_bytes()
    assert pdf_is_whole(real[:65536], real[-2048:], len(real))
    assert not pdf_is_whole(real, real[-2048:].replace(b"startxref\n", b"startxref\n99999"), len(real))


def test_claims_come_from_the_name_and_a_specific_content_type() -> None:
    assert claimed_types("现场.MP4", "application/octet-stream") == ["video/mp4"]
    assert claimed_types("scan", "image/png; charset=binary") == ["image/png"]
    assert claimed_types("upload", None) == []
    assert same_type("audio/webm", "video/webm") and same_type("image/jpg", "image/jpeg")
    assert not same_type("video/mp4", "image/png") and not same_type("application/pdf", "application/msword")


def test_the_default_allowed_types_are_documents_images_audio_and_video() -> None:
    for media_type in (
        "application/pdf",
        "image/jpeg",
        "image/png",
        "audio/mpeg",
        "audio/webm",
        "video/mp4",
        "video/quicktime",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ):
        assert is_allowed(media_type, DEFAULT_EVIDENCE_TYPES), media_type
    for media_type in ("application/zip", "application/x-msdownload", "application/gzip", "image/vnd.dwg"):
        assert not is_allowed(media_type, DEFAULT_EVIDENCE_TYPES), media_type
    assert detect(png_bytes()).kind == "image"  # type: ignore[union-attr]


@pytest.mark.parametrize("content", [b"", b"plain text", b"\x00" * 32])
def test_unknown_bytes_have_no_type(content: bytes) -> None:
    assert detect(content) is None
