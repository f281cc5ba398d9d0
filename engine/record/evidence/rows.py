"""One uploaded evidence file as the database keeps it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from engine.kernel.json_types import JsonObject

KINDS = ("audio", "video", "image", "document")
KIND_ZH = {"audio": "录音", "video": "录像", "image": "图片", "document": "文书"}


@dataclass(frozen=True, slots=True)
class EvidenceRow:
    id: int
    case_id: str
    task_id: str | None
    element_id: str | None
    sha256: str
    name: str
    media_type: str
    kind: str
    size: int
    covers_whole: bool
    record_seq: int
    added_by: str
    added_at: datetime
    flags: JsonObject = field(default_factory=dict)


def kind_of(media_type: str) -> str:
    """audio / video / image by the media type's family; everything else (PDF, office) is a document."""
    family = media_type.split("/", 1)[0]
    return family if family in ("audio", "video", "image") else "document"
