"""Queries for the Camunda 7 REST surface (``engine.camunda_rest.api``): process versions, cases and
tasks filtered the way Camunda clients filter them, and limited to what the caller may see."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Select, and_, exists, func, or_, select

from engine.camunda_rest.reads import CaseQuery, TaskQuery
from engine.cases.store import TaskRepository
from engine.kernel.ports import Actor, CaseRow, ProcessRow, TaskRow
from engine.store import tables as t

SEE_ALL = frozenset({"supervisor", "admin"})
_LIGHT = [c for c in t.processes.c if c.name != "xml"]  # listings never need the diagram itself


def _process(r: Any, xml: str = "") -> ProcessRow:
    return ProcessRow(
        r.id,
        r.key,
        r.version,
        r.name,
        r.sha256,
        xml,
        json.loads(r.properties),
        json.loads(r.forms),
        r.deployed_at,
        r.deployed_by,
    )


def _case(r: Any) -> CaseRow:
    return CaseRow(
        r.id,
        r.process_id,
        r.process_key,
        r.business_key,
        r.status,
        json.loads(r.applicant),
        "",
        r.version,
        r.started_by,
        r.started_at,
        r.updated_at,
        r.ended_at,
    )


def _offered_to(actor: Actor) -> Any:
    """Task ids offered to the actor (a candidate group of theirs, or them by name)."""
    c = t.task_candidates.c
    return select(c.task_id).where(
        or_(
            and_(c.kind == "group", c.value.in_(sorted(actor.groups))),
            and_(c.kind == "user", c.value == actor.user_id),
        )
    )


class EngineRestQueries:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # process versions ("process definitions" and, one per version, "deployments")
    def _versions(self, key: str | None, latest_only: bool) -> Select[Any]:
        query = select(*_LIGHT)
        if key:
            query = query.where(t.processes.c.key == key)
        if latest_only:
            newest = (
                select(t.processes.c.key, func.max(t.processes.c.version).label("v"))
                .group_by(t.processes.c.key)
                .subquery()
            )
            query = query.join(
                newest, and_(t.processes.c.key == newest.c.key, t.processes.c.version == newest.c.v)
            )
        return query

    def versions(
        self, *, key: str | None = None, latest_only: bool = False, first: int = 0, limit: int = 100
    ) -> list[ProcessRow]:
        query = self._versions(key, latest_only).order_by(t.processes.c.deployed_at, t.processes.c.id)
        return [_process(r) for r in self.conn.execute(query.offset(first).limit(limit))]

    def count_versions(self, *, key: str | None = None, latest_only: bool = False) -> int:
        inner = self._versions(key, latest_only).subquery()
        return int(self.conn.execute(select(func.count()).select_from(inner)).scalar_one())

    def version(self, key: str, version: int) -> ProcessRow | None:
        r = self.conn.execute(
            select(t.processes).where(t.processes.c.key == key, t.processes.c.version == version)
        ).first()
        return _process(r, r.xml) if r else None

    def versions_by_id(self, ids: Iterable[int]) -> dict[int, ProcessRow]:
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        rows = self.conn.execute(select(*_LIGHT).where(t.processes.c.id.in_(wanted)))
        return {r.id: _process(r) for r in rows}

    # cases ("process instances")
    def _cases(self, actor: Actor, q: CaseQuery) -> Select[Any]:
        """Running cases the actor started, works or worked on, or may take (all, for supervisors)."""
        c, tk = t.cases.c, t.tasks.c
        query = select(t.cases).where(c.status == "running")
        if not actor.in_any(SEE_ALL):
            involved = select(tk.case_id).where(
                or_(
                    tk.assignee == actor.user_id,
                    tk.completed_by == actor.user_id,
                    tk.id.in_(_offered_to(actor)),
                )
            )
            query = query.where(or_(c.started_by == actor.user_id, c.id.in_(involved)))
        for column, value in (
            (c.business_key, q.business_key),
            (c.process_key, q.process_key),
            (c.process_id, q.process_id),
        ):
            if value is not None:
                query = query.where(column == value)
        if q.ids:
            query = query.where(c.id.in_(list(q.ids)))
        return query

    def cases(self, actor: Actor, q: CaseQuery) -> list[CaseRow]:
        query = self._cases(actor, q).order_by(t.cases.c.started_at, t.cases.c.id)
        query = query.offset(q.first).limit(q.limit)
        return [_case(r) for r in self.conn.execute(query)]

    def count_cases(self, actor: Actor, q: CaseQuery) -> int:
        inner = self._cases(actor, q).subquery()
        return int(self.conn.execute(select(func.count()).select_from(inner)).scalar_one())

    # tasks
    def _tasks(self, actor: Actor, q: TaskQuery) -> Select[Any]:
        """Ready tasks the actor may see (theirs, offered to them, or all for supervisors)."""
        tk, cand = t.tasks.c, t.task_candidates.c
        query = (
            select(t.tasks, t.cases.c.process_id.label("case_process_id"))
            .join(t.cases, t.cases.c.id == tk.case_id)
            .where(tk.status == "ready")
        )
        if not actor.in_any(SEE_ALL):
            query = query.where(
                or_(tk.assignee == actor.user_id, and_(tk.assignee.is_(None), tk.id.in_(_offered_to(actor))))
            )
        for column, value in (
            (tk.case_id, q.case_id),
            (tk.assignee, q.assignee),
            (tk.process_key, q.process_key),
            (t.cases.c.process_id, q.process_id),
            (tk.element_id, q.element_id),
            (t.cases.c.business_key, q.business_key),
        ):
            if value is not None:
                query = query.where(column == value)
        for kind, value in (("group", q.candidate_group), ("user", q.candidate_user)):
            if value is not None:
                query = query.where(
                    exists().where(cand.task_id == tk.id, cand.kind == kind, cand.value == value)
                )
                if not q.include_assigned:
                    query = query.where(tk.assignee.is_(None))
        return query

    def tasks(self, actor: Actor, q: TaskQuery) -> list[tuple[TaskRow, int]]:
        """The tasks with the process version id of their case."""
        query = self._tasks(actor, q).order_by(t.tasks.c.created_at, t.tasks.c.id)
        query = query.offset(q.first).limit(q.limit)
        return [(TaskRepository._row(r), int(r.case_process_id)) for r in self.conn.execute(query)]

    def count_tasks(self, actor: Actor, q: TaskQuery) -> int:
        inner = self._tasks(actor, q).subquery()
        return int(self.conn.execute(select(func.count()).select_from(inner)).scalar_one())
