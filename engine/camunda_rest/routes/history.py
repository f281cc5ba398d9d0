"""/engine-rest/history: process instances, tasks, activity instances, variable instances and the user
operation log — read-only, from the projections and the record (``queries.history_reads``), for the cases the
caller may read. Every filter listed here is applied; any other answers 400 naming it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from flask import Blueprint
from flask.typing import ResponseReturnValue

from engine.camunda_rest.queries import history_reads as reads
from engine.camunda_rest.routes.processes import with_definitions
from engine.camunda_rest.routes.request import actor, ctx, listing_of
from engine.camunda_rest.wire.history_shapes import (
    OPERATIONS,
    activity_instance,
    process_instance,
    task_instance,
    user_operation,
    variable_instance,
)
from engine.camunda_rest.wire.params import Criterion, Filters, Listing
from engine.kernel.json_types import JsonObject
from engine.people.permissions import Permission
from engine.web.permissions import requires

history = Blueprint("history", __name__, url_prefix="/history")

TENANTS = {"tenantIdIn": ("tenant", "never"), "withoutTenantId": ("tenant", "always")}
PROCESS_INSTANCE_FILTERS = Filters(
    params={
        "processInstanceId": ("case_id", "eq"),
        "processInstanceIds": ("case_id", "in"),
        "processDefinitionId": ("definition", "eq"),
        "processDefinitionKey": ("process_key", "eq"),
        "processDefinitionKeyIn": ("process_key", "in"),
        "processDefinitionKeyNotIn": ("process_key", "notin"),
        "processDefinitionName": ("process_name", "eq"),
        "processDefinitionNameLike": ("process_name", "like"),
        "processInstanceBusinessKey": ("business_key", "eq"),
        "processInstanceBusinessKeyIn": ("business_key", "in"),
        "processInstanceBusinessKeyLike": ("business_key", "like"),
        "finished": ("ended_at", "set"),
        "unfinished": ("ended_at", "unset"),
        "startedBefore": ("started_at", "before"),
        "startedAfter": ("started_at", "after"),
        "finishedBefore": ("ended_at", "before"),
        "finishedAfter": ("ended_at", "after"),
        "startedBy": ("started_by", "eq"),
        "active": ("active", "true"),
        "suspended": ("suspended", "true"),
        "completed": ("completed", "true"),
        "externallyTerminated": ("externally_terminated", "true"),
        **TENANTS,
    },
    sorts={
        "instanceId": "case_id",
        "definitionId": "process_id",
        "definitionKey": "process_key",
        "definitionName": "process_name",
        "definitionVersion": "process_version",
        "businessKey": "business_key",
        "startTime": "started_at",
        "endTime": "ended_at",
    },
)
TASK_FILTERS = Filters(
    params={
        "taskId": ("id", "eq"),
        "taskParentTaskId": ("parent", "never"),  # no task of ours has a parent task
        "executionId": ("id", "eq"),
        "processInstanceId": ("case_id", "eq"),
        "processInstanceBusinessKey": ("business_key", "eq"),
        "processInstanceBusinessKeyIn": ("business_key", "in"),
        "processInstanceBusinessKeyLike": ("business_key", "like"),
        "processDefinitionId": ("definition", "eq"),
        "processDefinitionKey": ("process_key", "eq"),
        "processDefinitionName": ("process_name", "eq"),
        "taskName": ("name", "eq"),
        "taskNameLike": ("name", "like"),
        "taskDefinitionKey": ("element_id", "eq"),
        "taskDefinitionKeyIn": ("element_id", "in"),
        "taskDeleteReason": ("delete_reason", "eq"),
        "taskAssignee": ("assignee", "eq"),
        "taskAssigneeLike": ("assignee", "like"),
        "assigned": ("assignee", "set"),
        "unassigned": ("assignee", "unset"),
        "finished": ("completed_at", "set"),
        "unfinished": ("completed_at", "unset"),
        "processFinished": ("case_ended_at", "set"),
        "processUnfinished": ("case_ended_at", "unset"),
        "taskDueDate": ("due_at", "at"),
        "taskDueDateBefore": ("due_at", "before"),
        "taskDueDateAfter": ("due_at", "after"),
        "withoutTaskDueDate": ("due_at", "unset"),
        "taskFollowUpDate": ("follow_up_at", "at"),
        "taskFollowUpDateBefore": ("follow_up_at", "before"),
        "taskFollowUpDateAfter": ("follow_up_at", "after"),
        "taskPriority": ("priority", "int"),
        "startedBefore": ("created_at", "before"),
        "startedAfter": ("created_at", "after"),
        "finishedBefore": ("completed_at", "before"),
        "finishedAfter": ("completed_at", "after"),
        "taskInvolvedUser": ("involved_user", "eq"),
        "taskHadCandidateUser": ("had_candidate_user", "eq"),
        "taskHadCandidateGroup": ("had_candidate_group", "eq"),
        "withCandidateGroups": ("with_candidate_groups", "set"),
        "withoutCandidateGroups": ("without_candidate_groups", "set"),
        **TENANTS,
    },
    sorts={
        "taskId": "id",
        "executionId": "id",
        "processInstanceId": "case_id",
        "processDefinitionId": "process_id",
        "taskName": "name",
        "taskDefinitionKey": "element_id",
        "assignee": "assignee",
        "startTime": "created_at",
        "endTime": "completed_at",
        "dueDate": "due_at",
        "followUpDate": "follow_up_at",
        "priority": "priority",
    },
)
ACTIVITY_FILTERS = Filters(
    params={
        "activityInstanceId": ("id", "eq"),
        "processInstanceId": ("case_id", "eq"),
        "processDefinitionId": ("definition", "eq"),
        "activityId": ("element_id", "eq"),
        "activityName": ("name", "eq"),
        "activityType": ("type", "eq"),
        "taskAssignee": ("assignee", "eq"),
        "finished": ("ended_at", "set"),
        "unfinished": ("ended_at", "unset"),
        "canceled": ("canceled", "true"),
        "completeScope": ("complete_scope", "true"),
        "startedBefore": ("started_at", "before"),
        "startedAfter": ("started_at", "after"),
        "finishedBefore": ("ended_at", "before"),
        "finishedAfter": ("ended_at", "after"),
        **TENANTS,
    },
    sorts={
        "activityInstanceId": "id",
        "instanceId": "case_id",
        "activityId": "element_id",
        "activityName": "name",
        "activityType": "type",
        "startTime": "started_at",
        "endTime": "ended_at",
    },
)
VARIABLE_FILTERS = Filters(
    params={
        "variableName": ("name", "eq"),
        "variableNameLike": ("name", "like"),
        "variableNameIn": ("name", "in"),
        "variableTypeIn": ("type", "in"),
        "processInstanceId": ("case_id", "eq"),
        "processInstanceIdIn": ("case_id", "in"),
        "processDefinitionId": ("definition", "eq"),
        "processDefinitionKey": ("process_key", "eq"),
        "includeDeleted": ("deleted", "always"),  # nothing recorded is ever deleted
        **TENANTS,
    },
    sorts={"instanceId": "case_id", "variableName": "name"},
)
OPERATION_FILTERS = Filters(
    params={
        "processInstanceId": ("case_id", "eq"),
        "processDefinitionId": ("definition", "eq"),
        "processDefinitionKey": ("process_key", "eq"),
        "executionId": ("case_id", "eq"),
        "taskId": ("task_id", "eq"),
        "userId": ("actor", "eq"),
        "operationId": ("seq", "int"),
        "operationType": ("operation_type", "eq"),
        "entityType": ("entity_type", "eq"),
        "entityTypeIn": ("entity_type", "in"),
        "category": ("category", "eq"),
        "categoryIn": ("category", "in"),
        "afterTimestamp": ("recorded_at", "after"),
        "beforeTimestamp": ("recorded_at", "before"),
    },
    sorts={"timestamp": "recorded_at"},
)
DESERIALIZE = frozenset({"deserializeValues"})  # our values are plain JSON: nothing to deserialize


def _actions(c: Criterion) -> Criterion:
    """operationType / entityType / category -> the record actions that carry them."""
    position = {"operation_type": 0, "entity_type": 1, "category": 2}.get(c.field)
    if position is None:
        return c
    wanted = set(c.value) if c.op == "in" else {c.value}
    actions = [a for a, kinds in OPERATIONS.items() if kinds[position] in wanted]
    if position == 0:
        actions += [a for a in wanted if a not in OPERATIONS and "." in a]  # our own names
    return Criterion("action", "in", tuple(actions))


def _operations(counting: bool) -> Listing:
    found = with_definitions(listing_of(OPERATION_FILTERS, counting=counting))
    return replace(found, criteria=tuple(_actions(c) for c in found.criteria))


def _routes(
    name: str,
    filters: Filters,
    rows: Callable[[Listing], list[JsonObject]],
    count: Callable[[Listing], int],
    *,
    body: bool = True,
    extra: frozenset[str] = frozenset(),
) -> None:
    """GET (and, as Camunda has them, POST) list and count routes of one history resource."""

    def query(counting: bool) -> Listing:
        return with_definitions(listing_of(filters, counting=counting, extra=extra))

    def list_view() -> ResponseReturnValue:
        return rows(query(False))

    def count_view() -> ResponseReturnValue:
        return {"count": count(query(True))}

    history.add_url_rule(f"/{name}", f"{name}_list", list_view, methods=["GET"])
    history.add_url_rule(f"/{name}/count", f"{name}_count", count_view, methods=["GET"])
    if body:
        post_list = requires(Permission.CASE_READ)(lambda: list_view())
        post_count = requires(Permission.CASE_READ)(lambda: count_view())
        history.add_url_rule(f"/{name}", f"{name}_query", post_list, methods=["POST"])
        history.add_url_rule(f"/{name}/count", f"{name}_query_count", post_count, methods=["POST"])


_routes(
    "process-instance",
    PROCESS_INSTANCE_FILTERS,
    lambda q: [process_instance(*found) for found in reads.process_instances(ctx(), actor(), q)],
    lambda q: reads.count_process_instances(ctx(), actor(), q),
)
_routes(
    "task",
    TASK_FILTERS,
    lambda q: [task_instance(*found) for found in reads.task_instances(ctx(), actor(), q)],
    lambda q: reads.count_task_instances(ctx(), actor(), q),
)
_routes(
    "activity-instance",
    ACTIVITY_FILTERS,
    lambda q: [activity_instance(row) for row in reads.activity_instances(ctx(), actor(), q)],
    lambda q: reads.count_activity_instances(ctx(), actor(), q),
)
_routes(
    "variable-instance",
    VARIABLE_FILTERS,
    lambda q: [variable_instance(row) for row in reads.variable_instances(ctx(), actor(), q)],
    lambda q: reads.count_variable_instances(ctx(), actor(), q),
    extra=DESERIALIZE,
)


@history.get("/user-operation")
def user_operations() -> ResponseReturnValue:
    return [user_operation(*found) for found in reads.user_operations(ctx(), actor(), _operations(False))]


@history.get("/user-operation/count")
def count_user_operations() -> ResponseReturnValue:
    return {"count": reads.count_user_operations(ctx(), actor(), _operations(True))}
