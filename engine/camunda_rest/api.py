"""/engine-rest: the subset of Camunda 7's REST API that Camunda Modeler's Deploy button and Camunda 7
clients (pycamunda, camunda-client) use, over the same services and rules as /api/v1.

Every request authenticates (HTTP Basic with user id + API token, or Bearer API token; see
``engine_rest_auth``); errors come back in Camunda's shape (``engine_rest_errors``). CORS preflights
are answered without credentials: the API reads only the Authorization header, never cookies.
See docs/camunda-modeler.md."""

from __future__ import annotations

from apiflask import APIBlueprint
from flask import Response, g, request
from werkzeug.exceptions import HTTPException

from engine.camunda_rest.external_tasks.api import external_tasks
from engine.camunda_rest.routes.auth import authenticate
from engine.camunda_rest.routes.definition_files import definition_files
from engine.camunda_rest.routes.deployments import deployments
from engine.camunda_rest.routes.events import events
from engine.camunda_rest.routes.history import history
from engine.camunda_rest.routes.identity import identity
from engine.camunda_rest.routes.instances import instances
from engine.camunda_rest.routes.processes import processes
from engine.camunda_rest.routes.request import PREFIX, ctx
from engine.camunda_rest.routes.task_actions import task_actions_rest
from engine.camunda_rest.routes.tasks import tasks
from engine.camunda_rest.wire.errors import bilingual, error, from_error, unauthenticated
from engine.camunda_rest.wire.json_shapes import CAMUNDA_VERSION
from engine.errors import SanxiangError

# Camunda's API has its own documentation: kept out of Sanxiang's OpenAPI document.
engine_rest = APIBlueprint("engine_rest", __name__, url_prefix=PREFIX, enable_openapi=False)
for _child in (
    deployments,
    processes,
    definition_files,
    instances,
    tasks,
    task_actions_rest,
    history,
    events,
    identity,
    external_tasks,
):
    engine_rest.register_blueprint(_child)

CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, PUT, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, Content-Type, Accept",
    "Access-Control-Max-Age": "600",
}


@engine_rest.before_request
def _authenticate() -> Response | None:
    if request.method == "OPTIONS":
        return Response(status=204, headers=CORS)
    actor = authenticate(ctx(), request.headers.get("Authorization"))
    if actor is None:
        return unauthenticated()
    g.engine_rest_actor = actor
    return None


@engine_rest.after_request
def _cors(response: Response) -> Response:
    response.headers.setdefault("Access-Control-Allow-Origin", "*")
    return response


@engine_rest.errorhandler(SanxiangError)
def _domain_error(exc: SanxiangError) -> Response:
    who = g.get("engine_rest_actor")
    return from_error(exc, who.user_id if who is not None else None)


@engine_rest.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    text = exc.description or exc.name
    return error(
        status,
        "RestException",
        bilingual(f"HTTP {status}：{text}", f"HTTP {status}: {text}"),
        sanxiangCode=f"http-{status}",
    )


@engine_rest.get("/version")
def version() -> dict[str, str]:
    """The Camunda 7 REST API version this surface follows (Camunda Modeler asks before deploying)."""
    return {"version": CAMUNDA_VERSION}


@engine_rest.get("/engine")
def engines() -> list[dict[str, str]]:
    return [{"name": "default"}]
