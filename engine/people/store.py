"""The staff register, password hashes and login sessions (tables in ``engine.store.schema.people``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from engine.kernel.json_types import JsonObject
from engine.people.rows import StaffEntry
from engine.store import tables as t
from engine.store.schema import people as p

STAFF_FIELDS = (
    "post",
    "department",
    "window",
    "certificate_no",
    "certificate_issuer",
    "certificate_valid_until",
)


class PeopleRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # -- the staff register ------------------------------------------------------------------
    def _groups(self) -> dict[str, list[str]]:
        groups: dict[str, list[str]] = {}
        for row in self.conn.execute(select(t.user_groups).order_by(t.user_groups.c.group_name)):
            groups.setdefault(row.user_id, []).append(row.group_name)
        return groups

    @staticmethod
    def _entry(row: Any, groups: list[str]) -> StaffEntry:
        return StaffEntry(
            row.id,
            row.display_name,
            tuple(groups),
            bool(row.active),
            row.post or "",
            row.department or "",
            row.window or "",
            row.certificate_no or "",
            row.certificate_issuer or "",
            row.certificate_valid_until,
        )

    def _query(self) -> Any:
        return (
            select(
                t.users.c.id, t.users.c.display_name, t.users.c.active, *(p.staff.c[f] for f in STAFF_FIELDS)
            )
            .select_from(t.users.outerjoin(p.staff, p.staff.c.user_id == t.users.c.id))
            .order_by(t.users.c.id)
        )

    def register(self) -> list[StaffEntry]:
        groups = self._groups()
        return [self._entry(r, groups.get(r.id, [])) for r in self.conn.execute(self._query())]

    def staff(self, user_id: str) -> StaffEntry | None:
        row = self.conn.execute(self._query().where(t.users.c.id == user_id)).first()
        if row is None:
            return None
        names = (
            self.conn.execute(
                select(t.user_groups.c.group_name)
                .where(t.user_groups.c.user_id == user_id)
                .order_by(t.user_groups.c.group_name)
            )
            .scalars()
            .all()
        )
        return self._entry(row, list(names))

    def put_staff(self, user_id: str, now: datetime, **fields: str | date | None) -> None:
        unknown = set(fields) - set(STAFF_FIELDS)
        assert not unknown, unknown
        exists = self.conn.execute(select(p.staff.c.user_id).where(p.staff.c.user_id == user_id)).first()
        if exists is None:
            values: JsonObject = {f: "" for f in STAFF_FIELDS}
            values["certificate_valid_until"] = None
            values.update(fields)
            self.conn.execute(insert(p.staff).values(user_id=user_id, updated_at=now, **values))
        elif fields:
            self.conn.execute(
                update(p.staff).where(p.staff.c.user_id == user_id).values(updated_at=now, **fields)
            )

    # -- passwords -----------------------------------------------------------------------------
    def password_hash(self, user_id: str) -> str | None:
        found: str | None = self.conn.execute(
            select(p.passwords.c.hash).where(p.passwords.c.user_id == user_id)
        ).scalar()
        return found

    def set_password(self, user_id: str, hashed: str, now: datetime) -> None:
        if self.password_hash(user_id) is None:
            self.conn.execute(insert(p.passwords).values(user_id=user_id, hash=hashed, changed_at=now))
        else:
            self.conn.execute(
                update(p.passwords)
                .where(p.passwords.c.user_id == user_id)
                .values(hash=hashed, changed_at=now)
            )

    # -- login sessions ---------------------------------------------------------------------------
    def add_session(
        self, id_hash: str, user_id: str, now: datetime, expires_at: datetime, remote: str
    ) -> None:
        self.conn.execute(
            insert(p.login_sessions).values(
                id_hash=id_hash, user_id=user_id, created_at=now, expires_at=expires_at, remote=remote[:64]
            )
        )

    def session_user(self, id_hash: str, now: datetime) -> str | None:
        found: str | None = self.conn.execute(
            select(p.login_sessions.c.user_id).where(
                p.login_sessions.c.id_hash == id_hash,
                p.login_sessions.c.ended_at.is_(None),
                p.login_sessions.c.expires_at > now,
            )
        ).scalar()
        return found

    def end_session(self, id_hash: str, now: datetime) -> str | None:
        user_id = self.session_user(id_hash, now)
        if user_id is not None:
            self.conn.execute(
                update(p.login_sessions).where(p.login_sessions.c.id_hash == id_hash).values(ended_at=now)
            )
        return user_id

    def end_sessions_of(self, user_id: str, now: datetime) -> int:
        """End every open login session of a user (on every worker: each request reads this table)."""
        done = self.conn.execute(
            update(p.login_sessions)
            .where(p.login_sessions.c.user_id == user_id, p.login_sessions.c.ended_at.is_(None))
            .values(ended_at=now)
        )
        return int(done.rowcount)
