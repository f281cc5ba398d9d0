"""Camunda 7 JSON shapes for our rows: dates with milliseconds, ``key:version:uuid`` process
definition ids, deployments, process instances (our cases) and tasks.

Ids are derived, never stored: a process definition id is ``<key>:<version>:<uuid5 of key, version,
sha256>``; each deployed process version is one Camunda deployment (its id is another uuid5 of the
same); process instance ids are our case ids; task ids are our task ids."""

from __future__ import annotations

from datetime import datetime
from uuid import NAMESPACE_URL, uuid5

from engine.errors import InvalidInput
from engine.kernel.bureau import ZONE
from engine.kernel.json_types import JsonObject
from engine.kernel.ports import CaseRow, ProcessRow, TaskRow

CAMUNDA_VERSION = "7.21.0"
_NAMESPACE = uuid5(NAMESPACE_URL, "https://sanxiang.example/engine-rest")
FORM_KEY = "camunda-forms:deployment:{}.form"


def camunda_date(value: datetime | None) -> str | None:
    """``2026-11-27T09:00:00.000+0800``: Camunda's default date format, in the bureau's zone."""
    if value is None:
        return None
    local = value.astimezone(ZONE)
    return f"{local.strftime('%Y-%m-%dT%H:%M:%S')}.{local.microsecond // 1000:03d}{local.strftime('%z')}"


def parse_camunda_date(text: str) -> datetime:
    """Camunda's ``yyyy-MM-dd'T'HH:mm:ss.SSSZ``, or any ISO 8601 date-time (no zone: the bureau's)."""
    for pattern in ("%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z"):
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput(
            f"日期格式无效：{text}（应为 2026-11-27T09:00:00.000+0800）",
            f"Invalid date {text!r}; expected e.g. 2026-11-27T09:00:00.000+0800",
            code="invalid-date",
        ) from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=ZONE)


def definition_id(row: ProcessRow) -> str:
    return f"{row.key}:{row.version}:{uuid5(_NAMESPACE, f'process:{row.key}:{row.version}:{row.sha256}')}"


def split_definition_id(text: str) -> tuple[str, int] | None:
    """(key, version) of a definition id, or None when it cannot be one of ours."""
    parts = text.split(":")
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    return parts[0], int(parts[1])


def deployment_id(row: ProcessRow) -> str:
    return str(uuid5(_NAMESPACE, f"deployment:{row.key}:{row.version}:{row.sha256}"))


def form_deployment_id(form_id: str, version: int) -> str:
    return str(uuid5(_NAMESPACE, f"deployment:form:{form_id}:{version}"))


def link(base: str, path: str) -> list[dict[str, str]]:
    return [{"method": "GET", "href": f"{base}{path}", "rel": "self"}]


def definition(row: ProcessRow) -> JsonObject:
    return {
        "id": definition_id(row),
        "key": row.key,
        "category": "http://bpmn.io/schema/bpmn",
        "description": None,
        "name": row.name,
        "version": row.version,
        "resource": f"{row.key}.bpmn",
        "deploymentId": deployment_id(row),
        "diagram": None,
        "suspended": False,
        "tenantId": None,
        "versionTag": None,
        "historyTimeToLive": None,
        "startableInTasklist": True,
    }


def deployment(
    base: str, deployment_id_: str, name: str | None, source: str | None, time: datetime
) -> JsonObject:
    return {
        "links": link(base, f"/deployment/{deployment_id_}"),
        "id": deployment_id_,
        "name": name,
        "source": source,
        "deploymentTime": camunda_date(time),
        "tenantId": None,
    }


def deployment_of(base: str, row: ProcessRow) -> JsonObject:
    return deployment(base, deployment_id(row), row.key, None, row.deployed_at)


def instance(base: str, case: CaseRow, process: ProcessRow) -> JsonObject:
    return {
        "links": link(base, f"/process-instance/{case.id}"),
        "id": case.id,
        "definitionId": definition_id(process),
        "businessKey": case.business_key,
        "caseInstanceId": None,
        "ended": case.status not in ("running", "suspended"),
        "suspended": case.status == "suspended",
        "tenantId": None,
    }


def task(row: TaskRow, process: ProcessRow) -> JsonObject:
    return {
        "id": row.id,
        "name": row.name,
        "assignee": row.assignee,
        "owner": None,
        "created": camunda_date(row.created_at),
        "lastUpdated": None,
        "due": camunda_date(row.due_at),
        "followUp": camunda_date(row.follow_up_at),
        "delegationState": None,
        "description": None,
        "executionId": row.id,
        "parentTaskId": None,
        "priority": row.priority,
        "processDefinitionId": definition_id(process),
        "processInstanceId": row.case_id,
        "caseExecutionId": None,
        "caseDefinitionId": None,
        "caseInstanceId": None,
        "taskDefinitionKey": row.element_id,
        "suspended": False,
        "formKey": FORM_KEY.format(row.form_id) if row.form_id else None,
        "camundaFormRef": {"key": row.form_id, "binding": "latest", "version": None} if row.form_id else None,
        "tenantId": None,
    }
