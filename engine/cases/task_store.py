"""The tasks table: a case's open tasks, their candidates, claims and completions, the inbox query."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, bindparam, insert, or_, select, update

from engine.kernel.ports import TaskFilter, TaskRow
from engine.store import tables as t


def _split(value: str) -> tuple[str, ...]:
    return tuple(v for v in value.split(",") if v)


# Statements on the per-step path are built once: building a statement costs more than running it.
_TASK = select(t.tasks).where(t.tasks.c.id == bindparam("id"))


_CLOSE = (
    update(t.tasks)
    .where(t.tasks.c.id.in_(bindparam("ids", expanding=True)), t.tasks.c.status == "ready")
    .values(
        status=bindparam("status"),
        completed_at=bindparam("completed_at"),
        completed_by=bindparam("completed_by"),
    )
)


_ADD_TASKS = insert(t.tasks)


_ADD_CANDIDATES = insert(t.task_candidates)


class TaskRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    @staticmethod
    def _row(r: Any) -> TaskRow:
        return TaskRow(
            r.id,
            r.case_id,
            r.process_key,
            r.element_id,
            r.name,
            r.role,
            r.status,
            r.assignee,
            _split(r.candidate_groups),
            _split(r.candidate_users),
            r.form_id,
            r.due_at,
            r.created_at,
            r.completed_at,
            r.completed_by,
            r.follow_up_at,
            r.priority,
        )

    def get(self, task_id: str) -> TaskRow | None:
        r = self.conn.execute(_TASK, {"id": task_id}).first()
        return self._row(r) if r else None

    def for_case(self, case_id: str, status: str | None = None) -> list[TaskRow]:
        query = select(t.tasks).where(t.tasks.c.case_id == case_id).order_by(t.tasks.c.created_at)
        if status:
            query = query.where(t.tasks.c.status == status)
        return [self._row(r) for r in self.conn.execute(query)]

    def add(self, rows: Sequence[TaskRow]) -> None:
        if not rows:
            return
        self.conn.execute(
            _ADD_TASKS,
            [
                {
                    "id": r.id,
                    "case_id": r.case_id,
                    "process_key": r.process_key,
                    "element_id": r.element_id,
                    "name": r.name,
                    "role": r.role,
                    "status": r.status,
                    "assignee": r.assignee,
                    "candidate_groups": ",".join(r.candidate_groups),
                    "candidate_users": ",".join(r.candidate_users),
                    "form_id": r.form_id,
                    "due_at": r.due_at,
                    "created_at": r.created_at,
                    "follow_up_at": r.follow_up_at,
                    "priority": r.priority,
                }
                for r in rows
            ],
        )
        candidates = [
            {"task_id": r.id, "kind": "group", "value": g} for r in rows for g in r.candidate_groups
        ]
        candidates += [{"task_id": r.id, "kind": "user", "value": u} for r in rows for u in r.candidate_users]
        if candidates:
            self.conn.execute(_ADD_CANDIDATES, candidates)

    def close(self, task_ids: Iterable[str], *, status: str, now: datetime, actor: str | None) -> None:
        ids = list(task_ids)
        if ids:
            self.conn.execute(
                _CLOSE, {"ids": ids, "status": status, "completed_at": now, "completed_by": actor}
            )

    def set_assignee(self, task_id: str, assignee: str | None, *, expected: str | None) -> bool:
        cond = t.tasks.c.assignee.is_(None) if expected is None else t.tasks.c.assignee == expected
        res = self.conn.execute(
            update(t.tasks)
            .where(t.tasks.c.id == task_id, t.tasks.c.status == "ready", cond)
            .values(assignee=assignee)
        )
        return res.rowcount == 1

    def inbox(self, f: TaskFilter) -> list[TaskRow]:
        mine = t.tasks.c.assignee == f.user.user_id
        offered = and_(
            t.tasks.c.assignee.is_(None),
            t.tasks.c.id.in_(
                select(t.task_candidates.c.task_id).where(
                    or_(
                        and_(
                            t.task_candidates.c.kind == "group",
                            t.task_candidates.c.value.in_(sorted(f.user.groups)),
                        ),
                        and_(t.task_candidates.c.kind == "user", t.task_candidates.c.value == f.user.user_id),
                    )
                )
            ),
        )
        who = {"mine": mine, "groups": offered}.get(f.scope, or_(mine, offered))
        query = select(t.tasks).where(t.tasks.c.status == f.status, who)
        if f.process_key:
            query = query.where(t.tasks.c.process_key == f.process_key)
        if f.case_id:
            query = query.where(t.tasks.c.case_id == f.case_id)
        query = query.order_by(t.tasks.c.due_at.is_(None), t.tasks.c.due_at, t.tasks.c.created_at)
        return [self._row(r) for r in self.conn.execute(query.limit(f.limit).offset(f.offset))]
