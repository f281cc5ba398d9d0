"""The signed head: exported daily, it catches a consistent rewrite of the whole chain."""

from __future__ import annotations

import json
import stat

import pytest

from engine.config import Settings
from engine.kernel.context import AppContext
from engine.record import verify as audit
from engine.record.head_signature import SignedHead
from engine.record.heads import sign_head_now
from tests.integration.record_tampering import remove, rewrite_consistently, sanxiang, tamperer, write_entries
from tests.support import MovableClock


@pytest.fixture
def written(ctx: AppContext, clock: MovableClock) -> AppContext:
    write_entries(ctx, clock)
    return ctx


def test_export_signs_the_head_writes_the_day_file_and_records_the_export(
    written: AppContext, settings: Settings
) -> None:
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
    assert (
        (last.global_seq, last.content.action)
        == (exported.record_seq, "audit.head-exported")
        == (7, last.content.action)
    )
    assert last.content.payload["head"]["head_hash"] == head.head_hash
    assert json.loads(exported.path.read_text())["signature"] == head.signature


def test_the_cli_exports_the_head_and_verifies_against_it(
    written: AppContext, settings: Settings, clock: MovableClock
) -> None:
    result = sanxiang(settings, "audit", "export-head")
    assert result.exit_code == 0, result.output
    [head_file] = (settings.var_dir / "heads").glob("*.json")  # named by today's date (the CLI's clock)
    assert str(head_file) in result.output
    write_entries(written, clock, count=2)  # the chain grows after the export: still fine
    assert sign_head_now(written, "minutes") is not None  # and the scheduler's next head covers it
    verified = sanxiang(settings, "audit", "verify", "--head", str(head_file))
    assert verified.exit_code == 0, verified.output


def test_a_consistent_rewrite_passes_the_chain_but_not_the_signed_head(
    written: AppContext, settings: Settings
) -> None:
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
    audit.signing_key(settings)  # a new key, as a forger would make
    result = audit.verify_against_head(written, exported.path.read_bytes())
    assert not result.ok and "signature is invalid" in result.reason_en


def test_an_empty_record_has_no_head_to_export(ctx: AppContext) -> None:
    assert audit.export_signed_head(ctx) is None
