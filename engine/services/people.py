"""People and access: passwords (argon2), login with lockout, login sessions, the staff register.

Every login, failed login, refused login (locked), lockout and logout is a record entry without a
case (``user.login``, ``user.login-failed``, ``user.login-refused``, ``user.locked``, ``user.logout``)."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from engine.errors import InvalidInput, NotAllowed
from engine.services.context import AppContext
from engine.services.people_rows import StaffEntry
from engine.services.ports import Actor, RecordDraft, UnitOfWork
from engine.services.recording import record

MAX_FAILURES = 5  # this many failed logins within the window lock the login
LOCK_WINDOW = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=12)
MIN_PASSWORD = 8
USER_ID = re.compile(r"^[a-z][a-z0-9._-]{1,63}$")
GROUP = re.compile(r"^[a-z][a-z0-9-]{1,63}$")


def _people(uow: UnitOfWork) -> Any:
    return uow.people


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


def _verify(ctx: AppContext, stored: str | None, password: str) -> bool:
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


@dataclass(frozen=True)
class LoggedIn:
    actor: Actor
    session_id: str  # goes into the (signed) cookie; the database keeps only its hash


def locked_until(uow: UnitOfWork, login: str, now: datetime) -> datetime | None:
    """When MAX_FAILURES failures since the last success fall within the window: the end of the lock."""
    attempts = _people(uow).attempts_since(login, now - LOCK_WINDOW)
    failures: list[datetime] = []
    for at, ok in attempts:
        failures = [] if ok else [*failures, at]
    if len(failures) < MAX_FAILURES:
        return None
    return failures[-MAX_FAILURES] + LOCK_WINDOW


def _attempt(
    ctx: AppContext, uow: UnitOfWork, action: str, login: str, known: bool, now: datetime, **payload: object
) -> None:
    record(
        ctx,
        uow,
        RecordDraft(
            action=action, actor=login if known else "anonymous", payload={"login": login, **payload}
        ),
        now,
    )


def login(ctx: AppContext, login_name: str, password: str, remote: str = "") -> LoggedIn:
    """Check the password; refuse while locked; record every outcome. Raises NotAllowed on refusal."""
    login_name, now = login_name.strip()[:64], ctx.clock()
    with ctx.uow() as uow:
        actor = uow.users.get(login_name)
        known = actor is not None
        until = locked_until(uow, login_name, now)
        if until is not None:
            _attempt(ctx, uow, "user.login-refused", login_name, known, now, remote=remote,
                     lockedUntil=until.isoformat())
            uow.commit()
            raise NotAllowed("登录失败次数过多，账户已暂时锁定，请15分钟后再试",
                             "Too many failed logins: the account is locked for 15 minutes",
                             code="login-locked")
        ok = _verify(ctx, _people(uow).password_hash(login_name) if known else None, password)
        _people(uow).add_attempt(login_name, ok, remote, now)
        if not ok or actor is None:
            _attempt(ctx, uow, "user.login-failed", login_name, known, now, remote=remote)
            if locked_until(uow, login_name, now) is not None:
                _attempt(ctx, uow, "user.locked", login_name, known, now, remote=remote,
                         failures=MAX_FAILURES, minutes=int(LOCK_WINDOW.total_seconds() // 60))
            uow.commit()
            raise NotAllowed("用户名或密码错误", "Wrong user name or password", code="login-failed")
        session_id = secrets.token_urlsafe(32)
        _people(uow).add_session(session_key(session_id), actor.user_id, now, now + SESSION_LIFETIME, remote)
        _attempt(ctx, uow, "user.login", login_name, True, now, remote=remote)
        uow.commit()
    return LoggedIn(actor, session_id)


def session_actor(ctx: AppContext, session_id: str) -> Actor | None:
    with ctx.uow(readonly=True) as uow:
        user_id = _people(uow).session_user(session_key(session_id), ctx.clock())
        actor: Actor | None = uow.users.get(user_id) if user_id else None
    return actor


def logout(ctx: AppContext, session_id: str) -> None:
    now = ctx.clock()
    with ctx.uow() as uow:
        user_id = _people(uow).end_session(session_key(session_id), now)
        if user_id is not None:
            record(ctx, uow, RecordDraft(action="user.logout", actor=user_id), now)
        uow.commit()


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
        _people(uow).put_staff(
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
            _people(uow).set_password(new.user_id, hashed, now)
        if new.token is not None:
            uow.users.add_token(new.user_id, new.token, "cli", now)
        saved = {"user": new.user_id, "groups": groups, "password": hashed is not None,
                 "token": new.token is not None, "certificate": new.certificate_no}
        record(ctx, uow, RecordDraft(action="user.saved", actor=by, payload=saved), now)
        entry: StaffEntry | None = _people(uow).staff(new.user_id)
        uow.commit()
    assert entry is not None
    return entry


def staff_register(ctx: AppContext) -> list[StaffEntry]:
    with ctx.uow(readonly=True) as uow:
        entries: list[StaffEntry] = _people(uow).register()
    return entries
