"""The case deadlines table: each statutory deadline of a case, its stops and resumptions, the ready roles."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, bindparam, insert, or_, select, update

from engine.deadlines.rows import DeadlineRow, ReadyRole
from engine.deadlines.rules import ClockStop, StopReason
from engine.kernel.json_types import JsonObject
from engine.store import tables as t
from engine.store.schema.timers import case_deadlines

_READY_ROLES = (
    select(t.tasks.c.id, t.tasks.c.role, t.tasks.c.element_id, t.tasks.c.created_at)
    .where(t.tasks.c.case_id == bindparam("case"), t.tasks.c.status == "ready")
    .order_by(t.tasks.c.created_at, t.tasks.c.id)
)


def _stops(text: str) -> tuple[ClockStop, ...]:
    return tuple(
        ClockStop(
            dt.date.fromisoformat(s["on"]),
            StopReason(s["reason"]),
            dt.date.fromisoformat(s["resumed"]) if s.get("resumed") else None,
        )
        for s in json.loads(text)
    )


def _stops_json(stops: Iterable[ClockStop]) -> str:
    return json.dumps(
        [
            {
                "on": s.stopped_on.isoformat(),
                "reason": s.reason.value,
                "resumed": s.resumed_on.isoformat() if s.resumed_on else None,
            }
            for s in stops
        ]
    )


def _deadline(r: Any) -> DeadlineRow:
    return DeadlineRow(
        r.id,
        r.case_id,
        r.kind,
        r.ref,
        r.basis,
        r.started_on,
        r.limit_days,
        r.extension_days,
        r.extension_reason,
        _stops(r.stops),
        r.due_on,
        r.provenance,
        r.status,
        r.level,
        r.version,
        r.opened_at,
        r.closed_at,
    )


def _values(row: DeadlineRow) -> JsonObject:
    return {
        "case_id": row.case_id,
        "kind": row.kind,
        "ref": row.ref,
        "basis": row.basis,
        "started_on": row.started_on,
        "limit_days": row.limit_days,
        "extension_days": row.extension_days,
        "extension_reason": row.extension_reason,
        "stops": _stops_json(row.stops),
        "due_on": row.due_on,
        "provenance": row.provenance,
        "status": row.status,
        "level": row.level,
        "opened_at": row.opened_at,
        "closed_at": row.closed_at,
    }


_OPEN_FOR_CASE = (
    select(case_deadlines)
    .where(case_deadlines.c.case_id == bindparam("case"), case_deadlines.c.status == "open")
    .order_by(case_deadlines.c.id)
)


class DeadlineRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def for_case(self, case_id: str) -> list[DeadlineRow]:
        query = (
            select(case_deadlines).where(case_deadlines.c.case_id == case_id).order_by(case_deadlines.c.id)
        )
        return [_deadline(r) for r in self.conn.execute(query)]

    def ready_tasks(self, case_id: str) -> list[ReadyRole]:
        """The case's waiting tasks, just what deadlines need (id, role, element, created_at)."""
        return [
            ReadyRole(r.id, r.role, r.element_id, r.created_at)
            for r in self.conn.execute(_READY_ROLES, {"case": case_id})
        ]

    def open_for_case(self, case_id: str) -> list[DeadlineRow]:
        return [_deadline(r) for r in self.conn.execute(_OPEN_FOR_CASE, {"case": case_id})]

    def open_spanning(self, first: dt.date, last: dt.date) -> list[DeadlineRow]:
        """Open deadlines whose counted days may include a day in [first, last]."""
        query = (
            select(case_deadlines)
            .where(
                case_deadlines.c.status == "open",
                case_deadlines.c.started_on < last,
                or_(case_deadlines.c.due_on.is_(None), case_deadlines.c.due_on >= first),
            )
            .order_by(case_deadlines.c.id)
        )
        return [_deadline(r) for r in self.conn.execute(query)]

    def add(self, row: DeadlineRow) -> DeadlineRow:
        inserted = self.conn.execute(
            insert(case_deadlines).values(**_values(row), version=0).returning(case_deadlines.c.id)
        )
        new_id = inserted.scalar_one()
        found = self.conn.execute(select(case_deadlines).where(case_deadlines.c.id == new_id)).first()
        return _deadline(found)

    def save(self, row: DeadlineRow) -> bool:
        """Compare-and-set on ``row.version``: False when another transaction saved first."""
        res = self.conn.execute(
            update(case_deadlines)
            .where(case_deadlines.c.id == row.id, case_deadlines.c.version == row.version)
            .values(**_values(row), version=row.version + 1)
        )
        return res.rowcount == 1
