"""Queries of the supervisor console (``uow.supervision``) and the few changes its actions make.

Everything here reads projection tables with indexes (cases by status, ready tasks, open deadlines,
pending due rows, dead outbox rows, ``step.failed`` records by action); none reads a workflow state.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, delete, exists, func, or_, select, update

from engine.cases.task_store import TaskRepository
from engine.deadlines.deadline_store import _deadline
from engine.deadlines.rows import BPMN_TIMER, DueItem
from engine.deadlines.store import _due
from engine.store import tables as t
from engine.store.schema import supervision  # noqa: F401  (the index migration 0009 creates)
from engine.store.schema import webhooks as w
from engine.store.schema.timers import case_deadlines, due_items
from engine.supervision.rows import DueOfCase, FailedStep, IdleCase, OpenDeadline, WaitingTask

LIVE = ("running", "suspended")
ASSIGNING = ("task.claimed", "task.reassigned")
_PENDING = due_items.c.fired_at.is_(None)


def _live_case() -> ColumnElement[bool]:
    return t.cases.c.status.in_(LIVE)


class SupervisionRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # -- counts -------------------------------------------------------------------------------------
    def case_counts(self) -> list[tuple[str, str, int]]:
        """(process key, status, number of cases)."""
        query = select(t.cases.c.process_key, t.cases.c.status, func.count()).group_by(
            t.cases.c.process_key, t.cases.c.status
        )
        return [(r[0], r[1], int(r[2])) for r in self.conn.execute(query)]

    # -- what waits ---------------------------------------------------------------------------------
    def waiting_tasks(self, process_key: str | None = None, case_id: str | None = None) -> list[WaitingTask]:
        query = (
            select(t.tasks, t.cases.c.process_id, t.cases.c.status.label("case_status"))
            .join(t.cases, t.cases.c.id == t.tasks.c.case_id)
            .where(t.tasks.c.status == "ready", _live_case())
            .order_by(t.tasks.c.created_at)
        )
        if process_key:
            query = query.where(t.tasks.c.process_key == process_key)
        if case_id:
            query = query.where(t.tasks.c.case_id == case_id)
        rows = list(self.conn.execute(query))
        assigned = self._last_assigned({r.case_id for r in rows}, {r.id for r in rows})
        return [
            WaitingTask(TaskRepository._row(r), r.process_id, r.case_status, assigned.get(r.id)) for r in rows
        ]

    def _last_assigned(self, case_ids: set[str], task_ids: set[str]) -> dict[str, datetime]:
        if not task_ids:
            return {}
        found: dict[str, datetime] = {}
        ids = sorted(case_ids)
        for start in range(0, len(ids), 500):
            query = (
                select(t.records.c.task_id, func.max(t.records.c.recorded_at))
                .where(t.records.c.case_id.in_(ids[start : start + 500]), t.records.c.action.in_(ASSIGNING))
                .group_by(t.records.c.task_id)
            )
            found.update({r[0]: r[1] for r in self.conn.execute(query) if r[0] in task_ids})
        return found

    def open_deadlines(self, process_key: str | None = None) -> list[OpenDeadline]:
        query = (
            select(case_deadlines, t.cases.c.process_key, t.cases.c.process_id)
            .join(t.cases, t.cases.c.id == case_deadlines.c.case_id)
            .where(case_deadlines.c.status == "open", case_deadlines.c.due_on.is_not(None), _live_case())
            .order_by(case_deadlines.c.due_on)
        )
        if process_key:
            query = query.where(t.cases.c.process_key == process_key)
        return [OpenDeadline(_deadline(r), r.process_key, r.process_id) for r in self.conn.execute(query)]

    def _due_rows(self, condition: Any) -> list[DueOfCase]:
        query = (
            select(due_items, t.cases.c.process_key, t.cases.c.process_id)
            .outerjoin(t.cases, t.cases.c.id == due_items.c.case_id)
            .where(_PENDING, condition, or_(due_items.c.case_id.is_(None), t.cases.c.status == "running"))
            .order_by(due_items.c.due_at)
        )
        return [DueOfCase(_due(r), r.process_key, r.process_id) for r in self.conn.execute(query)]

    def late_due(self, before: datetime) -> list[DueOfCase]:
        """Pending due rows of running cases (or of no case) due before ``before``."""
        return self._due_rows(due_items.c.due_at < before)

    def failed_due(self) -> list[DueOfCase]:
        """Pending due rows whose last firing failed (the error is kept on the row)."""
        return self._due_rows(due_items.c.last_error.is_not(None))

    def idle_cases(self, before: datetime) -> list[IdleCase]:
        """Running cases quiet since before ``before`` with no task for a person and no pending timer."""
        has_task = exists().where(t.tasks.c.case_id == t.cases.c.id, t.tasks.c.status == "ready")
        has_timer = exists().where(
            due_items.c.case_id == t.cases.c.id, due_items.c.kind == BPMN_TIMER, _PENDING
        )
        query = (
            select(t.cases.c.id, t.cases.c.process_key, t.cases.c.process_id, t.cases.c.updated_at)
            .where(t.cases.c.status == "running", t.cases.c.updated_at < before, ~has_task, ~has_timer)
            .order_by(t.cases.c.updated_at)
        )
        return [IdleCase(r.id, r.process_key, r.process_id, r.updated_at) for r in self.conn.execute(query)]

    def failed_steps(self) -> list[FailedStep]:
        """The ``step.failed`` records of live cases not followed by a later step (cases.updated_at)."""
        r_ = t.records
        query = (
            select(
                r_.c.seq,
                r_.c.case_id,
                r_.c.task_id,
                r_.c.element_id,
                r_.c.payload,
                r_.c.recorded_at,
                t.cases.c.process_key,
            )
            .join(t.cases, t.cases.c.id == r_.c.case_id)
            .where(r_.c.action == "step.failed", r_.c.recorded_at >= t.cases.c.updated_at, _live_case())
            .order_by(r_.c.recorded_at)
        )
        return [
            FailedStep(
                r.seq, r.case_id, r.process_key, r.task_id, r.element_id, json.loads(r.payload), r.recorded_at
            )
            for r in self.conn.execute(query)
        ]

    def alerts_since(
        self, case_ids: Iterable[str], actions: tuple[str, ...]
    ) -> list[tuple[str, str, datetime]]:
        """(case id, alert key, recorded at) of the alert records of these cases."""
        ids, found = sorted(set(case_ids)), []
        for start in range(0, len(ids), 500):
            query = select(t.records.c.case_id, t.records.c.payload, t.records.c.recorded_at).where(
                t.records.c.action.in_(actions), t.records.c.case_id.in_(ids[start : start + 500])
            )
            found += [
                (r.case_id, str(json.loads(r.payload).get("key", "")), r.recorded_at)
                for r in self.conn.execute(query)
            ]
        return found

    # -- metrics ------------------------------------------------------------------------------------
    def ready_task_ages(self) -> list[tuple[str, datetime]]:
        query = (
            select(t.tasks.c.process_key, t.tasks.c.created_at)
            .join(t.cases, t.cases.c.id == t.tasks.c.case_id)
            .where(t.tasks.c.status == "ready", _live_case())
        )
        return [(r[0], r[1]) for r in self.conn.execute(query)]

    def pending_due_times(self, before: datetime) -> list[tuple[str, datetime]]:
        """(kind, due at) of pending rows due before ``before`` (their lateness is the timer lag)."""
        query = select(due_items.c.kind, due_items.c.due_at).where(_PENDING, due_items.c.due_at < before)
        return [(r[0], r[1]) for r in self.conn.execute(query)]

    def outbox_by_status(self) -> dict[str, tuple[int, datetime | None]]:
        """status -> (number of events, oldest created_at)."""
        o = w.webhook_outbox
        query = select(o.c.status, func.count(), func.min(o.c.created_at)).group_by(o.c.status)
        return {r[0]: (int(r[1]), r[2]) for r in self.conn.execute(query)}

    # -- changes the actions make ----------------------------------------------------------------------
    def set_status(
        self, case_id: str, *, expected_version: int, status: str, ended_at: datetime | None = None
    ) -> bool:
        """Compare-and-set on the version; the state and ``updated_at`` (last progress) stay."""
        res = self.conn.execute(
            update(t.cases)
            .where(t.cases.c.id == case_id, t.cases.c.version == expected_version)
            .values(status=status, version=expected_version + 1, ended_at=ended_at)
        )
        return res.rowcount == 1

    def set_process(
        self, case_id: str, *, expected_version: int, process_id: int, state: str, now: datetime
    ) -> bool:
        """A migrated case: its new process version and the state restored against it."""
        res = self.conn.execute(
            update(t.cases)
            .where(t.cases.c.id == case_id, t.cases.c.version == expected_version)
            .values(process_id=process_id, state=state, version=expected_version + 1, updated_at=now)
        )
        return res.rowcount == 1

    def live_cases_of(self, process_key: str) -> list[str]:
        query = (
            select(t.cases.c.id)
            .where(t.cases.c.process_key == process_key, _live_case())
            .order_by(t.cases.c.id)
        )
        return [r[0] for r in self.conn.execute(query)]

    def drop_pending_due(self, case_id: str) -> int:
        res = self.conn.execute(delete(due_items).where(due_items.c.case_id == case_id, _PENDING))
        return int(res.rowcount)

    def lease_due(self, item_id: int, owner: str, until: datetime, now: datetime) -> DueItem | None:
        """Lease one pending row to ``owner`` now, past its back-off, unless a node is firing it."""
        free = or_(
            due_items.c.lease_owner.is_(None),
            due_items.c.lease_until.is_(None),
            due_items.c.lease_until < now,
        )
        res = self.conn.execute(
            update(due_items)
            .where(due_items.c.id == item_id, _PENDING, free)
            .values(lease_owner=owner, lease_until=until, attempts=due_items.c.attempts + 1)
            .returning(*due_items.c)
        ).first()
        return _due(res) if res is not None else None
