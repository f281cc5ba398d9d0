"""What every /engine-rest handler reads from the request: the context, the actor, paging, flags."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Response, current_app, g, request

from engine.camunda_rest.reads import MAX_RESULTS
from engine.errors import InvalidInput
from engine.kernel.context import AppContext
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


def flag(value: Any, default: bool = False) -> bool:
    """Camunda's booleans: JSON true/false or the text "true"/"false" (any case)."""
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() == "true"


def number(name: str, value: Any, default: int) -> int:
    if value is None or value == "":
        return default
    try:
        result = int(value)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(
            f"参数 {name} 应为整数：{value!r}",
            f"Parameter {name} must be an integer: {value!r}",
            code="invalid-parameter",
        ) from exc
    if result < 0:
        raise InvalidInput(
            f"参数 {name} 不能为负数", f"Parameter {name} must not be negative", code="invalid-parameter"
        )
    return result


def paging(args: Mapping[str, Any] | None = None) -> tuple[int, int]:
    """(firstResult, maxResults), maxResults capped at MAX_RESULTS."""
    source = request.args if args is None else args
    first = number("firstResult", source.get("firstResult"), 0)
    limit = number("maxResults", source.get("maxResults"), MAX_RESULTS)
    return first, min(limit, MAX_RESULTS)


def json_body() -> dict[str, Any]:
    body = request.get_json(silent=True) if request.data else {}
    if body is None or not isinstance(body, dict):
        raise InvalidInput(
            "请求体应为 JSON 对象", "The request body must be a JSON object", code="invalid-body"
        )
    return body


def no_content() -> Response:
    return Response(status=204)
