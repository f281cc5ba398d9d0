"""/engine-rest/task: list, read, claim, unclaim, complete — through
``engine.tasks.claim_and_complete``, so every
guard runs (legal-review gate, separation of duties, form validation) and every step is recorded."""

from __future__ import annotations

from flask import Blueprint, Response, request
from flask.typing import ResponseReturnValue

from engine.camunda_rest.queries import reads as rest
from engine.camunda_rest.routes.processes import with_definitions
from engine.camunda_rest.routes.request import actor, ctx, flag, json_body, listing_of, no_content
from engine.camunda_rest.routes.task_actions import draft_of
from engine.camunda_rest.wire.json_shapes import task as task_json
from engine.camunda_rest.wire.params import Filters, Listing, only
from engine.camunda_rest.wire.variables import from_typed, to_typed
from engine.cases import opening as case_service
from engine.kernel.json_types import JsonObject
from engine.kernel.ports import TaskRow
from engine.people.permissions import Permission
from engine.tasks import claim_and_complete as task_service
from engine.web.permissions import requires

tasks = Blueprint("tasks", __name__)


TASK_FILTERS = Filters(
    params={
        "taskId": ("id", "eq"),
        "taskIdIn": ("id", "in"),
        "executionId": ("id", "eq"),  # a task's execution id is its own id
        "processInstanceId": ("case_id", "eq"),
        "processInstanceIdIn": ("case_id", "in"),
        "processInstanceBusinessKey": ("business_key", "eq"),
        "processInstanceBusinessKeyIn": ("business_key", "in"),
        "processInstanceBusinessKeyLike": ("business_key", "like"),
        "processDefinitionId": ("definition", "eq"),
        "processDefinitionKey": ("process_key", "eq"),
        "processDefinitionKeyIn": ("process_key", "in"),
        "processDefinitionName": ("process_name", "eq"),
        "processDefinitionNameLike": ("process_name", "like"),
        "assignee": ("assignee", "eq"),
        "assigneeLike": ("assignee", "like"),
        "assigneeIn": ("assignee", "in"),
        "assigneeNotIn": ("assignee", "notin"),
        "assigned": ("assignee", "set"),
        "unassigned": ("assignee", "unset"),
        "candidateGroup": ("candidate_group", "eq"),
        "candidateGroups": ("candidate_group", "in"),
        "candidateUser": ("candidate_user", "eq"),
        "includeAssignedTasks": ("include_assigned", "true"),
        "withCandidateGroups": ("with_candidate_groups", "set"),
        "withoutCandidateGroups": ("without_candidate_groups", "set"),
        "withCandidateUsers": ("with_candidate_users", "set"),
        "withoutCandidateUsers": ("without_candidate_users", "set"),
        "taskDefinitionKey": ("element_id", "eq"),
        "taskDefinitionKeyIn": ("element_id", "in"),
        "taskDefinitionKeyLike": ("element_id", "like"),
        "name": ("name", "eq"),
        "nameLike": ("name", "like"),
        "dueDate": ("due_at", "at"),
        "dueBefore": ("due_at", "before"),
        "dueAfter": ("due_at", "after"),
        "withoutDueDate": ("due_at", "unset"),
        "followUpDate": ("follow_up_at", "at"),
        "followUpBefore": ("follow_up_at", "before"),
        "followUpAfter": ("follow_up_at", "after"),
        "priority": ("priority", "int"),
        "minPriority": ("priority", "min"),
        "maxPriority": ("priority", "max"),
        "createdOn": ("created_at", "at"),
        "createdBefore": ("created_at", "before"),
        "createdAfter": ("created_at", "after"),
        "active": ("active", "true"),
        "suspended": ("suspended", "true"),
        "tenantIdIn": ("tenant", "never"),
        "withoutTenantId": ("tenant", "always"),
    },
    sorts={
        "id": "id",
        "instanceId": "case_id",
        "executionId": "id",
        "assignee": "assignee",
        "name": "name",
        "created": "created_at",
        "dueDate": "due_at",
        "followUpDate": "follow_up_at",
        "priority": "priority",
    },
)


def _query(*, counting: bool = False) -> Listing:
    return with_definitions(listing_of(TASK_FILTERS, counting=counting))


def _render(found: list[tuple[TaskRow, int]]) -> list[JsonObject]:
    rows = rest.versions_by_id(ctx(), [pid for _, pid in found])
    return [task_json(t, rows[pid]) for t, pid in found]


@tasks.get("/task")
def list_tasks() -> ResponseReturnValue:
    return _render(rest.tasks(ctx(), actor(), _query()))


@tasks.post("/task")
@requires(Permission.TASK_LIST)
def query_tasks() -> ResponseReturnValue:
    return _render(rest.tasks(ctx(), actor(), _query()))


@tasks.get("/task/count")
def count_tasks() -> ResponseReturnValue:
    return {"count": rest.count_tasks(ctx(), actor(), _query(counting=True))}


@tasks.post("/task/count")
@requires(Permission.TASK_LIST)
def count_tasks_by_body() -> ResponseReturnValue:
    return {"count": rest.count_tasks(ctx(), actor(), _query(counting=True))}


@tasks.get("/task/<task_id>")
@requires(Permission.TASK_READ)
def get_task(task_id: str) -> ResponseReturnValue:
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
def complete(task_id: str) -> ResponseReturnValue:
    """Complete with Camunda's typed variables; the services refuse what the rules refuse."""
    body = json_body()
    who = actor()
    data = {**draft_of(task_id), **from_typed(body.get("variables"))}  # what was saved, then what is sent
    done = task_service.complete_task(ctx(), task_id, data, who)
    if not flag(body.get("withVariablesInReturn")):
        return no_content()
    return to_typed(case_service.get_case(ctx(), done.case_id, who).variables)


@tasks.get("/task/<task_id>/form-variables")
@tasks.get("/task/<task_id>/variables")
@requires(Permission.TASK_READ)
def form_variables(task_id: str) -> ResponseReturnValue:
    only(request.args, frozenset({"variableNames", "deserializeValues"}))
    values = {**rest.form_variables(ctx(), actor(), task_id), **draft_of(task_id)}
    names = [n for n in (request.args.get("variableNames") or "").split(",") if n]
    return to_typed({k: v for k, v in values.items() if not names or k in names})
