"""External tasks in the database (``engine.store.schema.external_tasks``).

``sync`` makes the rows of a case equal to what its workflow waits at, in the step's transaction.
``lock_available`` picks fetchable rows and locks them in one statement's transaction: on PostgreSQL with
``SELECT … FOR UPDATE SKIP LOCKED`` (two servers never hand out the same task; a row another server is
locking is skipped, not waited for); SQLite's writer lock serialises it anyway."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, or_, select, update
from sqlalchemy.sql import Select

from engine.external_tasks.bell import BELL
from engine.external_tasks.rows import ExternalQuery, ExternalTaskRow, TopicRequest
from engine.kernel.ports import CaseRow
from engine.store.schema.external_tasks import external_tasks as t
from engine.store.tables import cases

COLUMNS = tuple(ExternalTaskRow.__slots__)


def _row(found: Any) -> ExternalTaskRow:
    return ExternalTaskRow(**{name: getattr(found, name) for name in COLUMNS})


class ExternalTaskRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.added = False  # rows were added in this transaction: ring the bell after the commit

    def after_commit(self) -> None:
        if self.added:
            BELL.ring()
            self.added = False

    def sync(self, case: CaseRow, waits: Sequence[Any], now: datetime) -> tuple[list[str], list[str]]:
        """The case's rows := ``waits`` (``runner.external.ExternalWait``); the ids added and removed."""
        have = set(self.conn.execute(select(t.c.id).where(t.c.case_id == case.id)).scalars())
        want = {w.task_id: w for w in waits}
        gone = sorted(have - set(want))
        if gone:
            self.conn.execute(delete(t).where(t.c.id.in_(gone)))
        new = [w for tid, w in want.items() if tid not in have]
        if new:
            self.conn.execute(insert(t), [_new(case, w, now) for w in new])
            self.added = True
        return [w.task_id for w in new], gone

    def get(self, task_id: str, *, for_update: bool = False) -> ExternalTaskRow | None:
        query = select(t).where(t.c.id == task_id)
        if for_update and self.conn.dialect.name != "sqlite":
            query = query.with_for_update()
        found = self.conn.execute(query).first()
        return _row(found) if found is not None else None

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
    ) -> list[ExternalTaskRow]:
        query = _fetchable(topic, now)
        order: list[Any] = [t.c.created_at, t.c.case_id, t.c.id]
        order = [t.c.priority.desc(), *order] if use_priority else order
        query = query.order_by(*order).limit(limit)
        if self.conn.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True, of=t)
        ids = list(self.conn.execute(query).scalars())
        if not ids:
            return []
        self.conn.execute(
            update(t)
            .where(t.c.id.in_(ids))
            .values(worker_id=worker_id, locked_by=locked_by, lock_expires_at=until)
        )
        rows = {r.id: r for r in (_row(x) for x in self.conn.execute(select(t).where(t.c.id.in_(ids))))}
        return [rows[i] for i in ids]

    def any_fetchable(self, topics: Iterable[TopicRequest], now: datetime) -> bool:
        return any(self.conn.execute(_fetchable(topic, now).limit(1)).first() for topic in topics)

    def drop_case(self, case_id: str) -> None:
        """The case ended without its workflow (withdrawn, cancelled): its tasks wait for nobody."""
        self.conn.execute(delete(t).where(t.c.case_id == case_id))

    def change(self, task_id: str, **values: Any) -> None:
        self.conn.execute(update(t).where(t.c.id == task_id).values(**values))

    def query(self, q: ExternalQuery) -> list[ExternalTaskRow]:
        found = self.conn.execute(
            _filtered(select(t), q).order_by(t.c.created_at, t.c.id).offset(q.first).limit(q.max_results)
        )
        return [_row(x) for x in found]

    def count(self, q: ExternalQuery) -> int:
        return int(self.conn.execute(_filtered(select(func.count()).select_from(t), q)).scalar_one())

    def incidents(self, case_id: str | None = None) -> list[ExternalTaskRow]:
        query = select(t).where(t.c.incident_at.is_not(None))
        if case_id is not None:
            query = query.where(t.c.case_id == case_id)
        return [_row(x) for x in self.conn.execute(query.order_by(t.c.incident_at, t.c.id))]


def _new(case: Any, wait: Any, now: datetime) -> dict[str, Any]:
    return {
        "id": wait.task_id,
        "case_id": case.id,
        "process_key": case.process_key,
        "process_id": case.process_id,
        "element_id": wait.element_id,
        "topic": wait.topic,
        "business_key": case.business_key,
        "priority": wait.priority,
        "created_at": now,
    }


def _fetchable(topic: TopicRequest, now: datetime) -> Select[Any]:
    query = (
        select(t.c.id)
        .join(cases, cases.c.id == t.c.case_id)
        .where(
            cases.c.status == "running",  # a suspended case's tasks are not handed out (Camunda: suspended)
            t.c.topic == topic.name,
            or_(t.c.retries.is_(None), t.c.retries > 0),
            or_(t.c.retry_at.is_(None), t.c.retry_at <= now),
            or_(t.c.lock_expires_at.is_(None), t.c.lock_expires_at <= now),
        )
    )
    if topic.business_key is not None:
        query = query.where(t.c.business_key == topic.business_key)
    if topic.process_keys:
        query = query.where(t.c.process_key.in_(topic.process_keys))
    if topic.process_ids:
        query = query.where(t.c.process_id.in_(topic.process_ids))
    return query


def _filtered(query: Select[Any], q: ExternalQuery) -> Select[Any]:
    conditions: list[Any] = []
    for column, value in (
        (t.c.id, q.id),
        (t.c.topic, q.topic),
        (t.c.worker_id, q.worker_id),
        (t.c.case_id, q.case_id),
        (t.c.element_id, q.element_id),
        (t.c.process_key, q.process_key),
        (t.c.business_key, q.business_key),
    ):
        if value is not None:
            conditions.append(column == value)
    if q.priority_min is not None:
        conditions.append(t.c.priority >= q.priority_min)
    if q.priority_max is not None:
        conditions.append(t.c.priority <= q.priority_max)
    if q.locked:
        conditions.append(t.c.lock_expires_at.is_not(None))
    if q.not_locked:
        conditions.append(t.c.lock_expires_at.is_(None))
    if q.with_retries_left:
        conditions.append(or_(t.c.retries.is_(None), t.c.retries > 0))
    if q.no_retries_left:
        conditions.append(t.c.retries == 0)
    return query.where(and_(*conditions)) if conditions else query
