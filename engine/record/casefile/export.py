"""Export the electronic case file (电子卷宗) of one case: ``sanxiang case export`` and the API.

Everything is read in one read-only unit of work (a consistent snapshot; no write lock is held
while gigabytes of video are copied). Then the export is linked to a signed head of the whole
record: a head signed on demand at the newest entry (``record_heads.sign_head_now``), or a head the
caller names (``against``: e.g. the one an inspector already holds), plus the content hash of every
global entry between the case's first entry and that head (``chain-proof.json``). The manifest is
signed with the same key. Last, the export itself is recorded (``case.exported`` with the manifest's
hash) — after the snapshot, so the file's case chain head is the entry before it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from engine.cases.opening import readable_case
from engine.errors import InvalidInput, StepFailed
from engine.kernel.context import AppContext
from engine.kernel.ports import Actor, RecordDraft, present
from engine.record.append import record
from engine.record.casefile.archive import Written, write_case_file
from engine.record.casefile.chain_proof import ChainProof
from engine.record.casefile.contents import CaseFileData
from engine.record.casefile.signing import Signer
from engine.record.evidence.receive import evidence_files
from engine.record.head_signature import SignedHead, head_is_signed_by
from engine.record.heads import sign_head_now
from engine.record.signing_key import signing_key


@dataclass(frozen=True, slots=True)
class ExportSummary:
    case_id: str
    entries: int
    evidence: int
    case_head_seq: int | None
    case_head_hash: str | None
    manifest_sha256: str
    head: SignedHead  # the signed head of the whole record the export is linked to


def gather_case_file(ctx: AppContext, case_id: str, actor: Actor) -> CaseFileData:
    """Everything the case file shows, from one consistent read."""
    now = ctx.clock()
    with ctx.uow(readonly=True) as uow:
        case, tasks = readable_case(uow, case_id, actor)
        process = present(uow.processes.get(case.process_id), "process")
        parsed = ctx.processes.get(uow, case.process_id)
        variables = ctx.runner.restore(parsed, case.state).variables
        entries = uow.records.for_case(case_id)
        evidence = uow.evidence.for_case(case_id)
    return CaseFileData(
        case_id=case.id,
        process_key=case.process_key,
        process_version=process.version,
        process_name=process.name or process.properties.get("sanxiang.itemName", case.process_key),
        process_properties={**parsed.properties, **process.properties},
        bpmn_xml=process.xml.encode("utf-8"),
        status=case.status,
        business_key=case.business_key,
        started_at=case.started_at,
        started_by=case.started_by,
        ended_at=case.ended_at,
        applicant=case.applicant,
        variables=variables,
        element_names={eid: info.name for eid, info in parsed.elements.items() if info.name},
        tasks=tasks,
        entries=entries,
        evidence=evidence,
        exported_at=now,
        exported_by=actor.user_id,
    )


def _named_head(ctx: AppContext, against: SignedHead, first_seq: int) -> SignedHead:
    if not head_is_signed_by(signing_key(ctx.settings).public_key(), against):
        raise InvalidInput(
            "该链头不是本局签名密钥签署的",
            "That head was not signed by this bureau's key",
            code="head-not-ours",
        )
    if against.global_seq < first_seq:
        raise InvalidInput(
            "该链头早于本办件的第一条记录，不能证明本办件",
            "That head is older than the case's first entry: it vouches for none of it",
            code="head-before-case",
        )
    with ctx.uow(readonly=True) as uow:
        stored = uow.heads.link_at(against.global_seq)
    if stored != against.head_hash:
        raise StepFailed(
            f"记录链在第 {against.global_seq} 条与该签名链头不符（记录被改写或删除）",
            f"The record no longer matches that signed head at entry {against.global_seq} "
            "(entries were rewritten or removed)",
            code="record-chain-broken",
        )
    return against


def _linked_head(
    ctx: AppContext, data: CaseFileData, against: SignedHead | None
) -> tuple[SignedHead, ChainProof]:
    first = data.entries[0].global_seq
    head = sign_head_now(ctx, "case-file") if against is None else _named_head(ctx, against, first)
    assert head is not None  # the case has entries, so the record is not empty
    with ctx.uow(readonly=True) as uow:
        proof = ChainProof.of(first, head.global_seq, uow.heads.content_hashes(first, head.global_seq))
    return head, proof


def _write(
    data: CaseFileData, ctx: AppContext, out: Path | BinaryIO, against: SignedHead | None
) -> tuple[Written, SignedHead]:
    files = evidence_files(ctx)
    head, proof = _linked_head(ctx, data, against)
    signer = Signer(signing_key(ctx.settings))
    if not isinstance(out, Path):
        return write_case_file(data, out, files.path_for, signer=signer, head=head, proof=proof), head
    temporary = out.with_name(f".{out.name}.part")
    try:
        with temporary.open("wb") as stream:
            written = write_case_file(data, stream, files.path_for, signer=signer, head=head, proof=proof)
        os.replace(temporary, out)
    finally:
        temporary.unlink(missing_ok=True)
    return written, head


def export_case_file(
    ctx: AppContext, case_id: str, actor: Actor, out: Path | BinaryIO, against: SignedHead | None = None
) -> ExportSummary:
    """Write the case file ZIP to ``out`` (a path, replaced atomically, or an open binary stream),
    linked to ``against`` (a head of this record) or to a head signed now."""
    data = gather_case_file(ctx, case_id, actor)
    written, head = _write(data, ctx, out, against)
    case_link = written.case_head
    with ctx.uow() as uow:
        record(
            ctx,
            uow,
            RecordDraft(
                action="case.exported",
                actor=actor.user_id,
                case_id=case_id,
                payload={
                    "manifest_sha256": written.manifest_sha256,
                    "files": written.files,
                    "case_head": {"seq": case_link.seq, "hash": case_link.hash} if case_link else None,
                    "head_seq": head.global_seq,
                },
            ),
            ctx.clock(),
        )
        uow.commit()
    return ExportSummary(
        case_id,
        len(data.entries),
        written.evidence,
        case_link.seq if case_link else None,
        case_link.hash if case_link else None,
        written.manifest_sha256,
        head,
    )
