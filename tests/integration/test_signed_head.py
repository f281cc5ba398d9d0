"""The signed head: exported daily, it catches a consistent rewrite of the whole chain."""

from __future__ import annotations

import json
import stat

import pytest
from sqlalchemy import delete

from engine.config import Settings
from engine.domain.head_signature import SignedHead
from engine.domain.record_chain import Content
from engine.services import audit
from engine.services.context import AppContext
from engine.services.ports import RecordDraft
from engine.store import tables as t
from engine.store.records import RecordRepository
from tests.integration.record_tampering import remove, sanxiang, tamperer, write_entries
from tests.support import MovableClock


@pytest.fixture
def written(ctx: AppContext, clock: MovableClock) -> AppContext:
    write_entries(ctx, clock)
    return ctx


def _draft(content: Content) -> RecordDraft:
    return RecordDraft(action=content.action, actor=content.actor, actor_role=content.actor_role or "",
                       case_id=content.case_id, task_id=content.task_id, element_id=content.element_id,
                       payload=content.payload, evidence=content.evidence, corrects=content.corrects)


def rewrite_consistently(ctx: AppContext, forge_seq: int) -> None:
    """Forge one entry's payload and recompute every hash of both chains, as a tamperer could."""
    with ctx.uow(readonly=True) as uow:
        entries = list(uow.records.all())
    with tamperer(ctx) as conn:
        conn.execute(delete(t.records))
        repository = RecordRepository(conn)
        for entry in entries:
            draft = _draft(entry.content)
            if entry.global_seq == forge_seq:
                draft = RecordDraft(**{**_fields(draft), "payload": {"data": {"意见": "不同意"}, "path": []}})
            repository.append(draft, entry.content.recorded_at)


def _fields(draft: RecordDraft) -> dict[str, object]:
    return {name: getattr(draft, name) for name in RecordDraft.__slots__}


def test_export_signs_the_head_writes_the_day_file_and_records_the_export(written: AppContext,
                                                                         settings: Settings) -> None:
    exported = audit.export_signed_head(written)
    assert exported is not None
    assert exported.path == settings.var_dir / "heads" / "2026-11-27.json"
    head = SignedHead.from_json(exported.path.read_bytes())
    assert (head.global_seq, head.head_hash) == (6, exported.head.head_hash)
    key = settings.signing_key_file
    assert key == settings.var_dir / "keys" / "records-ed25519.pem"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    with written.uow(readonly=True) as uow:
        last = list(uow.records.all())[-1]
    assert (last.global_seq, last.content.action) == (exported.record_seq, "audit.head-exported") == (7,
                                                                                                      last.content.action)
    assert last.content.payload["head"]["head_hash"] == head.head_hash
    assert json.loads(exported.path.read_text())["signature"] == head.signature


def test_the_cli_exports_the_head_and_verifies_against_it(written: AppContext, settings: Settings,
                                                          clock: MovableClock) -> None:
    result = sanxiang(settings, "audit", "export-head")
    assert result.exit_code == 0, result.output
    [head_file] = (settings.var_dir / "heads").glob("*.json")   # named by today's date (the CLI's clock)
    assert str(head_file) in result.output
    write_entries(written, clock, count=2)           # the chain grows after the export: still fine
    verified = sanxiang(settings, "audit", "verify", "--head", str(head_file))
    assert verified.exit_code == 0, verified.output


def test_a_consistent_rewrite_passes_the_chain_but_not_the_signed_head(written: AppContext,
                                                                       settings: Settings) -> None:
    exported = audit.export_signed_head(written)
    assert exported is not None
    rewrite_consistently(written, forge_seq=3)
    assert audit.verify_records(written).ok, "the rewrite recomputed every link: the chain alone verifies"
    result = audit.verify_against_head(written, exported.path.read_bytes())
    assert (result.ok, result.first_bad_sequence) == (False, 6)
    assert "rewritten at or before entry 6" in result.reason_en
    cli = sanxiang(settings, "audit", "verify", "--head", str(exported.path))
    assert cli.exit_code == 1 and "与签名链头不符" in cli.output


def test_deleting_the_last_entries_is_caught_by_the_signed_head(written: AppContext) -> None:
    exported = audit.export_signed_head(written)
    assert exported is not None
    with tamperer(written) as conn:
        remove(conn, 7)
        remove(conn, 6)
    assert audit.verify_records(written).ok, "a shorter chain is consistent"
    result = audit.verify_against_head(written, exported.path.read_bytes())
    assert (result.ok, result.first_bad_sequence) == (False, 6)
    assert "signed entry 6 is missing" in result.reason_en


def test_a_head_signed_by_another_key_is_refused(written: AppContext, settings: Settings) -> None:
    exported = audit.export_signed_head(written)
    assert exported is not None
    settings.signing_key_file.unlink()
    audit.signing_key(settings)                       # a new key, as a forger would make
    result = audit.verify_against_head(written, exported.path.read_bytes())
    assert not result.ok and "signature is invalid" in result.reason_en


def test_an_empty_record_has_no_head_to_export(ctx: AppContext) -> None:
    assert audit.export_signed_head(ctx) is None
