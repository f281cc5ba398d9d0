"""The console's pages: the dashboard, one case with its diagram, the migration dry run."""

from __future__ import annotations

import json
from datetime import datetime

from flask import Response, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from markupsafe import Markup

from engine.cases.calls.links import call_links
from engine.diagram import Overlays, render_svg
from engine.errors import SanxiangError
from engine.kernel.json_types import JsonObject
from engine.kernel.ports import Actor, TaskRow
from engine.processes.migrate_versions import migrate_cases
from engine.supervision.case_view import CaseConsole, case_console, case_diagram, duration_text
from engine.supervision.console import actor, console, context, render
from engine.supervision.dashboard import dashboard
from engine.supervision.rows import STATUSES, Finding, SupervisionFilter
from engine.web.i18n import current_language, pick

CASE_STATUS_WORDS = ("running", "suspended", "completed", "cancelled", "withdrawn")


def status_label(status: str) -> str:
    labels = {
        "overdue": _("Overdue (red)"),
        "near-due": _("Near due (yellow)"),
        "stuck": _("Stuck"),
        "failed": _("Failed"),
        "running": _("Running"),
        "suspended": _("Suspended"),
        "completed": _("Completed"),
        "cancelled": _("Cancelled"),
        "withdrawn": _("Withdrawn"),
    }
    return str(labels.get(status, status))


def kind_label(kind: str) -> str:
    labels = {
        "task": _("a person's task"),
        "timer": _("timer"),
        "message": _("external message"),
        "signal": _("signal"),
        "external": _("external task (a worker)"),
        "other": _("other"),
    }
    return str(labels.get(kind, kind))


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None


def _query() -> SupervisionFilter:
    args = request.args
    status = args.get("status") or None
    return SupervisionFilter(
        process_key=args.get("item") or None,
        department=args.get("department") or None,
        assignee=args.get("assignee") or None,
        min_age_days=_float(args.get("age")),
        status=status if status in STATUSES else None,
    )


def _candidates(users: list[Actor], finding: Finding) -> list[Actor]:
    """Users a finding's task may be reassigned to: its candidate groups' members; anyone when nobody can do
    it (no performer, 无人可办)."""
    anyone = finding.code == "task-no-performer"
    return [u for u in users if (anyone or u.in_any(finding.groups)) and u.user_id != finding.assignee]


def task_candidates(users: list[Actor], task: TaskRow) -> list[Actor]:
    """Users a waiting task may be reassigned to: its candidate groups' members and candidate users."""
    return [
        u
        for u in users
        if (u.in_any(task.candidate_groups) or u.user_id in task.candidate_users)
        and u.user_id != task.assignee
    ]


def age_text(finding: Finding, now: datetime) -> str:
    zh, en = duration_text(finding.age(now).total_seconds())
    return pick(zh, en)


@console.get("")
def board() -> ResponseReturnValue:
    ctx = context()
    found = dashboard(ctx, actor(), _query())
    with ctx.uow(readonly=True) as uow:
        users = [u for u in uow.users.list()]
    grouped = {status: [f for f in found.findings if f.status == status] for status in STATUSES}
    return render(
        "dashboard.html",
        board=found,
        grouped=grouped,
        statuses=STATUSES,
        status_label=status_label,
        case_statuses=CASE_STATUS_WORDS,
        args=request.args,
        users=users,
        candidates=_candidates,
        age_text=age_text,
        pick=pick,
    )


def overlays_of(view: CaseConsole) -> JsonObject:
    """What the diagram shows: done, current and failed elements, and a badge with the time at each."""
    current = [w.element_id for w in view.waiting]
    badges: dict[str, str] = {}
    for element, seconds in view.seconds.items():
        zh, en = duration_text(seconds)
        waiting = element in current
        badges[element] = pick(
            ("等待 " if waiting else "用时 ") + zh, ("waiting " if waiting else "took ") + en
        )
    for element in view.failed:
        badges[element] = str(_("Failed"))
    return {"done": view.path, "current": current, "failed": view.failed, "badges": badges}


def _svg(view: CaseConsole, marks: JsonObject) -> Markup:
    try:
        svg = render_svg(
            view.xml.encode("utf-8"),
            overlays=Overlays(
                completed=marks["done"],
                current=marks["current"],
                failed=marks["failed"],
                badges=marks["badges"],
            ),
            lang=current_language(),
        )
    except SanxiangError:
        return Markup("")
    return Markup(svg)


@console.get("/cases/<case_id>")
def case_page(case_id: str) -> ResponseReturnValue:
    ctx = context()
    view = case_console(ctx, case_id, actor())
    marks = overlays_of(view)
    with ctx.uow(readonly=True) as uow:
        users = [u for u in uow.users.list()]
        parent, children = call_links(uow, case_id)
    return render(
        "case.html",
        view=view,
        parent=parent,
        children=children,
        marks=marks,
        marks_json=json.dumps(marks, ensure_ascii=False),
        svg=_svg(view, marks),
        status_label=status_label,
        users=users,
        task_candidates=task_candidates,
        kind_label=kind_label,
        now=ctx.clock(),
        age_text=age_text,
        pick=pick,
        variables_json=json.dumps(view.variables, ensure_ascii=False, indent=2, default=str),
    )


@console.get("/cases/<case_id>/diagram.bpmn")
def diagram(case_id: str) -> Response:
    xml = case_diagram(context(), case_id, actor())
    return Response(xml, mimetype="application/xml", headers={"Cache-Control": "no-store"})


@console.get("/migrate")
def migrate_page() -> ResponseReturnValue:
    ctx = context()
    item = request.args.get("item", "")
    report = migrate_cases(ctx, item, actor()) if item else None
    with ctx.uow(readonly=True) as uow:
        items = {row.key: row.name or row.key for row in uow.processes.list_latest()}
    return render("migrate.html", report=report, item=item, items=items, pick=pick)
