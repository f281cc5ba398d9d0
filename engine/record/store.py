"""The record table: append-only, hash-chained (``engine.record.chain``).

Appends take the global chain's lock row (``counters`` 'records.global' FOR UPDATE on
PostgreSQL; SQLite writers are already serialised by BEGIN IMMEDIATE), so two transactions
never link to the same head. There is no update or delete here, and on PostgreSQL a
trigger refuses both (migration 0001).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select

from engine.kernel.ports import RecordDraft
from engine.record.chain import Content, Entry, Link, chain_next
from engine.store import tables as t

GLOBAL_LOCK = "records.global"
_LOCK = select(t.counters.c.value).where(t.counters.c.name == GLOBAL_LOCK).with_for_update()
_GLOBAL_HEAD = select(t.records.c.seq, t.records.c.global_link).order_by(t.records.c.seq.desc()).limit(1)
_CASE_HEAD = (
    select(t.records.c.case_seq, t.records.c.case_link)
    .where(t.records.c.case_id == bindparam("case"))
    .order_by(t.records.c.case_seq.desc())
    .limit(1)
)
_INSERT = insert(t.records)


class RecordRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._global: Link | None = None
        self._locked = False
        self._cases: dict[str, Link | None] = {}

    def _global_head(self) -> Link | None:
        if not self._locked:
            if self.conn.dialect.name != "sqlite":  # SQLite writers are already serialised (BEGIN IMMEDIATE)
                self.conn.execute(_LOCK).first()
            row = self.conn.execute(_GLOBAL_HEAD).first()
            self._global = Link(row.seq, row.global_link) if row else None
            self._locked = True
        return self._global

    def _case_head(self, case_id: str) -> Link | None:
        if case_id not in self._cases:
            row = self.conn.execute(_CASE_HEAD, {"case": case_id}).first()
            self._cases[case_id] = Link(row.case_seq, row.case_link) if row else None
        return self._cases[case_id]

    def append(self, draft: RecordDraft, now: datetime) -> Entry:
        content = Content(
            action=draft.action,
            actor=draft.actor,
            recorded_at=now,
            case_id=draft.case_id,
            task_id=draft.task_id,
            element_id=draft.element_id,
            actor_role=draft.actor_role or None,
            payload=dict(draft.payload),
            evidence=tuple(draft.evidence),
            corrects=draft.corrects,
        )
        global_head = self._global_head()  # takes the chain lock first: the case head is then stable too
        case_head = self._case_head(draft.case_id) if draft.case_id else None
        entry = chain_next(content, global_head=global_head, case_head=case_head)
        c = entry.content
        self.conn.execute(
            _INSERT,
            dict(
                seq=entry.global_seq,
                case_id=c.case_id,
                case_seq=entry.case_seq,
                task_id=c.task_id,
                element_id=c.element_id,
                action=c.action,
                actor=c.actor,
                actor_role=c.actor_role or "",
                recorded_at=c.recorded_at,
                payload=json.dumps(c.payload, ensure_ascii=False, sort_keys=True),
                evidence=json.dumps(list(c.evidence)),
                corrects=c.corrects,
                content_hash=entry.content_hash,
                case_prev=entry.case_prev,
                case_link=entry.case_hash,
                global_prev=entry.global_prev,
                global_link=entry.global_hash,
            ),
        )
        self._global = entry.global_head()
        if c.case_id:
            self._cases[c.case_id] = entry.case_head()
        return entry

    def for_case(self, case_id: str, limit: int | None = None) -> list[Entry]:
        query = select(t.records).where(t.records.c.case_id == case_id).order_by(t.records.c.case_seq)
        if limit is not None:
            query = query.limit(limit)
        return [_entry(r) for r in self.conn.execute(query)]

    def latest_of(self, case_id: str, actions: Collection[str]) -> Entry | None:
        """The case's latest entry with one of ``actions`` (one index walk from the end of its chain)."""
        query = (
            select(t.records)
            .where(t.records.c.case_id == case_id, t.records.c.action.in_(list(actions)))
            .order_by(t.records.c.case_seq.desc())
            .limit(1)
        )
        row = self.conn.execute(query).first()
        return _entry(row) if row is not None else None

    def all(self, batch: int = 5000, *, after: int = 0) -> Iterator[Entry]:
        """Every entry in global order (those after global sequence ``after``), read in batches."""
        last = after
        while True:
            rows = self.conn.execute(
                select(t.records).where(t.records.c.seq > last).order_by(t.records.c.seq).limit(batch)
            ).all()
            if not rows:
                return
            for r in rows:
                yield _entry(r)
            last = rows[-1].seq


def _entry(r: Any) -> Entry:
    content = Content(
        action=r.action,
        actor=r.actor,
        recorded_at=r.recorded_at,
        case_id=r.case_id,
        task_id=r.task_id,
        element_id=r.element_id,
        actor_role=r.actor_role or None,
        payload=json.loads(r.payload),
        evidence=tuple(json.loads(r.evidence)),
        corrects=r.corrects,
    )
    return Entry(
        content, r.content_hash, r.seq, r.global_prev, r.global_link, r.case_seq, r.case_prev, r.case_link
    )
