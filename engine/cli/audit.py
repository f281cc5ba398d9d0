"""``sanxiang audit``: verify the whole-process record against its signed heads, sign and export heads.

Exit codes of ``audit verify``: 0 intact (and the heads on time); 1 an entry, a head or a witness
does not verify (named); 2 cannot verify (unreadable head file, no verifying key); 3 intact, but a
head is overdue: entries stay uncovered longer than the policy allows.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from engine.errors import SanxiangError
from engine.kernel.context import AppContext
from engine.record.chain_verify import VerifyResult

OVERDUE = 3


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
    """全过程记录：校验记录链、签名与导出链头 / the record: verify chains, sign and export heads."""


def _verify_global(ctx: AppContext, head_file: Path | None, public_key: Path | None) -> None:
    from engine.cli.audit_coverage import report_coverage
    from engine.record import verify as audit

    pem = public_key.read_bytes() if public_key else None
    head_json = audit.read_head_file(head_file) if head_file else None
    found = audit.audit_record(ctx, head_json, pem)
    zh, en = "全局记录链（含各办件链）", "The global chain (and every case chain)"
    if head_file is not None:
        zh, en = f"对照签名链头 {head_file.name}，{zh}", f"Against {head_file.name}, {en[0].lower()}{en[1:]}"
    _report(found.result, zh, en)
    if not report_coverage(found, ctx):
        sys.exit(1)
    if found.overdue:
        sys.exit(OVERDUE)


@command.command("verify")
@click.option("--case", "case_id", default=None, help="Verify one case's chain only.")
@click.option(
    "--head",
    "head_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Also check the global chain against a head file you hold (var/heads/<date>.json).",
)
@click.option(
    "--public-key",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="The verifying key (default: derived from the configured signing key).",
)
def verify(case_id: str | None, head_file: Path | None, public_key: Path | None) -> None:
    """Walk the chains against the newest signed head; name the first entry that does not verify
    (exit 1); say how far the head covers (exit 3 when a head is overdue)."""
    from engine.record import verify as audit

    ctx = _context()
    try:
        if case_id is not None and head_file is None:
            _report(
                audit.verify_records(ctx, case_id), f"办件 {case_id} 的记录链", f"The chain of case {case_id}"
            )
        else:
            _verify_global(ctx, head_file, public_key)
    except SanxiangError as exc:
        click.echo(f"无法校验 / cannot verify: {exc.message_zh} / {exc.message_en}", err=True)
        sys.exit(2)


@command.command("sign-head")
def sign_head() -> None:
    """Sign and keep a head at the newest entry now (the scheduler does it every N entries / M minutes)."""
    from engine.record.heads import sign_head_now

    try:
        head = sign_head_now(_context(), "demand")
    except SanxiangError as exc:
        click.echo(f"签名失败 / not signed: {exc.message_zh} / {exc.message_en}", err=True)
        sys.exit(1)
    if head is None:
        click.echo("记录为空，无链头可签 / the record is empty: no head to sign")
        return
    click.echo(f"已签名链头 #{head.global_seq} {head.head_hash}")
    click.echo(f"signed head #{head.global_seq} kept (key {head.key_fingerprint[:16]}…)")


@command.command("export-head")
def export_head() -> None:
    """Sign the global chain head and write var/heads/<date>.json (also recorded and sent)."""
    from engine.record import verify as audit

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
    click.echo(
        f"signed head #{head.global_seq} written to {exported.path} (key {head.key_fingerprint[:16]}…)"
    )


@command.command("public-key")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the public key (PEM) to this file.",
)
def public_key(out: Path | None) -> None:
    """Print the fingerprint of the record's signing key: publish it so anyone can check heads and
    case files against it."""
    from engine.cli import _settings
    from engine.record.head_signature import key_fingerprint, public_key_pem
    from engine.record.signing_key import signing_key

    key = signing_key(_settings())
    fingerprint, pem = key_fingerprint(key.public_key()), public_key_pem(key)
    if out is not None:
        out.write_bytes(pem)
    click.echo(f"签名公钥指纹（SHA-256）/ signing key fingerprint (SHA-256): {fingerprint}")
    click.echo(pem.decode("ascii").rstrip())
