"""Kept signed heads, and the few reads of the record table that measure how far they cover.

Heads are only added (on PostgreSQL and SQLite the database refuses UPDATE and DELETE on
``record_heads``, migration 0011). Two nodes signing the same position keep the first head.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, literal, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from engine.record.head_signature import SignedHead
from engine.store import tables as t
from engine.store.schema.evidence import evidence
from engine.store.schema.heads import record_heads as table
from engine.store.schema.webhooks import webhook_outbox as outbox


class HeadRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, head: SignedHead, reason: str) -> SignedHead:
        """Keep ``head``; if a head at its position is already kept, that one is returned."""
        dialect = postgresql if self.conn.dialect.name == "postgresql" else sqlite
        values = {
            "global_seq": head.global_seq,
            "head_hash": head.head_hash,
            "signed_at": head.signed_at,
            "key_fingerprint": head.key_fingerprint,
            "signature": head.signature,
            "reason": reason,
        }
        self.conn.execute(dialect.insert(table).values(**values).on_conflict_do_nothing())
        kept = self.at(head.global_seq)
        assert kept is not None
        return kept

    def at(self, global_seq: int) -> SignedHead | None:
        row = self.conn.execute(select(table).where(table.c.global_seq == global_seq)).first()
        return _head(row) if row else None

    def latest(self, key_fingerprint: str | None = None) -> SignedHead | None:
        """The newest kept head (signed by the key of ``key_fingerprint``, when given)."""
        query = select(table).order_by(table.c.global_seq.desc()).limit(1)
        if key_fingerprint is not None:
            query = query.where(table.c.key_fingerprint == key_fingerprint)
        row = self.conn.execute(query).first()
        return _head(row) if row else None

    def signed_by(self, key_fingerprint: str) -> list[SignedHead]:
        """Every kept head of one key, oldest first."""
        query = select(table).where(table.c.key_fingerprint == key_fingerprint).order_by(table.c.global_seq)
        return [_head(r) for r in self.conn.execute(query)]

    def recent(self, limit: int) -> list[tuple[SignedHead, str]]:
        query = select(table).order_by(table.c.global_seq.desc()).limit(limit)
        return [(_head(r), r.reason) for r in self.conn.execute(query)]

    def last_seq(self) -> int:
        """The newest global sequence in the record (0 when it is empty)."""
        return int(self.conn.execute(select(func.max(t.records.c.seq))).scalar() or 0)

    def link_at(self, global_seq: int) -> str | None:
        """The global chain's link hash stored at ``global_seq`` (None: no such entry)."""
        query = select(t.records.c.global_link).where(t.records.c.seq == global_seq)
        found: str | None = self.conn.execute(query).scalar()
        return found

    def recorded_at(self, global_seq: int) -> datetime | None:
        query = select(t.records.c.recorded_at).where(t.records.c.seq == global_seq)
        found: datetime | None = self.conn.execute(query).scalar()
        return found

    def content_hashes(self, after: int, upto: int, batch: int = 20000) -> Iterator[str]:
        """The content hash of every entry with ``after < seq <= upto``, in order."""
        while after < upto:
            query = (
                select(t.records.c.seq, t.records.c.content_hash)
                .where(t.records.c.seq > after, t.records.c.seq <= upto)
                .order_by(t.records.c.seq)
                .limit(batch)
            )
            rows = self.conn.execute(query).all()
            if not rows:
                return
            for row in rows:
                yield row.content_hash
            after = rows[-1].seq

    def witnesses_after(self, global_seq: int) -> list[tuple[str, int, str]]:
        """Rows of other tables that name a record entry after ``global_seq`` which is missing or
        says otherwise: evidence rows ("evidence", entry, file SHA-256: the entry must be the
        upload's, of the same case, listing the file) and webhook events ("outbox", entry, stream:
        the entry must exist, of the same case)."""
        r = t.records
        files = (
            select(evidence.c.record_seq, evidence.c.sha256)
            .select_from(evidence.outerjoin(r, r.c.seq == evidence.c.record_seq))
            .where(
                evidence.c.record_seq > global_seq,
                or_(
                    r.c.seq.is_(None),
                    func.coalesce(r.c.case_id, "-") != evidence.c.case_id,
                    r.c.evidence.not_like(literal("%") + evidence.c.sha256 + literal("%")),
                ),
            )
        )
        events = (
            select(outbox.c.record_seq, outbox.c.stream)
            .select_from(outbox.outerjoin(r, r.c.seq == outbox.c.record_seq))
            .where(
                outbox.c.record_seq > global_seq,
                or_(r.c.seq.is_(None), func.coalesce(r.c.case_id, "-") != outbox.c.stream),
            )
        )
        found = {("evidence", row.record_seq, row.sha256) for row in self.conn.execute(files)}
        found |= {("outbox", row.record_seq, row.stream) for row in self.conn.execute(events)}
        return sorted(found, key=lambda item: (item[1], item[0], item[2]))


def _head(row: Any) -> SignedHead:
    return SignedHead(row.global_seq, row.head_hash, row.signed_at, row.key_fingerprint, row.signature)
