"""/webhooks: signed pushes from the provincial online-service platform (no API token).

Every request carries Standard Webhooks headers signed with ``Settings.inbound_secret``; the
signature and its timestamp are checked on the raw body before anything parses it. A forged,
expired or missing signature is refused with 401 and changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import timedelta

from apiflask import APIBlueprint
from flask import Response, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from engine.errors import InvalidInput
from engine.integration import inbound as inbound_service
from engine.kernel.context import AppContext
from engine.kernel.json_types import JsonValue
from engine.web.openapi import STEP_FAILED
from engine.web.permissions import SIGNED, requires
from engine.web.problems import problem
from webhooks import PayloadInvalid, SignatureError, parse_application, verify
from webhooks.inbound import MAX_BODY_BYTES

inbound = APIBlueprint("inbound", __name__, url_prefix="/webhooks", tag="Inbound webhooks")


def _ctx() -> AppContext:
    ctx: AppContext = current_app.extensions["sanxiang"]
    return ctx


def _tolerance(ctx: AppContext) -> timedelta:
    return timedelta(seconds=ctx.settings.inbound_tolerance_seconds)


def _refused(error: SignatureError) -> Response:
    return problem(
        401,
        "webhook-signature",
        "签名无效",
        "Invalid signature",
        f"请求未通过签名校验：{error.message_zh}",
        f"The request failed signature verification: {error.message_en}",
        reason=error.reason_code,
    )


def _disabled() -> Response:
    return problem(
        503,
        "inbound-disabled",
        "未启用",
        "Not enabled",
        "未配置入站推送密钥（SANXIANG_INBOUND_SECRET）",
        "No inbound webhook secret is configured (SANXIANG_INBOUND_SECRET)",
    )


def _raw_body() -> bytes:
    if (request.content_length or 0) > MAX_BODY_BYTES:
        raise InvalidInput(
            "请求体过大", f"The body is larger than {MAX_BODY_BYTES} bytes", code="body-too-large"
        )
    return request.get_data(cache=False)


@inbound.post("/applications")
@requires(SIGNED)
@inbound.doc(
    summary="The provincial platform submits an application: opens a case once per applicationId",
    description="Signed with Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature); "
    "body: webhooks/schemas/application.schema.json. 201 = a new case, 200 = a replay "
    "(the same case, nothing created), 400 = schema errors, 401 = bad signature.",
    responses={
        201: "a new case",
        200: "a replay: the case opened before, nothing created",
        400: "not valid against the schema, or an unknown item code",
        401: "forged, expired or missing signature",
        422: STEP_FAILED,
        503: "no inbound secret configured",
    },
)
def receive_application() -> ResponseReturnValue:
    ctx = _ctx()
    if not ctx.settings.inbound_secret:
        return _disabled()
    try:
        application = parse_application(
            _raw_body(),
            dict(request.headers),
            ctx.settings.inbound_secret,
            now=ctx.clock(),
            tolerance=_tolerance(ctx),
        )
    except SignatureError as exc:
        return _refused(exc)
    except PayloadInvalid as exc:
        return problem(
            400,
            "application-invalid",
            "申请数据无效",
            "Invalid application",
            exc.message_zh,
            exc.message_en,
            errors=exc.errors,
        )
    received = inbound_service.receive_application(ctx, application)
    response = jsonify(
        {"applicationId": received.application_id, "caseId": received.case_id, "created": received.created}
    )
    response.status_code = 201 if received.created else 200
    return response


def _message_body(raw: bytes) -> tuple[str, Mapping[str, JsonValue]]:
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidInput(
            "消息体不是有效的 JSON", "The body is not valid JSON", code="message-invalid"
        ) from exc
    key = body.get("businessKey") if isinstance(body, dict) else None
    variables = body.get("variables", {}) if isinstance(body, dict) else None
    if not isinstance(key, str) or not key or not isinstance(variables, dict):
        raise InvalidInput(
            '消息体应为 {"businessKey": 字符串, "variables": 对象}',
            'The body must be {"businessKey": string, "variables": object}',
            code="message-invalid",
        )
    return key, variables


@inbound.post("/messages/<name>")
@requires(SIGNED)
@inbound.doc(
    summary="Correlate a BPMN message to the running case with the business key",
    description='Signed like /webhooks/applications; body {"businessKey": …, "variables": {…}}. '
    "404 = no running case with that key, 409 = the case does not wait for the message.",
    responses={
        200: "the case moved on",
        401: "forged, expired or missing signature",
        404: "no running case with the business key",
        409: "the case does not wait for it",
        422: STEP_FAILED,
        503: "no inbound secret configured",
    },
)
def receive_message(name: str) -> ResponseReturnValue:
    ctx = _ctx()
    if not ctx.settings.inbound_secret:
        return _disabled()
    raw = _raw_body()
    try:
        verify(
            raw,
            dict(request.headers),
            ctx.settings.inbound_secret,
            now=ctx.clock(),
            tolerance=_tolerance(ctx),
        )
    except SignatureError as exc:
        return _refused(exc)
    business_key, variables = _message_body(raw)
    received = inbound_service.correlate_message(ctx, name, business_key, variables)
    return {"message": received.name, "caseId": received.case_id, "createdTasks": received.created_tasks}
