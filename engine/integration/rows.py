"""Plain rows of the webhook area (the store's repositories ``uow.webhooks`` and ``uow.outbox``
return these; services never see a table)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from engine.kernel.json_types import JsonObject

ALL_EVENTS = "*"
NO_CASE = "-"  # the stream of events that belong to no case (e.g. audit.head-exported)

PENDING = "pending"
DELIVERED = "delivered"
DEAD = "dead"


@dataclass(frozen=True, slots=True)
class SubscriptionRow:
    id: str
    url: str
    event_types: tuple[str, ...]
    secret: str = field(repr=False)
    active: bool
    created_by: str
    created_at: datetime
    description: str = ""
    removed_at: datetime | None = None

    def wants(self, event_type: str) -> bool:
        return self.active and (ALL_EVENTS in self.event_types or event_type in self.event_types)


@dataclass(frozen=True, slots=True)
class NewEvent:
    """One outbox row to write: one event for one subscription."""

    id: str
    subscription_id: str
    event_type: str
    stream: str
    sequence: int
    record_seq: int
    payload: JsonObject
    due_at: datetime


@dataclass(frozen=True, slots=True)
class EventRow:
    id: str
    subscription_id: str
    event_type: str
    stream: str
    sequence: int
    record_seq: int
    payload: JsonObject
    status: str
    attempts: int
    next_attempt_at: datetime
    created_at: datetime
    lease_owner: str | None = None
    lease_until: datetime | None = None
    last_status: int | None = None
    last_latency_ms: float | None = None
    last_error: str | None = None
    delivered_at: datetime | None = None

    @property
    def case_id(self) -> str | None:
        return None if self.stream == NO_CASE else self.stream


@dataclass(frozen=True, slots=True)
class ClaimedEvent:
    """An event this node holds a lease on, with what it needs to send it."""

    event: EventRow
    url: str
    secret: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class AttemptRow:
    event_id: str
    number: int
    attempted_at: datetime
    owner: str
    ok: bool
    status: int | None
    latency_ms: float
    error: str | None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one attempt changed on its event: the new status and when to try again."""

    status: str
    attempts: int
    next_attempt_at: datetime
    last_status: int | None
    last_latency_ms: float
    last_error: str | None
    delivered_at: datetime | None
