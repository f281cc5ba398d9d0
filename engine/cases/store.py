"""Repositories over one connection: plain rows in, plain rows out."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, bindparam, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

# engine.camunda_rest's stores import the task repository from here (its own module since the split)
from engine.cases.task_store import TaskRepository as TaskRepository
from engine.kernel.ports import CaseRow, FormRow, ProcessRow, present
from engine.store import tables as t

_CASE = select(t.cases).where(t.cases.c.id == bindparam("id"))
_SAVE = (
    update(t.cases)
    .where(t.cases.c.id == bindparam("b_id"), t.cases.c.version == bindparam("b_version"))
    .values(
        state=bindparam("state"),
        status=bindparam("status"),
        version=bindparam("new_version"),
        updated_at=bindparam("updated_at"),
        ended_at=bindparam("ended_at"),
    )
)


class ProcessRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def _row(self, r: Any) -> ProcessRow:
        return ProcessRow(
            r.id,
            r.key,
            r.version,
            r.name,
            r.sha256,
            r.xml,
            json.loads(r.properties),
            json.loads(r.forms),
            r.deployed_at,
            r.deployed_by,
        )

    def latest(self, key: str) -> ProcessRow | None:
        r = self.conn.execute(
            select(t.processes)
            .where(t.processes.c.key == key)
            .order_by(t.processes.c.version.desc())
            .limit(1)
        ).first()
        return self._row(r) if r else None

    def get(self, process_id: int) -> ProcessRow | None:
        r = self.conn.execute(select(t.processes).where(t.processes.c.id == process_id)).first()
        return self._row(r) if r else None

    def add(
        self,
        *,
        key: str,
        name: str,
        sha256: str,
        xml: str,
        properties: dict[str, str],
        forms: dict[str, int],
        now: datetime,
        actor: str,
    ) -> ProcessRow:
        latest = self.latest(key)
        version = latest.version + 1 if latest else 1
        inserted = self.conn.execute(
            insert(t.processes).values(
                key=key,
                version=version,
                name=name,
                sha256=sha256,
                xml=xml,
                properties=json.dumps(properties, ensure_ascii=False),
                forms=json.dumps(forms),
                deployed_at=now,
                deployed_by=actor,
            )
        ).inserted_primary_key
        row = self.get(int(present(inserted, "primary key")[0]))
        assert row is not None
        return row

    def list_latest(self) -> list[ProcessRow]:
        newest = (
            select(t.processes.c.key, func.max(t.processes.c.version).label("v"))
            .group_by(t.processes.c.key)
            .subquery()
        )
        rows = self.conn.execute(
            select(t.processes)
            .join(newest, and_(t.processes.c.key == newest.c.key, t.processes.c.version == newest.c.v))
            .order_by(t.processes.c.key)
        )
        return [self._row(r) for r in rows]

    def count(self) -> int:
        return int(self.conn.execute(select(func.count()).select_from(t.processes)).scalar_one())


class FormRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def latest(self, form_id: str) -> FormRow | None:
        r = self.conn.execute(
            select(t.forms).where(t.forms.c.form_id == form_id).order_by(t.forms.c.version.desc()).limit(1)
        ).first()
        return FormRow(r.id, r.form_id, r.version, r.sha256, r.body) if r else None

    def get(self, row_id: int) -> FormRow | None:
        r = self.conn.execute(select(t.forms).where(t.forms.c.id == row_id)).first()
        return FormRow(r.id, r.form_id, r.version, r.sha256, r.body) if r else None

    def version(self, form_id: str, version: int) -> FormRow | None:
        """One deployed version of a form (``camunda:formRefBinding="version"``)."""
        r = self.conn.execute(
            select(t.forms).where(t.forms.c.form_id == form_id, t.forms.c.version == version)
        ).first()
        return FormRow(r.id, r.form_id, r.version, r.sha256, r.body) if r else None

    def add(self, *, form_id: str, sha256: str, body: str, now: datetime, actor: str) -> FormRow:
        latest = self.latest(form_id)
        version = latest.version + 1 if latest else 1
        self.conn.execute(
            insert(t.forms).values(
                form_id=form_id, version=version, sha256=sha256, body=body, deployed_at=now, deployed_by=actor
            )
        )
        row = self.latest(form_id)
        assert row is not None
        return row


class CaseRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def next_number(self, year: int) -> str:
        """The year's next case number (2026-000001 …); two first cases of a year at once both succeed."""
        name = f"case-{year}"
        bump = (
            update(t.counters)
            .where(t.counters.c.name == name)
            .values(value=t.counters.c.value + 1)
            .returning(t.counters.c.value)
        )
        res = self.conn.execute(bump).first()
        if res is None:
            dialect_insert = postgresql_insert if self.conn.dialect.name == "postgresql" else sqlite_insert
            self.conn.execute(dialect_insert(t.counters).values(name=name, value=0).on_conflict_do_nothing())
            res = self.conn.execute(bump).first()
        assert res is not None
        return f"{year}-{int(res[0]):06d}"

    def add(self, row: CaseRow) -> None:
        self.conn.execute(
            insert(t.cases).values(
                id=row.id,
                process_id=row.process_id,
                process_key=row.process_key,
                business_key=row.business_key,
                status=row.status,
                applicant=json.dumps(row.applicant, ensure_ascii=False),
                state=row.state,
                version=row.version,
                started_by=row.started_by,
                started_at=row.started_at,
                updated_at=row.updated_at,
                ended_at=row.ended_at,
            )
        )

    def get(self, case_id: str) -> CaseRow | None:
        r = self.conn.execute(_CASE, {"id": case_id}).first()
        if r is None:
            return None
        return CaseRow(
            r.id,
            r.process_id,
            r.process_key,
            r.business_key,
            r.status,
            json.loads(r.applicant),
            r.state,
            r.version,
            r.started_by,
            r.started_at,
            r.updated_at,
            r.ended_at,
        )

    def save_state(
        self,
        case_id: str,
        *,
        expected_version: int,
        state: str,
        status: str,
        now: datetime,
        ended_at: datetime | None,
    ) -> bool:
        """Compare-and-set on the version: False when someone else saved first."""
        res = self.conn.execute(
            _SAVE,
            {
                "b_id": case_id,
                "b_version": expected_version,
                "state": state,
                "status": status,
                "new_version": expected_version + 1,
                "updated_at": now,
                "ended_at": ended_at,
            },
        )
        return res.rowcount == 1

    def list(
        self, *, status: str | None = None, process_key: str | None = None, limit: int = 100, offset: int = 0
    ) -> list[CaseRow]:
        query = select(t.cases).order_by(t.cases.c.started_at.desc()).limit(limit).offset(offset)
        if status:
            query = query.where(t.cases.c.status == status)
        if process_key:
            query = query.where(t.cases.c.process_key == process_key)
        return [
            CaseRow(
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
            for r in self.conn.execute(query)
        ]
