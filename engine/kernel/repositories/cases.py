"""The repositories of cases, as the use cases see them (implemented in the area's store).

The SQL classes named in each docstring fit these shapes; ``engine.kernel.ports.UnitOfWork``
names one of each.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from engine.kernel.ports import CaseRow, FormRow, ProcessRow, TaskFilter, TaskRow


class ProcessRepositoryPort(Protocol):
    """ProcessRepository (``engine.cases.store.ProcessRepository``)."""

    def latest(self, key: str) -> ProcessRow | None: ...
    def get(self, process_id: int) -> ProcessRow | None: ...
    def add(
        self,
        *,
        key: str,
        name: str,
        sha256: str,
        xml: str,
        properties: dict[str, str],
        forms: dict[str, int],
        now: datetime,
        actor: str,
    ) -> ProcessRow: ...
    def list_latest(self) -> list[ProcessRow]: ...
    def count(self) -> int: ...


class FormRepositoryPort(Protocol):
    """FormRepository (``engine.cases.store.FormRepository``)."""

    def latest(self, form_id: str) -> FormRow | None: ...
    def get(self, row_id: int) -> FormRow | None: ...
    def version(self, form_id: str, version: int) -> FormRow | None: ...
    def add(self, *, form_id: str, sha256: str, body: str, now: datetime, actor: str) -> FormRow: ...


class CaseRepositoryPort(Protocol):
    """CaseRepository (``engine.cases.store.CaseRepository``)."""

    def next_number(self, year: int) -> str: ...
    def add(self, row: CaseRow) -> None: ...
    def get(self, case_id: str) -> CaseRow | None: ...
    def save_state(
        self,
        case_id: str,
        *,
        expected_version: int,
        state: str,
        status: str,
        now: datetime,
        ended_at: datetime | None,
    ) -> bool: ...
    def list(
        self, *, status: str | None = ..., process_key: str | None = ..., limit: int = ..., offset: int = ...
    ) -> list[CaseRow]: ...


class TaskRepositoryPort(Protocol):
    """TaskRepository (``engine.cases.task_store.TaskRepository``)."""

    def get(self, task_id: str) -> TaskRow | None: ...
    def for_case(self, case_id: str, status: str | None = ...) -> list[TaskRow]: ...
    def add(self, rows: Sequence[TaskRow]) -> None: ...
    def close(self, task_ids: Iterable[str], *, status: str, now: datetime, actor: str | None) -> None: ...
    def set_assignee(self, task_id: str, assignee: str | None, *, expected: str | None) -> bool: ...
    def inbox(self, f: TaskFilter) -> list[TaskRow]: ...


@dataclass(frozen=True, slots=True)
class CallLink:
    """A child case opened by a call activity of its parent (``returned_at``: its out-variables went back)."""

    child_case_id: str
    parent_case_id: str
    parent_task_id: str
    element_id: str
    created_at: datetime
    returned_at: datetime | None


class CallRepositoryPort(Protocol):
    """CallRepository (``engine.cases.calls.store.CallRepository``)."""

    def add(self, child: str, parent: str, task_id: str, element_id: str, now: datetime) -> None: ...
    def parent_of(self, child: str) -> CallLink | None: ...
    def children_of(self, parent: str) -> list[CallLink]: ...
    def returned(self, child: str, now: datetime) -> None: ...
    def process_version(self, key: str, version: int) -> int | None: ...
    def process_deployed_with(self, key: str, caller_id: int) -> int | None: ...
