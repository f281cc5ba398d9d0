"""Evidence files and the electronic case file under /api/v1/cases/<case_id>/…

Upload: ``POST /cases/<id>/evidence`` with either the raw bytes as the body (name in ``X-Filename``,
percent-encoded UTF-8 allowed) or ``multipart/form-data`` with one file part. Optional ``task``
(query, header ``X-Task-Id`` or form field ``taskId``) links the file to a waiting task;
``coversWhole=true`` (query, header ``X-Covers-Whole`` or form field) marks a video that covers the
whole on-site verification. The body is streamed to disk in 1 MiB chunks: this view sets its own
``request.max_content_length`` (``Settings.max_upload_bytes``) and never touches ``request.form``,
``request.files`` or ``request.data``, which would buffer or spool the body.
"""

from __future__ import annotations

import tempfile
from typing import Any
from urllib.parse import unquote

from apiflask import APIBlueprint, Schema
from apiflask.fields import Boolean, DateTime, Integer, String
from flask import Response, current_app, request, send_file
from flask.typing import ResponseReturnValue

from engine.errors import InvalidInput
from engine.kernel.context import AppContext
from engine.kernel.json_types import JsonObject
from engine.people.permissions import Permission
from engine.record.casefile import export as case_file_service
from engine.record.evidence import receive as evidence_service
from engine.record.evidence.files import discard, too_large
from engine.record.evidence.rows import EvidenceRow
from engine.web.auth import current_actor, token_auth
from engine.web.bounds import MAX_QUERY_TEXT
from engine.web.openapi import Responses, binary, request_body
from engine.web.permissions import requires
from engine.web.problems import from_error, problem
from engine.web.request_text import refuse_unstorable, streams_body
from engine.web.uploads import read_multipart, read_raw

evidence = APIBlueprint("evidence", __name__, url_prefix="/api/v1", tag="Evidence")
MULTIPART_SLACK = 64 * 1024  # room for multipart headers and fields around the file
_STATUS = {
    "evidence-too-large": 413,
    "evidence-type-mismatch": 415,
    "evidence-type-unknown": 415,
    "evidence-type-not-allowed": 415,
}
_TRUE = ("1", "true", "yes", "on")
# the body and parameters of an upload, which the view reads itself (streamed): for the OpenAPI document
UPLOAD: tuple[JsonObject, ...] = (
    {
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {"type": "string", "format": "binary"},
                    "taskId": {"type": "string"},
                    "coversWhole": {"type": "string", "enum": ["true", "false"]},
                },
            }
        },
    },
    {
        "in": "header",
        "name": "X-Filename",
        "schema": {"type": "string"},
        "description": "the file's name, percent-encoded UTF-8 (raw body; required there)",
    },
    {
        "in": "query",
        "name": "task",
        "schema": {"type": "string", "maxLength": MAX_QUERY_TEXT},
        "description": "the waiting task the file is for (or header X-Task-Id, or field taskId)",
    },
    {
        "in": "query",
        "name": "coversWhole",
        "schema": {"type": "string", "enum": ["true", "false"]},
        "description": "a video that covers the whole on-site verification",
    },
)
DOWNLOAD: Responses = {
    200: binary("the file, with the media type detected when it was uploaded", "*/*"),
    304: {"description": "not modified (If-None-Match with the file's SHA-256)"},
}
EXPORT: Responses = {
    200: binary("the case file", "application/zip"),
    422: {"description": "the record chain is broken"},
}


def _ctx() -> AppContext:
    ctx: AppContext = current_app.extensions["sanxiang"]
    return ctx


class EvidenceOut(Schema):
    sha256 = String()
    name = String()
    media_type = String()
    kind = String(metadata={"description": "audio | video | image | document"})
    size = Integer()
    case_id = String()
    task_id = String(allow_none=True)
    element_id = String(allow_none=True)
    covers_whole = Boolean()
    record_seq = Integer(metadata={"description": "global sequence of the evidence.added record entry"})
    added_by = String()
    added_at = DateTime()
    href = String()


def _out(row: EvidenceRow) -> JsonObject:
    return {
        "sha256": row.sha256,
        "name": row.name,
        "media_type": row.media_type,
        "kind": row.kind,
        "size": row.size,
        "case_id": row.case_id,
        "task_id": row.task_id,
        "element_id": row.element_id,
        "covers_whole": row.covers_whole,
        "record_seq": row.record_seq,
        "added_by": row.added_by,
        "added_at": row.added_at,
        "href": f"/api/v1/cases/{row.case_id}/evidence/{row.sha256}",
    }


@evidence.errorhandler(InvalidInput)
def _refused(error: InvalidInput) -> Response:
    status = _STATUS.get(error.code)
    if status is None:
        return from_error(error)
    titles = {413: ("文件过大", "Payload Too Large"), 415: ("文件类型不符", "Unsupported Media Type")}
    zh, en = titles[status]
    return problem(status, error.code, zh, en, error.message_zh, error.message_en, details=error.details)


def _option(query: str, header: str, fields: dict[str, str] | None = None) -> str | None:
    return request.args.get(query) or request.headers.get(header) or (fields or {}).get(query) or None


def _receive(ctx: AppContext) -> tuple[evidence_service.UploadInfo, Any]:
    """Stream the body to the staging area; what the sender said about the file, and the staged file."""
    task_id = _option("task", "X-Task-Id")
    if request.mimetype == "multipart/form-data":
        boundary = request.mimetype_params.get("boundary", "").encode("latin-1")
        got = read_multipart(request.stream, boundary, lambda: evidence_service.receive(ctx))
        task_id = task_id or got.fields.get("taskId")
        covers = _option("coversWhole", "X-Covers-Whole", got.fields)
        name, declared, staged = got.filename or "", got.content_type, got.staged
    else:
        name = unquote(_option("filename", "X-Filename") or "")
        if not name:
            raise InvalidInput(
                "请在 X-Filename 中给出文件名", "Give the file name in X-Filename", code="evidence-no-name"
            )
        covers = _option("coversWhole", "X-Covers-Whole")
        declared = request.mimetype
        staged = read_raw(request.stream, evidence_service.receive(ctx))
    try:
        for where, text in (("文件名 / file name", name), ("任务 / task", task_id or "")):
            refuse_unstorable(where, text)
    except InvalidInput:
        if staged is not None:
            discard(staged)
        raise
    info = evidence_service.UploadInfo(
        filename=name or "upload",
        declared_type=declared,
        task_id=task_id,
        covers_whole=(covers or "").lower() in _TRUE,
    )
    return info, staged


@evidence.post("/cases/<case_id>/evidence")
@requires(Permission.EVIDENCE_ADD)
@streams_body
@request_body(*UPLOAD)
@evidence.auth_required(token_auth)
@evidence.output(EvidenceOut, status_code=201)
@evidence.doc(
    summary="Upload an evidence file (raw body with X-Filename, or multipart); streamed to disk",
    responses={
        413: "larger than the limit",
        415: "content not of an allowed or of the claimed type",
        503: "the evidence store cannot be written to (read-only); nothing kept",
        507: "the evidence store is full; nothing kept (upload again once there is space)",
    },
)
def upload(case_id: str) -> Any:
    ctx, actor = _ctx(), current_actor()
    limit = ctx.settings.max_upload_bytes
    if request.content_length is not None and request.content_length > limit + MULTIPART_SLACK:
        raise too_large(limit)
    request.max_content_length = limit + MULTIPART_SLACK
    task_id = _option("task", "X-Task-Id")
    if task_id is not None and len(task_id) > MAX_QUERY_TEXT:
        raise InvalidInput(
            "任务编号过长",
            f"The task id is longer than {MAX_QUERY_TEXT} characters",
            code="invalid-parameter",
            details={"parameter": "task"},
        )
    evidence_service.check_upload(ctx, case_id, task_id, actor)
    info, staged = _receive(ctx)
    return _out(evidence_service.add_evidence(ctx, case_id, staged, info, actor))


@evidence.get("/cases/<case_id>/evidence")
@requires(Permission.CASE_READ)
@evidence.auth_required(token_auth)
@evidence.output(EvidenceOut(many=True))
@evidence.doc(summary="The evidence files of a case")
def list_evidence(case_id: str) -> ResponseReturnValue:
    return [_out(row) for row in evidence_service.list_evidence(_ctx(), case_id, current_actor())]


@evidence.get("/cases/<case_id>/evidence/<sha256>")
@requires(Permission.CASE_READ)
@evidence.auth_required(token_auth)
@evidence.doc(summary="Download one evidence file by its SHA-256", responses=DOWNLOAD)
def download(case_id: str, sha256: str) -> Response:
    row, path = evidence_service.open_evidence(_ctx(), case_id, sha256, current_actor())
    return send_file(
        path,
        mimetype=row.media_type,
        as_attachment=True,
        download_name=row.name,
        etag=row.sha256,
        conditional=True,
    )


@evidence.get("/cases/<case_id>/export")
@requires(Permission.CASE_READ)
@evidence.auth_required(token_auth)
@evidence.doc(
    summary="The electronic case file (电子卷宗): ZIP with index PDF, evidence, records, manifest",
    responses=EXPORT,
)
def export(case_id: str) -> Response:
    ctx = _ctx()
    ctx.settings.var_dir.mkdir(parents=True, exist_ok=True)
    spool = tempfile.TemporaryFile(dir=ctx.settings.var_dir)  # noqa: SIM115 (closed by the response)
    try:
        case_file_service.export_case_file(ctx, case_id, current_actor(), spool)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return send_file(
        spool, mimetype="application/zip", as_attachment=True, download_name=f"case-{case_id}.zip"
    )
