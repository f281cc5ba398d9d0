"""People and access: passwords (argon2), the staff register, disabling and enabling users.

Saving, disabling and enabling a user are acts of an administrator and entries of the whole-process
record without a case (``user.saved``, ``user.disabled``, ``user.enabled``). Logging in and out is in
``engine.people.login`` (the security log)."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from engine.errors import InvalidInput, NotFound
from engine.kernel.context import AppContext
from engine.kernel.ports import RecordDraft
from engine.people.rows import StaffEntry
from engine.record.append import record

MIN_PASSWORD = 8
USER_ID = re.compile(r"^[a-z][a-z0-9._-]{1,63}$")
GROUP = re.compile(r"^[a-z][a-z0-9-]{1,63}$")


@cache
def hasher(profile: str) -> PasswordHasher:
    """argon2id; the "test" profile is cheap and for tests only (the default costs ~150 ms a hash)."""
    if profile == "test":
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1, hash_len=16, salt_len=16)
    return PasswordHasher()


def hash_password(ctx: AppContext, password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(
            f"密码至少 {MIN_PASSWORD} 个字符",
            f"A password has at least {MIN_PASSWORD} characters",
            code="password-too-short",
        )
    return hasher(ctx.settings.password_hash_profile).hash(password)


def verify_password(ctx: AppContext, stored: str | None, password: str) -> bool:
    """Against the stored hash; without one, against a dummy (same time: no user enumeration)."""
    ph = hasher(ctx.settings.password_hash_profile)
    try:
        return (
            ph.verify(stored or _dummy(ctx.settings.password_hash_profile), password) and stored is not None
        )
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy(profile: str) -> str:  # verified against when the user is unknown: same time, no enumeration
    return hasher(profile).hash(secrets.token_hex(16))


def session_key(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def check_groups(groups: Sequence[str]) -> list[str]:
    bad = [g for g in groups if not GROUP.match(g)]
    if bad or not groups:
        raise InvalidInput(
            f"用户组无效：{', '.join(bad) or '（空）'}",
            f"Invalid groups: {', '.join(bad) or '(none)'}",
            code="invalid-groups",
        )
    return sorted(set(groups))


@dataclass(frozen=True)
class NewUser:
    user_id: str
    name: str
    groups: Sequence[str]
    password: str | None = None
    token: str | None = None
    post: str = ""
    department: str = ""
    window: str = ""
    certificate_no: str = ""
    certificate_issuer: str = ""
    certificate_valid_until: date | None = None


def add_user(ctx: AppContext, new: NewUser, by: str = "admin") -> StaffEntry:
    """Create or update a user with their groups, register entry, and optionally a password and a token."""
    if not USER_ID.match(new.user_id):
        raise InvalidInput(
            "用户名须为小写字母开头的字母、数字、点、横线",
            "A user id is lower-case letters, digits, . _ -",
            code="invalid-user-id",
        )
    groups, now = check_groups(new.groups), ctx.clock()
    hashed = hash_password(ctx, new.password) if new.password is not None else None
    with ctx.uow() as uow:
        uow.users.upsert(new.user_id, new.name, groups, now)
        uow.people.put_staff(
            new.user_id,
            now,
            post=new.post,
            department=new.department,
            window=new.window,
            certificate_no=new.certificate_no,
            certificate_issuer=new.certificate_issuer,
            certificate_valid_until=new.certificate_valid_until,
        )
        if hashed is not None:
            uow.people.set_password(new.user_id, hashed, now)
        token_id = uow.users.add_token(new.user_id, new.token, "cli", now) if new.token is not None else None
        saved = {
            "user": new.user_id,
            "groups": groups,
            "password": hashed is not None,
            "token": new.token is not None,
            "tokenId": token_id,
            "certificate": new.certificate_no,
        }
        record(ctx, uow, RecordDraft(action="user.saved", actor=by, payload=saved), now)
        entry: StaffEntry | None = uow.people.staff(new.user_id)
        uow.commit()
    assert entry is not None
    return entry


def staff_register(ctx: AppContext) -> list[StaffEntry]:
    with ctx.uow(readonly=True) as uow:
        entries: list[StaffEntry] = uow.people.register()
    return entries


def set_user_active(ctx: AppContext, user_id: str, active: bool, by: str = "admin") -> int:
    """Enable or disable a user; disabling ends their login sessions at once (returned: how many).

    A disabled user cannot log in, and their sessions and API tokens are refused on the next request
    on every worker (each request reads the database); enabling restores their unrevoked tokens."""
    now = ctx.clock()
    with ctx.uow() as uow:
        if not uow.users.set_active(user_id, active):
            raise NotFound(f"没有用户 {user_id}", f"No user {user_id}", code="user-not-found")
        ended = 0 if active else int(uow.people.end_sessions_of(user_id, now))
        action = "user.enabled" if active else "user.disabled"
        payload = {"user": user_id, "sessionsEnded": ended}
        record(ctx, uow, RecordDraft(action=action, actor=by, payload=payload), now)
        uow.commit()
    return ended
