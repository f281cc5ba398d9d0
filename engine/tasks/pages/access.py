"""Login, logout and the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import redirect, request, session, url_for
from flask.typing import ResponseReturnValue

from engine.errors import NotAllowed
from engine.people import login as accounts
from engine.tasks.pages import context, pages, render
from engine.web.i18n import LANGUAGES, pick
from engine.web.permissions import PUBLIC, requires
from engine.web.sessions import end_session, start_session


def safe_next(target: str | None, default: str) -> str:
    """Only a path on this site (no scheme, no host, no //): never an open redirect."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


@pages.get("/login")
def login() -> ResponseReturnValue:
    return render("login.html", next=request.args.get("next", ""), login_name="")


@pages.post("/login")
@requires(PUBLIC)
def login_submit() -> ResponseReturnValue:
    name, password = request.form.get("login", ""), request.form.get("password", "")
    target = safe_next(request.form.get("next"), url_for("pages.task_list"))
    try:
        logged_in = accounts.login(context(), name, password, remote=request.remote_addr or "")
    except NotAllowed as exc:
        status = 429 if exc.code == "login-throttled" else 401
        body, _ = render(
            "login.html", status, next=target, login_name=name, error=pick(exc.message_zh, exc.message_en)
        )
        headers = {"Retry-After": str(exc.details["retryAfter"])} if "retryAfter" in exc.details else {}
        return body, status, headers
    start_session(logged_in, lang=session.get("lang"))
    return redirect(target)


@pages.post("/logout")
@requires(PUBLIC)
def logout() -> ResponseReturnValue:
    end_session()
    return redirect(url_for("pages.login", done=1))


@pages.get("/lang/<code>")
def language(code: str) -> ResponseReturnValue:
    if code in LANGUAGES:
        session["lang"] = code
    return redirect(safe_next(request.args.get("next"), url_for("pages.task_list")))
