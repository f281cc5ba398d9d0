"""Users, their groups (matching BPMN candidate groups) and API tokens (kept as SHA-256 hashes only)."""

from __future__ import annotations

import builtins
import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from engine.kernel.ports import Actor
from engine.people.rows import TokenEntry
from engine.store import tables as t


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_id(token: str) -> str:
    """A token's public id: the first 12 hex digits of its hash (what lists and revocation name)."""
    return token_hash(token)[:12]


class UserRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def get(self, user_id: str) -> Actor | None:
        """An active user with their groups; None for an unknown or disabled user."""
        row = self.conn.execute(select(t.users).where(t.users.c.id == user_id, t.users.c.active)).first()
        if row is None:
            return None
        groups = self.conn.execute(
            select(t.user_groups.c.group_name).where(t.user_groups.c.user_id == user_id)
        ).scalars()
        return Actor(row.id, frozenset(groups), row.display_name)

    def exists(self, user_id: str) -> bool:
        return self.conn.execute(select(t.users.c.id).where(t.users.c.id == user_id)).first() is not None

    def upsert(self, user_id: str, display_name: str, groups: list[str], now: datetime) -> None:
        """Create (active) or update name and groups; never changes whether the user is disabled."""
        if not self.exists(user_id):
            self.conn.execute(
                insert(t.users).values(id=user_id, display_name=display_name, active=True, created_at=now)
            )
        else:
            self.conn.execute(
                t.users.update().where(t.users.c.id == user_id).values(display_name=display_name)
            )
        self.conn.execute(delete(t.user_groups).where(t.user_groups.c.user_id == user_id))
        if groups:
            self.conn.execute(insert(t.user_groups), [{"user_id": user_id, "group_name": g} for g in groups])

    def set_active(self, user_id: str, active: bool) -> bool:
        """Enable or disable; False when the user is unknown."""
        done = self.conn.execute(update(t.users).where(t.users.c.id == user_id).values(active=active))
        return bool(done.rowcount)

    def list(self) -> list[Actor]:
        ids = self.conn.execute(select(t.users.c.id).order_by(t.users.c.id)).scalars().all()
        return [a for a in (self.get(i) for i in ids) if a is not None]

    # -- API tokens ------------------------------------------------------------------------------
    def add_token(
        self, user_id: str, token: str, label: str, now: datetime, expires_at: datetime | None = None
    ) -> str:
        """Keep the token's hash; return its public id."""
        self.conn.execute(
            insert(t.api_tokens).values(
                token_hash=token_hash(token),
                id=token_id(token),
                user_id=user_id,
                label=label,
                created_at=now,
                expires_at=expires_at,
            )
        )
        return token_id(token)

    def token(self, token: str) -> TokenEntry | None:
        """The register entry of a presented token (revoked and expired ones too), or None."""
        query = select(t.api_tokens).where(t.api_tokens.c.token_hash == token_hash(token))
        row = self.conn.execute(query).first()
        return _token_entry(row) if row is not None else None

    def token_holder(self, token: str) -> tuple[TokenEntry, Actor | None] | None:
        """In one query: the presented token's entry and its user with their groups (None if disabled)."""
        rows = self.conn.execute(
            select(t.api_tokens, t.users.c.display_name, t.users.c.active, t.user_groups.c.group_name)
            .join(t.users, t.users.c.id == t.api_tokens.c.user_id)
            .outerjoin(t.user_groups, t.user_groups.c.user_id == t.api_tokens.c.user_id)
            .where(t.api_tokens.c.token_hash == token_hash(token))
        ).all()
        if not rows:
            return None
        first = rows[0]
        groups = frozenset(r.group_name for r in rows if r.group_name is not None)
        actor = Actor(first.user_id, groups, first.display_name) if first.active else None
        return _token_entry(first), actor

    def tokens(self, user_id: str | None = None) -> builtins.list[TokenEntry]:
        query = select(t.api_tokens).order_by(t.api_tokens.c.user_id, t.api_tokens.c.created_at)
        if user_id is not None:
            query = query.where(t.api_tokens.c.user_id == user_id)
        return [_token_entry(row) for row in self.conn.execute(query)]

    def token_by_id(self, public_id: str) -> TokenEntry | None:
        row = self.conn.execute(select(t.api_tokens).where(t.api_tokens.c.id == public_id)).first()
        return _token_entry(row) if row is not None else None

    def revoke_token(self, public_id: str, now: datetime) -> None:
        self.conn.execute(
            update(t.api_tokens)
            .where(t.api_tokens.c.id == public_id, t.api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )


def _token_entry(row: Any) -> TokenEntry:
    return TokenEntry(row.id, row.user_id, row.label, row.created_at, row.expires_at, row.revoked_at)
