"""The links between child cases and their parents, and the process versions a call binds to."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from engine.kernel.repositories.cases import CallLink
from engine.store import tables as t
from engine.store.schema.calls import case_calls


def _link(r: Any) -> CallLink:
    return CallLink(
        r.child_case_id, r.parent_case_id, r.parent_task_id, r.element_id, r.created_at, r.returned_at
    )


class CallRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, child: str, parent: str, task_id: str, element_id: str, now: datetime) -> None:
        self.conn.execute(
            insert(case_calls).values(
                child_case_id=child,
                parent_case_id=parent,
                parent_task_id=task_id,
                element_id=element_id,
                created_at=now,
            )
        )

    def parent_of(self, child: str) -> CallLink | None:
        r = self.conn.execute(select(case_calls).where(case_calls.c.child_case_id == child)).first()
        return _link(r) if r else None

    def children_of(self, parent: str) -> list[CallLink]:
        rows = self.conn.execute(
            select(case_calls)
            .where(case_calls.c.parent_case_id == parent)
            .order_by(case_calls.c.created_at, case_calls.c.child_case_id)
        )
        return [_link(r) for r in rows]

    def returned(self, child: str, now: datetime) -> None:
        self.conn.execute(
            update(case_calls).where(case_calls.c.child_case_id == child).values(returned_at=now)
        )

    def process_version(self, key: str, version: int) -> int | None:
        """The id of version ``version`` of process ``key``."""
        p = t.processes
        r = self.conn.execute(select(p.c.id).where(p.c.key == key, p.c.version == version)).first()
        return int(r.id) if r else None

    def process_deployed_with(self, key: str, caller_id: int) -> int | None:
        """The id of the newest version of ``key`` deployed up to the caller's version ``caller_id`` (the
        ``deployment`` binding: the deploy stores a called process before its callers, and ids only grow)."""
        p = t.processes
        r = self.conn.execute(
            select(p.c.id).where(p.c.key == key, p.c.id <= caller_id).order_by(p.c.version.desc()).limit(1)
        ).first()
        return int(r.id) if r else None
