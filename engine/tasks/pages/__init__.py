"""The work pages for staff (server-rendered, Chinese by default): login, task list, task page.

Every unsafe request (POST) carries the session's CSRF token; every page but login needs a session.
Templates live in ``engine/web/templates/pages/``, static files in ``engine/web/static/pages/``, the
form-js viewer is served from the project's own npm install (``vendor.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from apiflask import APIBlueprint
from flask import Flask, current_app, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue

from engine.errors import NotFound, SanxiangError
from engine.kernel.context import AppContext
from engine.kernel.json_types import JsonValue
from engine.kernel.ports import Actor
from engine.tasks.pages import views
from engine.web.i18n import init_i18n, pick
from engine.web.page_headers import add_page_headers
from engine.web.sessions import check_csrf, init_sessions, session_actor

WEB = Path(__file__).resolve().parents[2] / "web"
PUBLIC_ENDPOINTS = frozenset(
    {"pages.login", "pages.login_submit", "pages.language", "pages.static", "pages.vendor"}
)
LANGUAGE_NAMES = {"zh": "中文", "en": "English"}

pages = APIBlueprint(
    "pages",
    __name__,
    template_folder=str(WEB / "templates"),
    static_folder=str(WEB / "static" / "pages"),
    static_url_path="/static/pages",
    enable_openapi=False,
)  # pages, not API: kept out of the OpenAPI document


def context() -> AppContext:
    ctx: AppContext = current_app.extensions["sanxiang"]
    return ctx


def actor() -> Actor:
    found = session_actor()
    if found is None:  # before_request sends anonymous visitors to the login page
        raise NotFound("请先登录", "Log in first", code="login-required")
    return found.via("pages")


def render(template: str, status: int = 200, **values: JsonValue) -> tuple[str, int]:
    return render_template(f"pages/{template}", actor=session_actor(), **values), status


@pages.record_once
def _setup(state: BlueprintSetupState) -> None:
    app = cast(Flask, state.app)
    ctx: AppContext = app.extensions["sanxiang"]
    init_i18n(app, ctx)
    init_sessions(app, ctx)
    app.jinja_env.globals.update(
        groups_text=views.groups_text,
        role_label=lambda r: views.label(views.ROLE_LABELS, r),
        status_label=lambda s: views.label(views.STATUS_LABELS, s),
        deadline_label=lambda k: views.label(views.DEADLINE_LABELS, k),
        language_names=LANGUAGE_NAMES,
    )


@pages.before_request
def _gate() -> ResponseReturnValue | None:
    check_csrf()
    if request.endpoint in PUBLIC_ENDPOINTS or session_actor() is not None:
        return None
    return redirect(url_for("pages.login", next=request.full_path.rstrip("?")))


pages.after_request(add_page_headers)


@pages.errorhandler(SanxiangError)
def _error(error: SanxiangError) -> ResponseReturnValue:
    from engine.web.problems import STATUS

    status = next((code for cls, code, _ in STATUS if isinstance(error, cls)), 500)
    return render("error.html", status, message=pick(error.message_zh, error.message_en), code=error.code)


# the pages register their routes on the blueprint above when imported
from engine.tasks.pages import access, task_page, vendor, worklist  # noqa: E402, F401, I001
