"""Plain rows of the external-task area."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class ExternalTaskRow:
    id: str
    case_id: str
    process_key: str
    process_id: int
    element_id: str
    topic: str
    business_key: str | None
    worker_id: str | None
    locked_by: str | None
    lock_expires_at: datetime | None
    retries: int | None
    retry_at: datetime | None
    error_message: str | None
    error_details: str | None
    priority: int
    created_at: datetime
    incident_at: datetime | None


@dataclass(frozen=True, slots=True)
class TopicRequest:
    """One topic of a fetchAndLock: how long to lock, which variables to send, which tasks qualify."""

    name: str
    lock_duration_ms: object  # checked by the use case (``rules.lock_duration``)
    variables: tuple[str, ...] | None = None  # None: all
    business_key: str | None = None
    process_keys: tuple[str, ...] = ()
    process_ids: tuple[int, ...] = ()
    local_variables: bool = False


@dataclass(frozen=True, slots=True)
class FetchRequest:
    worker_id: str
    max_tasks: int
    topics: tuple[TopicRequest, ...]
    use_priority: bool = False


@dataclass(frozen=True, slots=True)
class Locked:
    """A task handed to a worker with the variables it asked for."""

    row: ExternalTaskRow
    variables: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ExternalQuery:
    """``GET /external-task`` filters (already checked by the web edge)."""

    id: str | None = None
    topic: str | None = None
    worker_id: str | None = None
    locked: bool | None = None
    not_locked: bool | None = None
    with_retries_left: bool | None = None
    no_retries_left: bool | None = None
    case_id: str | None = None
    element_id: str | None = None
    process_key: str | None = None
    business_key: str | None = None
    priority_min: int | None = None
    priority_max: int | None = None
    first: int = 0
    max_results: int | None = None
