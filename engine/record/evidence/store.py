"""Evidence rows: added, listed by case or task; never updated or deleted."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from sqlalchemy import Connection, insert, select

from engine.record.evidence.rows import EvidenceRow
from engine.store.schema.evidence import evidence as table


class EvidenceRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, row: EvidenceRow) -> EvidenceRow:
        values = {f.name: getattr(row, f.name) for f in dataclasses.fields(row) if f.name != "id"}
        values["flags"] = json.dumps(row.flags, ensure_ascii=False, sort_keys=True)
        new_id = self.conn.execute(insert(table).values(**values).returning(table.c.id)).scalar_one()
        return dataclasses.replace(row, id=new_id)

    def for_case(self, case_id: str) -> list[EvidenceRow]:
        query = select(table).where(table.c.case_id == case_id).order_by(table.c.id)
        return [_row(r) for r in self.conn.execute(query)]

    def for_task(self, task_id: str) -> list[EvidenceRow]:
        query = select(table).where(table.c.task_id == task_id).order_by(table.c.id)
        return [_row(r) for r in self.conn.execute(query)]

    def find(self, case_id: str, sha256: str) -> EvidenceRow | None:
        query = (
            select(table)
            .where(table.c.case_id == case_id, table.c.sha256 == sha256)
            .order_by(table.c.id)
            .limit(1)
        )
        found = self.conn.execute(query).first()
        return _row(found) if found else None


def _row(r: Any) -> EvidenceRow:
    return EvidenceRow(
        id=r.id,
        case_id=r.case_id,
        task_id=r.task_id,
        element_id=r.element_id,
        sha256=r.sha256,
        name=r.name,
        media_type=r.media_type,
        kind=r.kind,
        size=r.size,
        covers_whole=bool(r.covers_whole),
        record_seq=r.record_seq,
        added_by=r.added_by,
        added_at=r.added_at,
        flags=json.loads(r.flags or "{}"),
    )
