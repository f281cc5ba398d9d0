"""``sanxiang case``: the electronic case file (电子卷宗): export it, verify an exported one offline; and
事实更正 (``case correct``), an approver's recorded, reasoned correction of a case's facts.

Exit codes of ``case verify-export``: 0 intact, signed by the trusted key, and every entry vouched
for by the head; 1 something was altered, added or removed (each named); 2 cannot verify (bad
arguments, an unreadable head or key file, anchors of different keys); 3 not signed by a trusted
key (signature missing, another key, or no anchor given); 4 intact and signed, but the head given
does not vouch for every entry (older than the last entry, or newer than the export).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from engine.errors import SanxiangError

if TYPE_CHECKING:
    from engine.record.casefile.verify import Anchor, ExportReport

EXIT_CODES = {"altered": 1, "untrusted": 3, "uncovered": 4}
CANNOT_VERIFY = 2
_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group(name="case")
def command() -> None:
    """电子卷宗与事实更正 / the electronic case file (export, verify offline); fact corrections."""


@command.command("export")
@click.argument("case_id")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Where to write the ZIP.",
)
@click.option("--as-user", default="admin", show_default=True, help="Who exports (recorded).")
@click.option(
    "--head",
    "head_file",
    type=_FILE,
    default=None,
    help="Link the export to this signed head (one the inspector holds) instead of a new one.",
)
def export(case_id: str, out: Path, as_user: str, head_file: Path | None) -> None:
    """Write the case file: index PDF, evidence, records.json, chain-proof.json, signed manifest.json."""
    from engine.cli import _context
    from engine.kernel.ports import Actor
    from engine.record.casefile.export import export_case_file
    from engine.record.head_signature import SignedHead
    from engine.record.verify import read_head_file

    ctx = _context()
    try:
        against = SignedHead.from_json(read_head_file(head_file)) if head_file else None
        summary = export_case_file(
            ctx, case_id, Actor(as_user, frozenset({"admin"}), channel="cli"), out, against
        )
    except SanxiangError as exc:
        click.echo(f"导出失败 / export failed: {exc.message_zh} / {exc.message_en}", err=True)
        sys.exit(1)
    head = summary.head
    click.echo(
        f"电子卷宗已导出 → {out}：{summary.entries} 条记录，{summary.evidence} 个证据文件，"
        f"办件链头 #{summary.case_head_seq} {summary.case_head_hash}；"
        f"关联签名链头 #{head.global_seq}，密钥指纹 {head.key_fingerprint}"
    )
    click.echo(
        f"case file written to {out}: {summary.entries} record entries, {summary.evidence} evidence "
        f"files, linked to signed head #{head.global_seq}, key fingerprint {head.key_fingerprint}"
    )


def _anchor(head_file: Path | None, fingerprint: str | None, public_key: Path | None) -> Anchor:
    from engine.record.casefile.verify import Anchor
    from engine.record.head_signature import SignedHead
    from engine.record.verify import read_head_file

    head = SignedHead.from_json(read_head_file(head_file)) if head_file else None
    pem = public_key.read_bytes() if public_key else None
    return Anchor(head, fingerprint.strip().lower() if fingerprint else None, pem)


def _echo_intact(report: ExportReport) -> None:
    if report.held_seq:
        held = f"你持有的链头（全局第 {report.held_seq} 条）"
        held_en = f"the head you hold (global {report.held_seq})"
    else:
        held = f"本卷宗所附链头（第 {report.head_seq} 条）"
        held_en = f"the export's own head ({report.head_seq})"
    click.echo(
        f"电子卷宗完整可信：{report.files} 个文件与签名清单相符，办件 {report.case_id} 记录链"
        f"（{report.entries} 条）校验通过，均由{held}覆盖；签名密钥指纹 {report.fingerprint}"
    )
    click.echo(
        f"the case file is intact and authentic: {report.files} files match the signed manifest, the "
        f"chain of case {report.case_id} ({report.entries} entries) verifies, every entry is vouched "
        f"for by {held_en}; signing key fingerprint {report.fingerprint}"
    )


@command.command("verify-export")
@click.argument("path", type=_FILE)
@click.option(
    "--head",
    "head_file",
    type=_FILE,
    default=None,
    help="A signed head you hold (var/heads/<date>.json, or as sent out): the anchor of trust.",
)
@click.option("--fingerprint", default=None, help="The bureau's published signing key fingerprint (hex).")
@click.option(
    "--public-key", type=_FILE, default=None, help="The bureau's public key (PEM), obtained out of band."
)
def verify_export(
    path: Path, head_file: Path | None, fingerprint: str | None, public_key: Path | None
) -> None:
    """Check an exported case file offline against a head or key you hold; name anything altered,
    added or removed (exit codes: 0 intact, 1 altered, 2 cannot verify, 3 untrusted, 4 not covered)."""
    from engine.record.casefile.verify import verify_case_file

    try:
        report = verify_case_file(path, _anchor(head_file, fingerprint, public_key))
    except SanxiangError as exc:
        click.echo(f"无法校验 / cannot verify: {exc.message_zh} / {exc.message_en}", err=True)
        sys.exit(CANNOT_VERIFY)
    if report.ok:
        _echo_intact(report)
        return
    for problem in report.problems:
        click.echo(f"{problem.name}：{problem.zh} / {problem.en}", err=True)
    count = len(report.problems)
    click.echo(
        f"电子卷宗校验未通过（{count} 处）/ the case file does not verify ({count} problem(s))", err=True
    )
    sys.exit(min(EXIT_CODES[kind] for kind in report.kinds()))


def _fact(text: str) -> tuple[str, object]:
    name, sep, raw = text.partition("=")
    if not sep or not name.strip():
        raise click.BadParameter(f"应为 名称=值 / expected name=value: {text}")
    try:
        value: object = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    return name.strip(), value


@command.command("correct")
@click.argument("case_id")
@click.option(
    "--set",
    "facts",
    multiple=True,
    required=True,
    metavar="NAME=VALUE",
    help='A corrected fact; VALUE is JSON (false, 12, "text") or plain text. Repeatable.',
)
@click.option("--reason", required=True, help="Why the recorded fact was wrong (recorded).")
@click.option("--as-user", required=True, help="The approver (负责人) correcting, as registered.")
def correct(case_id: str, facts: tuple[str, ...], reason: str, as_user: str) -> None:
    """事实更正：负责人附理由更正办件事实，更正后须经法制审核 / correct a case's facts (then legal review)."""
    from engine.cli import _context
    from engine.review.corrections import correct_facts

    ctx = _context()
    with ctx.uow(readonly=True) as uow:
        actor = uow.users.get(as_user)
    if actor is None:
        click.echo(f"用户 {as_user} 不存在 / no user {as_user}", err=True)
        sys.exit(1)
    try:
        done = correct_facts(ctx, case_id, dict(_fact(f) for f in facts), reason, actor.via("cli"))
    except SanxiangError as exc:
        click.echo(
            f"更正被拒绝 / correction refused [{exc.code}]: {exc.message_zh} / {exc.message_en}", err=True
        )
        sys.exit(1)
    review = f"，已送法制审核“{done.sent_to_review}”" if done.sent_to_review else "，须经法制审核后方可决定"
    click.echo(f"办件 {case_id} 事实已更正（记录第 {done.seq} 条）{review}")
    click.echo(
        f"case {case_id}: facts corrected (entry {done.seq}); "
        + (
            f"sent to legal review {done.sent_to_review}"
            if done.sent_to_review
            else "a legal review is required before the decision"
        )
    )
