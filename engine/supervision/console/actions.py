"""The console's actions as page forms (POST, CSRF-checked, each with a reason): the result is flashed and
the supervisor lands back where the form was."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.cases.moves import move_case
from engine.errors import NotAllowed, SanxiangError
from engine.people.permissions import Permission
from engine.processes.migrate_versions import migrate_cases
from engine.supervision import actions as acts
from engine.supervision import retries
from engine.supervision.access import is_supervisor
from engine.supervision.console import actor, console, context, render
from engine.tasks.pages.access import safe_next
from engine.web.i18n import pick
from engine.web.permissions import requires


def _back(default: str) -> ResponseReturnValue:
    return redirect(safe_next(request.form.get("next"), default))


def _refused_outright(exc: SanxiangError) -> bool:
    """Someone who may not use the console is answered 403 (the error page); a supervisor whose action the
    law refuses sees why on the page they came from. Either refusal is on the case's record."""
    return isinstance(exc, NotAllowed) and not is_supervisor(actor())


def _attempt(done: str, action: Callable[[], object]) -> bool:
    """Do it and flash the outcome."""
    try:
        action()
    except SanxiangError as exc:
        if _refused_outright(exc):
            raise
        flash(pick(exc.message_zh, exc.message_en), "error")
        return False
    flash(done, "ok")
    return True


def _reason() -> str:
    return request.form.get("reason", "")


@console.post("/cases/<case_id>/<any(suspend, resume, cancel):verb>")
@requires(Permission.CASE_SUPERVISE)
def case_action(case_id: str, verb: str) -> ResponseReturnValue:
    act = {"suspend": acts.suspend_case, "resume": acts.resume_case, "cancel": acts.cancel_case}[verb]
    done = {"suspend": _("Case suspended."), "resume": _("Case resumed."), "cancel": _("Case cancelled.")}[
        verb
    ]
    _attempt(str(done), lambda: act(context(), case_id, actor(), _reason()))
    return _back(url_for("console.case_page", case_id=case_id))


@console.post("/cases/<case_id>/move")
@requires(Permission.CASE_SUPERVISE)
def move(case_id: str) -> ResponseReturnValue:
    target = request.form.get("to", "")
    _attempt(
        str(_("Case moved to %(element)s.", element=target)),
        lambda: move_case(context(), case_id, target, actor(), _reason()),
    )
    return _back(url_for("console.case_page", case_id=case_id))


@console.post("/tasks/<task_id>/reassign")
@requires(Permission.CASE_SUPERVISE)
def reassign(task_id: str) -> ResponseReturnValue:
    assignee = request.form.get("assignee", "")
    _attempt(
        str(_("Task reassigned to %(user)s.", user=assignee)),
        lambda: acts.reassign_task(context(), task_id, assignee, actor(), _reason()),
    )
    return _back(url_for("console.board"))


@console.post("/retries/<any(due, webhook, failure):kind>/<ref>")
@requires(Permission.CASE_SUPERVISE)
def retry(kind: str, ref: str) -> ResponseReturnValue:
    ctx, who, reason = context(), actor(), _reason()
    if kind == "webhook":
        _attempt(str(_("Webhook event queued again.")), lambda: retries.retry_webhook(ctx, ref, who, reason))
    elif not ref.isdigit():
        flash(str(_("Nothing to retry.")), "error")
    elif kind == "due":
        _attempt(str(_("Timer fired.")), lambda: retries.retry_due_item(ctx, int(ref), who, reason))
    else:
        _attempt(str(_("Step retried.")), lambda: retries.retry_failed_step(ctx, int(ref), who, reason))
    return _back(url_for("console.board"))


@console.post("/migrate")
@requires(Permission.CASE_SUPERVISE)
def migrate() -> ResponseReturnValue:
    ctx, item = context(), request.form.get("item", "")
    report = None
    try:
        report = migrate_cases(ctx, item, actor(), _reason(), dry_run=False)
        flash(
            str(_("%(n)s case(s) migrated to version %(v)s.", n=len(report.moved), v=report.to_version)), "ok"
        )
    except SanxiangError as exc:
        if _refused_outright(exc):
            raise
        flash(pick(exc.message_zh, exc.message_en), "error")
    with ctx.uow(readonly=True) as uow:
        items = {row.key: row.name or row.key for row in uow.processes.list_latest()}
    return render("migrate.html", report=report, item=item, items=items, pick=pick)
