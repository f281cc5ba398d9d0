"""The work list (tasks joined with their cases, filtered and searched), delegations and notifications."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, and_, insert, or_, select, update

from engine.cases.task_store import TaskRepository
from engine.people.rows import CaseDue, Delegation, Notification, WorkFilter, WorkItem
from engine.store import tables as t
from engine.store.schema import people as p
from engine.store.schema import timers as timers


def _who(f: WorkFilter) -> ColumnElement[bool]:
    if f.status != "ready":
        return t.tasks.c.completed_by == f.user.user_id
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
    return {"mine": mine, "groups": offered}.get(f.scope, or_(mine, offered))


def _search(text: str) -> ColumnElement[bool]:
    return or_(
        t.tasks.c.case_id.icontains(text, autoescape=True),
        t.cases.c.business_key.icontains(text, autoescape=True),
        t.cases.c.applicant.icontains(text, autoescape=True),
    )


def _governing(deadlines: list[CaseDue] | None, task_id: str) -> CaseDue | None:
    """The task's own round (acceptance notice, legal review…) if it has one, else the case's earliest."""
    if not deadlines:
        return None
    return next((d for d in deadlines if d.ref == task_id), deadlines[0])


class WorkRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def worklist(self, f: WorkFilter) -> list[WorkItem]:
        query = (
            select(
                t.tasks, t.cases.c.status.label("case_status"), t.cases.c.business_key, t.cases.c.applicant
            )
            .join(t.cases, t.cases.c.id == t.tasks.c.case_id)
            .where(t.tasks.c.status == f.status, _who(f))
        )
        if f.process_key:
            query = query.where(t.tasks.c.process_key == f.process_key)
        if f.search.strip():
            query = query.where(_search(f.search.strip()))
        order = (
            (t.tasks.c.due_at.is_(None), t.tasks.c.due_at, t.tasks.c.created_at)
            if f.status == "ready"
            else (t.tasks.c.completed_at.desc(),)
        )
        rows = self.conn.execute(query.order_by(*order).limit(f.limit)).all()
        ids = [r.id for r in rows]
        delegations = self.delegations(ids)
        notes = self.notifications_for(ids)
        deadlines = self.open_deadlines(sorted({r.case_id for r in rows}))
        return [
            WorkItem(
                TaskRepository._row(r),
                r.case_status,
                r.business_key,
                json.loads(r.applicant or "{}"),
                delegations.get(r.id),
                tuple(notes.get(r.id, ())),
                _governing(deadlines.get(r.case_id), r.id),
            )
            for r in rows
        ]

    def open_deadlines(self, case_ids: Sequence[str]) -> dict[str, list[CaseDue]]:
        """The open deadlines with a due day of these cases, earliest first."""
        if not case_ids:
            return {}
        d = timers.case_deadlines.c
        rows = self.conn.execute(
            select(d.case_id, d.kind, d.ref, d.due_on, d.level, d.basis)
            .where(d.case_id.in_(list(case_ids)), d.status == "open", d.due_on.is_not(None))
            .order_by(d.due_on)
        )
        found: dict[str, list[CaseDue]] = {}
        for r in rows:
            found.setdefault(r.case_id, []).append(CaseDue(r.kind, r.ref, r.due_on, r.level, r.basis))
        return found

    # -- delegations (委派) ----------------------------------------------------------------------
    def delegations(self, task_ids: Sequence[str]) -> dict[str, Delegation]:
        if not task_ids:
            return {}
        rows = self.conn.execute(
            select(p.task_delegations).where(p.task_delegations.c.task_id.in_(list(task_ids)))
        )
        return {r.task_id: Delegation(r.task_id, r.owner, r.delegate, r.state, r.reason, r.at) for r in rows}

    def delegation(self, task_id: str) -> Delegation | None:
        return self.delegations([task_id]).get(task_id)

    def put_delegation(self, d: Delegation) -> None:
        values = {"owner": d.owner, "delegate": d.delegate, "state": d.state, "reason": d.reason, "at": d.at}
        if self.delegation(d.task_id) is None:
            self.conn.execute(insert(p.task_delegations).values(task_id=d.task_id, **values))
        else:
            self.conn.execute(
                update(p.task_delegations).where(p.task_delegations.c.task_id == d.task_id).values(**values)
            )

    # -- notifications (催办 and friends) ---------------------------------------------------------
    def notify(
        self,
        *,
        kind: str,
        actor: str,
        now: datetime,
        message: str = "",
        user_id: str | None = None,
        group_name: str | None = None,
        case_id: str | None = None,
        task_id: str | None = None,
    ) -> None:
        self.conn.execute(
            insert(p.notifications).values(
                kind=kind,
                actor=actor,
                created_at=now,
                message=message,
                user_id=user_id,
                group_name=group_name,
                case_id=case_id,
                task_id=task_id,
            )
        )

    def notifications_for(self, task_ids: Sequence[str]) -> dict[str, list[Notification]]:
        if not task_ids:
            return {}
        rows = self.conn.execute(
            select(p.notifications)
            .where(p.notifications.c.task_id.in_(list(task_ids)))
            .order_by(p.notifications.c.created_at, p.notifications.c.id)
        )
        found: dict[str, list[Notification]] = {}
        for r in rows:
            found.setdefault(r.task_id, []).append(
                Notification(
                    r.id,
                    r.user_id,
                    r.group_name,
                    r.case_id,
                    r.task_id,
                    r.kind,
                    r.message,
                    r.actor,
                    r.created_at,
                )
            )
        return found
