"""Camunda 7's history DTOs for our cases, tasks, derived activity and variable rows, and record entries
(``HistoricProcessInstanceDto``, ``HistoricTaskInstanceDto``, ``HistoricActivityInstanceDto``,
``HistoricVariableInstanceDto``, ``UserOperationLogEntryDto``).

A case's state: running -> ACTIVE, suspended -> SUSPENDED, completed -> COMPLETED, withdrawn (撤回) or
cancelled by a supervisor -> EXTERNALLY_TERMINATED with the recorded reason as ``deleteReason``. A task's
``deleteReason`` is "completed" or, cancelled, "deleted" (as Camunda's)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from engine.camunda_rest.wire.json_shapes import camunda_date, definition_id
from engine.camunda_rest.wire.variables import typed
from engine.kernel.json_types import JsonObject, JsonValue
from engine.kernel.ports import CaseRow, ProcessRow, TaskRow

STATES = {
    "running": "ACTIVE",
    "suspended": "SUSPENDED",
    "completed": "COMPLETED",
    "withdrawn": "EXTERNALLY_TERMINATED",
    "cancelled": "EXTERNALLY_TERMINATED",
}
TASK_ENDS = {"completed": "completed", "cancelled": "deleted"}

# record action -> (Camunda operationType, entityType, category); other actions keep their own name
OPERATIONS: dict[str, tuple[str, str, str]] = {
    "case.started": ("Create", "ProcessInstance", "Operator"),
    "task.claimed": ("Claim", "Task", "TaskWorker"),
    "task.unclaimed": ("Claim", "Task", "TaskWorker"),
    "task.completed": ("Complete", "Task", "TaskWorker"),
    "task.transferred": ("Assign", "Task", "TaskWorker"),
    "task.reassigned": ("Assign", "Task", "Operator"),
    "task.delegated": ("Delegate", "Task", "TaskWorker"),
    "task.resolved": ("Resolve", "Task", "TaskWorker"),
    "case.withdrawn": ("Delete", "ProcessInstance", "Operator"),
    "case.cancelled": ("Delete", "ProcessInstance", "Operator"),
    "case.suspended": ("Suspend", "ProcessInstance", "Operator"),
    "case.resumed": ("Activate", "ProcessInstance", "Operator"),
    "case.moved": ("ModifyProcessInstance", "ProcessInstance", "Operator"),
    "fact.corrected": ("ModifyVariable", "Variable", "Operator"),
    "message.received": ("CorrelateMessage", "ProcessInstance", "Operator"),
    "external-task.retries-set": ("SetExternalTaskRetries", "ExternalTask", "Operator"),
}
ASSIGNEE_CHANGES = {
    "task.claimed": (None, "actor"),
    "task.transferred": ("from", "to"),
    "task.reassigned": ("from", "to"),
    "task.delegated": ("owner", "delegate"),
    "task.resolved": ("delegate", "owner"),
}


def _millis(start: datetime | None, end: datetime | None) -> int | None:
    return int((end - start).total_seconds() * 1000) if start is not None and end is not None else None


def process_instance(case: CaseRow, process: ProcessRow, delete_reason: str | None) -> JsonObject:
    return {
        "id": case.id,
        "rootProcessInstanceId": case.id,
        "superProcessInstanceId": None,
        "superCaseInstanceId": None,
        "caseInstanceId": None,
        "processDefinitionName": process.name,
        "processDefinitionKey": process.key,
        "processDefinitionVersion": process.version,
        "processDefinitionId": definition_id(process),
        "businessKey": case.business_key,
        "startTime": camunda_date(case.started_at),
        "endTime": camunda_date(case.ended_at),
        "removalTime": None,
        "durationInMillis": _millis(case.started_at, case.ended_at),
        "startUserId": case.started_by,
        "startActivityId": None,
        "deleteReason": delete_reason,
        "tenantId": None,
        "state": STATES.get(case.status, case.status.upper()),
    }


def task_instance(row: TaskRow, process: ProcessRow) -> JsonObject:
    return {
        "id": row.id,
        "processDefinitionKey": process.key,
        "processDefinitionId": definition_id(process),
        "processInstanceId": row.case_id,
        "executionId": row.id,
        "caseDefinitionKey": None,
        "caseDefinitionId": None,
        "caseInstanceId": None,
        "caseExecutionId": None,
        "activityInstanceId": f"{row.element_id}:{row.id}",
        "name": row.name,
        "description": None,
        "deleteReason": TASK_ENDS.get(row.status),
        "owner": None,
        "assignee": row.completed_by or row.assignee,
        "startTime": camunda_date(row.created_at),
        "endTime": camunda_date(row.completed_at),
        "duration": _millis(row.created_at, row.completed_at),
        "taskDefinitionKey": row.element_id,
        "priority": row.priority,
        "due": camunda_date(row.due_at),
        "parentTaskId": None,
        "followUp": camunda_date(row.follow_up_at),
        "tenantId": None,
        "removalTime": None,
        "rootProcessInstanceId": row.case_id,
    }


def activity_instance(row: Mapping[str, JsonValue]) -> JsonObject:
    process: ProcessRow = row["process"]
    return {
        "id": row["id"],
        "parentActivityInstanceId": row["case_id"],
        "activityId": row["element_id"],
        "activityName": row["name"],
        "activityType": row["type"],
        "processDefinitionKey": process.key,
        "processDefinitionId": definition_id(process),
        "processInstanceId": row["case_id"],
        "executionId": row["task_id"] or row["case_id"],
        "taskId": row["task_id"],
        "assignee": row["assignee"],
        "calledProcessInstanceId": None,
        "calledCaseInstanceId": None,
        "startTime": camunda_date(row["started_at"]),
        "endTime": camunda_date(row["ended_at"]),
        "durationInMillis": _millis(row["started_at"], row["ended_at"]),
        "canceled": row["canceled"],
        "completeScope": row["complete_scope"],
        "tenantId": None,
        "removalTime": None,
        "rootProcessInstanceId": row["case_id"],
    }


def variable_instance(row: Mapping[str, JsonValue]) -> JsonObject:
    process: ProcessRow = row["process"]
    type_, value = typed(row["value"])
    return {
        "value": value,
        "type": type_,
        "valueInfo": {},
        "id": row["id"],
        "name": row["name"],
        "processDefinitionKey": process.key,
        "processDefinitionId": definition_id(process),
        "processInstanceId": row["case_id"],
        "executionId": row["case_id"],
        "activityInstanceId": row["case_id"],
        "caseDefinitionKey": None,
        "caseDefinitionId": None,
        "caseInstanceId": None,
        "caseExecutionId": None,
        "taskId": None,
        "errorMessage": None,
        "tenantId": None,
        "state": "CREATED",
        "createTime": camunda_date(row["created_at"]),
        "removalTime": None,
        "rootProcessInstanceId": row["case_id"],
    }


def _assignee_change(
    action: str, actor: str, payload: Mapping[str, JsonValue]
) -> tuple[JsonValue, JsonValue, JsonValue]:
    if action == "task.unclaimed":
        return "assignee", actor, None
    if action not in ASSIGNEE_CHANGES:
        return None, None, None
    before, after = ASSIGNEE_CHANGES[action]
    return (
        "assignee",
        payload.get(before) if before else None,
        actor if after == "actor" else payload.get(after),
    )


def user_operation(entry: Any, process: ProcessRow) -> JsonObject:
    """One record entry (a row of ``records``) as a user operation log entry; its id is the record's seq."""
    payload = json.loads(entry.payload)
    operation, entity, category = OPERATIONS.get(
        entry.action, (entry.action, "Task" if entry.task_id else "ProcessInstance", "Operator")
    )
    prop, before, after = _assignee_change(entry.action, entry.actor, payload)
    reason = payload.get("reason")
    return {
        "id": str(entry.seq),
        "userId": entry.actor,
        "timestamp": camunda_date(entry.recorded_at),
        "operationId": str(entry.seq),
        "operationType": operation,
        "entityType": entity,
        "category": category,
        "annotation": str(reason) if reason else None,
        "property": prop,
        "orgValue": None if before is None else str(before),
        "newValue": None if after is None else str(after),
        "deploymentId": None,
        "processDefinitionId": definition_id(process),
        "processDefinitionKey": process.key,
        "processInstanceId": entry.case_id,
        "executionId": entry.task_id or entry.case_id,
        "caseDefinitionId": None,
        "caseInstanceId": None,
        "caseExecutionId": None,
        "taskId": entry.task_id,
        "externalTaskId": None,
        "batchId": None,
        "jobId": None,
        "jobDefinitionId": None,
        "removalTime": None,
        "rootProcessInstanceId": entry.case_id,
    }
