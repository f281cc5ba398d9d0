"""What the services need from the outside, as protocols and plain rows.

Services never import Flask, SQLAlchemy, SpiffWorkflow or APScheduler: ``engine.bootstrap``
hands them adapters that fit these shapes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, TypeVar

if TYPE_CHECKING:
    from engine.kernel.repositories.camunda_rest import EngineRestQueriesPort, HistoryQueriesPort
    from engine.kernel.repositories.cases import (
        CallRepositoryPort,
        CaseRepositoryPort,
        FormRepositoryPort,
        ProcessRepositoryPort,
        TaskRepositoryPort,
    )
    from engine.kernel.repositories.deadlines import (
        CalendarRepositoryPort,
        DeadlineRepositoryPort,
        DueItemRepositoryPort,
    )
    from engine.kernel.repositories.disclosure import DisclosureRepositoryPort
    from engine.kernel.repositories.external_tasks import ExternalTaskRepositoryPort
    from engine.kernel.repositories.integration import OutboxRepositoryPort, WebhookRepositoryPort
    from engine.kernel.repositories.people import (
        PeopleRepositoryPort,
        SecurityLogRepositoryPort,
        UserRepositoryPort,
    )
    from engine.kernel.repositories.record import (
        EvidenceRepositoryPort,
        HeadRepositoryPort,
        RecordRepositoryPort,
        RefusalWindowRepositoryPort,
    )
    from engine.kernel.repositories.supervision import SupervisionRepositoryPort
    from engine.kernel.repositories.tasks import DraftRepositoryPort, WorkRepositoryPort

from engine.kernel.json_types import JsonObject, JsonValue

Clock = Callable[[], datetime]
T = TypeVar("T")


CHANNELS = ("api", "pages", "console", "engine-rest", "cli", "webhooks", "scheduler")


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts, and through which channel (one of ``CHANNELS``, set by the entry point; "" when a
    service is called directly). The channel is recorded with every refusal (``services.refusals``)."""

    user_id: str
    groups: frozenset[str] = frozenset()
    display_name: str = ""
    channel: str = ""

    def in_any(self, groups: Iterable[str]) -> bool:
        return bool(self.groups.intersection(groups))

    def via(self, channel: str) -> Actor:
        return Actor(self.user_id, self.groups, self.display_name, channel)


SYSTEM = Actor("system", frozenset({"system"}), "系统")


@dataclass(frozen=True, slots=True)
class ProcessRow:
    id: int
    key: str
    version: int
    name: str
    sha256: str
    xml: str
    properties: dict[str, str]
    forms: dict[str, int]
    deployed_at: datetime
    deployed_by: str


@dataclass(frozen=True, slots=True)
class FormRow:
    id: int
    form_id: str
    version: int
    sha256: str
    body: str


@dataclass(frozen=True, slots=True)
class CaseRow:
    id: str
    process_id: int
    process_key: str
    business_key: str | None
    status: str
    applicant: JsonObject
    state: str
    version: int
    started_by: str
    started_at: datetime
    updated_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True, slots=True)
class TaskRow:
    id: str
    case_id: str
    process_key: str
    element_id: str
    name: str
    role: str | None
    status: str
    assignee: str | None
    candidate_groups: tuple[str, ...]
    candidate_users: tuple[str, ...]
    form_id: str | None
    due_at: datetime | None
    created_at: datetime
    completed_at: datetime | None = None
    completed_by: str | None = None
    follow_up_at: datetime | None = None  # camunda:followUpDate
    priority: int = 50  # camunda:priority (Camunda 7's default 50)


@dataclass(frozen=True, slots=True)
class RecordDraft:
    action: str
    actor: str
    actor_role: str = ""
    case_id: str | None = None
    task_id: str | None = None
    element_id: str | None = None
    payload: Mapping[str, JsonValue] = field(default_factory=dict)
    evidence: Sequence[str] = ()
    corrects: int | None = None


@dataclass(frozen=True, slots=True)
class TaskFilter:
    user: Actor
    scope: str = "all"  # "mine" | "groups" | "all" (mine + my groups)
    process_key: str | None = None
    case_id: str | None = None
    status: str = "ready"
    limit: int = 100
    offset: int = 0


class UnitOfWork(Protocol):
    """One database transaction; rolled back unless ``commit()`` is called."""

    processes: ProcessRepositoryPort
    forms: FormRepositoryPort
    cases: CaseRepositoryPort
    tasks: TaskRepositoryPort
    users: UserRepositoryPort
    records: RecordRepositoryPort
    heads: HeadRepositoryPort  # engine.record.heads_store: kept signed heads of the record, coverage reads
    due: DueItemRepositoryPort  # engine.deadlines.store: due moments, calendar days, case deadlines
    calendar: CalendarRepositoryPort
    deadlines: DeadlineRepositoryPort
    supervision: SupervisionRepositoryPort  # engine.supervision.store: the supervisor console's queries
    evidence: EvidenceRepositoryPort  # engine.record.evidence.store
    drafts: DraftRepositoryPort  # engine.tasks.drafts_store
    people: PeopleRepositoryPort  # engine.people.store: passwords, sessions, the staff register
    security_log: SecurityLogRepositoryPort  # logins, failed logins, logouts (bounded)
    work: WorkRepositoryPort  # engine.tasks.worklist_store: delegations, notifications, the work list
    webhooks: WebhookRepositoryPort  # engine.integration.store: subscriptions, inbound applications
    outbox: OutboxRepositoryPort  # engine.integration.outbox_store
    disclosures: DisclosureRepositoryPort  # engine.disclosure.store
    engine_rest: EngineRestQueriesPort  # engine.camunda_rest.queries.store
    engine_rest_history: HistoryQueriesPort  # engine.camunda_rest.queries.history_store
    refusals: RefusalWindowRepositoryPort  # per actor-and-case windows bounding refusals
    calls: CallRepositoryPort  # engine.cases.calls.store: child cases of call activities
    external_tasks: (
        ExternalTaskRepositoryPort  # engine.external_tasks.store: external tasks waiting for workers
    )

    def __enter__(self) -> UnitOfWork: ...
    def __exit__(self, *exc: object) -> None: ...
    def commit(self) -> None: ...


UnitOfWorkFactory = Callable[..., UnitOfWork]


def present(row: T | None, what: str) -> T:
    """A row the database guarantees (a foreign key's target, a row this transaction just wrote):
    the repositories' ``get`` returns ``None`` for an unknown id, which here would be a bug."""
    if row is None:
        raise LookupError(f"{what} is missing although the database guarantees it")
    return row
