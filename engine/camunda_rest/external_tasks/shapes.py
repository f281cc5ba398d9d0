"""Camunda 7's JSON of external tasks and what a fetchAndLock asks, read strictly."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.camunda_rest.wire.json_shapes import camunda_date, definition_id
from engine.camunda_rest.wire.params import Filters, integer, listing, only, unsupported
from engine.camunda_rest.wire.variables import to_typed
from engine.errors import InvalidInput
from engine.external_tasks.rows import ExternalQuery, ExternalTaskRow, FetchRequest, TopicRequest

MAX_TASKS = 100
MAX_TIMEOUT_MS = 300_000  # 5 minutes, as Camunda 7's default maximum

FETCH_FIELDS = frozenset({"workerId", "maxTasks", "usePriority", "asyncResponseTimeout", "topics", "sorting"})
TOPIC_FIELDS = frozenset(
    {
        "topicName",
        "lockDuration",
        "variables",
        "localVariables",
        "businessKey",
        "processDefinitionKey",
        "processDefinitionKeyIn",
        "processVariables",
        "deserializeValues",
        "withoutTenantId",
        "includeExtensionProperties",
    }
)

FILTERS = Filters(
    {
        "externalTaskId": ("id", "eq"),
        "topicName": ("topic", "eq"),
        "workerId": ("worker_id", "eq"),
        "locked": ("locked", "set"),
        "notLocked": ("not_locked", "set"),
        "withRetriesLeft": ("with_retries_left", "set"),
        "noRetriesLeft": ("no_retries_left", "set"),
        "processInstanceId": ("case_id", "eq"),
        "activityId": ("element_id", "eq"),
        "processDefinitionKey": ("process_key", "eq"),
        "priorityHigherThanOrEquals": ("priority_min", "min"),
        "priorityLowerThanOrEquals": ("priority_max", "max"),
    }
)


def query_of(args: Mapping[str, Any], *, counting: bool = False) -> ExternalQuery:
    found = listing(FILTERS, args, counting=counting)
    values: dict[str, Any] = {c.field: (c.value if c.value is not None else True) for c in found.criteria}
    if counting:
        return ExternalQuery(**values)
    return ExternalQuery(**values, first=found.first, max_results=found.limit)


def _text_list(name: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidInput(f"{name} 应为字符串列表", f"{name} must be a list of strings", code="invalid-body")
    return tuple(value)


def _topic(body: Any) -> TopicRequest:
    if not isinstance(body, dict):
        raise InvalidInput("topics 的每一项应为对象", "each of topics must be an object", code="invalid-body")
    only(body, TOPIC_FIELDS)
    if body.get("processVariables"):  # an empty filter (as camunda-external-task-client sends) is none
        raise unsupported("processVariables")
    name = body.get("topicName")
    if not isinstance(name, str) or not name:
        raise InvalidInput("缺少 topicName", "topicName is required", code="invalid-body")
    keys = _text_list("processDefinitionKeyIn", body.get("processDefinitionKeyIn"))
    if isinstance(body.get("processDefinitionKey"), str):
        keys = (*keys, body["processDefinitionKey"])
    variables = body.get("variables")
    return TopicRequest(
        name=name,
        lock_duration_ms=body.get("lockDuration"),  # checked by the use case (rules.lock_duration)
        variables=None if variables is None else _text_list("variables", variables),
        business_key=body["businessKey"] if isinstance(body.get("businessKey"), str) else None,
        process_keys=keys,
        local_variables=bool(body.get("localVariables")),
    )


def fetch_request(body: dict[str, Any]) -> tuple[FetchRequest, int]:
    """The request and its ``asyncResponseTimeout`` (ms, 0: answer at once)."""
    only(body, FETCH_FIELDS)
    if body.get("sorting"):
        raise unsupported("sorting")
    worker = body.get("workerId")
    if not isinstance(worker, str) or not worker.strip() or len(worker) > 255:
        raise InvalidInput(
            "缺少 workerId", "workerId is required (at most 255 characters)", code="invalid-body"
        )
    topics = body.get("topics") or []
    if not isinstance(topics, list):
        raise unsupported("topics")
    timeout = body.get("asyncResponseTimeout")
    request = FetchRequest(
        worker_id=worker,
        max_tasks=min(integer("maxTasks", body.get("maxTasks"), minimum=0), MAX_TASKS),
        topics=tuple(_topic(t) for t in topics),
        use_priority=bool(body.get("usePriority")),
    )
    waited = min(integer("asyncResponseTimeout", timeout, minimum=0), MAX_TIMEOUT_MS) if timeout else 0
    return request, waited


def external_task(row: ExternalTaskRow, process: Any) -> dict[str, Any]:
    return {
        "activityId": row.element_id,
        "activityInstanceId": f"{row.element_id}:{row.id}",
        "errorMessage": row.error_message,
        "executionId": row.id,
        "id": row.id,
        "lockExpirationTime": camunda_date(row.lock_expires_at),
        "processDefinitionId": definition_id(process),
        "processDefinitionKey": row.process_key,
        "processDefinitionVersionTag": None,
        "processInstanceId": row.case_id,
        "tenantId": None,
        "retries": row.retries,
        "suspended": False,
        "workerId": row.worker_id,
        "topicName": row.topic,
        "priority": row.priority,
        "businessKey": row.business_key,
    }


def locked_task(row: ExternalTaskRow, process: Any, variables: Mapping[str, Any]) -> dict[str, Any]:
    return {
        **external_task(row, process),
        "errorDetails": row.error_details,
        "variables": to_typed(variables),
    }


def incident(row: ExternalTaskRow, process: Any) -> dict[str, Any]:
    """Camunda's ``failedExternalTask`` incident of a task without retries."""
    return {
        "id": f"incident-{row.id}",
        "processDefinitionId": definition_id(process),
        "processInstanceId": row.case_id,
        "executionId": row.id,
        "incidentTimestamp": camunda_date(row.incident_at),
        "incidentType": "failedExternalTask",
        "activityId": row.element_id,
        "failedActivityId": row.element_id,
        "causeIncidentId": f"incident-{row.id}",
        "rootCauseIncidentId": f"incident-{row.id}",
        "configuration": row.id,
        "tenantId": None,
        "incidentMessage": row.error_message,
        "jobDefinitionId": None,
        "annotation": None,
    }
