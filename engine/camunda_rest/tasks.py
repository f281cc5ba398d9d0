"""/engine-rest/task: list, read, claim, unclaim, complete — through
``engine.tasks.claim_and_complete``, so every
guard runs (legal-review gate, separation of duties, form validation) and every step is recorded."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Response, request

from engine.camunda_rest import reads as rest
from engine.camunda_rest.json_shapes import task as task_json
from engine.camunda_rest.processes import definition_row
from engine.camunda_rest.reads import TaskQuery
from engine.camunda_rest.request import actor, ctx, flag, json_body, no_content, paging
from engine.camunda_rest.variables import from_typed, to_typed
from engine.cases import opening as case_service
from engine.errors import NotFound
from engine.kernel.ports import TaskRow
from engine.people.permissions import Permission
from engine.tasks import claim_and_complete as task_service
from engine.web.permissions import requires

tasks = Blueprint("tasks", __name__)


def _text(args: Mapping[str, Any], name: str) -> str | None:
    value = args.get(name)
    return str(value) if value not in (None, "") else None


def _query(args: Mapping[str, Any]) -> TaskQuery:
    """Camunda's task filters, from the query string (GET) or the JSON body (POST)."""
    process_id: int | None = None
    if _text(args, "processDefinitionId"):
        try:
            process_id = definition_row(str(args["processDefinitionId"])).id
        except NotFound:
            process_id = -1  # an unknown definition matches no task
    first, limit = paging()
    return TaskQuery(
        case_id=_text(args, "processInstanceId"),
        assignee=_text(args, "assignee"),
        candidate_group=_text(args, "candidateGroup"),
        candidate_user=_text(args, "candidateUser"),
        include_assigned=flag(args.get("includeAssignedTasks")),
        process_key=_text(args, "processDefinitionKey"),
        process_id=process_id,
        element_id=_text(args, "taskDefinitionKey"),
        business_key=_text(args, "processInstanceBusinessKey"),
        first=first,
        limit=limit,
    )


def _render(found: list[tuple[TaskRow, int]]) -> list[dict[str, Any]]:
    rows = rest.versions_by_id(ctx(), [pid for _, pid in found])
    return [task_json(t, rows[pid]) for t, pid in found]


@tasks.get("/task")
def list_tasks() -> Any:
    return _render(rest.tasks(ctx(), actor(), _query(request.args)))


@tasks.post("/task")
@requires(Permission.TASK_LIST)
def query_tasks() -> Any:
    return _render(rest.tasks(ctx(), actor(), _query(json_body())))


@tasks.get("/task/count")
def count_tasks() -> Any:
    return {"count": rest.count_tasks(ctx(), actor(), _query(request.args))}


@tasks.post("/task/count")
@requires(Permission.TASK_LIST)
def count_tasks_by_body() -> Any:
    return {"count": rest.count_tasks(ctx(), actor(), _query(json_body()))}


@tasks.get("/task/<task_id>")
@requires(Permission.TASK_READ)
def get_task(task_id: str) -> Any:
    return _render([rest.task(ctx(), actor(), task_id)])[0]


@tasks.post("/task/<task_id>/claim")
@requires(Permission.TASK_CLAIM)
def claim(task_id: str) -> Response:
    user_id = json_body().get("userId")
    task_service.claim_task(ctx(), task_id, actor(), for_user=str(user_id) if user_id is not None else None)
    return no_content()


@tasks.post("/task/<task_id>/unclaim")
@requires(Permission.TASK_UNCLAIM)
def unclaim(task_id: str) -> Response:
    task_service.unclaim_task(ctx(), task_id, actor())
    return no_content()


@tasks.post("/task/<task_id>/complete")
@tasks.post("/task/<task_id>/submit-form")
@requires(Permission.TASK_COMPLETE)
def complete(task_id: str) -> Any:
    """Complete with Camunda's typed variables; the services refuse what the rules refuse."""
    body = json_body()
    who = actor()
    done = task_service.complete_task(ctx(), task_id, from_typed(body.get("variables")), who)
    if not flag(body.get("withVariablesInReturn")):
        return no_content()
    return to_typed(case_service.get_case(ctx(), done.case_id, who).variables)


@tasks.get("/task/<task_id>/form-variables")
@tasks.get("/task/<task_id>/variables")
@requires(Permission.TASK_READ)
def form_variables(task_id: str) -> Any:
    values = rest.form_variables(ctx(), actor(), task_id)
    names = [n for n in (request.args.get("variableNames") or "").split(",") if n]
    return to_typed({k: v for k, v in values.items() if not names or k in names})
