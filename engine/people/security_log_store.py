"""The security log: logins, failed logins and logouts (accounts and access; cases have their record).

Bounded twice, on every write: rows older than the retention are deleted, and so is every row more
than ``max_rows`` ids behind the newest (ids grow by one a row, so the table never holds more)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select

from engine.people.rows import SecurityEvent
from engine.store.schema import people as p

ATTEMPTS = ("login", "login-failed")


class SecurityLogRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, event: SecurityEvent, now: datetime, *, keep_after: datetime, max_rows: int) -> None:
        done = self.conn.execute(
            insert(p.security_log).values(
                at=now,
                kind=event.kind,
                login=event.login[:64],
                client=event.client[:64],
                remote=event.remote[:64],
                detail=json.dumps(event.detail, ensure_ascii=False, sort_keys=True),
            )
        )
        key = done.inserted_primary_key
        assert key is not None
        newest = int(key[0])
        self.conn.execute(delete(p.security_log).where(p.security_log.c.at < keep_after))  # index on at
        self.conn.execute(delete(p.security_log).where(p.security_log.c.id <= newest - max_rows))  # the key

    def pair_attempts(self, login: str, client: str, since: datetime) -> list[tuple[datetime, bool]]:
        """(time, succeeded) of the password attempts of one login name from one client, oldest first."""
        rows = self.conn.execute(
            select(p.security_log.c.at, p.security_log.c.kind)
            .where(
                p.security_log.c.login == login[:64],
                p.security_log.c.client == client[:64],
                p.security_log.c.at > since,
                p.security_log.c.kind.in_(ATTEMPTS),
            )
            .order_by(p.security_log.c.at, p.security_log.c.id)
        )
        return [(r.at, r.kind == "login") for r in rows]

    def client_failures(self, client: str, since: datetime, limit: int) -> list[datetime]:
        """The newest ``limit`` failed attempts from one client since ``since``, oldest first."""
        rows = (
            self.conn.execute(
                select(p.security_log.c.at)
                .where(
                    p.security_log.c.client == client[:64],
                    p.security_log.c.at > since,
                    p.security_log.c.kind == "login-failed",
                )
                .order_by(p.security_log.c.at.desc(), p.security_log.c.id.desc())
                .limit(limit)
            )
            .scalars()
            .all()
        )
        return list(reversed(rows))

    def recent(self, limit: int, login: str | None = None) -> list[SecurityEvent]:
        query = select(p.security_log).order_by(p.security_log.c.id.desc()).limit(limit)
        if login is not None:
            query = query.where(p.security_log.c.login == login)
        return [_event(r) for r in self.conn.execute(query)]

    def count(self) -> int:
        return int(self.conn.execute(select(func.count()).select_from(p.security_log)).scalar_one())


def _event(row: Any) -> SecurityEvent:
    return SecurityEvent(row.kind, row.login, row.client, row.remote, json.loads(row.detail), row.at)
