"""Logging in and out of the work pages: passwords checked under a throttle, login sessions, the security log.

Every checked login (``login``, ``login-failed``) and every logout is a row of the security log, never
an entry of the whole-process record (that is for cases): an anonymous client cannot make the permanent
record grow. The throttle (``engine.people.rules``) counts per login name *and* client
address, and per address: nobody can lock another person out from elsewhere. An attempt refused by the
throttle writes nothing and costs no password hash."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from engine.errors import NotAllowed
from engine.kernel.context import AppContext
from engine.kernel.ports import Actor, UnitOfWork
from engine.people.rows import SecurityEvent
from engine.people.rules import (
    ADDRESS_FAILURES,
    ADDRESS_WINDOW,
    PAIR_MEMORY,
    client_key,
    failures_since_success,
    wait_until,
)
from engine.people.staff import session_key, verify_password

SESSION_LIFETIME = timedelta(hours=12)


@dataclass(frozen=True)
class LoggedIn:
    actor: Actor
    session_id: str  # goes into the (signed) cookie; the database keeps only its hash


def throttled_until(uow: UnitOfWork, login_name: str, client: str, now: datetime) -> datetime | None:
    """When this login name may be tried again from this client (None: now)."""
    log = uow.security_log
    pair = failures_since_success(log.pair_attempts(login_name, client, now - PAIR_MEMORY))
    address = log.client_failures(client, now - ADDRESS_WINDOW, ADDRESS_FAILURES)
    return wait_until(pair, address, now)


def log_event(ctx: AppContext, uow: UnitOfWork, event: SecurityEvent, now: datetime) -> None:
    """A row of the security log, pruned to the retention and the row bound of the settings."""
    keep = max(timedelta(days=ctx.settings.security_log_days), PAIR_MEMORY)
    uow.security_log.add(event, now, keep_after=now - keep, max_rows=ctx.settings.security_log_max_rows)


def throttled(until: datetime, now: datetime) -> NotAllowed:
    seconds = max(1, int((until - now).total_seconds() + 0.999))
    wait_zh = f"{seconds // 60} 分 {seconds % 60} 秒" if seconds >= 60 else f"{seconds} 秒"
    return NotAllowed(
        f"登录失败次数过多，请 {wait_zh}后再试",
        f"Too many failed logins: try again in {seconds} s",
        code="login-throttled",
        details={"retryAfter": seconds},
    )


def _failure_reason(uow: UnitOfWork, login_name: str, known: bool) -> str:
    if known:
        return "wrong-password"
    return "disabled" if uow.users.exists(login_name) else "unknown-user"


def login(ctx: AppContext, login_name: str, password: str, remote: str = "") -> LoggedIn:
    """Check the password unless the throttle says wait; log the outcome. Raises NotAllowed on refusal."""
    login_name, now, client = login_name.strip()[:64], ctx.clock(), client_key(remote)
    with ctx.uow() as uow:
        until = throttled_until(uow, login_name, client, now)
        if until is not None:
            raise throttled(until, now)
        actor = uow.users.get(login_name)
        stored = uow.people.password_hash(login_name) if actor is not None else None
        if actor is None or not verify_password(ctx, stored, password):
            failed = SecurityEvent(
                "login-failed",
                login_name,
                client,
                remote,
                {"reason": _failure_reason(uow, login_name, actor is not None)},
            )
            log_event(ctx, uow, failed, now)
            uow.commit()
            raise NotAllowed("用户名或密码错误", "Wrong user name or password", code="login-failed")
        session_id = secrets.token_urlsafe(32)
        uow.people.add_session(session_key(session_id), actor.user_id, now, now + SESSION_LIFETIME, remote)
        log_event(ctx, uow, SecurityEvent("login", login_name, client, remote), now)
        uow.commit()
    return LoggedIn(actor, session_id)


def session_actor(ctx: AppContext, session_id: str) -> Actor | None:
    """The user of an open, unexpired session who is not disabled; else None."""
    with ctx.uow(readonly=True) as uow:
        user_id = uow.people.session_user(session_key(session_id), ctx.clock())
        actor: Actor | None = uow.users.get(user_id) if user_id else None
    return actor


def logout(ctx: AppContext, session_id: str, remote: str = "") -> None:
    now = ctx.clock()
    with ctx.uow() as uow:
        user_id = uow.people.end_session(session_key(session_id), now)
        if user_id is not None:
            log_event(ctx, uow, SecurityEvent("logout", user_id, client_key(remote), remote), now)
        uow.commit()


def security_log(ctx: AppContext, limit: int = 50, login_name: str | None = None) -> list[SecurityEvent]:
    """The newest rows of the security log, newest first."""
    with ctx.uow(readonly=True) as uow:
        events: list[SecurityEvent] = uow.security_log.recent(limit, login_name)
    return events
