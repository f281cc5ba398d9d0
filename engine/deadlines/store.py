"""Repositories of the timers area: due moments (claimed atomically), calendar days, case deadlines.

Claiming: PostgreSQL selects due rows ``FOR UPDATE SKIP LOCKED`` inside the UPDATE that sets the
lease, so concurrent nodes never take the same row and never wait for each other; SQLite writers
are serialised (``BEGIN IMMEDIATE``), so the same conditional UPDATE is atomic there too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, bindparam, delete, insert, or_, select, update

from engine.deadlines.deadline_store import DeadlineRepository
from engine.deadlines.rows import BPMN_TIMER, CalendarDay, DueItem
from engine.store import tables as t
from engine.store.schema.timers import calendar_days, due_items

CALENDAR_VERSION = "calendar.version"
_PENDING = due_items.c.fired_at.is_(None)

# Statements on the per-step path are built once (building one costs more than running it).
_PENDING_OF_KIND = (
    select(due_items)
    .where(due_items.c.case_id == bindparam("case"), due_items.c.kind == bindparam("kind"), _PENDING)
    .order_by(due_items.c.due_at)
)
_DELETE_PENDING = delete(due_items).where(due_items.c.id.in_(bindparam("ids", expanding=True)), _PENDING)
_INSERT_DUE = insert(due_items)
_VERSION = select(t.counters.c.value).where(t.counters.c.name == CALENDAR_VERSION)


def _claimable(now: dt.datetime) -> ColumnElement[bool]:
    return or_(due_items.c.lease_until.is_(None), due_items.c.lease_until < now)


def _due(r: Any) -> DueItem:
    return DueItem(
        r.id,
        r.kind,
        r.case_id,
        r.ref,
        r.due_at,
        r.lease_owner,
        r.lease_until,
        r.fired_at,
        r.attempts,
        r.last_error,
    )


def claim_query(now: dt.datetime, limit: int, *, postgres: bool) -> Select[Any]:
    """The ids of the due rows to claim, oldest first (the query ``bench/timers.py`` explains)."""
    query = (
        select(due_items.c.id)
        .where(_PENDING, due_items.c.due_at <= now, _claimable(now))
        .order_by(due_items.c.due_at)
        .limit(limit)
    )
    return query.with_for_update(skip_locked=True) if postgres else query


class DueItemRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(
        self, kind: str, moments: Sequence[tuple[str | None, str | None, dt.datetime]], now: dt.datetime
    ) -> None:
        """New pending rows of ``kind``: (case_id, ref, due_at) each."""
        if moments:
            self.conn.execute(
                _INSERT_DUE,
                [
                    {
                        "kind": kind,
                        "case_id": case_id,
                        "ref": ref,
                        "due_at": due_at,
                        "attempts": 0,
                        "created_at": now,
                    }
                    for case_id, ref, due_at in moments
                ],
            )

    def pending(self, case_id: str, kind: str | None = None) -> list[DueItem]:
        if kind is not None:
            return [_due(r) for r in self.conn.execute(_PENDING_OF_KIND, {"case": case_id, "kind": kind})]
        query = select(due_items).where(due_items.c.case_id == case_id, _PENDING).order_by(due_items.c.due_at)
        return [_due(r) for r in self.conn.execute(query)]

    def sync_case(
        self, case_id: str, kind: str, wanted: Iterable[tuple[str | None, dt.datetime]], now: dt.datetime
    ) -> None:
        """Make the case's pending rows of ``kind`` exactly ``wanted`` (ref, due_at); fired rows stay."""
        want = set(wanted)
        have = {(r.ref, r.due_at): r.id for r in self.pending(case_id, kind)}
        stale = [row_id for key, row_id in have.items() if key not in want]
        if stale:
            self.conn.execute(_DELETE_PENDING, {"ids": stale})
        new = [
            {"kind": kind, "case_id": case_id, "ref": ref, "due_at": due_at, "attempts": 0, "created_at": now}
            for ref, due_at in sorted(want - set(have), key=lambda w: w[1])
        ]
        if new:
            self.conn.execute(_INSERT_DUE, new)

    def sync_timers(self, case_id: str, timers: Iterable[Any], now: dt.datetime) -> None:
        """The case's pending ``bpmn-timer`` rows := the workflow's waiting timers (``PendingTimer``)."""
        self.sync_case(case_id, BPMN_TIMER, [(t.task_id, t.due_at) for t in timers], now)

    def claim(self, now: dt.datetime, owner: str, lease_until: dt.datetime, limit: int) -> list[DueItem]:
        """Lease up to ``limit`` due rows to ``owner`` (the caller commits at once)."""
        postgres = self.conn.dialect.name == "postgresql"
        ids = claim_query(now, limit, postgres=postgres)
        if postgres:  # a locking CTE runs once; "IN (SELECT … LIMIT … FOR UPDATE)" may run per row
            picked = ids.cte("picked")
            target = due_items.c.id == picked.c.id
        else:
            target = due_items.c.id.in_(ids.scalar_subquery())
        rows = self.conn.execute(
            update(due_items)
            .where(target, _PENDING, _claimable(now))
            .values(lease_owner=owner, lease_until=lease_until, attempts=due_items.c.attempts + 1)
            .returning(*due_items.c)
        ).all()
        return sorted((_due(r) for r in rows), key=lambda item: (item.due_at, item.id))

    def mark_fired(self, item_id: int, owner: str, now: dt.datetime) -> bool:
        """Fired, if the row is still pending and leased to ``owner``: the one test of exactly-once."""
        res = self.conn.execute(
            update(due_items)
            .where(due_items.c.id == item_id, _PENDING, due_items.c.lease_owner == owner)
            .values(fired_at=now)
        )
        return res.rowcount == 1

    def release(self, item_id: int, owner: str, error: str, retry_at: dt.datetime) -> None:
        """Give a failed row back: claimable again from ``retry_at``, with the error kept."""
        self.conn.execute(
            update(due_items)
            .where(due_items.c.id == item_id, _PENDING, due_items.c.lease_owner == owner)
            .values(lease_owner=None, lease_until=retry_at, last_error=error[:500])
        )

    def give_back(self, item_ids: Sequence[int], owner: str) -> None:
        """Unclaim rows this node will not fire in time: claimable by any node at once."""
        if item_ids:
            self.conn.execute(
                update(due_items)
                .where(due_items.c.id.in_(item_ids), _PENDING, due_items.c.lease_owner == owner)
                .values(lease_owner=None, lease_until=None, attempts=due_items.c.attempts - 1)
            )

    def next_due(self, now: dt.datetime) -> dt.datetime | None:
        """The earliest due time among pending rows nobody holds (the scheduler's next wake-up)."""
        return self.conn.execute(
            select(due_items.c.due_at).where(_PENDING, _claimable(now)).order_by(due_items.c.due_at).limit(1)
        ).scalar()

    def get(self, item_id: int) -> DueItem | None:
        r = self.conn.execute(select(due_items).where(due_items.c.id == item_id)).first()
        return _due(r) if r else None


def _day(r: Any) -> CalendarDay:
    return CalendarDay(r.day, r.is_workday, r.note, r.source, r.loaded_by, r.loaded_at)


class CalendarRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def version(self) -> int:
        value = self.conn.execute(_VERSION).scalar()
        return int(value or 0)

    def all(self) -> list[CalendarDay]:
        return [_day(r) for r in self.conn.execute(select(calendar_days).order_by(calendar_days.c.day))]

    def get(self, day: dt.date) -> CalendarDay | None:
        r = self.conn.execute(select(calendar_days).where(calendar_days.c.day == day)).first()
        return _day(r) if r else None

    def put(self, days: Sequence[CalendarDay]) -> None:
        """Insert or replace the given days and bump the calendar's version."""
        if not days:
            return
        dates = [d.day for d in days]
        for start in range(0, len(dates), 500):
            self.conn.execute(
                delete(calendar_days).where(calendar_days.c.day.in_(dates[start : start + 500]))
            )
        self.conn.execute(
            insert(calendar_days),
            [
                {
                    "day": d.day,
                    "is_workday": d.is_workday,
                    "note": d.note,
                    "source": d.source,
                    "loaded_by": d.loaded_by,
                    "loaded_at": d.loaded_at,
                }
                for d in days
            ],
        )
        self.conn.execute(
            update(t.counters)
            .where(t.counters.c.name == CALENDAR_VERSION)
            .values(value=t.counters.c.value + 1)
        )


# name on the unit of work -> repository (registered in ``engine.store.unit_of_work.REPOSITORIES``)
TIMER_REPOSITORIES: dict[str, type] = {
    "due": DueItemRepository,
    "calendar": CalendarRepository,
    "deadlines": DeadlineRepository,
}
