"""/engine-rest/process-definition and /engine-rest/process-instance: deployed process versions and
our running cases, the way Camunda 7 clients read and start them."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint
from flask.typing import ResponseReturnValue

from engine.camunda_rest.queries import reads as rest
from engine.camunda_rest.routes.request import actor, base_url, ctx, flag, json_body, listing_of
from engine.camunda_rest.wire.json_shapes import definition, definition_id, instance, split_definition_id
from engine.camunda_rest.wire.params import Criterion, Filters, Listing
from engine.camunda_rest.wire.variables import from_typed, to_typed
from engine.cases import opening as case_service
from engine.errors import InvalidInput, NotFound
from engine.kernel.ports import ProcessRow
from engine.people.permissions import Permission
from engine.web.permissions import requires

processes = Blueprint("processes", __name__)
RUNTIME = ("running", "suspended")  # a case that has not ended: a Camunda "process instance"


def definition_row(text: str) -> ProcessRow:
    parsed = split_definition_id(text)
    if parsed is not None:
        row = rest.version(ctx(), *parsed)
        if definition_id(row) == text:
            return row
    raise NotFound(
        f"流程定义 {text} 不存在", f"No matching process definition with id {text}", code="process-not-found"
    )


def with_definitions(listing: Listing) -> Listing:
    """Criteria naming a process definition id (``definition``) turned into the version's row id; an
    id that is none of ours matches nothing (Camunda answers an empty list, not 404)."""
    criteria = []
    for c in listing.criteria:
        if c.field == "definition":
            try:
                c = Criterion("process_id", "int", definition_row(str(c.value)).id)
            except NotFound:
                c = Criterion("process_id", "int", -1)
        criteria.append(c)
    return replace(listing, criteria=tuple(criteria))


DEFINITION_FILTERS = Filters(
    params={
        "processDefinitionId": ("definition", "eq"),
        "key": ("key", "eq"),
        "keysIn": ("key", "in"),
        "keyLike": ("key", "like"),
        "name": ("name", "eq"),
        "nameLike": ("name", "like"),
        "version": ("version", "int"),
        "latestVersion": ("latest", "true"),
        "tenantIdIn": ("tenant", "never"),
        "withoutTenantId": ("tenant", "always"),
        "includeProcessDefinitionsWithoutTenantId": ("tenant", "always"),
    },
    sorts={"key": "key", "name": "name", "version": "version", "id": "id"},
)


def _definitions(counting: bool = False) -> Listing:
    found = with_definitions(listing_of(DEFINITION_FILTERS, counting=counting))
    return replace(
        found,
        criteria=tuple(replace(c, field="id") if c.field == "process_id" else c for c in found.criteria),
    )


@processes.get("/process-definition")
def list_definitions() -> ResponseReturnValue:
    return [definition(r) for r in rest.versions(ctx(), _definitions())]


@processes.get("/process-definition/count")
def count_definitions() -> ResponseReturnValue:
    return {"count": rest.count_versions(ctx(), _definitions(counting=True))}


@processes.get("/process-definition/key/<key>")
def definition_by_key(key: str) -> ResponseReturnValue:
    return definition(rest.version(ctx(), key))


@processes.get("/process-definition/<wanted>")
def definition_by_id(wanted: str) -> ResponseReturnValue:
    return definition(definition_row(wanted))


def _start(key: str, number: int | None) -> ResponseReturnValue:
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
def start_by_key(key: str) -> ResponseReturnValue:
    return _start(key, None)


@processes.post("/process-definition/<wanted>/start")
@processes.post("/process-definition/<wanted>/submit-form")
@requires(Permission.CASE_OPEN)
def start_by_id(wanted: str) -> ResponseReturnValue:
    row = definition_row(wanted)
    return _start(row.key, row.version)


INSTANCE_FILTERS = Filters(
    params={
        "processInstanceIds": ("id", "in"),
        "businessKey": ("business_key", "eq"),
        "businessKeyLike": ("business_key", "like"),
        "processDefinitionId": ("definition", "eq"),
        "processDefinitionKey": ("process_key", "eq"),
        "processDefinitionKeyIn": ("process_key", "in"),
        "processDefinitionKeyNotIn": ("process_key", "notin"),
        "active": ("active", "true"),
        "suspended": ("suspended", "true"),
        "tenantIdIn": ("tenant", "never"),
        "withoutTenantId": ("tenant", "always"),
    },
    sorts={
        "instanceId": "id",
        "definitionKey": "process_key",
        "definitionId": "process_id",
        "businessKey": "business_key",
    },
)


def _case_query(counting: bool = False) -> Listing:
    return with_definitions(listing_of(INSTANCE_FILTERS, counting=counting))


@processes.get("/process-instance")
def list_instances() -> ResponseReturnValue:
    found = rest.cases(ctx(), actor(), _case_query())
    rows = rest.versions_by_id(ctx(), [c.process_id for c in found])
    return [instance(base_url(), c, rows[c.process_id]) for c in found]


@processes.get("/process-instance/count")
def count_instances() -> ResponseReturnValue:
    return {"count": rest.count_cases(ctx(), actor(), _case_query(counting=True))}


@processes.get("/process-instance/<case_id>")
@requires(Permission.CASE_READ)
def get_instance(case_id: str) -> ResponseReturnValue:
    view = case_service.get_case(ctx(), case_id, actor())
    if view.case.status not in RUNTIME:
        raise NotFound(
            f"办件 {case_id} 已办结",
            f"Process instance with id {case_id} does not exist (it has ended)",
            code="case-ended",
        )
    process = rest.versions_by_id(ctx(), [view.case.process_id])[view.case.process_id]
    return instance(base_url(), view.case, process)
