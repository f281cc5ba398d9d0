"""/engine-rest/deployment: Camunda Modeler's Deploy button and clients' deployments.

Camunda Modeler 5.x (client/src/plugins/camunda-plugin/shared/CamundaAPI.js, ``deployDiagram``)
posts multipart/form-data: ``deployment-name`` (the file name without extension),
``deployment-source`` = "Camunda Modeler", ``enable-duplicate-filtering`` = "true", ``tenant-id``
when set, then one part per file named after the file (the diagram, then its attachments, e.g.
the forms). Before that it asks ``GET /version``; its connection check is ``GET /deployment?maxResults=0``.

Each deployed process version is one Camunda deployment. Our deploy never re-versions an identical
file: with duplicate filtering on (the Modeler's default), a request that changes nothing answers the
existing deployment with ``deployedProcessDefinitions: null``, as Camunda does; with it off, the
answer lists the existing (unchanged) versions."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, request
from flask.typing import ResponseReturnValue

from engine.camunda_rest.queries import reads as rest
from engine.camunda_rest.routes.request import actor, base_url, ctx, flag, listing_of
from engine.camunda_rest.wire.errors import refused
from engine.camunda_rest.wire.json_shapes import (
    definition,
    definition_id,
    deployment,
    deployment_id,
    deployment_of,
    form_deployment_id,
)
from engine.camunda_rest.wire.params import MAX_RESULTS, Filters, Listing
from engine.errors import InvalidDiagram, InvalidInput, NotFound
from engine.kernel.json_types import JsonObject
from engine.kernel.ports import ProcessRow
from engine.people.permissions import Permission
from engine.processes import deploy as deploy_service
from engine.web.permissions import requires

deployments = Blueprint("deployments", __name__)

SUFFIXES = (".bpmn", ".form")


def _files() -> list[tuple[str, bytes]]:
    files: list[tuple[str, bytes]] = []
    for part, storage in request.files.items(multi=True):
        name = storage.filename or part
        if not name.lower().endswith(SUFFIXES):
            raise InvalidInput(
                f"不支持的部署资源：{name}（只接受 .bpmn 流程图和 .form 表单）",
                f"Unsupported resource {name}: only .bpmn diagrams and .form forms are deployed",
                code="unsupported-resource",
            )
        files.append((name, storage.read()))
    if not files:
        raise InvalidInput(
            "请上传至少一个 .bpmn 或 .form 文件",
            "Upload at least one .bpmn or .form file",
            code="no-resources",
        )
    return files


def _refuse_tenant() -> None:
    if request.form.get("tenant-id"):
        raise InvalidInput(
            "三项不区分租户，请清空 Tenant ID 后重新部署",
            "Sanxiang has no tenants; clear the Tenant ID and deploy again",
            code="tenant-unsupported",
        )


def _identity(outcome: deploy_service.DeployOutcome, anchor: ProcessRow | None) -> tuple[str, datetime]:
    """The deployment's id and time: its first process version's, or (forms only) its first form's."""
    if anchor is not None:
        return deployment_id(anchor), anchor.deployed_at
    first = outcome.items[0]
    return form_deployment_id(first.key, first.version), ctx().clock()


def _answer(outcome: deploy_service.DeployOutcome, filtering: bool) -> JsonObject:
    processes = outcome.processes
    rows = rest.versions_by_id(ctx(), [i.id for i in processes])
    every = [rows[i.id] for i in processes]
    created = [rows[i.id] for i in processes if i.created]
    shown = created if filtering else every
    anchor: ProcessRow | None = (created or every)[0] if (created or every) else None
    dep_id, time = _identity(outcome, anchor)
    name = request.form.get("deployment-name") or (anchor.key if anchor else None)
    body = deployment(base_url(), dep_id, name, request.form.get("deployment-source"), time)
    body["deployedProcessDefinitions"] = {definition_id(r): definition(r) for r in shown} or None
    body.update(
        deployedCaseDefinitions=None,
        deployedDecisionDefinitions=None,
        deployedDecisionRequirementsDefinitions=None,
    )
    return body


@deployments.post("/deployment/create")
@requires(Permission.PROCESS_DEPLOY)
def create() -> ResponseReturnValue:
    """Deploy as the Modeler sends it; a refusal is Camunda's ParseException with every finding."""
    who = actor()
    _refuse_tenant()
    files = _files()
    form = request.form
    filtering = flag(form.get("enable-duplicate-filtering")) or flag(form.get("deploy-changed-only"))
    try:
        outcome = deploy_service.deploy(ctx(), files, who)
    except InvalidDiagram as exc:
        first_diagram = next((n for n, _ in files if n.lower().endswith(".bpmn")), files[0][0])
        response: Response = refused(exc, rest.findings(ctx(), files), first_diagram)
        return response
    return _answer(outcome, filtering)


# one deployment per process version: its name is the process key, its time the version's
DEPLOYMENT_FILTERS = Filters(
    params={
        "name": ("key", "eq"),
        "nameLike": ("key", "like"),
        "after": ("deployed_at", "after"),
        "before": ("deployed_at", "before"),
        "tenantIdIn": ("tenant", "never"),
        "withoutTenantId": ("tenant", "always"),
        "includeDeploymentsWithoutTenantId": ("tenant", "always"),
    },
    sorts={"name": "key", "deploymentTime": "deployed_at"},
)


@deployments.get("/deployment")
def list_deployments() -> ResponseReturnValue:
    rows = rest.versions(ctx(), listing_of(DEPLOYMENT_FILTERS))
    return [deployment_of(base_url(), r) for r in rows]


@deployments.get("/deployment/count")
def count_deployments() -> ResponseReturnValue:
    return {"count": rest.count_versions(ctx(), listing_of(DEPLOYMENT_FILTERS, counting=True))}


@deployments.get("/deployment/<wanted>")
def get_deployment(wanted: str) -> ResponseReturnValue:
    first = 0
    while True:
        rows = rest.versions(ctx(), Listing(first=first))
        found = next((r for r in rows if deployment_id(r) == wanted), None)
        if found is not None:
            return deployment_of(base_url(), found)
        if len(rows) < MAX_RESULTS:
            raise NotFound(
                f"部署 {wanted} 不存在",
                f"Deployment with id '{wanted}' does not exist",
                code="deployment-not-found",
            )
        first += len(rows)
