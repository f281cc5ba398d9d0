"""The OpenAPI document made complete: every error an operation can answer, as the body it really is.

apiflask documents each route's success, its validation error (400), its authentication error (401) and
404 for routes with path parameters; ``engine.web.permissions.requires`` adds the 403. Every error the
application sends is an RFC 9457 problem (``engine.web.problems``) with the media type
``application/problem+json``: this processor gives every 4xx/5xx response that content, and adds the
answers every operation of its kind can give:

- 400 to every operation: ``engine.web.request_text`` refuses NUL characters and lone surrogates in any
  request, ``engine.web.bounds`` out-of-range numbers;
- 404 to every operation with a path parameter (the thing named does not exist), and 409 when it
  changes it (its state does not allow that now: a task no longer waiting, a case changed meanwhile);
- 413 to every operation with a request body (``MAX_CONTENT_LENGTH``);
- the statuses a route declares for itself (``@….doc(responses=…)``).

``tests/integration/test_openapi_document.py`` checks the document; ``scripts/fuzz-api`` checks the
running server against it (schemathesis).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from apiflask import APIFlask
from werkzeug.routing import AnyConverter, IntegerConverter

from engine.kernel.json_types import JsonObject
from engine.web.bounds import MAX_ID, BoundedText
from engine.web.permissions import PROBLEM_SCHEMA

METHODS = ("get", "put", "post", "delete", "patch")
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
PROBLEM_MEDIA_TYPE = "application/problem+json"
JSON = "application/json"
PROBLEM = {
    **PROBLEM_SCHEMA,
    "description": "RFC 9457 problem details, in Chinese and English (`detail_zh`, `detail_en`); `code` "
    "is stable. Refused input carries `errors` (by location and field), refused files "
    "`findings`.",
    "properties": {
        **PROBLEM_SCHEMA["properties"],  # type: ignore[dict-item]
        "errors": {"type": "object"},
        "findings": {"type": "array", "items": {"type": "object"}},
    },
}
STEP_FAILED = (
    "流程步骤执行失败，办件未变 / a step of the process failed (expression, handler, budget); nothing changed"
)
ALWAYS = {
    "400": "请求无效：参数、请求体或无法保存的字符 / Bad request: parameters, body, or characters that "
    "cannot be stored (NUL, lone surrogates)"
}
WITH_PATH = {"404": "未找到 / Not found"}
CHANGES_PATH = {
    "409": "当前状态不允许 / the state of what is named does not allow it now (e.g. a task "
    "no longer waiting, a case changed meanwhile)"
}
WITH_BODY = {"413": "请求体过大 / Request body too large"}


def binary(description: str, media_type: str) -> JsonObject:
    """A response whose body is a file of ``media_type`` (``*/*``: any type), for ``@….doc(responses=…)``."""
    return {
        "description": description,
        "content": {media_type: {"schema": {"type": "string", "format": "binary"}}},
    }


BODY = "sanxiang_openapi_body"
Responses = dict[int | str, JsonObject]  # what ``@….doc(responses=…)`` takes, spelled out
F = TypeVar("F", bound=Callable[..., Any])


def request_body(content: JsonObject, *parameters: JsonObject) -> Callable[[F], F]:
    """Document the body (and header/query parameters) of a view that reads its request itself
    (a streamed upload, multipart files): apiflask sees no ``@input`` there."""

    def mark(view: F) -> F:
        setattr(view, BODY, ({"content": content, "required": True}, list(parameters)))
        return view

    return mark


def install(app: APIFlask) -> None:
    """Complete the app's OpenAPI document each time it is generated (after every route is known)."""

    def process(spec: Any) -> Any:
        return _with_bodies(complete(spec, path_schemas(app)), app) if isinstance(spec, dict) else spec

    app.spec_processor(process)


def _with_bodies(spec: JsonObject, app: APIFlask) -> JsonObject:
    for rule in app.url_map.iter_rules():
        documented = getattr(app.view_functions.get(rule.endpoint), BODY, None)
        path = _openapi_path(rule.rule)
        item = spec.get("paths", {}).get(path)
        if documented is None or item is None:
            continue
        for method in (rule.methods or set()) & {m.upper() for m in METHODS}:
            operation = item.get(method.lower())
            if operation is not None:
                operation["requestBody"] = documented[0]
                operation.setdefault("parameters", []).extend(documented[1])
                _complete_operation(path, method.lower(), operation)
    return spec


def path_schemas(app: APIFlask) -> dict[tuple[str, str], JsonObject]:
    """(OpenAPI path, parameter) -> the schema its converter really accepts: ``<any(a, b):x>`` one of its
    words, ``<int:x>`` 0…``MAX_ID``, ``<x>`` at most ``MAX_SEGMENT`` characters (``engine.web.bounds``)."""
    found: dict[tuple[str, str], JsonObject] = {}
    for rule in app.url_map.iter_rules():
        path = _openapi_path(rule.rule)
        for name, converter in rule._converters.items():
            if isinstance(converter, AnyConverter):
                found[(path, name)] = {"type": "string", "enum": sorted(converter.items)}
            elif isinstance(converter, BoundedText) and converter.maxlength is not None:
                found[(path, name)] = {"type": "string", "minLength": 1, "maxLength": converter.maxlength}
            elif isinstance(converter, IntegerConverter):
                found[(path, name)] = {
                    "type": "integer",
                    "minimum": converter.min or 0,
                    "maximum": converter.max or MAX_ID,
                }
    return found


def _openapi_path(rule: str) -> str:
    """``/cases/<case_id>/<any(a, b):verb>`` -> ``/cases/{case_id}/{verb}`` (as apiflask writes it)."""
    return re.sub(r"<(?:[^<>]+:)?([^<>:]+)>", r"{\1}", rule)


def complete(spec: JsonObject, paths: dict[tuple[str, str], JsonObject] | None = None) -> JsonObject:
    """Add what every operation can answer, the problem media type to every error response, and the
    real schema of path parameters with a converter."""
    spec.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is not None:
                _complete_operation(path, method, operation)
                for parameter in operation.get("parameters", []):
                    if parameter.get("in") == "path" and (path, parameter.get("name")) in (paths or {}):
                        parameter["schema"] = (paths or {})[(path, parameter["name"])]
    return spec


def _complete_operation(path: str, method: str, operation: JsonObject) -> None:
    responses = operation.setdefault("responses", {})
    named, changes = "{" in path, method != "get"
    wanted = {
        **ALWAYS,
        **(WITH_PATH if named else {}),
        **(CHANGES_PATH if named and changes else {}),
        **(WITH_BODY if "requestBody" in operation else {}),
    }
    for status, description in wanted.items():
        responses.setdefault(status, {"description": description})
    for status, response in responses.items():
        content = response.get("content") or {}
        if str(status)[:1] in ("4", "5"):
            response["content"] = {PROBLEM_MEDIA_TYPE: {"schema": PROBLEM_REF}}
        elif len(content) > 1 and not content.get(JSON, {}).get("schema"):
            del content[JSON]  # apiflask's placeholder next to the media type a route declared
        elif str(status) == "304":
            response.pop("content", None)
