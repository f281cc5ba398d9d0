"""The webhook outbox (``uow.outbox``): rows written with the change that caused them, claimed by
delivery workers under a lease, in order per case and subscription.

Claiming is atomic on both databases: the candidates are read with ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL (SQLite writers are already serialised by ``BEGIN IMMEDIATE``), then taken with one
conditional UPDATE … RETURNING that only takes rows nobody holds a live lease on. A worker that
dies leaves its lease to expire; the event is then claimed again, with the same webhook-id.

Order: an event is claimable only while no earlier event of the same (subscription, case) is still
pending (delivered or dead ones do not block), so event n+1 never leaves before event n is settled.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, exists, func, insert, or_, select, update

from engine.integration.rows import PENDING, AttemptRow, ClaimedEvent, EventRow, NewEvent, Outcome
from engine.kernel.json_types import JsonObject
from engine.store.schema import webhooks as w

o = w.webhook_outbox
_earlier = o.alias("earlier")
_BLOCKED = exists().where(
    _earlier.c.subscription_id == o.c.subscription_id,
    _earlier.c.stream == o.c.stream,
    _earlier.c.status == PENDING,
    _earlier.c.sequence < o.c.sequence,
)


def _free(now: datetime) -> ColumnElement[bool]:
    return or_(o.c.lease_until.is_(None), o.c.lease_until <= now)


def _event(r: Any) -> EventRow:
    return EventRow(
        id=r.id,
        subscription_id=r.subscription_id,
        event_type=r.event_type,
        stream=r.stream,
        sequence=r.sequence,
        record_seq=r.record_seq,
        payload=json.loads(r.payload),
        status=r.status,
        attempts=r.attempts,
        next_attempt_at=r.next_attempt_at,
        created_at=r.created_at,
        lease_owner=r.lease_owner,
        lease_until=r.lease_until,
        last_status=r.last_status,
        last_latency_ms=r.last_latency_ms,
        last_error=r.last_error,
        delivered_at=r.delivered_at,
    )


def _new_event(r: NewEvent, now: datetime) -> JsonObject:
    return {
        "id": r.id,
        "subscription_id": r.subscription_id,
        "event_type": r.event_type,
        "stream": r.stream,
        "sequence": r.sequence,
        "record_seq": r.record_seq,
        "payload": json.dumps(r.payload, ensure_ascii=False, sort_keys=True),
        "status": PENDING,
        "attempts": 0,
        "next_attempt_at": r.due_at,
        "created_at": now,
    }


class OutboxRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def last_sequence(self, stream: str) -> int:
        value = self.conn.execute(select(func.max(o.c.sequence)).where(o.c.stream == stream)).scalar()
        return int(value or 0)

    def add(self, rows: Sequence[NewEvent], now: datetime) -> None:
        if not rows:
            return
        self.conn.execute(insert(o), [_new_event(r, now) for r in rows])

    def claim_due(self, owner: str, now: datetime, lease_until: datetime, limit: int) -> list[ClaimedEvent]:
        """Take a lease on up to ``limit`` due events that are first in their (subscription, case)."""
        candidates = (
            self.conn.execute(
                select(o.c.id)
                .where(o.c.status == PENDING, o.c.next_attempt_at <= now, _free(now), ~_BLOCKED)
                .order_by(o.c.next_attempt_at, o.c.sequence)
                .limit(limit)
                .with_for_update(skip_locked=True, of=o)
            )
            .scalars()
            .all()
        )
        if not candidates:
            return []
        lease = (
            update(o)
            .where(o.c.id.in_(candidates), o.c.status == PENDING, _free(now))
            .values(lease_owner=owner, lease_until=lease_until)
            .returning(o.c.id)
        )
        taken = self.conn.execute(lease).scalars().all()
        if not taken:
            return []
        s = w.webhook_subscriptions
        rows = self.conn.execute(
            select(o, s.c.url, s.c.secret)
            .join(s, s.c.id == o.c.subscription_id)
            .where(o.c.id.in_(taken))
            .order_by(o.c.next_attempt_at, o.c.sequence)
        )
        return [ClaimedEvent(_event(r), r.url, r.secret) for r in rows]

    def finish(self, event_id: str, owner: str, outcome: Outcome) -> bool:
        """Settle an attempt; False when this worker no longer holds the lease (another one took over)."""
        res = self.conn.execute(
            update(o)
            .where(o.c.id == event_id, o.c.lease_owner == owner, o.c.status == PENDING)
            .values(
                status=outcome.status,
                attempts=outcome.attempts,
                next_attempt_at=outcome.next_attempt_at,
                lease_owner=None,
                lease_until=None,
                last_status=outcome.last_status,
                last_latency_ms=outcome.last_latency_ms,
                last_error=outcome.last_error,
                delivered_at=outcome.delivered_at,
            )
        )
        return res.rowcount == 1

    def log_attempt(self, attempt: AttemptRow) -> None:
        self.conn.execute(
            insert(w.webhook_attempts).values(
                event_id=attempt.event_id,
                number=attempt.number,
                attempted_at=attempt.attempted_at,
                owner=attempt.owner,
                ok=attempt.ok,
                status=attempt.status,
                latency_ms=attempt.latency_ms,
                error=attempt.error,
            )
        )

    def get(self, event_id: str) -> EventRow | None:
        r = self.conn.execute(select(o).where(o.c.id == event_id)).first()
        return _event(r) if r else None

    def events(
        self,
        *,
        status: str | None = None,
        stream: str | None = None,
        subscription_id: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[EventRow]:
        query = (
            select(o).order_by(o.c.created_at, o.c.stream, o.c.sequence, o.c.id).limit(limit).offset(offset)
        )
        if status:
            query = query.where(o.c.status == status)
        if stream:
            query = query.where(o.c.stream == stream)
        if subscription_id:
            query = query.where(o.c.subscription_id == subscription_id)
        return [_event(r) for r in self.conn.execute(query)]

    def count(self, status: str | None = None) -> int:
        query = select(func.count()).select_from(o)
        if status:
            query = query.where(o.c.status == status)
        return int(self.conn.execute(query).scalar_one())

    def attempts(self, event_id: str) -> list[AttemptRow]:
        a = w.webhook_attempts
        rows = self.conn.execute(select(a).where(a.c.event_id == event_id).order_by(a.c.id))
        return [
            AttemptRow(
                r.event_id, r.number, r.attempted_at, r.owner, bool(r.ok), r.status, r.latency_ms, r.error
            )
            for r in rows
        ]

    def replay(self, event_id: str, now: datetime) -> bool:
        """A dead event becomes pending again with a fresh allowance of attempts."""
        res = self.conn.execute(
            update(o)
            .where(o.c.id == event_id, o.c.status == "dead")
            .values(status=PENDING, attempts=0, next_attempt_at=now, lease_owner=None, lease_until=None)
        )
        return res.rowcount == 1

    def bury_pending(self, subscription_id: str, now: datetime, error: str) -> int:
        """Give up the pending events of a removed subscription (they stay listed, as dead)."""
        res = self.conn.execute(
            update(o)
            .where(o.c.subscription_id == subscription_id, o.c.status == PENDING)
            .values(status="dead", lease_owner=None, lease_until=None, last_error=error, next_attempt_at=now)
        )
        return int(res.rowcount)
