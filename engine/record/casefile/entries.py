"""Record entries as JSON (``records.json``) and back, exactly as hashed."""

from __future__ import annotations

from datetime import UTC, datetime

from engine.kernel.json_types import JsonObject
from engine.record.chain import Content, Entry, format_timestamp

_TIMESTAMP = "%Y-%m-%dT%H:%M:%S.%fZ"


def entry_to_json(entry: Entry) -> JsonObject:
    c = entry.content
    return {
        "case_seq": entry.case_seq,
        "case_prev": entry.case_prev,
        "case_hash": entry.case_hash,
        "global_seq": entry.global_seq,
        "global_prev": entry.global_prev,
        "global_hash": entry.global_hash,
        "content_hash": entry.content_hash,
        "content": {
            "case_id": c.case_id,
            "task_id": c.task_id,
            "element_id": c.element_id,
            "action": c.action,
            "actor": c.actor,
            "actor_role": c.actor_role,
            "recorded_at": format_timestamp(c.recorded_at),
            "payload": dict(c.payload),
            "evidence": list(c.evidence),
            "corrects": c.corrects,
        },
    }


def entry_from_json(document: JsonObject) -> Entry:
    """Raises KeyError, TypeError or ValueError on a malformed document."""
    c = document["content"]
    content = Content(
        action=c["action"],
        actor=c["actor"],
        recorded_at=datetime.strptime(c["recorded_at"], _TIMESTAMP).replace(tzinfo=UTC),
        case_id=c["case_id"],
        task_id=c["task_id"],
        element_id=c["element_id"],
        actor_role=c["actor_role"],
        payload=c["payload"],
        evidence=tuple(c["evidence"]),
        corrects=c["corrects"],
    )
    return Entry(
        content,
        document["content_hash"],
        document["global_seq"],
        document["global_prev"],
        document["global_hash"],
        document["case_seq"],
        document["case_prev"],
        document["case_hash"],
    )
