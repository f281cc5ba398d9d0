"""Export the electronic case file (电子卷宗) of one case: ``sanxiang case export`` and the API.

Everything is read in one read-only unit of work (a consistent snapshot; no write lock is held
while gigabytes of video are copied), then the export itself is recorded (``case.exported`` with the
manifest's hash) — after the snapshot, so the file's case chain head is the entry before it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from engine.casefile.archive import Written, write_case_file
from engine.casefile.model import CaseFileData
from engine.services.cases import readable_case
from engine.services.context import AppContext
from engine.services.evidence import evidence_files
from engine.services.ports import Actor, RecordDraft
from engine.services.recording import record


@dataclass(frozen=True, slots=True)
class ExportSummary:
    case_id: str
    entries: int
    evidence: int
    case_head_seq: int | None
    case_head_hash: str | None
    manifest_sha256: str


def gather_case_file(ctx: AppContext, case_id: str, actor: Actor) -> CaseFileData:
    """Everything the case file shows, from one consistent read."""
    now = ctx.clock()
    with ctx.uow(readonly=True) as uow:
        case, tasks = readable_case(uow, case_id, actor)
        process = uow.processes.get(case.process_id)
        parsed = ctx.processes.get(uow, case.process_id)
        variables = ctx.runner.restore(parsed, case.state).variables
        entries = uow.records.for_case(case_id)
        evidence = uow.evidence.for_case(case_id)
    return CaseFileData(
        case_id=case.id, process_key=case.process_key, process_version=process.version,
        process_name=process.name or process.properties.get("sanxiang.itemName", case.process_key),
        process_properties={**parsed.properties, **process.properties}, bpmn_xml=process.xml.encode("utf-8"),
        status=case.status, business_key=case.business_key, started_at=case.started_at,
        started_by=case.started_by, ended_at=case.ended_at, applicant=case.applicant, variables=variables,
        element_names={eid: info.name for eid, info in parsed.elements.items() if info.name},
        tasks=tasks, entries=entries, evidence=evidence, exported_at=now, exported_by=actor.user_id)


def _write(data: CaseFileData, ctx: AppContext, out: Path | BinaryIO) -> Written:
    files = evidence_files(ctx)
    if not isinstance(out, Path):
        return write_case_file(data, out, files.path_for)
    temporary = out.with_name(f".{out.name}.part")
    try:
        with temporary.open("wb") as stream:
            written = write_case_file(data, stream, files.path_for)
        os.replace(temporary, out)
    finally:
        temporary.unlink(missing_ok=True)
    return written


def export_case_file(ctx: AppContext, case_id: str, actor: Actor, out: Path | BinaryIO) -> ExportSummary:
    """Write the case file ZIP to ``out`` (a path, replaced atomically, or an open binary stream)."""
    data = gather_case_file(ctx, case_id, actor)
    written = _write(data, ctx, out)
    head = written.case_head
    with ctx.uow() as uow:
        record(ctx, uow, RecordDraft(
            action="case.exported", actor=actor.user_id, case_id=case_id,
            payload={"manifest_sha256": written.manifest_sha256, "files": written.files,
                     "case_head": {"seq": head.seq, "hash": head.hash} if head else None}), ctx.clock())
        uow.commit()
    return ExportSummary(case_id, len(data.entries), written.evidence, head.seq if head else None,
                         head.hash if head else None, written.manifest_sha256)
