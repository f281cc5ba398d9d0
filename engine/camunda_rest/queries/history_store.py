"""The history Camunda clients read (``/engine-rest/history/*``), from the projections and the record —
never from a case's workflow state: cases (historic process instances), tasks of every status
(historic task instances), and the record's entries (the user operation log; the activity and variable
histories are derived from the entries, ``engine.camunda_rest.queries.history_derived``). Only cases the actor
may read (``store.readable_cases``)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, func, null, or_, select

from engine.camunda_rest.queries.sql_filters import Field, apply, ordered
from engine.camunda_rest.queries.store import candidates, case_row, readable_cases
from engine.camunda_rest.wire.params import Criterion, Listing
from engine.cases.store import TaskRepository
from engine.kernel.ports import SYSTEM, Actor, CaseRow, TaskRow
from engine.store import tables as t

c, tk, p, r = t.cases.c, t.tasks.c, t.processes.c, t.records.c
ENDED_BY_PEOPLE = {"withdrawn": "case.withdrawn", "cancelled": "case.cancelled"}


def _status(*wanted: str) -> Callable[[Criterion], ColumnElement[bool]]:
    return lambda _: c.status.in_(wanted)


def _task_status(*wanted: str) -> Callable[[Criterion], ColumnElement[bool]]:
    return lambda _: tk.status.in_(wanted)


def _delete_reason(criterion: Criterion) -> ColumnElement[bool]:
    """Camunda's deleteReason of a finished task: "completed", or "deleted" (cancelled by the engine,
    a move, a withdrawal)."""
    status = {"completed": "completed", "deleted": "cancelled"}.get(str(criterion.value), "-")
    return tk.status == status


def _involved(criterion: Criterion) -> ColumnElement[bool]:
    user = str(criterion.value)
    return or_(
        tk.assignee == user,
        tk.completed_by == user,
        candidates("user")(Criterion("candidate_user", "eq", user)),
    )


COMMON: dict[str, Field] = {
    "case_id": c.id,
    "business_key": c.business_key,
    "process_id": c.process_id,
    "process_key": c.process_key,
    "process_name": p.name,
    "process_version": p.version,
    "tenant": null(),
}
CASE_FIELDS: dict[str, Field] = {
    **COMMON,
    "started_at": c.started_at,
    "ended_at": c.ended_at,
    "started_by": c.started_by,
    "active": _status("running"),
    "suspended": _status("suspended"),
    "completed": _status("completed"),
    "externally_terminated": _status(*ENDED_BY_PEOPLE),
}
TASK_FIELDS: dict[str, Field] = {
    **COMMON,
    "id": tk.id,
    "name": tk.name,
    "element_id": tk.element_id,
    "assignee": tk.assignee,
    "due_at": tk.due_at,
    "follow_up_at": tk.follow_up_at,
    "priority": tk.priority,
    "created_at": tk.created_at,
    "completed_at": tk.completed_at,
    "delete_reason": _delete_reason,
    "case_ended_at": c.ended_at,
    "involved_user": _involved,
    "had_candidate_user": candidates("user"),
    "had_candidate_group": candidates("group"),
    "with_candidate_groups": candidates("group"),
    "without_candidate_groups": candidates("group", present=False),
    "parent": null(),
}
OPERATION_FIELDS: dict[str, Field] = {
    **COMMON,
    "seq": r.seq,
    "task_id": r.task_id,
    "actor": r.actor,
    "action": r.action,
    "recorded_at": r.recorded_at,
}


def _count(conn: Connection, query: Select[Any]) -> int:
    return int(conn.execute(select(func.count()).select_from(query.subquery())).scalar_one())


class HistoryQueries:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # historic process instances: every case the actor may read, whatever its status
    def _cases(self, actor: Actor, listing: Listing) -> Select[Any]:
        query = select(t.cases).join(t.processes, p.id == c.process_id).where(readable_cases(actor))
        return apply(query, listing.criteria, CASE_FIELDS)

    def cases(self, actor: Actor, listing: Listing) -> list[CaseRow]:
        query = ordered(listing, self._cases(actor, listing), CASE_FIELDS, c.started_at, c.id)
        return [case_row(row) for row in self.conn.execute(query)]

    def count_cases(self, actor: Actor, listing: Listing) -> int:
        return _count(self.conn, self._cases(actor, listing))

    def end_reasons(self, case_ids: Sequence[str]) -> dict[str, str]:
        """The reason recorded with each case's withdrawal or cancellation (Camunda's deleteReason)."""
        if not case_ids:
            return {}
        query = (
            select(r.case_id, r.payload)
            .where(r.case_id.in_(list(case_ids)), r.action.in_(list(ENDED_BY_PEOPLE.values())))
            .order_by(r.seq)
        )
        return {
            row.case_id: str(json.loads(row.payload).get("reason") or "") for row in self.conn.execute(query)
        }

    # historic task instances: every task of a readable case, waiting, completed or cancelled
    def _tasks(self, actor: Actor, listing: Listing) -> Select[Any]:
        query = (
            select(t.tasks, c.process_id.label("case_process_id"))
            .join(t.cases, c.id == tk.case_id)
            .join(t.processes, p.id == c.process_id)
            .where(readable_cases(actor))
        )
        return apply(query, listing.criteria, TASK_FIELDS)

    def tasks(self, actor: Actor, listing: Listing) -> list[tuple[TaskRow, int]]:
        query = ordered(listing, self._tasks(actor, listing), TASK_FIELDS, tk.created_at, tk.id)
        return [(TaskRepository._row(row), int(row.case_process_id)) for row in self.conn.execute(query)]

    def count_tasks(self, actor: Actor, listing: Listing) -> int:
        return _count(self.conn, self._tasks(actor, listing))

    def case_ids(self, actor: Actor, listing: Listing) -> list[str]:
        """The readable cases the case-level criteria of ``listing`` select (for derived histories)."""
        return [
            str(row.id) for row in self.conn.execute(self._cases(actor, listing).order_by(c.started_at, c.id))
        ]

    # the record's entries on readable cases (Camunda's user operation log)
    def _entries(self, actor: Actor, listing: Listing) -> Select[Any]:
        query = (
            select(t.records, c.process_id.label("case_process_id"))
            .join(t.cases, c.id == r.case_id)
            .join(t.processes, p.id == c.process_id)
            .where(readable_cases(actor), r.actor != SYSTEM.user_id)  # people's (and platforms') acts
        )
        return apply(query, listing.criteria, OPERATION_FIELDS)

    def entries(self, actor: Actor, listing: Listing) -> list[Any]:
        return list(
            self.conn.execute(ordered(listing, self._entries(actor, listing), OPERATION_FIELDS, r.seq))
        )

    def count_entries(self, actor: Actor, listing: Listing) -> int:
        return _count(self.conn, self._entries(actor, listing))
