"""The supervisor console pages (督查台), for supervisors and administrators, beside the work pages.

    /console                         counts, and the overdue, near-due, stuck and failed cases with reasons
    /console/cases/<id>              the case's diagram (bpmn-js, served from our npm install) with overlays,
                                     its timeline, variables and the actions (each with a reason)
    /console/migrate?item=<key>      a dry run of migrating live cases to the latest version, then the real

Shares the work pages' login session, CSRF tokens, layout and languages (Flask-Babel; this area's own
Chinese catalogue in ``translations/`` is merged with the pages'). With JavaScript off the diagram is
the server's SVG (``engine.diagram.render_svg``) with the same overlays.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

from apiflask import APIBlueprint
from flask import Flask, current_app, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue

from engine.errors import SanxiangError
from engine.kernel.context import AppContext
from engine.kernel.json_types import JsonValue
from engine.kernel.ports import Actor
from engine.supervision.access import is_supervisor
from engine.web.i18n import init_i18n, pick
from engine.web.page_headers import add_page_headers
from engine.web.sessions import check_csrf, init_sessions, session_actor

WEB = Path(__file__).resolve().parents[2] / "web"
TRANSLATIONS = Path(__file__).with_name("translations")
PUBLIC_ENDPOINTS = frozenset({"console.static", "console.vendor"})

console = APIBlueprint(
    "console",
    __name__,
    url_prefix="/console",
    template_folder=str(WEB / "templates"),
    static_folder=str(WEB / "static" / "console"),
    static_url_path="/static",
    enable_openapi=False,
)  # pages, not API: kept out of the OpenAPI document


def context() -> AppContext:
    ctx: AppContext = current_app.extensions["sanxiang"]
    return ctx


def actor() -> Actor:
    found = session_actor()
    assert found is not None  # the gate sends everyone else to the login page
    return found.via("console")


def render(template: str, status: int = 200, **values: JsonValue) -> tuple[str, int]:
    return render_template(f"console/{template}", actor=session_actor(), **values), status


@console.record_once
def _setup(state: BlueprintSetupState) -> None:
    app = cast(Flask, state.app)
    ctx: AppContext = app.extensions["sanxiang"]
    init_i18n(app, ctx)
    init_sessions(app, ctx)
    directories = app.extensions["babel"].translation_directories
    if str(TRANSLATIONS) not in directories:
        directories.append(str(TRANSLATIONS))


@console.before_request
def _gate() -> ResponseReturnValue | None:
    check_csrf()
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    found = session_actor()
    if found is None:
        return redirect(url_for("pages.login", next=request.full_path.rstrip("?")))
    if request.method in ("GET", "HEAD") and not is_supervisor(found):  # actions: the use case refuses
        return render_template(
            "pages/error.html",
            actor=found,
            code="supervisor-only",
            message=pick(
                "只有督查人员或管理员可以使用督查台",
                "Only supervisors and administrators may use the console",
            ),
        ), 403
    return None


console.after_request(add_page_headers)


@console.errorhandler(SanxiangError)
def _error(error: SanxiangError) -> ResponseReturnValue:
    from engine.web.problems import STATUS

    status = next((code for cls, code, _ in STATUS if isinstance(error, cls)), 500)
    return render_template(
        "pages/error.html",
        actor=session_actor(),
        code=error.code,
        message=pick(error.message_zh, error.message_en),
    ), status


# the pages register their routes on the blueprint above when imported
from engine.supervision.console import actions, vendor, views  # noqa: E402, F401, I001
