"""Queries for the Camunda 7 REST surface (``engine.camunda_rest.api``): process versions, cases and
tasks filtered the way Camunda clients filter them (a ``Listing``), limited to what the caller may see.
The history's queries are in ``engine.camunda_rest.queries.history_store``."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, exists, func, null, or_, select, true

from engine.camunda_rest.queries.sql_filters import Field, SqlColumn, apply, ordered
from engine.camunda_rest.wire.params import Criterion, Listing
from engine.cases.store import TaskRepository
from engine.kernel.ports import Actor, CaseRow, ProcessRow, TaskRow
from engine.people.permissions import OVERSEERS, READ_ALL
from engine.store import tables as t

_LIGHT = [c for c in t.processes.c if c.name != "xml"]  # listings never need the diagram itself
CANDIDATE_FIELDS = frozenset({"candidate_group", "candidate_user"})


def process_row(r: Any, xml: str = "") -> ProcessRow:
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


def case_row(r: Any) -> CaseRow:
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


def offered_to(actor: Actor) -> Select[tuple[str]]:
    """Task ids offered to the actor (a candidate group of theirs, or them by name)."""
    c = t.task_candidates.c
    return select(c.task_id).where(
        or_(
            and_(c.kind == "group", c.value.in_(sorted(actor.groups))),
            and_(c.kind == "user", c.value == actor.user_id),
        )
    )


def readable_cases(actor: Actor) -> ColumnElement[bool]:
    """``engine.people.permissions.may_read_case`` as SQL on ``cases``: every case for READ_ALL; else
    those the actor opened, or has or had a task of, or is a candidate of one of its tasks."""
    if actor.in_any(READ_ALL):
        return true()
    tk = t.tasks.c
    involved = select(tk.case_id).where(
        or_(tk.assignee == actor.user_id, tk.completed_by == actor.user_id, tk.id.in_(offered_to(actor)))
    )
    return or_(t.cases.c.started_by == actor.user_id, t.cases.c.id.in_(involved))


def candidates(kind: str, *, present: bool = True) -> Callable[[Criterion], ColumnElement[bool]]:
    """Criterion -> condition: the task has (a) candidate(s) of ``kind`` (any, or the given ones)."""
    cand, tk = t.task_candidates.c, t.tasks.c

    def condition(c: Criterion) -> ColumnElement[bool]:
        found = exists().where(cand.task_id == tk.id, cand.kind == kind)
        if c.op == "eq":
            found = found.where(cand.value == c.value)
        elif c.op == "in":
            found = found.where(cand.value.in_(list(c.value)))
        return found if present else ~found

    return condition


def _status(*wanted: str) -> Callable[[Criterion], ColumnElement[bool]]:
    return lambda c: t.cases.c.status.in_(wanted)


TASK_FIELDS: dict[str, Field] = {
    "id": t.tasks.c.id,
    "case_id": t.tasks.c.case_id,
    "business_key": t.cases.c.business_key,
    "process_id": t.cases.c.process_id,
    "process_key": t.tasks.c.process_key,
    "process_name": t.processes.c.name,
    "assignee": t.tasks.c.assignee,
    "candidate_group": candidates("group"),
    "candidate_user": candidates("user"),
    "include_assigned": lambda c: true(),
    "with_candidate_groups": candidates("group"),
    "without_candidate_groups": candidates("group", present=False),
    "with_candidate_users": candidates("user"),
    "without_candidate_users": candidates("user", present=False),
    "element_id": t.tasks.c.element_id,
    "name": t.tasks.c.name,
    "due_at": t.tasks.c.due_at,
    "follow_up_at": t.tasks.c.follow_up_at,
    "priority": t.tasks.c.priority,
    "created_at": t.tasks.c.created_at,
    "active": _status("running"),
    "suspended": _status("suspended"),
    "tenant": null(),
}
CASE_FIELDS: dict[str, Field] = {
    "id": t.cases.c.id,
    "business_key": t.cases.c.business_key,
    "process_id": t.cases.c.process_id,
    "process_key": t.cases.c.process_key,
    "active": _status("running"),
    "suspended": _status("suspended"),
    "tenant": null(),
}
VERSION_FIELDS: dict[str, Field] = {
    "id": t.processes.c.id,
    "key": t.processes.c.key,
    "name": t.processes.c.name,
    "version": t.processes.c.version,
    "deployed_at": t.processes.c.deployed_at,
    "latest": lambda c: t.processes.c.version == _newest_version(),
    "tenant": null(),
}


def _newest_version() -> Any:
    newer = t.processes.alias("newer")
    return select(func.max(newer.c.version)).where(newer.c.key == t.processes.c.key).scalar_subquery()


def _count(conn: Connection, query: Select[Any]) -> int:
    return int(conn.execute(select(func.count()).select_from(query.subquery())).scalar_one())


class EngineRestQueries:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # process versions ("process definitions" and, one per version, "deployments")
    def _versions(self, listing: Listing) -> Select[Any]:
        return apply(select(*_LIGHT), listing.criteria, VERSION_FIELDS)

    def versions(self, listing: Listing) -> list[ProcessRow]:
        p = t.processes.c
        query = ordered(listing, self._versions(listing), VERSION_FIELDS, p.deployed_at, p.id)
        return [process_row(r) for r in self.conn.execute(query)]

    def count_versions(self, listing: Listing) -> int:
        return _count(self.conn, self._versions(listing))

    def version(self, key: str, version: int) -> ProcessRow | None:
        r = self.conn.execute(
            select(t.processes).where(t.processes.c.key == key, t.processes.c.version == version)
        ).first()
        return process_row(r, r.xml) if r else None

    def versions_by_id(self, ids: Iterable[int]) -> dict[int, ProcessRow]:
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        rows = self.conn.execute(select(*_LIGHT).where(t.processes.c.id.in_(wanted)))
        return {r.id: process_row(r) for r in rows}

    # cases ("process instances"): running and suspended ones the actor may read
    def _cases(self, actor: Actor, listing: Listing) -> Select[Any]:
        c = t.cases.c
        query = select(t.cases).where(c.status.in_(("running", "suspended")), readable_cases(actor))
        return apply(query, listing.criteria, CASE_FIELDS)

    def cases(self, actor: Actor, listing: Listing) -> list[CaseRow]:
        query = ordered(listing, self._cases(actor, listing), CASE_FIELDS, t.cases.c.started_at, t.cases.c.id)
        return [case_row(r) for r in self.conn.execute(query)]

    def count_cases(self, actor: Actor, listing: Listing) -> int:
        return _count(self.conn, self._cases(actor, listing))

    # tasks
    def _tasks(self, actor: Actor, listing: Listing) -> Select[Any]:
        """Ready tasks the actor may see (theirs, offered to them, or all for supervisors)."""
        tk = t.tasks.c
        query = (
            select(t.tasks, t.cases.c.process_id.label("case_process_id"))
            .join(t.cases, t.cases.c.id == tk.case_id)
            .join(t.processes, t.processes.c.id == t.cases.c.process_id)
            .where(tk.status == "ready")
        )
        if not actor.in_any(OVERSEERS):
            mine_or_offered = and_(tk.assignee.is_(None), tk.id.in_(offered_to(actor)))
            query = query.where(or_(tk.assignee == actor.user_id, mine_or_offered))
        fields = {c.field for c in listing.criteria}
        if fields & CANDIDATE_FIELDS and "include_assigned" not in fields:
            query = query.where(tk.assignee.is_(None))  # Camunda: candidates' tasks are unclaimed ones
        return apply(query, listing.criteria, TASK_FIELDS)

    def tasks(self, actor: Actor, listing: Listing) -> list[tuple[TaskRow, int]]:
        """The tasks with the process version id of their case."""
        tk = t.tasks.c
        query = ordered(listing, self._tasks(actor, listing), _sortable(TASK_FIELDS), tk.created_at, tk.id)
        return [(TaskRepository._row(r), int(r.case_process_id)) for r in self.conn.execute(query)]

    def count_tasks(self, actor: Actor, listing: Listing) -> int:
        return _count(self.conn, self._tasks(actor, listing))


def _sortable(fields: Mapping[str, Field]) -> dict[str, SqlColumn]:
    return {name: f for name, f in fields.items() if isinstance(f, ColumnElement)}
