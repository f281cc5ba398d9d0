"""The repositories of tasks, as the use cases see them (implemented in the area's store).

The SQL classes named in each docstring fit these shapes; ``engine.kernel.ports.UnitOfWork``
names one of each.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from engine.people.rows import CaseDue, Delegation, Notification, WorkFilter, WorkItem
    from engine.tasks.drafts import DraftRow


class WorkRepositoryPort(Protocol):
    """WorkRepository (``engine.tasks.worklist_store.WorkRepository``)."""

    def worklist(self, f: WorkFilter) -> list[WorkItem]: ...
    def open_deadlines(self, case_ids: Sequence[str]) -> dict[str, list[CaseDue]]: ...
    def delegations(self, task_ids: Sequence[str]) -> dict[str, Delegation]: ...
    def delegation(self, task_id: str) -> Delegation | None: ...
    def put_delegation(self, d: Delegation) -> None: ...
    def notify(
        self,
        *,
        kind: str,
        actor: str,
        now: datetime,
        message: str = ...,
        user_id: str | None = ...,
        group_name: str | None = ...,
        case_id: str | None = ...,
        task_id: str | None = ...,
    ) -> None: ...
    def notifications_for(self, task_ids: Sequence[str]) -> dict[str, list[Notification]]: ...


class DraftRepositoryPort(Protocol):
    """DraftRepository (``engine.tasks.drafts_store.DraftRepository``)."""

    def get(self, task_id: str) -> DraftRow | None: ...
    def save(self, task_id: str, data_json: str, saved_by: str, saved_at: datetime) -> None: ...
    def delete(self, task_id: str) -> None: ...
