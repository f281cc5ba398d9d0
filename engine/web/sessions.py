"""Login sessions for the pages: a random session id in Flask's signed cookie, its hash in the database
(so that logout and expiry end it on every worker), and CSRF tokens (Flask-WTF) on every unsafe request
that a session authenticates — page forms and the pages' own calls to the JSON API alike."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask, current_app, g, request, session
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from wtforms import ValidationError

from engine.errors import NotAllowed
from engine.kernel import log_context
from engine.kernel.context import AppContext
from engine.kernel.json_types import JsonObject
from engine.kernel.ports import Actor
from engine.people import login

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "X-CSRFToken"
CSRF_FIELD = "csrf_token"


def _ctx() -> AppContext:
    ctx: AppContext = current_app.extensions["sanxiang"]
    return ctx


def secret_key_for(ctx: AppContext) -> str:
    """The configured secret; else one made once and kept in ``<var>/secret_key`` (mode 0600)."""
    if ctx.settings.secret_key:
        return ctx.settings.secret_key
    path = Path(ctx.settings.var_dir) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def init_sessions(app: Flask, ctx: AppContext) -> None:
    if app.extensions.get("sanxiang.sessions"):
        return
    app.extensions["sanxiang.sessions"] = True
    if not app.secret_key:
        app.secret_key = secret_key_for(ctx)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # valid as long as the login session
    app.config.update(cookie_settings(ctx.settings.secure_cookies))
    app.jinja_env.globals["csrf_token"] = generate_csrf


def cookie_settings(secure: bool) -> JsonObject:
    """The session cookie: never readable by scripts (HttpOnly), not sent on cross-site posts (SameSite=Lax:
    a link from elsewhere still opens a page logged in; every unsafe request also needs the CSRF token).
    With ``SANXIANG_SECURE_COOKIES`` it travels only over HTTPS (Secure) and is named ``__Host-…``, so the
    browser refuses it from plain HTTP, from another path, or set for a parent domain."""
    return {
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        "SESSION_COOKIE_NAME": "__Host-sanxiang_session" if secure else "sanxiang_session",
        "SESSION_COOKIE_PATH": "/",
        "SESSION_COOKIE_DOMAIN": None,
        "PERMANENT_SESSION_LIFETIME": login.SESSION_LIFETIME,
    }


def csrf_refused() -> NotAllowed:
    return NotAllowed(
        "页面已过期或请求来源不明（CSRF 校验失败），请刷新页面后重试",
        "The form is stale or did not come from our page (CSRF check failed); reload and try again",
        code="csrf-failed",
    )


def check_csrf() -> None:
    """Unsafe requests authenticated by the session cookie must carry the token of that session."""
    if request.method in SAFE_METHODS:
        return
    token = request.headers.get(CSRF_HEADER)
    if not token and request.mimetype == "application/x-www-form-urlencoded":
        token = request.form.get(CSRF_FIELD, "")  # never parse other bodies here (uploads are streamed)
    try:
        validate_csrf(token)
    except (ValidationError, CSRFError) as exc:
        raise csrf_refused() from exc


def session_actor() -> Actor | None:
    """Who the session cookie says is calling (once per request), or None."""
    if "sanxiang_session_actor" in g:
        found: Actor | None = g.sanxiang_session_actor
        return found
    sid = session.get("sid")
    actor = login.session_actor(_ctx(), sid) if isinstance(sid, str) else None
    g.sanxiang_session_actor = actor
    if actor is not None:
        log_context.bind(actor=actor.user_id)
    return actor


def start_session(logged_in: login.LoggedIn, lang: object = None) -> None:
    session.clear()  # a new session id and a new CSRF token at login: no fixation
    session.permanent = True
    session["sid"] = logged_in.session_id
    if lang:
        session["lang"] = lang
    g.sanxiang_session_actor = logged_in.actor


def end_session() -> None:
    sid = session.get("sid")
    if isinstance(sid, str):
        login.logout(_ctx(), sid, remote=request.remote_addr or "")
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    g.sanxiang_session_actor = None
