"""Camunda 7.21's REST OpenAPI document (``tests/fixtures/camunda-7.21-openapi.json``, see its
PROVENANCE.md) as the reference the tests hold /engine-rest to.

``checked_session()`` is a ``requests.Session`` whose every response from /engine-rest is validated with
openapi-core against the operation's response schema in that document (status, content type, body); a
client such as pycamunda sends through it (``request.session = session``). ``operations()`` lists every
(method, path) of the document."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from typing import Any

import requests
from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
from openapi_core.templating.responses.exceptions import ResponseNotFound
from openapi_schema_validator import OAS30Validator

from tests.support import ROOT

DOCUMENT = ROOT / "tests" / "fixtures" / "camunda-7.21-openapi.json"
METHODS = ("get", "post", "put", "delete", "patch", "options", "head")


@cache
def document() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    return loaded


def _nullable_enums(node: Any) -> None:
    """A ``nullable`` enum admits null, as Camunda 7.21 itself answers (``delegationState: null`` of a task
    never delegated); OpenAPI 3.0.3 would want ``null`` listed in the enum, which Camunda's document omits."""
    if isinstance(node, dict):
        if node.get("nullable") is True and isinstance(node.get("enum"), list) and None not in node["enum"]:
            node["enum"] = [*node["enum"], None]
        for value in node.values():
            _nullable_enums(value)
    elif isinstance(node, list):
        for value in node:
            _nullable_enums(value)


def _byte_streams(spec: dict[str, Any]) -> None:
    """A response documented as a byte stream (``type: string, format: binary``: a deployed form, a
    diagram) is a file of its own media type: with ``application/json`` (a Camunda Form, as Camunda 7.21
    answers it on every deployed-form route) its bytes are the JSON file itself, which openapi-core would
    otherwise parse and compare with ``string``."""
    for item in spec["paths"].values():
        for operation in item.values():
            for answer in (operation.get("responses") or {}).values() if isinstance(operation, dict) else ():
                content = answer.get("content") or {}
                if any(m.get("schema", {}).get("format") == "binary" for m in content.values()):
                    content.setdefault("application/json", {})  # the file's own type (a Camunda Form)
                    for media in content.values():
                        media["schema"] = {}


@cache
def openapi() -> OpenAPI:
    """The validator. Camunda's document is not itself valid against the OpenAPI 3.0 meta-schema (see
    PROVENANCE.md): it is loaded without spec validation, its nullable enums admit null, a byte stream
    is any body, and its ``date-time`` is Camunda's documented date format (``camunda_date``)."""
    spec = json.loads(json.dumps(document()))
    _nullable_enums(spec)
    _byte_streams(spec)
    config = Config(spec_validator_cls=None, extra_format_validators={"date-time": camunda_date})
    return OpenAPI.from_dict(spec, config=config)


def camunda_date(value: Any) -> bool:
    """``format: date-time`` as Camunda 7 writes it: its documented default date format
    ``yyyy-MM-dd'T'HH:mm:ss.SSSZ`` (``2026-11-27T09:00:00.000+0800``; docs "Date Format"), which a real
    Camunda 7.21 answers with and which is not RFC 3339 (``+08:00``). Anything else is refused."""
    if not isinstance(value, str):
        return True  # the type is checked on its own
    try:
        datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z")
    except ValueError:
        return False
    return len(value) == len("2026-11-27T09:00:00.000+0800")


def operations() -> set[tuple[str, str]]:
    """Every (METHOD, path) the document describes, e.g. ("GET", "/history/task")."""
    return {(m.upper(), path) for path, item in document()["paths"].items() for m in item if m in METHODS}


def validate(response: requests.Response) -> None:
    """Raise when the response does not match Camunda's documented response (openapi-core). An error
    status the document does not list for the operation (e.g. a 403 where Camunda documents none, though
    it answers one) must still be Camunda's error body: ``AuthorizationExceptionDto`` for 403, else
    ``ExceptionDto``."""
    try:
        openapi().validate_response(
            RequestsOpenAPIRequest(response.request), RequestsOpenAPIResponse(response)
        )
    except ResponseNotFound:
        if response.status_code < 400:
            raise
        name = "AuthorizationExceptionDto" if response.status_code == 403 else "ExceptionDto"
        schema = {"$ref": f"#/components/schemas/{name}", "components": document()["components"]}
        OAS30Validator(schema, format_checker=OAS30Validator.FORMAT_CHECKER).validate(response.json())


class Checked:
    """Counts the responses validated, and keeps what failed to validate."""

    def __init__(self) -> None:
        self.validated: list[tuple[str, str, int]] = []
        self.failures: list[str] = []

    def hook(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        if "/engine-rest" not in (response.request.url or ""):
            return
        what = (str(response.request.method), str(response.request.url), response.status_code)
        try:
            validate(response)
        except Exception as error:  # collected and asserted by the test, with the body that failed
            self.failures.append(
                f"{what}: {error!r} {getattr(error, '__cause__', '')!r} {response.text[:500]}"
            )
        else:
            self.validated.append(what)


def checked_session(checked: Checked) -> requests.Session:
    session = requests.Session()
    session.hooks["response"].append(checked.hook)
    return session
