"""API tokens: issued with an optional expiry, listed by id, revoked by id; only their hash is kept.

A token is accepted while it is neither revoked nor expired (``TokenEntry.valid_at``) and its user is
not disabled. Every request reads this from the database, so a revocation, an expiry or a disabled
user is refused on the very next request, on every worker and every node. Issuing and revoking are
acts of an administrator and entries of the whole-process record (``token.issued``, ``token.revoked``),
never with the token itself."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from engine.errors import InvalidInput, NotFound
from engine.kernel.bureau import ZONE
from engine.kernel.context import AppContext
from engine.kernel.ports import Actor, RecordDraft
from engine.people.rows import TokenEntry
from engine.record.append import record

DURATION = re.compile(r"^(\d{1,5})([hdw])$")
UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
LONGEST = timedelta(days=3660)  # ten years: a longer "expiry" is a typing mistake


@dataclass(frozen=True)
class IssuedToken:
    id: str
    user_id: str
    token: str  # shown once, never stored
    expires_at: datetime | None


def _bad_expiry(text: str) -> InvalidInput:
    return InvalidInput(
        f"有效期无效：{text}（例如 90d、12h、2w 或日期 2027-03-31）",
        f"Invalid expiry: {text} (e.g. 90d, 12h, 2w or a date 2027-03-31)",
        code="invalid-expiry",
    )


def expiry_from(text: str, now: datetime) -> datetime:
    """A duration from now (``90d``, ``12h``, ``2w``) or a date: valid through that day, bureau time."""
    text = text.strip()
    found = DURATION.match(text)
    if found:
        ends = now + int(found.group(1)) * UNITS[found.group(2)]
    else:
        try:
            day = date.fromisoformat(text)
        except ValueError as exc:
            raise _bad_expiry(text) from exc
        ends = datetime.combine(day + timedelta(days=1), time(), ZONE)
    if not now < ends <= now + LONGEST:
        raise _bad_expiry(text)
    return ends


def new_token() -> str:
    return f"sx-{secrets.token_urlsafe(24)}"


def issue_token(
    ctx: AppContext,
    user_id: str,
    expires_at: datetime | None = None,
    *,
    label: str = "cli",
    by: str = "admin",
) -> IssuedToken:
    token, now = new_token(), ctx.clock()
    with ctx.uow() as uow:
        if not uow.users.exists(user_id):
            raise NotFound(f"没有用户 {user_id}", f"No user {user_id}", code="user-not-found")
        token_id = uow.users.add_token(user_id, token, label, now, expires_at)
        payload = {
            "user": user_id,
            "tokenId": token_id,
            "label": label,
            "expiresAt": expires_at.isoformat() if expires_at else None,
        }
        record(ctx, uow, RecordDraft(action="token.issued", actor=by, payload=payload), now)
        uow.commit()
    return IssuedToken(token_id, user_id, token, expires_at)


def revoke_token(ctx: AppContext, token_id: str, by: str = "admin") -> TokenEntry:
    """Revoke by public id; revoking again changes nothing and records nothing."""
    now = ctx.clock()
    with ctx.uow() as uow:
        entry: TokenEntry | None = uow.users.token_by_id(token_id.strip())
        if entry is None:
            raise NotFound(f"没有令牌 {token_id}", f"No token {token_id}", code="token-not-found")
        if entry.revoked_at is None:
            uow.users.revoke_token(entry.id, now)
            payload = {"user": entry.user_id, "tokenId": entry.id}
            record(ctx, uow, RecordDraft(action="token.revoked", actor=by, payload=payload), now)
            entry = replace(entry, revoked_at=now)
        uow.commit()
    return entry


def token_register(ctx: AppContext, user_id: str | None = None) -> list[TokenEntry]:
    with ctx.uow(readonly=True) as uow:
        entries: list[TokenEntry] = uow.users.tokens(user_id)
    return entries


def token_actor(ctx: AppContext, token: str) -> Actor | None:
    """The active user a presented token stands for, if it is neither revoked nor expired."""
    if not token:
        return None
    with ctx.uow(readonly=True) as uow:
        found: tuple[TokenEntry, Actor | None] | None = uow.users.token_holder(token)
    if found is None or not found[0].valid_at(ctx.clock()):
        return None
    return found[1]
