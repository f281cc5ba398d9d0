"""Proof beyond the database: verify the record chains, sign and export the global chain head.

``export_signed_head`` is the daily scheduler job (and ``sanxiang audit export-head``): it verifies
the global chain, signs its head with the bureau's Ed25519 key (``Settings.signing_key_file``,
created with mode 0600 on first use), writes ``<var>/heads/<YYYY-MM-DD>.json`` (the day in
Asia/Shanghai; a later export the same day replaces that day's file) and the public key beside it,
and records ``audit.head-exported`` carrying the signed head, so the webhook listener sends it out.
Someone who later rewrites the whole chain consistently no longer matches a head exported before.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from engine.config import Settings
from engine.domain.head_signature import (
    SignedHead,
    check_chain_against_head,
    generate_key,
    load_private_key,
    public_key_pem,
    sign_head,
)
from engine.domain.record_chain import VerifyResult, verify_chain
from engine.errors import InvalidInput, NotFound, StepFailed
from engine.services.context import AppContext
from engine.services.ports import SYSTEM, RecordDraft
from engine.services.recording import record

BUREAU_TIME = ZoneInfo("Asia/Shanghai")
PUBLIC_KEY_NAME = "records-ed25519.pub.pem"


@dataclass(frozen=True, slots=True)
class HeadExport:
    path: Path
    head: SignedHead
    record_seq: int          # the audit.head-exported entry


def verify_records(ctx: AppContext, case_id: str | None = None) -> VerifyResult:
    """Walk the global chain (and every case chain in it), or one case's chain."""
    with ctx.uow(readonly=True) as uow:
        if case_id is None:
            return verify_chain(uow.records.all())
        entries = uow.records.for_case(case_id)
    if not entries:
        raise NotFound("该办件没有记录", f"Case {case_id} has no record entries", code="case-not-found")
    return verify_chain(entries, scope="case")


def signing_key(settings: Settings, *, create: bool = True) -> Ed25519PrivateKey:
    """The bureau's signing key; made on first use, readable by its owner only (0600)."""
    path = settings.signing_key_file
    if not path.exists():
        if not create:
            raise NotFound(f"签名私钥不存在：{path}", f"No signing key at {path}", code="signing-key-missing")
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass                                  # another process made it just now
        else:
            with os.fdopen(fd, "wb") as out:
                out.write(generate_key())
    return load_private_key(path.read_bytes())


def verify_against_head(ctx: AppContext, head_json: bytes, public_pem: bytes | None = None) -> VerifyResult:
    """Verify the global chain and that it still holds the entry an exported head signed."""
    signed = SignedHead.from_json(head_json)
    pem = public_pem or public_key_pem(signing_key(ctx.settings, create=False))
    with ctx.uow(readonly=True) as uow:
        return check_chain_against_head(uow.records.all(), signed, public_pem=pem)


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def _head_path(settings: Settings, now: datetime) -> Path:
    return settings.var_dir / "heads" / f"{now.astimezone(BUREAU_TIME).date().isoformat()}.json"


def export_signed_head(ctx: AppContext) -> HeadExport | None:
    """Sign and export the global chain head (None while the record is empty)."""
    key = signing_key(ctx.settings)
    result = verify_records(ctx)
    if not result.ok:
        raise StepFailed(f"记录链在第 {result.first_bad_sequence} 条校验失败，拒绝签名：{result.reason_zh}",
                         f"The record chain fails at entry {result.first_bad_sequence}; not signing it: "
                         f"{result.reason_en}", code="record-chain-broken")
    if result.head is None:
        return None
    now = ctx.clock()
    signed = sign_head(key, global_seq=result.head.seq, head_hash=result.head.hash, signed_at=now)
    path = _head_path(ctx.settings, now)
    _write_atomically(path, signed.to_json().encode("utf-8") + b"\n")
    _write_atomically(path.with_name(PUBLIC_KEY_NAME), public_key_pem(key))
    with ctx.uow() as uow:
        entry = record(ctx, uow, RecordDraft(
            action="audit.head-exported", actor=SYSTEM.user_id, actor_role="system",
            payload={"file": path.name, "head": json.loads(signed.to_json())}), now)
        uow.commit()
    return HeadExport(path, signed, entry.global_seq)


def read_head_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"无法读取签名链头文件：{path}",
                           f"Cannot read the signed head file {path}") from exc
