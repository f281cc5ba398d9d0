"""/engine-rest/process-definition and /engine-rest/process-instance: deployed process versions and
our running cases, the way Camunda 7 clients read and start them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, request

from engine.camunda_rest import reads as rest
from engine.camunda_rest.json_shapes import definition, definition_id, instance, split_definition_id
from engine.camunda_rest.reads import CaseQuery
from engine.camunda_rest.request import actor, base_url, ctx, flag, json_body, paging
from engine.camunda_rest.variables import from_typed, to_typed
from engine.cases import opening as case_service
from engine.errors import InvalidInput, NotFound
from engine.kernel.ports import ProcessRow
from engine.people.permissions import Permission
from engine.web.permissions import requires

processes = Blueprint("processes", __name__)


def definition_row(text: str) -> ProcessRow:
    parsed = split_definition_id(text)
    if parsed is not None:
        row = rest.version(ctx(), *parsed)
        if definition_id(row) == text:
            return row
    raise NotFound(
        f"流程定义 {text} 不存在", f"No matching process definition with id {text}", code="process-not-found"
    )


@processes.get("/process-definition")
def list_definitions() -> Any:
    first, limit = paging()
    rows = rest.versions(
        ctx(),
        key=request.args.get("key") or None,
        latest_only=flag(request.args.get("latestVersion")),
        first=first,
        limit=limit,
    )
    return [definition(r) for r in rows]


@processes.get("/process-definition/count")
def count_definitions() -> Any:
    return {
        "count": rest.count_versions(
            ctx(), key=request.args.get("key") or None, latest_only=flag(request.args.get("latestVersion"))
        )
    }


@processes.get("/process-definition/key/<key>")
def definition_by_key(key: str) -> Any:
    return definition(rest.version(ctx(), key))


@processes.get("/process-definition/<wanted>")
def definition_by_id(wanted: str) -> Any:
    return definition(definition_row(wanted))


def _start(key: str, number: int | None) -> Any:
    body = json_body()
    if body.get("startInstructions"):
        raise InvalidInput(
            "不支持从指定节点启动（startInstructions）",
            "startInstructions are not supported",
            code="unsupported-start",
        )
    business_key = body.get("businessKey")
    view = rest.start_case(
        ctx(),
        key,
        number,
        from_typed(body.get("variables")),
        actor(),
        str(business_key) if business_key is not None else None,
    )
    process = rest.versions_by_id(ctx(), [view.case.process_id])[view.case.process_id]
    answer = instance(base_url(), view.case, process)
    if flag(body.get("withVariablesInReturn")):
        answer["variables"] = to_typed(view.variables)
    return answer


@processes.post("/process-definition/key/<key>/start")
@processes.post("/process-definition/key/<key>/submit-form")
@requires(Permission.CASE_OPEN)
def start_by_key(key: str) -> Any:
    return _start(key, None)


@processes.post("/process-definition/<wanted>/start")
@processes.post("/process-definition/<wanted>/submit-form")
@requires(Permission.CASE_OPEN)
def start_by_id(wanted: str) -> Any:
    row = definition_row(wanted)
    return _start(row.key, row.version)


def _case_query(args: Mapping[str, Any]) -> CaseQuery:
    process_id: int | None = None
    if args.get("processDefinitionId"):
        try:
            process_id = definition_row(str(args["processDefinitionId"])).id
        except NotFound:
            process_id = -1  # Camunda answers an empty list for an unknown definition
    ids = args.get("processInstanceIds") or ""
    first, limit = paging(args)
    return CaseQuery(
        business_key=args.get("businessKey") or None,
        process_key=args.get("processDefinitionKey") or None,
        process_id=process_id,
        ids=tuple(i for i in (ids.split(",") if isinstance(ids, str) else ids) if i),
        first=first,
        limit=limit,
    )


@processes.get("/process-instance")
def list_instances() -> Any:
    found = rest.cases(ctx(), actor(), _case_query(request.args))
    rows = rest.versions_by_id(ctx(), [c.process_id for c in found])
    return [instance(base_url(), c, rows[c.process_id]) for c in found]


@processes.get("/process-instance/count")
def count_instances() -> Any:
    return {"count": rest.count_cases(ctx(), actor(), _case_query(request.args))}


@processes.get("/process-instance/<case_id>")
@requires(Permission.CASE_READ)
def get_instance(case_id: str) -> Any:
    view = case_service.get_case(ctx(), case_id, actor())
    if view.case.status != "running":
        raise NotFound(
            f"办件 {case_id} 已办结",
            f"Process instance with id {case_id} does not exist (it has ended)",
            code="case-ended",
        )
    process = rest.versions_by_id(ctx(), [view.case.process_id])[view.case.process_id]
    return instance(base_url(), view.case, process)
