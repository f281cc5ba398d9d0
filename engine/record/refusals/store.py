"""Refusal windows (``engine.store.schema.refusals``), ``uow.refusals``: read and lock one actor's window on
a case, save it, and find the windows that are over (for the scheduler's sweep).

``lock`` makes sure the row exists (insert, or nothing on conflict), then reads it FOR UPDATE on
PostgreSQL (SQLite writers are serialised by BEGIN IMMEDIATE): two refusals of the same actor on the
same case at once are counted one after the other, never both as the same count."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from engine.kernel.json_types import JsonObject
from engine.record.refusals.rules import RefusalWindow
from engine.store.schema.refusals import refusal_windows as w

_INSERTS: JsonObject = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}


def _window(row: Any) -> RefusalWindow:
    return RefusalWindow(
        started_at=row.started_at,
        recorded=row.recorded,
        suppressed=row.suppressed,
        last_at=row.last_at,
        tally=json.loads(row.tally or "{}"),
    )


class RefusalWindowRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def lock(self, case_id: str, actor: str, now: datetime) -> RefusalWindow | None:
        """The actor's window on the case, locked; None when there was none (a fresh empty one now exists)."""
        insert = _INSERTS[self.conn.dialect.name](w).values(
            case_id=case_id, actor=actor, started_at=now, recorded=0, suppressed=0, tally="{}"
        )
        created = self.conn.execute(insert.on_conflict_do_nothing(index_elements=[w.c.case_id, w.c.actor]))
        query = select(w).where(w.c.case_id == case_id, w.c.actor == actor)
        if self.conn.dialect.name != "sqlite":
            query = query.with_for_update()
        row = self.conn.execute(query).one()
        return None if created.rowcount == 1 else _window(row)

    def save(self, case_id: str, actor: str, window: RefusalWindow) -> None:
        self.conn.execute(
            update(w)
            .where(w.c.case_id == case_id, w.c.actor == actor)
            .values(
                started_at=window.started_at,
                recorded=window.recorded,
                suppressed=window.suppressed,
                last_at=window.last_at,
                tally=json.dumps(dict(window.tally), ensure_ascii=False, sort_keys=True),
            )
        )

    def started_before(self, moment: datetime, limit: int = 500) -> list[tuple[str, str, RefusalWindow]]:
        """Windows that started before ``moment`` (over, for a span ending by then), locked, oldest first."""
        query = select(w).where(w.c.started_at <= moment).order_by(w.c.started_at).limit(limit)
        if self.conn.dialect.name != "sqlite":
            query = query.with_for_update(skip_locked=True)
        return [(r.case_id, r.actor, _window(r)) for r in self.conn.execute(query)]

    def drop(self, case_id: str, actor: str) -> None:
        self.conn.execute(delete(w).where(w.c.case_id == case_id, w.c.actor == actor))
