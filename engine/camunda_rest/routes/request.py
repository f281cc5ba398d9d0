"""What every /engine-rest handler reads from the request: the context, the actor, paging, flags."""

from __future__ import annotations

from urllib.parse import unquote

from flask import Response, current_app, g, request

from engine.camunda_rest.wire.params import PAGING, Filters, Listing, listing, only
from engine.errors import InvalidInput
from engine.kernel.context import AppContext
from engine.kernel.json_types import JsonObject, JsonValue
from engine.kernel.ports import Actor

PREFIX = "/engine-rest"


def ctx() -> AppContext:
    context: AppContext = current_app.extensions["sanxiang"]
    return context


def actor() -> Actor:
    who = g.get("engine_rest_actor")
    assert isinstance(who, Actor)
    return who.via("engine-rest")


def base_url() -> str:
    """Absolute URL of /engine-rest, for Camunda's ``links``."""
    return request.url_root.rstrip("/") + PREFIX


def flag(value: JsonValue, default: bool = False) -> bool:
    """Camunda's booleans: JSON true/false or the text "true"/"false" (any case)."""
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() == "true"


def listing_of(filters: Filters, *, counting: bool = False, extra: frozenset[str] = frozenset()) -> Listing:
    """The request's filters, sorting and paging: from the query string (GET), or from the JSON body
    with paging in the query string (POST). Unsupported parameters are refused (``wire.params``)."""
    if request.method != "POST":
        return listing(filters, request.args, counting=counting, extra=extra)
    only(request.args, frozenset() if counting else frozenset(PAGING) | extra)
    return listing(filters, json_body(), paging=request.args, counting=counting, extra=extra)


def json_body() -> JsonObject:
    body = request.get_json(silent=True) if request.data else {}
    if body is None or not isinstance(body, dict):
        raise InvalidInput(
            "请求体应为 JSON 对象", "The request body must be a JSON object", code="invalid-body"
        )
    return body


def no_content() -> Response:
    return Response(status=204)


REASON_HEADER = "X-Sanxiang-Reason"


def reason(own: JsonValue = None) -> str:
    """The reason an act needs on the record (撤回, 转办, 委派, 更正, 移动): the operation's own Camunda field
    when it has one (``annotation``), else the ``X-Sanxiang-Reason`` header (percent-encoded UTF-8, as
    Camunda's operations without such a field carry none). The use case refuses a missing one."""
    if isinstance(own, str) and own.strip():
        return own
    return unquote(request.headers.get(REASON_HEADER, ""))
