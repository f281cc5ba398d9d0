"""Users, their groups (matching BPMN candidate groups) and API tokens."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import Connection, delete, insert, select

from engine.services.ports import Actor
from engine.store import tables as t


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class UserRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def get(self, user_id: str) -> Actor | None:
        row = self.conn.execute(select(t.users).where(t.users.c.id == user_id, t.users.c.active)).first()
        if row is None:
            return None
        groups = self.conn.execute(select(t.user_groups.c.group_name)
                                   .where(t.user_groups.c.user_id == user_id)).scalars()
        return Actor(row.id, frozenset(groups), row.display_name)

    def upsert(self, user_id: str, display_name: str, groups: list[str], now: datetime) -> None:
        if self.conn.execute(select(t.users.c.id).where(t.users.c.id == user_id)).first() is None:
            self.conn.execute(insert(t.users).values(id=user_id, display_name=display_name, active=True,
                                                     created_at=now))
        else:
            self.conn.execute(t.users.update().where(t.users.c.id == user_id)
                              .values(display_name=display_name, active=True))
        self.conn.execute(delete(t.user_groups).where(t.user_groups.c.user_id == user_id))
        if groups:
            self.conn.execute(insert(t.user_groups), [{"user_id": user_id, "group_name": g} for g in groups])

    def list(self) -> list[Actor]:
        ids = self.conn.execute(select(t.users.c.id).order_by(t.users.c.id)).scalars().all()
        return [a for a in (self.get(i) for i in ids) if a is not None]

    def add_token(self, user_id: str, token: str, label: str, now: datetime) -> None:
        self.conn.execute(insert(t.api_tokens).values(token_hash=token_hash(token), user_id=user_id,
                                                      label=label, created_at=now))

    def by_token(self, token: str) -> Actor | None:
        user_id = self.conn.execute(select(t.api_tokens.c.user_id)
                                    .where(t.api_tokens.c.token_hash == token_hash(token))).scalar()
        return self.get(user_id) if user_id else None
