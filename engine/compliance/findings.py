"""A finding of the linter or the compliance rules on one diagram or form."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum

from engine.kernel.json_types import JsonObject


class Severity(StrEnum):
    ERROR = "error"  # refuses deployment
    WARNING = "warning"  # shown, deploys anyway


@dataclass(frozen=True, slots=True)
class Finding:
    code: str  # stable, e.g. "SX-D101" (dialect) or "SX-C201" (compliance)
    message_zh: str
    message_en: str
    element_id: str | None = None
    line: int | None = None
    severity: Severity = Severity.ERROR
    file: str | None = None

    def to_json(self) -> JsonObject:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data

    def __str__(self) -> str:
        where = f"{self.file or ''}:{self.line or '?'}"
        elem = f" [{self.element_id}]" if self.element_id else ""
        return f"{where}{elem} {self.code} {self.severity.value}: {self.message_zh} / {self.message_en}"


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)
