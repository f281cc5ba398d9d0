"""A unit of work: one connection, one transaction, rolled back unless committed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from engine.camunda_rest.queries.history_store import HistoryQueries
from engine.camunda_rest.queries.store import EngineRestQueries
from engine.cases.calls.store import CallRepository
from engine.cases.store import CaseRepository, FormRepository, ProcessRepository
from engine.cases.task_store import TaskRepository
from engine.deadlines.deadline_store import DeadlineRepository
from engine.deadlines.store import TIMER_REPOSITORIES, CalendarRepository, DueItemRepository
from engine.disclosure.store import DisclosureRepository
from engine.errors import Conflict
from engine.external_tasks.store import ExternalTaskRepository
from engine.integration.outbox_store import OutboxRepository
from engine.integration.store import WebhookRepository
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
from engine.people.security_log_store import SecurityLogRepository
from engine.people.store import PeopleRepository
from engine.people.users_store import UserRepository
from engine.record.evidence.store import EvidenceRepository
from engine.record.heads_store import HeadRepository
from engine.record.refusals.store import RefusalWindowRepository
from engine.record.store import RecordRepository
from engine.supervision.store import SupervisionRepository
from engine.tasks.drafts_store import DraftRepository
from engine.tasks.worklist_store import WorkRepository

# name on the unit of work -> repository class (each takes the connection). One line per area.
REPOSITORIES: dict[str, type] = {
    "processes": ProcessRepository,
    "forms": FormRepository,
    "cases": CaseRepository,
    "tasks": TaskRepository,
    "users": UserRepository,
    "records": RecordRepository,
    "heads": HeadRepository,
    "engine_rest": EngineRestQueries,
    "engine_rest_history": HistoryQueries,
    **TIMER_REPOSITORIES,  # due, calendar, deadlines
    "people": PeopleRepository,
    "security_log": SecurityLogRepository,
    "work": WorkRepository,
    "webhooks": WebhookRepository,
    "outbox": OutboxRepository,
    "evidence": EvidenceRepository,
    "disclosures": DisclosureRepository,
    "drafts": DraftRepository,
    "supervision": SupervisionRepository,
    "refusals": RefusalWindowRepository,
    "calls": CallRepository,
    "external_tasks": ExternalTaskRepository,
}


class SqlUnitOfWork:
    def __init__(self, engine: Engine, *, readonly: bool = False) -> None:
        self._engine = engine
        self._readonly = readonly

    def __enter__(self) -> SqlUnitOfWork:
        options = {"sqlite_begin": "DEFERRED"} if self._readonly else {}
        self.conn = self._engine.connect().execution_options(**options)
        self._tx = self.conn.begin()
        for name, repository in REPOSITORIES.items():
            setattr(self, name, repository(self.conn))
        return self

    def __getattr__(self, name: str) -> Any:  # for type checkers: repositories are set in __enter__
        raise AttributeError(name)

    def commit(self) -> None:
        try:
            self._tx.commit()
        except DBAPIError as exc:
            raise _translate(exc) from exc
        self.external_tasks.after_commit()  # wake the long polls waiting for new external tasks

    def __exit__(self, *exc: Any) -> None:
        try:
            if self._tx.is_active:
                self._tx.rollback()
        finally:
            self.conn.close()


def _translate(exc: DBAPIError) -> Exception:
    text = str(exc.orig).lower()
    if "could not serialize" in text or "deadlock" in text or "unique" in text or "duplicate" in text:
        return Conflict(
            "数据已被并发修改，请重试", "The data changed concurrently; try again", code="concurrent-change"
        )
    return exc


class SqlUnitOfWorkFactory:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __call__(self, *, readonly: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, readonly=readonly)


def _fits(conn: Connection) -> None:
    """For mypy only (never called): every SQL repository fits the Protocol the use cases see."""
    _historyqueries: HistoryQueriesPort = HistoryQueries(conn)
    _enginerestqueries: EngineRestQueriesPort = EngineRestQueries(conn)
    _processrepository: ProcessRepositoryPort = ProcessRepository(conn)
    _formrepository: FormRepositoryPort = FormRepository(conn)
    _caserepository: CaseRepositoryPort = CaseRepository(conn)
    _taskrepository: TaskRepositoryPort = TaskRepository(conn)
    _dueitemrepository: DueItemRepositoryPort = DueItemRepository(conn)
    _calendarrepository: CalendarRepositoryPort = CalendarRepository(conn)
    _deadlinerepository: DeadlineRepositoryPort = DeadlineRepository(conn)
    _disclosurerepository: DisclosureRepositoryPort = DisclosureRepository(conn)
    _webhookrepository: WebhookRepositoryPort = WebhookRepository(conn)
    _outboxrepository: OutboxRepositoryPort = OutboxRepository(conn)
    _userrepository: UserRepositoryPort = UserRepository(conn)
    _securitylogrepository: SecurityLogRepositoryPort = SecurityLogRepository(conn)
    _peoplerepository: PeopleRepositoryPort = PeopleRepository(conn)
    _headrepository: HeadRepositoryPort = HeadRepository(conn)
    _refusalwindowrepository: RefusalWindowRepositoryPort = RefusalWindowRepository(conn)
    _recordrepository: RecordRepositoryPort = RecordRepository(conn)
    _evidencerepository: EvidenceRepositoryPort = EvidenceRepository(conn)
    _supervisionrepository: SupervisionRepositoryPort = SupervisionRepository(conn)
    _workrepository: WorkRepositoryPort = WorkRepository(conn)
    _draftrepository: DraftRepositoryPort = DraftRepository(conn)
    _callrepository: CallRepositoryPort = CallRepository(conn)
    _externaltaskrepository: ExternalTaskRepositoryPort = ExternalTaskRepository(conn)
