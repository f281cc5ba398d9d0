"""The task list: my tasks and my groups' tasks, filters, search, claim and unclaim."""

from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.errors import NotAllowed, SanxiangError
from engine.people.permissions import Permission
from engine.people.rows import WorkFilter, WorkItem
from engine.people.staff import staff_register
from engine.tasks import claim_and_complete as task_service
from engine.tasks.pages import actor, context, pages, render, views
from engine.tasks.pages.access import safe_next
from engine.tasks.pages.task_page import refused
from engine.tasks.work_view import item_names, work_list
from engine.web.i18n import pick
from engine.web.permissions import requires

SCOPES = ("all", "mine", "groups")
STATUSES = ("ready", "completed")
DUES = ("", "overdue", "soon", "none")


def _choice(name: str, allowed: tuple[str, ...]) -> str:
    value = request.args.get(name, allowed[0])
    return value if value in allowed else allowed[0]


def why_waiting(item: WorkItem, names: dict[str, str]) -> str:
    """What the task waits for, in a sentence."""
    task, d = item.task, item.delegation
    if task.status != "ready":
        done_by = task.completed_by or "-"
        return str(_("Completed by %(user)s", user=names.get(done_by, done_by)))
    if d is not None and d.state == "pending":
        return str(
            _(
                "Delegated by %(owner)s to %(delegate)s: waiting for it to be given back",
                owner=names.get(d.owner, d.owner),
                delegate=names.get(d.delegate, d.delegate),
            )
        )
    if task.assignee:
        return str(
            _(
                "Claimed by %(user)s: waiting for them to complete it",
                user=names.get(task.assignee, task.assignee),
            )
        )
    groups = views.groups_text(task.candidate_groups) or ", ".join(task.candidate_users)
    return str(_("Waiting for one of %(groups)s to claim it", groups=groups))


@pages.get("/tasks")
def task_list() -> ResponseReturnValue:
    ctx, me = context(), actor()
    now = ctx.clock()
    query = WorkFilter(
        user=me,
        now=now,
        soon=now + timedelta(days=ctx.settings.yellow_days),
        scope=_choice("scope", SCOPES),
        process_key=request.args.get("item") or None,
        status=_choice("status", STATUSES),
        due=_choice("due", DUES),
        search=request.args.get("q", "")[:100],
    )
    items, names = work_list(ctx, query), {e.user_id: e.name for e in staff_register(ctx)}
    rows = [
        {
            "item": i,
            "why": why_waiting(i, names),
            "due": due,
            "urged": [n for n in i.notifications if n.kind == "urge"],
        }
        for i, due in items
    ]
    return render(
        "tasks.html",
        rows=rows,
        query=query,
        items=item_names(ctx),
        scopes=SCOPES,
        statuses=STATUSES,
        dues=DUES,
    )


def _back(default: str) -> str:
    return safe_next(request.form.get("next"), default)


@pages.post("/tasks/<task_id>/claim")
@requires(Permission.TASK_CLAIM)
def claim(task_id: str) -> ResponseReturnValue:
    try:
        task_service.claim_task(context(), task_id, actor())
        flash(_("Task claimed: it is now yours to complete."), "ok")
    except NotAllowed as exc:
        return refused(task_id, exc)
    except SanxiangError as exc:
        flash(pick(exc.message_zh, exc.message_en), "error")
    return redirect(_back(url_for("pages.task_list")))


@pages.post("/tasks/<task_id>/unclaim")
@requires(Permission.TASK_UNCLAIM)
def unclaim(task_id: str) -> ResponseReturnValue:
    try:
        task_service.unclaim_task(context(), task_id, actor())
        flash(_("Task given back to its groups."), "ok")
    except NotAllowed as exc:
        return refused(task_id, exc)
    except SanxiangError as exc:
        flash(pick(exc.message_zh, exc.message_en), "error")
    return redirect(_back(url_for("pages.task_list")))
