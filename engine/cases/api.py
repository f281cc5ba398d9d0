"""The JSON API under /api/v1: thin handlers that parse, call one service, render."""

from __future__ import annotations

import dataclasses
from typing import Any

from apiflask import APIBlueprint
from flask import current_app, request
from flask.typing import ResponseReturnValue

from engine.cases import opening as case_service
from engine.cases.api_schemas import (
    CaseIn,
    CaseOut,
    CompleteIn,
    DeploymentOut,
    ProcessOut,
    TaskOut,
    TaskQuery,
)
from engine.errors import InvalidInput
from engine.kernel.context import AppContext
from engine.kernel.json_types import JsonObject
from engine.kernel.ports import TaskFilter, TaskRow
from engine.people.permissions import Permission
from engine.processes import deploy as deploy_service
from engine.tasks import claim_and_complete as task_service
from engine.web.auth import current_actor, token_auth
from engine.web.openapi import STEP_FAILED, request_body
from engine.web.permissions import requires

api = APIBlueprint("api", __name__, url_prefix="/api/v1", tag="API")


def _ctx() -> AppContext:
    ctx: AppContext = current_app.extensions["sanxiang"]
    return ctx


def _fields(row: Any) -> JsonObject:
    return {f.name: getattr(row, f.name) for f in dataclasses.fields(row)}


def _task(row: TaskRow) -> JsonObject:
    return _fields(row)


def _case(view: case_service.CaseView) -> JsonObject:
    c = view.case
    return {
        "id": c.id,
        "process_key": c.process_key,
        "process_version": view.process_version,
        "business_key": c.business_key,
        "status": c.status,
        "version": c.version,
        "started_by": c.started_by,
        "started_at": c.started_at,
        "updated_at": c.updated_at,
        "ended_at": c.ended_at,
        "applicant": c.applicant,
        "variables": view.variables,
        "tasks": [_task(t) for t in view.tasks],
        "history": view.history,
        "signatures": view.signatures,
        "parent": view.parent,
        "children": view.children,
    }


@api.get("/processes")
@api.auth_required(token_auth)
@api.output(ProcessOut(many=True))
@api.doc(summary="List deployed processes (latest version of each)")
def list_processes() -> ResponseReturnValue:
    with _ctx().uow(readonly=True) as uow:
        return [_fields(row) for row in uow.processes.list_latest()]


@api.post("/deployments")
@requires(Permission.PROCESS_DEPLOY)
@request_body(
    {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "additionalProperties": {
                    "type": "string",
                    "format": "binary",
                    "description": "a .bpmn or .form file (any part name)",
                },
            }
        }
    }
)
@api.auth_required(token_auth)
@api.output(DeploymentOut, status_code=201)
@api.doc(summary="Deploy .bpmn and .form files (multipart, one part per file); identical files are no-ops")
def create_deployment() -> ResponseReturnValue:
    actor = current_actor()
    files = [(f.filename or name, f.read()) for name, f in request.files.items(multi=True)]
    if not files:
        raise InvalidInput("请上传至少一个 .bpmn 或 .form 文件", "Upload at least one .bpmn or .form file")
    outcome = deploy_service.deploy(_ctx(), files, actor)
    return {"items": [{**_fields(i), "warnings": [w.to_json() for w in i.warnings]} for i in outcome.items]}


@api.post("/cases")
@requires(Permission.CASE_OPEN)
@api.auth_required(token_auth)
@api.input(CaseIn, arg_name="body")
@api.output(CaseOut, status_code=201)
@api.doc(summary="Open a case of a process", responses={404: "no such process deployed", 422: STEP_FAILED})
def open_case(body: JsonObject) -> ResponseReturnValue:
    view = case_service.open_case(
        _ctx(),
        body["process"],
        body["variables"],
        current_actor(),
        business_key=body["business_key"],
        applicant=body["applicant"],
    )
    return _case(view)


@api.get("/cases/<case_id>")
@requires(Permission.CASE_READ)
@api.auth_required(token_auth)
@api.output(CaseOut)
@api.doc(summary="A case: status, waiting tasks, variables, history")
def get_case(case_id: str) -> ResponseReturnValue:
    return _case(case_service.get_case(_ctx(), case_id, current_actor()))


@api.get("/tasks")
@api.auth_required(token_auth)
@api.input(TaskQuery, location="query", arg_name="query")
@api.output(TaskOut(many=True))
@api.doc(summary="My tasks and my groups' tasks")
def list_tasks(query: JsonObject) -> ResponseReturnValue:
    f = TaskFilter(
        user=current_actor(),
        scope=query["scope"],
        process_key=query["process"],
        case_id=query["case"],
        status=query["status"],
        limit=query["limit"],
        offset=query["offset"],
    )
    return [_task(t) for t in task_service.list_tasks(_ctx(), f)]


@api.post("/tasks/<task_id>/claim")
@requires(Permission.TASK_CLAIM)
@api.auth_required(token_auth)
@api.output(TaskOut)
@api.doc(summary="Claim a task offered to one of my groups")
def claim(task_id: str) -> ResponseReturnValue:
    return _task(task_service.claim_task(_ctx(), task_id, current_actor()))


@api.post("/tasks/<task_id>/unclaim")
@requires(Permission.TASK_UNCLAIM)
@api.auth_required(token_auth)
@api.output(TaskOut)
@api.doc(summary="Give a claimed task back to its groups")
def unclaim(task_id: str) -> ResponseReturnValue:
    return _task(task_service.unclaim_task(_ctx(), task_id, current_actor()))


@api.post("/tasks/<task_id>/complete")
@requires(Permission.TASK_COMPLETE)
@api.auth_required(token_auth)
@api.input(CompleteIn, arg_name="body")
@api.output(TaskOut)
@api.doc(summary="Complete a task with the form's variables", responses={422: STEP_FAILED})
def complete(task_id: str, body: JsonObject) -> ResponseReturnValue:
    return _task(task_service.complete_task(_ctx(), task_id, body["variables"], current_actor()))
