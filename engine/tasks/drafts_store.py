"""Drafts of task forms: one row per task, replaced on every save, deleted when the task completes."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Connection, delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from engine.kernel.json_types import JsonObject
from engine.store.schema.drafts import task_drafts
from engine.tasks.drafts import DraftRow

_INSERTS: JsonObject = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}


class DraftRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def get(self, task_id: str) -> DraftRow | None:
        r = self.conn.execute(select(task_drafts).where(task_drafts.c.task_id == task_id)).first()
        return DraftRow(r.task_id, json.loads(r.data), r.saved_by, r.saved_at) if r else None

    def save(self, task_id: str, data_json: str, saved_by: str, saved_at: datetime) -> None:
        """Insert or replace the task's draft in one statement (two savers at once: the last wins)."""
        values = {"data": data_json, "saved_by": saved_by, "saved_at": saved_at}
        insert = _INSERTS[self.conn.dialect.name](task_drafts).values(task_id=task_id, **values)
        self.conn.execute(insert.on_conflict_do_update(index_elements=[task_drafts.c.task_id], set_=values))

    def delete(self, task_id: str) -> None:
        self.conn.execute(delete(task_drafts).where(task_drafts.c.task_id == task_id))
