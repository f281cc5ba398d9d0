"""Disclosures and query codes (tables in ``engine.store.schema.disclosures``); ``uow.disclosures``.

State changes are compare-and-set on the status (a clerk and the scheduler publishing the same
disclosure at once: one wins, the other sees False). Public reads select public columns only.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, case, func, insert, or_, select, update

from engine.disclosure.rows import (
    PENDING,
    PUBLISHED,
    WITHDRAWN,
    DecisionPage,
    DecisionQuery,
    DecisionTally,
    DisclosureRow,
    NewDisclosure,
    Publication,
    PublicDecision,
    QueryCodeRow,
    Withdrawal,
)
from engine.store import tables as t
from engine.store.schema.disclosures import disclosures as d
from engine.store.schema.disclosures import query_codes as q

_JSON_COLUMNS = ("preview_rules", "published_rules")
_PUBLIC = (
    d.c.id,
    d.c.case_id,
    d.c.process_key,
    d.c.item_name,
    d.c.item_code,
    d.c.decision,
    d.c.decision_no,
    d.c.decided_on,
    d.c.published_at,
    d.c.published_text,
    d.c.withdrawn_at,
    d.c.withdrawal_kind,
    d.c.withdrawal_reason,
)


def _row(r: Any) -> DisclosureRow:
    values = dict(r._mapping)
    for name in _JSON_COLUMNS:
        values[name] = json.loads(values[name] or "[]")
    return DisclosureRow(**values)


def _public(r: Any) -> PublicDecision:
    return PublicDecision(
        r.id,
        r.case_id,
        r.process_key,
        r.item_name,
        r.item_code,
        r.decision,
        r.decision_no,
        r.decided_on,
        r.published_at,
        None if r.withdrawn_at else r.published_text,
        r.withdrawn_at,
        r.withdrawal_kind,
        r.withdrawal_reason,
    )


def _matches(word: str) -> ColumnElement[bool]:
    """A word in the item, the decision number or the text (a withdrawn decision's text is not searched)."""
    text = and_(d.c.withdrawn_at.is_(None), d.c.published_text.contains(word, autoescape=True))
    return or_(
        text, d.c.item_name.contains(word, autoescape=True), d.c.decision_no.contains(word, autoescape=True)
    )


class DisclosureRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # -- staff side ------------------------------------------------------------------------------
    def add(self, new: NewDisclosure) -> DisclosureRow:
        values = asdict(new)
        values["preview_rules"] = json.dumps(new.preview_rules, ensure_ascii=False)
        new_id = self.conn.execute(
            insert(d).values(status=PENDING, published_rules="[]", **values).returning(d.c.id)
        ).scalar_one()
        row = self.get(int(new_id))
        assert row is not None
        return row

    def get(self, disclosure_id: int) -> DisclosureRow | None:
        r = self.conn.execute(select(d).where(d.c.id == disclosure_id)).first()
        return _row(r) if r else None

    def for_case(self, case_id: str) -> list[DisclosureRow]:
        return [_row(r) for r in self.conn.execute(select(d).where(d.c.case_id == case_id).order_by(d.c.id))]

    def publish(self, disclosure_id: int, p: Publication) -> bool:
        res = self.conn.execute(
            update(d)
            .where(d.c.id == disclosure_id, d.c.status == PENDING)
            .values(
                status=PUBLISHED,
                published_text=p.text,
                published_rules=json.dumps(p.rules, ensure_ascii=False),
                published_at=p.at,
                published_by=p.by,
            )
        )
        return res.rowcount == 1

    def withdraw(self, disclosure_id: int, w: Withdrawal) -> bool:
        res = self.conn.execute(
            update(d)
            .where(d.c.id == disclosure_id, d.c.status.in_((PENDING, PUBLISHED)))
            .values(
                status=WITHDRAWN,
                withdrawn_at=w.at,
                withdrawn_by=w.by,
                withdrawal_kind=w.kind,
                withdrawal_reason=w.reason,
                withdrawal_due_on=w.due_on,
                withdrawal_late=w.late,
            )
        )
        return res.rowcount == 1

    def due(self, on: dt.date, limit: int = 500) -> list[DisclosureRow]:
        """Pending disclosures whose due day is ``on`` or earlier, the most urgent first."""
        query = (
            select(d).where(d.c.status == PENDING, d.c.due_on <= on).order_by(d.c.due_on, d.c.id).limit(limit)
        )
        return [_row(r) for r in self.conn.execute(query)]

    def listing(
        self,
        *,
        status: str | None = None,
        overdue_on: dt.date | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[DisclosureRow]:
        """Staff list: by status, or (``overdue_on``) pending ones past their due day."""
        query = select(d).order_by(d.c.due_on, d.c.id).limit(limit).offset(offset)
        if overdue_on is not None:
            query = query.where(d.c.status == PENDING, d.c.due_on < overdue_on)
        elif status:
            query = query.where(d.c.status == status)
        return [_row(r) for r in self.conn.execute(query)]

    # -- public side -----------------------------------------------------------------------------
    def public(self, disclosure_id: int) -> PublicDecision | None:
        r = self.conn.execute(
            select(*_PUBLIC).where(d.c.id == disclosure_id, d.c.published_at.is_not(None))
        ).first()
        return _public(r) if r else None

    def public_page(self, f: DecisionQuery) -> DecisionPage:
        cond: list[ColumnElement[bool]] = [d.c.published_at.is_not(None)]
        if f.process_key:
            cond.append(d.c.process_key == f.process_key)
        if f.decided_from:
            cond.append(d.c.decided_on >= f.decided_from)
        if f.decided_to:
            cond.append(d.c.decided_on <= f.decided_to)
        if f.text:
            cond.append(and_(*(_matches(word) for word in f.text.split())))
        total = int(self.conn.execute(select(func.count()).select_from(d).where(*cond)).scalar_one())
        query = (
            select(*_PUBLIC)
            .where(*cond)
            .order_by(d.c.published_at.desc(), d.c.id.desc())
            .limit(f.per_page)
            .offset((f.page - 1) * f.per_page)
        )
        return DecisionPage([_public(r) for r in self.conn.execute(query)], total, f.page, f.per_page)

    def public_for_case(self, case_id: str) -> list[PublicDecision]:
        query = select(*_PUBLIC).where(d.c.case_id == case_id, d.c.published_at.is_not(None)).order_by(d.c.id)
        return [_public(r) for r in self.conn.execute(query)]

    def tallies(self, since: dt.date) -> list[DecisionTally]:
        """Decisions since ``since`` summed per item, day and outcome (at most one row a day each)."""
        on_time = case((d.c.on_time.is_(True), 1), else_=0)
        query = (
            select(
                d.c.process_key,
                d.c.decided_on,
                d.c.decision,
                func.count(),
                func.sum(d.c.working_days),
                func.count(d.c.working_days),
                func.sum(on_time),
                func.count(d.c.on_time),
            )
            .where(d.c.decided_on >= since)
            .group_by(d.c.process_key, d.c.decided_on, d.c.decision)
        )
        return [
            DecisionTally(r[0], r[1], r[2], int(r[3]), int(r[4] or 0), int(r[5]), int(r[6] or 0), int(r[7]))
            for r in self.conn.execute(query)
        ]

    def applications(self, bounds: list[dt.datetime]) -> dict[tuple[str, int], int]:
        """Cases started per item in each period [bounds[i], bounds[i + 1]): {(process key, i): count}."""
        started = t.cases.c.started_at
        buckets = [
            func.sum(case((and_(started >= low, started < high), 1), else_=0)).label(f"p{i}")
            for i, (low, high) in enumerate(zip(bounds, bounds[1:], strict=False))
        ]
        query = (
            select(t.cases.c.process_key, *buckets)
            .where(started >= bounds[0], started < bounds[-1])
            .group_by(t.cases.c.process_key)
        )
        return {(r[0], i): int(n) for r in self.conn.execute(query) for i, n in enumerate(r[1:]) if n}

    # -- query codes -----------------------------------------------------------------------------
    def put_code(self, row: QueryCodeRow) -> bool:
        """Store (or replace) the case's code; True when it replaced an earlier one."""
        values = asdict(row)
        res = self.conn.execute(update(q).where(q.c.case_id == row.case_id).values(**values))
        if res.rowcount:
            return True
        self.conn.execute(insert(q).values(**values))
        return False

    def code(self, case_id: str) -> QueryCodeRow | None:
        r = self.conn.execute(select(q).where(q.c.case_id == case_id)).first()
        return QueryCodeRow(r.case_id, r.salt, r.code_hash, r.issued_at, r.issued_by) if r else None
