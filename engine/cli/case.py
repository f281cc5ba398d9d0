"""``sanxiang case``: the electronic case file (电子卷宗): export it, verify an exported one offline."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from engine.errors import SanxiangError


@click.group(name="case")
def command() -> None:
    """电子卷宗：导出与离线校验 / the electronic case file: export, verify offline."""


@command.command("export")
@click.argument("case_id")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Where to write the ZIP.")
@click.option("--as-user", default="admin", show_default=True, help="Who exports (recorded).")
def export(case_id: str, out: Path, as_user: str) -> None:
    """Write the case file: index PDF, evidence, records.json, manifest.json."""
    from engine.cli import _context
    from engine.services.case_file import export_case_file
    from engine.services.ports import Actor
    ctx = _context()
    try:
        summary = export_case_file(ctx, case_id, Actor(as_user, frozenset({"admin"})), out)
    except SanxiangError as exc:
        click.echo(f"导出失败 / export failed: {exc.message_zh} / {exc.message_en}", err=True)
        sys.exit(1)
    click.echo(f"电子卷宗已导出 → {out}：{summary.entries} 条记录，{summary.evidence} 个证据文件，"
               f"办件链头 #{summary.case_head_seq} {summary.case_head_hash}")
    click.echo(f"case file written to {out}: {summary.entries} record entries, "
               f"{summary.evidence} evidence files")


@command.command("verify-export")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def verify_export(path: Path) -> None:
    """Check an exported case file offline; name anything altered or missing (exit 1)."""
    from engine.casefile.verify import verify_case_file
    report = verify_case_file(path)
    if report.ok:
        click.echo(f"电子卷宗完整：{report.files} 个文件哈希相符，"
                   f"办件 {report.case_id} 记录链（{report.entries} 条）校验通过")
        click.echo(f"the case file is intact: {report.files} files match the manifest, the chain of case "
                   f"{report.case_id} ({report.entries} entries) verifies")
        return
    for problem in report.problems:
        click.echo(f"{problem.name}：{problem.zh} / {problem.en}", err=True)
    count = len(report.problems)
    click.echo(f"电子卷宗校验失败（{count} 处）/ the case file fails ({count} problems)",
               err=True)
    sys.exit(1)
