"""Errors the way Camunda 7's REST API writes them: ``{"type": …, "message": …, "code": …}``; a refused
diagram as Camunda's ``ParseException`` with every finding per resource, so Camunda Modeler lists them.

``code`` is Camunda's numeric exception code (``BuiltinExceptionCode``: 0 for every error without a code
of its own, 1 for an optimistic locking failure: the case changed meanwhile). A refusal is Camunda's
``AuthorizationException`` with the user, the permission and the resource it was refused on.
Statuses are the ones ``engine.web.problems`` gives the same errors on /api/v1. Messages carry the
Chinese and the English text; ``sanxiangCode`` carries our stable error code."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask import Response, jsonify

from engine.errors import Conflict, InvalidDiagram, NotAllowed, ProcedureViolation, SanxiangError, StepFailed
from engine.kernel.json_types import JsonObject, JsonValue
from engine.web.problems import STATUS

# Camunda Modeler recognises a parse error by this prefix (CamundaAPI.js, getCamundaErrorCode).
PARSE_PREFIX = "ENGINE-09005 Could not parse BPMN process."

_TYPES: list[tuple[type[SanxiangError], str]] = [
    (ProcedureViolation, "ProcedureViolationException"),
    (NotAllowed, "AuthorizationException"),
    (StepFailed, "ProcessEngineException"),
]
FALLBACK, OPTIMISTIC_LOCKING = 0, 1  # Camunda's BuiltinExceptionCode
_CONFLICTS = {
    "task-claimed": "TaskAlreadyClaimedException",
    "case-version-conflict": "OptimisticLockingException",
    "concurrent-change": "OptimisticLockingException",
}


# errors Camunda names with a type of its own
CAMUNDA_TYPES = {
    "message-mismatch": "MismatchingMessageCorrelationException",
    "unsupported-parameter": "InvalidRequestException",
}


def bilingual(zh: str, en: str) -> str:
    return zh if zh == en else f"{zh} / {en}"


def error(status: int, type_: str, message: str, **extra: JsonValue) -> Response:
    code = OPTIMISTIC_LOCKING if type_ == "OptimisticLockingException" else FALLBACK
    response = jsonify({"type": type_, "message": message, "code": code, **extra})
    response.status_code = status
    return response


def _authorization(exc: NotAllowed, user_id: str | None) -> JsonObject:
    """What Camunda's AuthorizationExceptionDto says besides the message: who, which permission."""
    permission = exc.details.get("permission") if exc.details else None
    resource, resource_id = exc.details.get("resource"), exc.details.get("resourceId")
    missing = {"permissionName": permission, "resourceName": resource, "resourceId": resource_id}
    return {
        "userId": user_id,
        "permissionName": permission,
        "resourceName": resource,
        "resourceId": resource_id,
        "missingAuthorizations": [missing] if permission else [],
    }


def from_error(exc: SanxiangError, user_id: str | None = None) -> Response:
    status = next((s for cls, s, _ in STATUS if isinstance(exc, cls)), 500)
    type_ = next((name for cls, name in _TYPES if isinstance(exc, cls)), "InvalidRequestException")
    if isinstance(exc, Conflict):
        type_ = _CONFLICTS.get(exc.code, "InvalidRequestException")
    extra = _authorization(exc, user_id) if isinstance(exc, NotAllowed) else {}
    if exc.code in CAMUNDA_TYPES:
        type_ = CAMUNDA_TYPES[exc.code]
    return error(status, type_, bilingual(exc.message_zh, exc.message_en), sanxiangCode=exc.code, **extra)


def unauthenticated() -> Response:
    response = error(
        401,
        "AuthenticationException",
        bilingual(
            "请用 HTTP Basic（用户名 + API 令牌）或 Bearer（API 令牌）认证",
            "Authenticate with HTTP Basic (user id + API token) or Bearer (API token)",
        ),
        sanxiangCode="unauthenticated",
    )
    response.headers["WWW-Authenticate"] = 'Bearer realm="sanxiang"'
    return response


def _problem(finding: object) -> JsonObject:
    element = getattr(finding, "element_id", None)
    code = getattr(finding, "code", "")
    text = bilingual(
        getattr(finding, "message_zh", str(finding)), getattr(finding, "message_en", str(finding))
    )
    where = f" [{element}]" if element else ""
    return {
        "message": f"{code}{where} {text}".strip(),
        "line": getattr(finding, "line", None) or 0,
        "column": 0,
        "mainElementId": element,
        "elementIds": [element] if element else [],
    }


def _is_error(finding: object) -> bool:
    return getattr(getattr(finding, "severity", None), "value", "error") == "error"


def parse_error(findings: Mapping[str, Sequence[object]], summary_zh: str, summary_en: str) -> Response:
    """Camunda's ParseException: the message lists every error as ``* message | resource r | line n``
    (what the Modeler's log shows); ``details`` holds, per resource, ``errors`` and ``warnings``."""
    details: dict[str, dict[str, list[JsonObject]]] = {}
    lines: list[str] = []
    for resource, found in findings.items():
        errors = [_problem(f) for f in found if _is_error(f)]
        details[resource] = {"errors": errors, "warnings": [_problem(f) for f in found if not _is_error(f)]}
        lines += [
            f"\n* {p['message']} | resource {resource}" + (f" | line {p['line']}" if p["line"] else "")
            for p in errors
        ]
    message = f"{PARSE_PREFIX} Errors: {bilingual(summary_zh, summary_en)}{''.join(lines)}"
    return error(400, "ParseException", message, details=details, sanxiangCode=InvalidDiagram.code)


def refused(
    exc: InvalidDiagram, findings: Mapping[str, Sequence[object]], fallback_resource: str
) -> Response:
    """A refused deployment: the linter's findings for every file, or — when the refusal is not a
    finding (a missing form, an unknown handler) — the refusal itself as the one error."""
    count = sum(1 for found in findings.values() for f in found if _is_error(f))
    if count == 0:
        own = {**findings, fallback_resource: [*findings.get(fallback_resource, []), exc]}
        return parse_error(own, exc.message_zh, exc.message_en)
    return parse_error(
        findings,
        f"未通过三项制度合规检查，共 {count} 处问题",
        f"refused by the compliance rules with {count} finding(s)",
    )
