"""Evidence files: receive an upload, check what it really is, keep it, link it to a record entry.

The web edge streams the body into :func:`receive` (never all in memory), then calls
:func:`add_evidence` with what the sender said about it. A file whose bytes are not an allowed
type, or not the type its name or Content-Type claims, is refused and nothing is kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.kernel.repositories.record import EvidenceRepositoryPort

from dataclasses import dataclass
from pathlib import Path

from engine.errors import Conflict, InvalidInput, NotFound
from engine.kernel.context import AppContext
from engine.kernel.json_types import JsonValue
from engine.kernel.ports import Actor, CaseRow, RecordDraft, TaskRow, UnitOfWork
from engine.people.permissions import Permission, authorize
from engine.record.append import record
from engine.record.evidence.detect import Detected, claimed_types, detect, is_allowed, pdf_is_whole, same_type
from engine.record.evidence.files import EvidenceFiles, Staged, StagingWriter, discard
from engine.record.evidence.rows import EvidenceRow
from engine.record.refusals.record_refusal import refusals_on_record


@dataclass(frozen=True, slots=True)
class UploadInfo:
    """What the sender says about an upload; only ``task_id`` and ``covers_whole`` are believed as such."""

    filename: str
    declared_type: str | None = None
    task_id: str | None = None
    covers_whole: bool = False


def evidence_files(ctx: AppContext) -> EvidenceFiles:
    return EvidenceFiles(ctx.settings.evidence_root)


def _repo(uow: UnitOfWork) -> EvidenceRepositoryPort:
    return uow.evidence


def _readable_case(uow: UnitOfWork, case_id: str, actor: Actor) -> CaseRow:
    case = uow.cases.get(case_id)
    if case is None:
        raise NotFound("办件不存在", f"No case {case_id}", code="case-not-found")
    authorize(uow, Permission.CASE_READ, actor, case=case)
    assert isinstance(case, CaseRow)
    return case


def _task_for_upload(uow: UnitOfWork, case_id: str, task_id: str | None, actor: Actor) -> TaskRow | None:
    """The case's task the upload is for (the actor holding ``evidence.add`` on both), or None."""
    case = uow.cases.get(case_id)
    if case is None:
        raise NotFound("办件不存在", f"No case {case_id}", code="case-not-found")
    task = uow.tasks.get(task_id) if task_id is not None else None
    if task_id is not None and (task is None or task.case_id != case_id):
        raise NotFound("该办件没有此任务", f"Case {case_id} has no task {task_id}", code="task-not-found")
    authorize(uow, Permission.EVIDENCE_ADD, actor, case=case, task=task)
    if task is not None and task.status != "ready":
        raise Conflict(
            "任务已办结，不能再上传证据",
            f"Task {task_id} is {task.status}; evidence can no longer be added to it",
            code="task-not-ready",
        )
    return task


@refusals_on_record("evidence.add", keep={"task": "task_id"})
def check_upload(ctx: AppContext, case_id: str, task_id: str | None, actor: Actor) -> None:
    """Refuse early, before any byte is received, an upload the actor may not make."""
    with ctx.uow(readonly=True) as uow:
        _task_for_upload(uow, case_id, task_id, actor)


def receive(ctx: AppContext) -> StagingWriter:
    """A writer for the upload's bytes (size limit: ``Settings.max_upload_bytes``)."""
    return evidence_files(ctx).receive(ctx.settings.max_upload_bytes)


def _refused(info: UploadInfo, zh: str, en: str, code: str, **details: JsonValue) -> InvalidInput:
    return InvalidInput(
        f"文件“{info.filename}”被拒收：{zh}",
        f"File '{info.filename}' refused: {en}",
        code=code,
        details=details,
    )


def identify(ctx: AppContext, staged: Staged, info: UploadInfo) -> Detected:
    """The file's type from its bytes; refuses unknown, not allowed, and mislabelled files."""
    claims = claimed_types(info.filename, info.declared_type)
    found = detect(staged.head, claims)
    if staged.size == 0:
        raise _refused(info, "文件为空", "the file is empty", "evidence-empty")
    if found is None:
        raise _refused(
            info,
            "无法从文件内容识别其类型",
            "its content is of no known type",
            "evidence-type-unknown",
            claimed=claims,
        )
    if found.media_type == "application/pdf" and not pdf_is_whole(staged.head, staged.tail, staged.size):
        raise _refused(
            info,
            "文件以 %PDF 开头，但不是完整的 PDF（缺少 startxref 与 %%EOF 结尾）",
            "it starts like a PDF but is not one (no startxref / %%EOF trailer)",
            "evidence-type-mismatch",
            detected="text/plain or broken PDF",
            claimed=claims,
        )
    wrong = [c for c in claims if not same_type(c, found.media_type)]
    if wrong:
        raise _refused(
            info,
            f"文件内容是 {found.media_type}，与声明的类型 {', '.join(wrong)} 不符",
            f"its content is {found.media_type}, not the claimed {', '.join(wrong)}",
            "evidence-type-mismatch",
            detected=found.media_type,
            claimed=claims,
        )
    if not is_allowed(found.media_type, ctx.settings.evidence_types):
        raise _refused(
            info,
            f"不接受 {found.media_type} 类型的证据",
            f"{found.media_type} is not an allowed type",
            "evidence-type-not-allowed",
            detected=found.media_type,
        )
    return found


def _append(
    ctx: AppContext,
    uow: UnitOfWork,
    staged: Staged,
    info: UploadInfo,
    found: Detected,
    task: TaskRow | None,
    actor: Actor,
    case_id: str,
) -> EvidenceRow:
    now = ctx.clock()
    element_id = task.element_id if task else None
    flags = {"coversWhole": info.covers_whole}
    payload = {
        "name": info.filename,
        "type": found.media_type,
        "size": staged.size,
        "kind": found.kind,
        "task_id": info.task_id,
        "flags": flags,
    }
    entry = record(
        ctx,
        uow,
        RecordDraft(
            action="evidence.added",
            actor=actor.user_id,
            actor_role=(task.role or "") if task else "",
            case_id=case_id,
            task_id=info.task_id,
            element_id=element_id,
            payload=payload,
            evidence=(staged.sha256,),
        ),
        now,
    )
    row = _repo(uow).add(
        EvidenceRow(
            id=0,
            case_id=case_id,
            task_id=info.task_id,
            element_id=element_id,
            sha256=staged.sha256,
            name=info.filename,
            media_type=found.media_type,
            kind=found.kind,
            size=staged.size,
            covers_whole=info.covers_whole,
            record_seq=entry.global_seq,
            added_by=actor.user_id,
            added_at=now,
            flags=flags,
        )
    )
    assert isinstance(row, EvidenceRow)
    return row


@refusals_on_record("evidence.add")
def add_evidence(
    ctx: AppContext, case_id: str, staged: Staged, info: UploadInfo, actor: Actor
) -> EvidenceRow:
    """Keep a received file under its hash and append ``evidence.added`` — or keep nothing."""
    try:
        found = identify(ctx, staged, info)
        with ctx.uow() as uow:
            task = _task_for_upload(uow, case_id, info.task_id, actor)
            evidence_files(ctx).keep(staged)
            row = _append(ctx, uow, staged, info, found, task, actor, case_id)
            uow.commit()
    finally:
        discard(staged)
    return row


def list_evidence(ctx: AppContext, case_id: str, actor: Actor) -> list[EvidenceRow]:
    with ctx.uow(readonly=True) as uow:
        _readable_case(uow, case_id, actor)
        return list(_repo(uow).for_case(case_id))


def open_evidence(ctx: AppContext, case_id: str, sha256: str, actor: Actor) -> tuple[EvidenceRow, Path]:
    """The row and the stored file of one evidence of a case the actor may read."""
    with ctx.uow(readonly=True) as uow:
        _readable_case(uow, case_id, actor)
        row = _repo(uow).find(case_id, sha256)
    path = evidence_files(ctx).path_for(sha256)
    if row is None or not path.is_file():
        raise NotFound("证据不存在", f"Case {case_id} has no evidence {sha256}", code="evidence-not-found")
    assert isinstance(row, EvidenceRow)
    return row, path
