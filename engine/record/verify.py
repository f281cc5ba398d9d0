"""Proof beyond the database: verify the record chains against the signed heads, export a head.

``audit_record`` is ``sanxiang audit verify``: it walks the global chain (and every case chain),
checks it against the kept heads (``services.record_heads``) and, when given, a head file; it
says how far that head covers, whether a head is overdue (the scheduler is down, or recent heads
were deleted to widen the window), and which rows of other tables (evidence, webhook events) name
an entry after the head that is missing or different: what can still be seen of a change made to
the entries no head covers yet.

``export_signed_head`` is the daily scheduler job (and ``sanxiang audit export-head``): it verifies
the global chain, signs (or reuses) the head at its newest entry, writes
``<var>/heads/<YYYY-MM-DD>.json`` (the day in Asia/Shanghai; a later export the same day replaces
that day's file) and the public key beside it, and records ``audit.head-exported`` carrying the
signed head, so the webhook listener sends it out.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from engine.errors import InvalidInput, NotFound, StepFailed
from engine.kernel.bureau import ZONE
from engine.kernel.context import AppContext
from engine.kernel.ports import SYSTEM, RecordDraft, UnitOfWork
from engine.record.append import record
from engine.record.chain_verify import VerifyResult, verify_chain
from engine.record.head_policy import Coverage, heads_overdue
from engine.record.head_signature import (
    SignedHead,
    check_chain_against_heads,
    key_fingerprint,
    load_public_key,
    public_key_pem,
)
from engine.record.heads import head_coverage, head_policy, sign_head_now
from engine.record.signing_key import own_public_pem, signing_key

__all__ = [
    "ZONE",
    "HeadExport",
    "RecordAudit",
    "audit_record",
    "export_signed_head",
    "read_head_file",
    "signing_key",
    "verify_against_head",
    "verify_records",
]

PUBLIC_KEY_NAME = "records-ed25519.pub.pem"


@dataclass(frozen=True, slots=True)
class HeadExport:
    path: Path
    head: SignedHead
    record_seq: int  # the audit.head-exported entry


@dataclass(frozen=True, slots=True)
class RecordAudit:
    """``result``: the chain against the heads; ``latest``: the newest kept head of the key;
    ``witnesses``: (global sequence, zh, en) of entries after it that other tables contradict."""

    result: VerifyResult
    latest: SignedHead | None
    coverage: Coverage
    overdue: bool
    witnesses: list[tuple[int, str, str]] = field(default_factory=list)


def verify_records(ctx: AppContext, case_id: str | None = None) -> VerifyResult:
    """Walk the global chain (and every case chain in it), or one case's chain."""
    with ctx.uow(readonly=True) as uow:
        if case_id is None:
            return verify_chain(uow.records.all())
        entries = uow.records.for_case(case_id)
    if not entries:
        raise NotFound("该办件没有记录", f"Case {case_id} has no record entries", code="case-not-found")
    return verify_chain(entries, scope="case")


def _verifying_pem(ctx: AppContext, uow: UnitOfWork, public_pem: bytes | None) -> bytes | None:
    pem = public_pem or own_public_pem(ctx.settings)
    if pem is None and uow.heads.latest() is not None:
        raise NotFound(
            "有已签名的链头，但没有验签公钥（请用 --public-key 指定）",
            "Signed heads are kept but there is no verifying key (give --public-key)",
            code="signing-key-missing",
        )
    return pem


def _witness_problems(uow: UnitOfWork, after: int) -> list[tuple[int, str, str]]:
    problems = []
    for kind, seq, value in uow.heads.witnesses_after(after):
        evidence = kind == "evidence"
        what_zh, what_en = ("证据文件", "evidence file") if evidence else ("推送事件", "webhook event")
        problems.append(
            (
                seq,
                f"第 {seq} 条记录缺失或被改写：{what_zh} {value[:16]} 指向它",
                f"entry {seq} is missing or was rewritten: {what_en} {value[:16]} points at it",
            )
        )
    return sorted(problems)


def audit_record(
    ctx: AppContext, head_json: bytes | None = None, public_pem: bytes | None = None
) -> RecordAudit:
    """The whole record against every kept head of the key (the newest says how far they cover)
    and ``head_json``, a head file, when given."""
    external = SignedHead.from_json(head_json) if head_json is not None else None
    policy = head_policy(ctx.settings)
    with ctx.uow(readonly=True) as uow:
        pem = _verifying_pem(ctx, uow, public_pem)
        if pem is None and external is not None:
            raise NotFound(
                "没有验签公钥（请用 --public-key 指定）",
                "No verifying key (give --public-key)",
                code="signing-key-missing",
            )
        kept: list[SignedHead] = uow.heads.signed_by(key_fingerprint(load_public_key(pem))) if pem else []
        latest = kept[-1] if kept else None
        heads = kept + ([external] if external is not None else [])
        result = (
            check_chain_against_heads(uow.records.all(), heads, public_pem=pem)
            if pem and heads
            else verify_chain(uow.records.all())
        )
        coverage = head_coverage(uow, latest, policy)
        witnesses = _witness_problems(uow, coverage.head_seq)
    return RecordAudit(result, latest, coverage, heads_overdue(policy, coverage, ctx.clock()), witnesses)


def verify_against_head(ctx: AppContext, head_json: bytes, public_pem: bytes | None = None) -> VerifyResult:
    """Verify the global chain and that it still holds the entry an exported head signed."""
    signed = SignedHead.from_json(head_json)
    pem = public_pem or public_key_pem(signing_key(ctx.settings, create=False))
    with ctx.uow(readonly=True) as uow:
        return check_chain_against_heads(uow.records.all(), [signed], public_pem=pem)


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def _head_path(ctx: AppContext, now: datetime) -> Path:
    return ctx.settings.var_dir / "heads" / f"{now.astimezone(ZONE).date().isoformat()}.json"


def export_signed_head(ctx: AppContext) -> HeadExport | None:
    """Sign (or reuse) the head at the newest entry and export it (None while the record is empty)."""
    key = signing_key(ctx.settings)
    result = verify_records(ctx)
    if not result.ok:
        raise StepFailed(
            f"记录链在第 {result.first_bad_sequence} 条校验失败，拒绝签名：{result.reason_zh}",
            f"The record chain fails at entry {result.first_bad_sequence}; not signing it: "
            f"{result.reason_en}",
            code="record-chain-broken",
        )
    signed = sign_head_now(ctx, "export")
    if signed is None:
        return None
    now = ctx.clock()
    path = _head_path(ctx, now)
    _write_atomically(path, signed.to_json().encode("utf-8") + b"\n")
    _write_atomically(path.with_name(PUBLIC_KEY_NAME), public_key_pem(key))
    with ctx.uow() as uow:
        entry = record(
            ctx,
            uow,
            RecordDraft(
                action="audit.head-exported",
                actor=SYSTEM.user_id,
                actor_role="system",
                payload={"file": path.name, "head": json.loads(signed.to_json())},
            ),
            now,
        )
        uow.commit()
    return HeadExport(path, signed, entry.global_seq)


def read_head_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InvalidInput(
            f"无法读取签名链头文件：{path}", f"Cannot read the signed head file {path}"
        ) from exc
