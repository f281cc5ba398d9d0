"""Text a client sends that no database can keep is refused before any handler runs (400, never 500).

A NUL character (PostgreSQL refuses it in text) or a lone UTF-16 surrogate (``"\\ud800"`` in JSON: no
UTF-8 encoding exists for it) anywhere in the path, the query string, a JSON body (keys and values, at
any depth) or a form body; and a JSON body nested too deeply for the parser. Checked once for the whole
app (``install``); evidence uploads check the names they read from headers and multipart fields with
``refuse_unstorable``. Upload bodies are never read here: they are streamed by their view.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from apiflask import APIFlask
from flask import current_app, request

from engine.errors import InvalidInput
from engine.kernel.json_types import JsonValue

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
FORM_TYPE = "application/x-www-form-urlencoded"
STREAMED = "sanxiang_streams_body"
F = TypeVar("F", bound=Callable[..., Any])


def streams_body(view: F) -> F:
    """Mark a view that reads its own body as a stream (an upload): its body is not read here."""
    setattr(view, STREAMED, True)
    return view


def refuse_unstorable(where: str, text: str) -> None:
    """Raise ``InvalidInput`` when ``text`` holds a NUL character or a lone surrogate."""
    if UNSTORABLE.search(text):
        raise InvalidInput(
            f"{where} 含有无法保存的字符（NUL 或孤立的代理字符）",
            f"{where} holds a character that cannot be stored (NUL or a lone surrogate)",
            code="invalid-characters",
            details={"where": where},
        )


def _texts(value: JsonValue) -> list[str]:
    """Every string of a parsed JSON value (keys included), iteratively."""
    found: list[str] = []
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            found.extend(k for k in item if isinstance(k, str))
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return found


def _json_body() -> Any:
    try:
        return request.get_json(silent=True)
    except RecursionError:
        raise InvalidInput(
            "JSON 请求体嵌套过深", "The JSON body is nested too deeply", code="invalid-body"
        ) from None


def check_request_text() -> None:
    refuse_unstorable("路径 / path", request.path)
    for name, value in request.args.items(multi=True):
        refuse_unstorable(f"查询参数 / query parameter {name[:40]!r}", name + value)
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, STREAMED, False):
        return
    if request.is_json:
        for text in _texts(_json_body()):
            refuse_unstorable("JSON 请求体 / JSON body", text)
    elif request.mimetype == FORM_TYPE:
        for name, value in request.form.items(multi=True):
            refuse_unstorable(f"表单字段 / form field {name[:40]!r}", name + value)


def install(app: APIFlask) -> None:
    app.before_request(check_request_text)
