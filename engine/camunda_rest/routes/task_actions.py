"""/engine-rest/task/{id}: assignee, delegate, resolve, variables, deployed form — through the use cases of
the JSON API and the work pages (``engine.tasks``), so permissions, refusals on the record and the
guards are the same:

- ``POST …/assignee``: ``userId`` = yourself claims (认领), ``null`` unclaims, anyone else is a **transfer**
  (转办: the holder or a supervisor, to another candidate, with a reason).
- ``POST …/delegate``: 委派 (the assignee lends it, with a reason); ``POST …/resolve``: 交还 (given back);
  its ``variables`` are kept in the task's draft first.
- ``GET …/variables``: the case's variables with the task's draft on top; ``POST …/variables``: saves the
  ``modifications`` into the draft (``deletions`` drop keys of it) — what is typed but not yet submitted;
  completing the task (``…/complete``) submits the draft with the variables sent then.
- ``GET …/deployed-form``: the Camunda Form (form-js JSON) the task's submission is checked against.

Reasons come from the ``X-Sanxiang-Reason`` header (Camunda's operations carry none)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, request

from engine.camunda_rest.routes.request import actor, ctx, json_body, no_content, reason
from engine.camunda_rest.wire.params import only
from engine.camunda_rest.wire.variables import from_typed
from engine.errors import Conflict, NotAllowed, NotFound
from engine.kernel.json_types import JsonObject
from engine.people.permissions import Permission
from engine.tasks import actions as task_actions
from engine.tasks import bpmn_errors
from engine.tasks import claim_and_complete as task_service
from engine.tasks import drafts as draft_service
from engine.web.permissions import requires

task_actions_rest = Blueprint("task_actions_rest", __name__, url_prefix="/task")


def _user(body: JsonObject) -> str | None:
    only(body, frozenset({"userId"}))
    user = body.get("userId")
    return str(user) if user not in (None, "") else None


@task_actions_rest.post("/<task_id>/assignee")
@requires(Permission.TASK_TRANSFER)
def set_assignee(task_id: str) -> Response:
    user, who = _user(json_body()), actor()
    if user is None:
        task_service.unclaim_task(ctx(), task_id, who)
    elif user == who.user_id:
        task_service.claim_task(ctx(), task_id, who)
    else:
        task_actions.transfer_task(ctx(), task_id, user, reason(), who)
    return no_content()


@task_actions_rest.post("/<task_id>/delegate")
@requires(Permission.TASK_DELEGATE)
def delegate(task_id: str) -> Response:
    user = _user(json_body())
    task_actions.delegate_task(ctx(), task_id, user or "", reason(), actor())
    return no_content()


def draft_of(task_id: str) -> JsonObject:
    """The task's draft, or nothing when the caller may not work on it (or it no longer waits): the use
    case they call next (complete, read) gives them its own answer, recorded where it refuses."""
    try:
        saved = draft_service.get_draft(ctx(), task_id, actor())
    except (NotAllowed, NotFound, Conflict):
        return {}
    return dict(saved.data) if saved is not None else {}


def _save_into_draft(task_id: str, changes: JsonObject, deletions: list[str]) -> None:
    if not changes and not deletions:
        return
    merged = {k: v for k, v in draft_of(task_id).items() if k not in deletions}
    draft_service.save_draft(
        ctx(), task_id, json.loads(json.dumps({**merged, **changes}, default=str)), actor()
    )


@task_actions_rest.post("/<task_id>/resolve")
@requires(Permission.TASK_RESOLVE)
def resolve(task_id: str) -> Response:
    body = json_body()
    only(body, frozenset({"variables"}))
    _save_into_draft(task_id, from_typed(body.get("variables")), [])
    task_actions.resolve_task(ctx(), task_id, reason(), actor())
    return no_content()


@task_actions_rest.post("/<task_id>/bpmnError")
@requires(Permission.TASK_COMPLETE)
def bpmn_error(task_id: str) -> Response:
    """Camunda's ``TaskService.handleBpmnError``: the error boundary catching ``errorCode`` takes the case
    on (``engine.tasks.bpmn_errors``). ``variables`` with it are refused by name: a person's facts go
    through a completion's form, never around it."""
    body = json_body()
    only(
        body,
        frozenset({"errorCode", "errorMessage"} | ({"variables"} if not body.get("variables") else set())),
    )
    code, message = str(body.get("errorCode") or ""), str(body.get("errorMessage") or "")
    bpmn_errors.throw_task_error(ctx(), task_id, code, message, actor())
    return no_content()


@task_actions_rest.post("/<task_id>/variables")
@requires(Permission.TASK_DRAFT)
def modify_variables(task_id: str) -> Response:
    body = json_body()
    only(body, frozenset({"modifications", "deletions"}))
    deletions = [str(d) for d in body.get("deletions") or ()]
    _save_into_draft(task_id, from_typed(body.get("modifications")), deletions)
    return no_content()


@task_actions_rest.get("/<task_id>/deployed-form")
@requires(Permission.TASK_READ)
def deployed_form(task_id: str) -> Response:
    only(request.args, frozenset())
    view = draft_service.get_task_form(ctx(), task_id, actor())
    if view.form is None:
        raise NotFound(
            "该任务没有表单",
            f"No deployed form for task {task_id}: its element names none",
            code="form-not-found",
        )
    return Response(view.form.body, mimetype="application/json")
