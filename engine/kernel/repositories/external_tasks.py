"""The repository of external tasks (service tasks waiting for Camunda 7 workers), as the use cases see it.

Implemented by ``engine.external_tasks.store.ExternalTaskRepository``; ``engine.kernel.ports.UnitOfWork``
names one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from engine.external_tasks.rows import ExternalQuery, ExternalTaskRow, TopicRequest
    from engine.kernel.ports import CaseRow


class ExternalTaskRepositoryPort(Protocol):
    """ExternalTaskRepository (``engine.external_tasks.store.ExternalTaskRepository``)."""

    def after_commit(self) -> None: ...
    def sync(self, case: CaseRow, waits: Sequence[Any], now: datetime) -> tuple[list[str], list[str]]: ...
    def get(self, task_id: str, *, for_update: bool = ...) -> ExternalTaskRow | None: ...
    def lock_available(
        self,
        topic: TopicRequest,
        worker_id: str,
        locked_by: str,
        until: datetime,
        now: datetime,
        limit: int,
        *,
        use_priority: bool,
    ) -> list[ExternalTaskRow]: ...
    def any_fetchable(self, topics: Iterable[TopicRequest], now: datetime) -> bool: ...
    def drop_case(self, case_id: str) -> None: ...
    def change(self, task_id: str, **values: Any) -> None: ...
    def query(self, q: ExternalQuery) -> list[ExternalTaskRow]: ...
    def count(self, q: ExternalQuery) -> int: ...
    def incidents(self, case_id: str | None = ...) -> list[ExternalTaskRow]: ...
