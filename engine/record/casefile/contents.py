"""Everything a case file shows, gathered by the service from one read-only unit of work."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine.kernel.json_types import JsonValue
from engine.record.chain import Entry
from engine.record.evidence.rows import EvidenceRow


@dataclass(frozen=True)
class CaseFileData:
    case_id: str
    process_key: str
    process_version: int
    process_name: str
    process_properties: Mapping[str, str]
    bpmn_xml: bytes
    status: str
    business_key: str | None
    started_at: datetime
    started_by: str
    ended_at: datetime | None
    applicant: Mapping[str, JsonValue]
    variables: Mapping[str, JsonValue]
    element_names: Mapping[str, str]  # element id -> name on the diagram
    tasks: Sequence[Any]  # TaskRow: name, element_id, due_at, completed_at, status
    entries: Sequence[Entry]  # the case chain, from case sequence 1
    evidence: Sequence[EvidenceRow]
    exported_at: datetime
    exported_by: str

    def path_taken(self) -> set[str]:
        """Element ids the case went through, from the ``path`` of every step's record."""
        path: set[str] = set()
        for entry in self.entries:
            steps = entry.content.payload.get("path")
            if isinstance(steps, list):
                path.update(s for s in steps if isinstance(s, str))
        return path

    def waiting_at(self) -> set[str]:
        return {t.element_id for t in self.tasks if t.status == "ready"}
