"""The task page: case summary, the record's timeline, evidence with upload, the task's form (form-js)
submitted to ``complete_task`` (server-side field errors shown next to the fields), and the approval
actions 转办 / 委派 / 交还 / 催办 / 撤回."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from flask import current_app, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.errors import InvalidInput, NotAllowed, SanxiangError
from engine.kernel.json_types import JsonObject
from engine.people.case_access import may_work_on
from engine.people.permissions import OVERSEERS, URGERS, WITHDRAWERS, Permission
from engine.tasks import actions as task_actions
from engine.tasks import claim_and_complete as task_service
from engine.tasks.pages import actor, context, pages, render, views
from engine.tasks.work_view import due_state, task_view
from engine.web.i18n import pick
from engine.web.permissions import requires
from engine.web.problems import from_error

# The JSON API the page calls when those endpoints exist (other areas build them).
EVIDENCE_RULE = "/api/v1/cases/<>/evidence"
DRAFT_RULE = "/api/v1/tasks/<>/draft"


def api_url(rule: str, *values: str) -> str | None:
    """The URL of an API rule (converters written ``<>``) if the app has it, else None."""
    wanted = re.compile(re.escape(rule).replace("<>", "<[^>]+>") + "$")
    if not any(wanted.match(r.rule) for r in current_app.url_map.iter_rules()):
        return None
    url = rule
    for value in values:
        url = url.replace("<>", value, 1)
    return url


def js_text() -> dict[str, str]:
    """Messages the task page's script shows; form-js's English validation messages are mapped onto these
    (``{n}``, ``{a}``, ``{b}`` are filled in by the script)."""
    return {
        "required": _("This field is required."),
        "min": _("The value must be at least {n}."),
        "max": _("The value must be at most {n}."),
        "minLength": _("Enter at least {n} characters."),
        "maxLength": _("Enter at most {n} characters."),
        "pattern": _("The format is not valid."),
        "number": _("Enter a number."),
        "integer": _("Enter a whole number."),
        "decimals": _("Use at most {n} decimal places."),
        "increment": _("Choose a valid value; the nearest are {a} and {b}."),
        "phone": _("Enter a valid phone number."),
        "email": _("Enter a valid e-mail address."),
        "badLimit": _("The form's limit is not a valid number."),
        "select": _("Select"),
        "search": _("Search"),
        "noOptions": _("No options"),
        "sending": _("Submitting…"),
        "failed": _("The server refused the form; see the messages."),
        "offline": _("The server could not be reached. Try again."),
        "draftSaved": _("Draft saved at {a}."),
        "draftLoaded": _("Your saved draft has been loaded."),
        "draftFailed": _("The draft could not be saved."),
        "fixErrors": _("Some fields need attention."),
        "uploading": _("Uploading {a}…"),
        "uploaded": _("{a} uploaded."),
        "uploadFailed": _("{a} was not accepted: {b}"),
    }


def _form_keys(components: Any) -> list[tuple[str, str]]:
    """(key, label) of every field, at any depth (whatever a stored form holds: never an error)."""
    found: list[tuple[str, str]] = []
    pending = [components]
    while pending:
        level = pending.pop()
        for c in level if isinstance(level, list) else ():
            if isinstance(c, dict) and isinstance(c.get("key"), str) and c["key"]:
                found.append((c["key"], str(c.get("label") or c["key"])))
            if isinstance(c, dict):
                pending.append(c.get("components"))
    return found


def show(
    task_id: str,
    status: int = 200,
    *,
    errors: dict[str, str] | None = None,
    problem: str = "",
    submitted: JsonObject | None = None,
) -> ResponseReturnValue:
    ctx, me = context(), actor()
    view = task_view(ctx, task_id, me)
    keys = _form_keys((view.form_schema or {}).get("components"))
    data = {k: view.case.variables[k] for k, _label in keys if k in view.case.variables}
    data.update(submitted or {})
    labels = dict(keys)
    return render(
        "task.html",
        status,
        view=view,
        me=me,
        now=ctx.clock(),
        views=views,
        due=due_state(view.deadline, view.task.due_at, ctx.clock(), ctx.settings.yellow_days),
        may_work=may_work_on(me, view.task),
        form_data=data,
        errors=errors or {},
        error_labels=labels,
        problem=problem,
        evidence_url=api_url(EVIDENCE_RULE, view.task.case_id),
        draft_url=api_url(DRAFT_RULE, task_id),
        urgers=URGERS,
        withdrawers=WITHDRAWERS,
        overseers=OVERSEERS,
        js_text=js_text(),
    )


@pages.get("/tasks/<task_id>")
@requires(Permission.CASE_READ)
def task_page(task_id: str) -> ResponseReturnValue:
    return show(task_id)


def _variables() -> JsonObject:
    raw = (
        (request.get_json(silent=True) or {}).get("variables")
        if request.is_json
        else json.loads(request.form.get("variables") or "{}")
    )
    if not isinstance(raw, dict):
        raise InvalidInput("表单数据必须是对象", "The form data must be an object", code="invalid-variables")
    return raw


@pages.post("/tasks/<task_id>/complete")
@requires(Permission.TASK_COMPLETE)
def complete(task_id: str) -> ResponseReturnValue:
    submitted: JsonObject = {}
    try:
        submitted = _variables()
        task_service.complete_task(context(), task_id, submitted, actor())
    except json.JSONDecodeError:
        return show(task_id, 400, problem=_("The form data could not be read."))
    except SanxiangError as exc:
        if request.is_json:
            return from_error(exc)
        from engine.web.problems import STATUS

        status = next((code for cls, code, _x in STATUS if isinstance(exc, cls)), 500)
        return show(
            task_id,
            status,
            errors=views.field_errors(exc.details),
            submitted=submitted,
            problem=pick(exc.message_zh, exc.message_en),
        )
    flash(_("Task completed. The case has moved on."), "ok")
    target = url_for("pages.task_list")
    return {"ok": True, "redirect": target} if request.is_json else redirect(target)


def refused(task_id: str, exc: NotAllowed) -> ResponseReturnValue:
    """A refusal answers 403: the task page with the reason, or the error page when the case may not be read
    (the refusal itself is on the case's record: ``engine.record.refusals.record_refusal``)."""
    flash(pick(exc.message_zh, exc.message_en), "error")
    return show(task_id, 403)


def _act(task_id: str, action: Callable[[], object], done: str) -> ResponseReturnValue:
    try:
        action()
        flash(done, "ok")
    except NotAllowed as exc:
        return refused(task_id, exc)
    except SanxiangError as exc:
        flash(pick(exc.message_zh, exc.message_en), "error")
    return redirect(url_for("pages.task_page", task_id=task_id))


def _field(name: str) -> str:
    return request.form.get(name, "").strip()


@pages.post("/tasks/<task_id>/transfer")
@requires(Permission.TASK_TRANSFER)
def transfer(task_id: str) -> ResponseReturnValue:
    return _act(
        task_id,
        lambda: task_actions.transfer_task(context(), task_id, _field("to"), _field("reason"), actor()),
        _("Task transferred."),
    )


@pages.post("/tasks/<task_id>/delegate")
@requires(Permission.TASK_DELEGATE)
def delegate(task_id: str) -> ResponseReturnValue:
    return _act(
        task_id,
        lambda: task_actions.delegate_task(context(), task_id, _field("to"), _field("reason"), actor()),
        _("Task delegated."),
    )


@pages.post("/tasks/<task_id>/resolve")
@requires(Permission.TASK_RESOLVE)
def resolve(task_id: str) -> ResponseReturnValue:
    return _act(
        task_id,
        lambda: task_actions.resolve_task(context(), task_id, _field("note"), actor()),
        _("Delegated task given back."),
    )


@pages.post("/tasks/<task_id>/urge")
@requires(Permission.TASK_URGE)
def urge(task_id: str) -> ResponseReturnValue:
    return _act(
        task_id,
        lambda: task_actions.urge_task(context(), task_id, _field("message"), actor()),
        _("The assignee has been urged."),
    )


@pages.post("/tasks/<task_id>/withdraw")
@requires(Permission.CASE_WITHDRAW)
def withdraw(task_id: str) -> ResponseReturnValue:
    """撤回 from the task page of the case (the window clerk records the applicant's request)."""
    case_id = _field("case_id")
    return _act(
        task_id,
        lambda: task_actions.withdraw_case(context(), case_id, _field("reason"), actor()),
        _("The application has been withdrawn."),
    )
