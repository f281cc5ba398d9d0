"""Errors as RFC 9457 problem details, in Chinese and English. Only this module knows HTTP statuses."""

from __future__ import annotations

from flask import Response, jsonify, request

from engine.errors import (
    Conflict,
    InvalidDiagram,
    InvalidInput,
    NotAllowed,
    NotFound,
    ProcedureViolation,
    SanxiangError,
    StepFailed,
    StorageFull,
    StorageUnavailable,
)
from engine.kernel.json_types import JsonObject, JsonValue

STATUS: list[tuple[type[SanxiangError], int, str]] = [
    (InvalidDiagram, 400, "图或表单未通过检查"),
    (InvalidInput, 400, "请求数据无效"),
    (NotFound, 404, "未找到"),
    (ProcedureViolation, 403, "程序不合法"),
    (NotAllowed, 403, "无权操作"),
    (Conflict, 409, "状态冲突"),
    (StepFailed, 422, "流程步骤执行失败"),
    (StorageFull, 507, "存储空间已满"),
    (StorageUnavailable, 503, "存储暂不可用"),
]


def wants_english() -> bool:
    best = request.accept_languages.best_match(["zh", "zh-CN", "en"], default="zh") if request else "zh"
    return (best or "zh").startswith("en")


def problem(
    status: int, code: str, title_zh: str, title_en: str, detail_zh: str, detail_en: str, **extra: JsonValue
) -> Response:
    english = wants_english()
    body = {
        "type": f"https://sanxiang.example/problems/{code}",
        "title": title_en if english else title_zh,
        "status": status,
        "detail": detail_en if english else detail_zh,
        "code": code,
        "detail_zh": detail_zh,
        "detail_en": detail_en,
        **extra,
    }
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def from_error(error: SanxiangError) -> Response:
    status, title_zh = next(
        ((code, title) for cls, code, title in STATUS if isinstance(error, cls)), (500, "内部错误")
    )
    extra: JsonObject = {}
    if isinstance(error, InvalidDiagram):
        extra["findings"] = [
            f.to_json() if hasattr(f, "to_json") else {"message": str(f)} for f in error.findings
        ]
    if error.details:
        extra["details"] = error.details
    title_en = type(error).__name__
    return problem(status, error.code, title_zh, title_en, error.message_zh, error.message_en, **extra)
