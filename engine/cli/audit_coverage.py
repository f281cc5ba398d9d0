"""What ``sanxiang audit verify`` says about the signed heads: how far the newest covers, the policy,
witnesses that contradict the uncovered entries, and an overdue head."""

from __future__ import annotations

from datetime import datetime

import click

from engine.kernel.bureau import ZONE
from engine.kernel.context import AppContext
from engine.record.chain import format_timestamp
from engine.record.heads import head_policy
from engine.record.verify import RecordAudit


def _local(moment: datetime) -> str:
    return moment.astimezone(ZONE).strftime("%Y-%m-%d %H:%M:%S")


def _echo_head(found: RecordAudit) -> None:
    head, coverage = found.latest, found.coverage
    if head is None:
        click.echo(f"尚无签名链头：全部 {coverage.latest_seq} 条记录均未被覆盖")
        click.echo(f"no signed head yet: none of the {coverage.latest_seq} entries is covered")
        return
    fingerprint = head.key_fingerprint[:16]
    click.echo(
        f"最新签名链头：第 {head.global_seq} 条，签名于 {_local(head.signed_at)}（北京时间），"
        f"密钥指纹 {fingerprint}…；覆盖第 1–{head.global_seq} 条"
    )
    click.echo(
        f"latest signed head: entry {head.global_seq}, signed {format_timestamp(head.signed_at)}, "
        f"key {fingerprint}…; it covers entries 1–{head.global_seq}"
    )


def _echo_uncovered(found: RecordAudit) -> None:
    coverage, oldest = found.coverage, found.coverage.oldest_uncovered_at
    if not coverage.uncovered or oldest is None:
        click.echo("其后没有未覆盖的记录 / no entry after it is uncovered")
        return
    first = coverage.head_seq + 1
    click.echo(
        f"未覆盖：第 {first}–{coverage.latest_seq} 条，共 {coverage.uncovered} 条"
        f"（最早一条记录于 {_local(oldest)}）"
    )
    click.echo(
        f"not yet covered: entries {first}–{coverage.latest_seq}, {coverage.uncovered} in all "
        f"(the oldest recorded {format_timestamp(oldest)})"
    )


def report_coverage(found: RecordAudit, ctx: AppContext) -> bool:
    """Print the coverage; False when a witness contradicts an uncovered entry."""
    policy = head_policy(ctx.settings)
    _echo_head(found)
    _echo_uncovered(found)
    click.echo(
        f"策略：至少每 {policy.every_entries} 条或每 {policy.every_minutes} 分钟签名一次链头；"
        "未覆盖的记录若被整体改写或从末尾删除，只能由证据、推送事件等旁证发现"
    )
    click.echo(
        f"policy: a signed head at least every {policy.every_entries} entries or "
        f"{policy.every_minutes} minutes; a consistent rewrite or a cut of uncovered entries shows "
        "only through witnesses (evidence rows, webhook events)"
    )
    for seq, zh, en in found.witnesses:
        click.echo(f"旁证不符，第 {seq} 条：{zh}", err=True)
        click.echo(f"a witness contradicts entry {seq}: {en}", err=True)
    if found.overdue:
        click.echo("警告：签名链头已逾期——调度器未运行，或近期的链头被删除；未覆盖窗口超过策略", err=True)
        click.echo(
            "warning: a signed head is overdue — the scheduler is not running, or recent heads were "
            "deleted; the uncovered window is wider than the policy",
            err=True,
        )
    return not found.witnesses
