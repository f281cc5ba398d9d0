"""/engine-rest/external-task and /engine-rest/incident (see docs/camunda-rest.md § External tasks).

A worker authenticates like every Camunda client (HTTP Basic with its account id and API token, or
Bearer), as an account of the ``integration`` group. ``fetchAndLock`` with ``asyncResponseTimeout`` waits
without a database connection (``engine.external_tasks.bell``)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from engine.camunda_rest.external_tasks.shapes import (
    external_task,
    fetch_request,
    incident,
    locked_task,
    query_of,
)
from engine.camunda_rest.routes.request import actor, ctx, json_body, no_content
from engine.camunda_rest.wire.params import Filters, listing, only
from engine.camunda_rest.wire.variables import from_typed
from engine.external_tasks import steps, work
from engine.external_tasks.rows import ExternalQuery
from engine.people.permissions import Permission
from engine.web.permissions import requires

external_tasks = Blueprint("engine_rest_external_tasks", __name__)


def _processes(process_ids: set[int]) -> dict[int, Any]:
    with ctx().uow(readonly=True) as uow:
        return {pid: uow.processes.get(pid) for pid in process_ids}


@external_tasks.post("/external-task/fetchAndLock")
@requires(Permission.EXTERNAL_TASK_WORK)
def fetch_and_lock() -> Response:
    fetch, timeout = fetch_request(json_body())
    found = work.fetch_and_wait(ctx(), actor(), fetch, timeout)
    processes = _processes({f.row.process_id for f in found})
    return jsonify([locked_task(f.row, processes[f.row.process_id], f.variables) for f in found])


def _variables(body: dict[str, Any]) -> dict[str, Any]:
    return {**from_typed(body.get("variables")), **from_typed(body.get("localVariables"))}


@external_tasks.post("/external-task/<task_id>/complete")
@requires(Permission.EXTERNAL_TASK_WORK)
def complete(task_id: str) -> Response:
    body = json_body()
    only(body, frozenset({"workerId", "variables", "localVariables"}))
    steps.complete(ctx(), task_id, str(body.get("workerId") or ""), _variables(body), actor())
    return no_content()


@external_tasks.post("/external-task/<task_id>/failure")
@requires(Permission.EXTERNAL_TASK_WORK)
def failure(task_id: str) -> Response:
    body = json_body()
    only(
        body,
        frozenset(
            {
                "workerId",
                "errorMessage",
                "errorDetails",
                "retries",
                "retryTimeout",
                "variables",
                "localVariables",
            }
        ),
    )
    work.failure(ctx(), task_id, body, actor())
    return no_content()


@external_tasks.post("/external-task/<task_id>/extendLock")
@requires(Permission.EXTERNAL_TASK_WORK)
def extend_lock(task_id: str) -> Response:
    body = json_body()
    only(body, frozenset({"workerId", "newDuration"}))
    work.extend_lock(ctx(), task_id, str(body.get("workerId") or ""), body.get("newDuration"), actor())
    return no_content()


@external_tasks.post("/external-task/<task_id>/unlock")
@requires(Permission.EXTERNAL_TASK_WORK)
def unlock(task_id: str) -> Response:
    work.unlock(ctx(), task_id, actor())
    return no_content()


@external_tasks.put("/external-task/<task_id>/retries")
@requires(Permission.EXTERNAL_TASK_READ)
def set_retries(task_id: str) -> Response:
    body = json_body()
    only(body, frozenset({"retries"}))
    work.set_retries(ctx(), task_id, body.get("retries"), actor())
    return no_content()


@external_tasks.get("/external-task")
@requires(Permission.EXTERNAL_TASK_READ)
def list_tasks() -> Response:
    rows = work.read(ctx(), actor(), query_of(request.args))
    processes = _processes({r.process_id for r in rows})
    return jsonify([external_task(r, processes[r.process_id]) for r in rows])


@external_tasks.get("/external-task/count")
@requires(Permission.EXTERNAL_TASK_READ)
def count_tasks() -> Response:
    return jsonify({"count": work.count(ctx(), actor(), query_of(request.args, counting=True))})


@external_tasks.get("/external-task/<task_id>")
@requires(Permission.EXTERNAL_TASK_READ)
def one_task(task_id: str) -> Response:
    row = work.one(ctx(), actor(), task_id)
    return jsonify(external_task(row, _processes({row.process_id})[row.process_id]))


INCIDENTS = Filters(
    {
        "processInstanceId": ("case_id", "eq"),
        "activityId": ("element_id", "eq"),
        "incidentType": ("type", "eq"),
    }
)


@external_tasks.get("/incident")
@requires(Permission.EXTERNAL_TASK_READ)
def incidents() -> Response:
    """Incidents: external tasks without retries (``failedExternalTask``, the only kind Sanxiang has)."""
    found = listing(INCIDENTS, request.args)
    wanted = {c.field: c.value for c in found.criteria}
    if wanted.get("type", "failedExternalTask") != "failedExternalTask":
        return jsonify([])
    query = ExternalQuery(
        case_id=wanted.get("case_id"), element_id=wanted.get("element_id"), no_retries_left=True
    )
    rows = [r for r in work.read(ctx(), actor(), query) if r.incident_at is not None]
    rows = rows[found.first : found.first + found.limit]
    processes = _processes({r.process_id for r in rows})
    return jsonify([incident(r, processes[r.process_id]) for r in rows])


@external_tasks.get("/external-task/<task_id>/errorDetails")
@requires(Permission.EXTERNAL_TASK_READ)
def error_details(task_id: str) -> Response:
    """The details of the latest failure (text), or 204 when there was none."""
    row = work.one(ctx(), actor(), task_id)
    if row.error_details is None:
        return no_content()
    return Response(row.error_details, mimetype="text/plain")


@external_tasks.post("/external-task/<task_id>/bpmnError")
@requires(Permission.EXTERNAL_TASK_WORK)
def bpmn_error(task_id: str) -> Response:
    body = json_body()
    only(body, frozenset({"workerId", "errorCode", "errorMessage", "variables"}))
    error = (str(body.get("errorCode") or ""), str(body.get("errorMessage") or ""))
    worker = str(body.get("workerId") or "")
    steps.bpmn_error(ctx(), task_id, worker, error, from_typed(body.get("variables")), actor())
    return no_content()
