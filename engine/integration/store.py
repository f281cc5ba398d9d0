"""Webhook subscriptions and inbound applications (``uow.webhooks``)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from engine.integration.rows import SubscriptionRow
from engine.store import tables as t
from engine.store.schema import webhooks as w


def _subscription(r: Any) -> SubscriptionRow:
    return SubscriptionRow(
        id=r.id,
        url=r.url,
        event_types=tuple(json.loads(r.event_types)),
        secret=r.secret,
        active=bool(r.active),
        created_by=r.created_by,
        created_at=r.created_at,
        description=r.description,
        removed_at=r.removed_at,
    )


class WebhookRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._active: list[SubscriptionRow] | None = None

    # -- subscriptions ---------------------------------------------------------------------------
    def add_subscription(self, row: SubscriptionRow) -> None:
        self.conn.execute(
            insert(w.webhook_subscriptions).values(
                id=row.id,
                url=row.url,
                event_types=json.dumps(list(row.event_types)),
                secret=row.secret,
                description=row.description,
                active=row.active,
                created_by=row.created_by,
                created_at=row.created_at,
                removed_at=None,
            )
        )
        self._active = None

    def subscription(self, subscription_id: str) -> SubscriptionRow | None:
        r = self.conn.execute(
            select(w.webhook_subscriptions).where(w.webhook_subscriptions.c.id == subscription_id)
        ).first()
        return _subscription(r) if r else None

    def subscriptions(self, *, include_removed: bool = False) -> list[SubscriptionRow]:
        query = select(w.webhook_subscriptions).order_by(
            w.webhook_subscriptions.c.created_at, w.webhook_subscriptions.c.id
        )
        if not include_removed:
            query = query.where(w.webhook_subscriptions.c.active)
        return [_subscription(r) for r in self.conn.execute(query)]

    def active_subscriptions(self) -> list[SubscriptionRow]:
        """The active subscriptions, read once per unit of work (the outbox listener asks per record)."""
        if self._active is None:
            self._active = self.subscriptions()
        return self._active

    def deactivate(self, subscription_id: str, now: datetime) -> bool:
        res = self.conn.execute(
            update(w.webhook_subscriptions)
            .where(w.webhook_subscriptions.c.id == subscription_id, w.webhook_subscriptions.c.active)
            .values(active=False, removed_at=now)
        )
        self._active = None
        return res.rowcount == 1

    # -- inbound applications --------------------------------------------------------------------
    def application_case(self, application_id: str) -> str | None:
        return self.conn.execute(
            select(w.inbound_applications.c.case_id).where(
                w.inbound_applications.c.application_id == application_id
            )
        ).scalar()

    def claim_application(self, application_id: str, case_id: str, item_code: str, now: datetime) -> bool:
        """Remember the application's case; False when another transaction remembered one first.

        ``INSERT … ON CONFLICT DO NOTHING``: on PostgreSQL a concurrent duplicate waits for the first
        transaction and then inserts nothing, so the caller rolls back its own case."""
        dialect = postgresql if self.conn.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(w.inbound_applications).values(
            application_id=application_id, case_id=case_id, item_code=item_code, received_at=now
        )
        statement = statement.on_conflict_do_nothing(index_elements=["application_id"])
        inserted = self.conn.execute(statement.returning(w.inbound_applications.c.application_id)).first()
        return inserted is not None

    def running_cases_mentioning(self, text: str, business_key: str | None, case_id: str | None) -> list[str]:
        """Ids of the running cases (with this business key, or this id, when given) whose deployed
        diagram contains ``text``, oldest first: candidates for a message, checked one by one."""
        c, p = t.cases.c, t.processes.c
        query = (
            select(c.id)
            .join(t.processes, p.id == c.process_id)
            .where(c.status == "running", p.xml.contains(text, autoescape=True))
            .order_by(c.started_at, c.id)
        )
        if business_key is not None:
            query = query.where(c.business_key == business_key)
        if case_id is not None:
            query = query.where(c.id == case_id)
        return list(self.conn.execute(query).scalars())

    def running_cases(self, business_key: str) -> list[str]:
        """Ids of the running cases with this business key, oldest first."""
        rows = self.conn.execute(
            select(t.cases.c.id)
            .where(t.cases.c.business_key == business_key, t.cases.c.status == "running")
            .order_by(t.cases.c.started_at, t.cases.c.id)
        ).scalars()
        return list(rows)
