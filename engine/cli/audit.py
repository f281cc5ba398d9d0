"""``sanxiang audit``: verify the whole-process record, export its signed head."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from engine.domain.record_chain import VerifyResult
from engine.errors import SanxiangError
from engine.services.context import AppContext


def _context() -> AppContext:
    from engine.cli import _context as context
    ctx: AppContext = context()
    return ctx


def _report(result: VerifyResult, what_zh: str, what_en: str) -> None:
    if result.ok:
        head = f"#{result.head.seq} {result.head.hash}" if result.head else "-"
        click.echo(f"{what_zh}完整：已校验 {result.checked} 条，链头 {head}")
        click.echo(f"{what_en} intact: {result.checked} entries checked, head {head}")
        return
    where = result.first_bad_sequence
    click.echo(f"{what_zh}校验失败，第 {where} 条：{result.reason_zh}", err=True)
    click.echo(f"{what_en} fails at entry {where}: {result.reason_en}", err=True)
    sys.exit(1)


@click.group(name="audit")
def command() -> None:
    """全过程记录：校验记录链、导出签名链头 / the record: verify chains, export the signed head."""


@command.command("verify")
@click.option("--case", "case_id", default=None, help="Verify one case's chain only.")
@click.option("--head", "head_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None,
              help="Also check the global chain against an exported signed head (var/heads/<date>.json).")
@click.option("--public-key", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="The verifying key (default: derived from the configured signing key).")
def verify(case_id: str | None, head_file: Path | None, public_key: Path | None) -> None:
    """Walk the chains; name the first entry that does not verify (exit 1)."""
    from engine.services import audit
    ctx = _context()
    try:
        if head_file is not None:
            pem = public_key.read_bytes() if public_key else None
            result = audit.verify_against_head(ctx, audit.read_head_file(head_file), pem)
            _report(result, f"对照签名链头 {head_file.name}，全局记录链",
                    f"Against {head_file.name}, the global chain")
        elif case_id is not None:
            _report(audit.verify_records(ctx, case_id), f"办件 {case_id} 的记录链",
                    f"The chain of case {case_id}")
        else:
            _report(audit.verify_records(ctx), "全局记录链（含各办件链）",
                    "The global chain (and every case chain)")
    except SanxiangError as exc:
        click.echo(f"无法校验 / cannot verify: {exc.message_zh} / {exc.message_en}", err=True)
        sys.exit(2)


@command.command("export-head")
def export_head() -> None:
    """Sign the global chain head and write var/heads/<date>.json (also recorded and sent)."""
    from engine.services import audit
    try:
        exported = audit.export_signed_head(_context())
    except SanxiangError as exc:
        click.echo(f"导出失败 / export failed: {exc.message_zh} / {exc.message_en}", err=True)
        sys.exit(1)
    if exported is None:
        click.echo("记录为空，无链头可签 / the record is empty: no head to sign")
        return
    head = exported.head
    click.echo(f"已签名链头 #{head.global_seq} {head.head_hash} → {exported.path}")
    click.echo(f"signed head #{head.global_seq} written to {exported.path} "
               f"(key {head.key_fingerprint[:16]}…)")
