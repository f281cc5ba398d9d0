"""What checking a case file found: each problem names a file, says what is wrong in Chinese and
English, and is of one kind (the CLI's exit code follows the most serious kind)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["altered", "untrusted", "uncovered"]
ALTERED: Kind = "altered"  # something changed, was added or removed since the bureau signed it
UNTRUSTED: Kind = "untrusted"  # not signed by a key the verifier trusts (missing, another key, no anchor)
UNCOVERED: Kind = "uncovered"  # intact, but the head the verifier holds does not vouch for every entry


@dataclass(frozen=True, slots=True)
class Problem:
    name: str
    zh: str
    en: str
    kind: Kind = ALTERED


@dataclass
class ExportReport:
    case_id: str = ""
    files: int = 0
    entries: int = 0
    problems: list[Problem] = field(default_factory=list)
    fingerprint: str = ""  # the key the signatures verified with
    head_seq: int | None = None  # the export's own signed head, when the case's entries link to it
    held_seq: int | None = None  # the head the verifier holds, when the case's entries link to it

    @property
    def ok(self) -> bool:
        return not self.problems

    def kinds(self) -> set[Kind]:
        return {problem.kind for problem in self.problems}

    def add(self, name: str, zh: str, en: str, kind: Kind = ALTERED) -> None:
        self.problems.append(Problem(name, zh, en, kind))
