"""Signed heads every N entries or M minutes: the tamper window after the last head is bounded, and
`sanxiang audit verify` says how far the heads cover (issue 13, item 10)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, insert, text
from sqlalchemy.exc import DBAPIError

from engine.config import Settings
from engine.errors import StepFailed
from engine.kernel.context import AppContext
from engine.kernel.ports import RecordDraft
from engine.record import verify as audit
from engine.record.append import record
from engine.record.heads import CHECK_SECONDS, sign_head_now, sign_head_when_due
from engine.scheduler import JOBS
from engine.store.schema.heads import record_heads
from tests.conftest import make_context
from tests.integration.evidence_cases import case_at_on_site, pdf_bytes
from tests.integration.record_tampering import remove, rewrite_consistently, sanxiang, tamperer
from tests.integration.test_media_requirement import upload
from tests.support import MovableClock

SMALL = {"SANXIANG_HEAD_EVERY_ENTRIES": "5", "SANXIANG_HEAD_EVERY_MINUTES": "10"}


@pytest.fixture
def small(settings: Settings, clock: MovableClock) -> Iterator[AppContext]:
    """A context whose policy is a head every 5 entries or 10 minutes."""
    policy = settings.with_(head_every_entries=5, head_every_minutes=10)
    context = make_context(policy, clock, rules="dialect")
    yield context
    context.database.dispose()


def append(ctx: AppContext, clock: MovableClock, count: int, *, seconds: float = 1) -> None:
    for n in range(count):
        clock.advance(seconds=seconds)
        with ctx.uow() as uow:
            record(
                ctx,
                uow,
                RecordDraft(
                    action="task.completed",
                    actor="zhao",
                    actor_role="handler",
                    case_id="2026-000101",
                    payload={"data": {"n": n}},
                ),
                clock(),
            )
            uow.commit()


def kept(ctx: AppContext) -> list[tuple[int, str]]:
    with ctx.uow(readonly=True) as uow:
        return [(head.global_seq, reason) for head, reason in reversed(uow.heads.recent(100))]


def test_a_head_is_signed_as_soon_as_n_entries_are_uncovered(small: AppContext, clock: MovableClock) -> None:
    append(small, clock, 4)
    assert sign_head_when_due(small) is None and kept(small) == []
    append(small, clock, 1)
    head = sign_head_when_due(small)
    assert head is not None and head.global_seq == 5
    append(small, clock, 4)
    assert sign_head_when_due(small) is None
    append(small, clock, 1)
    assert sign_head_when_due(small) is not None
    assert kept(small) == [(5, "entries"), (10, "entries")]


def test_a_head_is_signed_m_minutes_after_the_oldest_uncovered_entry(
    small: AppContext, clock: MovableClock
) -> None:
    append(small, clock, 2)
    clock.advance(minutes=10, seconds=-2)  # the first entry is 9 min 59 s old
    assert sign_head_when_due(small) is None
    clock.advance(seconds=1)
    head = sign_head_when_due(small)
    assert head is not None and head.global_seq == 2 and head.signed_at == clock()
    clock.advance(hours=5)  # nothing new: no new head
    assert sign_head_when_due(small) is None
    assert kept(small) == [(2, "minutes")]


def test_the_default_policy_is_at_most_100_entries_or_10_minutes_checked_every_few_seconds() -> None:
    settings = Settings()
    assert (settings.head_every_entries, settings.head_every_minutes) == (100, 10)
    [job] = [j for j in JOBS if j.func is sign_head_when_due]
    assert job.trigger == "interval" and job.options == {"seconds": CHECK_SECONDS} and CHECK_SECONDS <= 10


def test_a_head_on_demand_is_kept_and_reused_while_nothing_new_is_recorded(
    small: AppContext, clock: MovableClock
) -> None:
    append(small, clock, 3)
    first = sign_head_now(small, "demand")
    assert first is not None and first.global_seq == 3
    assert sign_head_now(small, "demand") == first
    assert kept(small) == [(3, "demand")]


def test_kept_heads_cannot_be_changed_or_deleted(small: AppContext, clock: MovableClock) -> None:
    append(small, clock, 5)
    assert sign_head_when_due(small) is not None
    for statement in ("UPDATE record_heads SET head_hash = 'x'", "DELETE FROM record_heads"):
        with pytest.raises(DBAPIError) as refused, small.database.begin() as conn:
            conn.execute(text(statement))
        assert "append-only" in str(refused.value)
    assert kept(small) == [(5, "entries")]


def test_no_head_is_signed_over_a_chain_that_no_longer_follows_the_kept_head(
    small: AppContext, clock: MovableClock
) -> None:
    append(small, clock, 5)
    assert sign_head_when_due(small) is not None
    rewrite_consistently(small, forge_seq=3)
    append(small, clock, 5)
    with pytest.raises(StepFailed) as refused:
        sign_head_when_due(small)
    assert refused.value.code == "record-chain-broken"
    assert "entry 6 does not follow" in refused.value.message_en
    assert kept(small) == [(5, "entries")]


def test_a_kept_head_forged_without_the_key_is_refused(small: AppContext, clock: MovableClock) -> None:
    append(small, clock, 5)
    real = sign_head_when_due(small)
    assert real is not None
    append(small, clock, 5)
    with small.uow(readonly=True) as uow:
        [*_, tenth] = uow.records.all()
    with small.database.begin() as conn:  # a plausible head at entry 10, but signed by nobody
        conn.execute(
            insert(record_heads).values(
                global_seq=10,
                head_hash=tenth.global_hash,
                signed_at=clock(),
                reason="entries",
                key_fingerprint=real.key_fingerprint,
                signature=real.signature,
            )
        )
    with pytest.raises(StepFailed) as refused:
        sign_head_now(small, "demand")
    assert "the kept head at entry 10 has an invalid signature" in refused.value.message_en
    found = audit.audit_record(small)
    assert not found.result.ok
    assert "head signature is invalid (the head at entry 10)" in found.result.reason_en


def test_an_entry_rewritten_after_the_daily_head_is_caught_by_the_next_head(
    small: AppContext, settings: Settings, clock: MovableClock
) -> None:
    """The attack of item 10: the daily head pinned entries 1–6; entries after it could be rewritten
    unnoticed for up to a day. Now a head follows within 5 entries and names the stretch."""
    append(small, clock, 6)
    daily = audit.export_signed_head(small)  # head at 6, records entry 7
    assert daily is not None and daily.head.global_seq == 6
    append(small, clock, 4)
    assert sign_head_when_due(small) is not None  # entries 7–11 uncovered: head at 11
    rewrite_consistently(small, forge_seq=9)
    assert audit.verify_records(small).ok, "the rewrite recomputed every link"
    assert audit.verify_against_head(small, daily.path.read_bytes()).ok, "the daily head alone misses it"
    result = sanxiang(settings, "audit", "verify", env=SMALL)
    assert result.exit_code == 1
    assert "第 11 条或之前被改写" in result.output and "改写在第 7–11 条之间" in result.output
    assert "the rewrite lies in entries 7–11" in result.output


def test_entries_removed_after_the_daily_head_are_caught_by_the_next_head(
    small: AppContext, settings: Settings, clock: MovableClock
) -> None:
    append(small, clock, 6)
    assert audit.export_signed_head(small) is not None
    append(small, clock, 4)
    assert sign_head_when_due(small) is not None  # head at 11
    with tamperer(small) as conn:
        remove(conn, 11)
        remove(conn, 10)
    result = sanxiang(settings, "audit", "verify", env=SMALL)
    assert result.exit_code == 1
    assert "缺少已签名的第 11 条" in result.output and "signed entry 11 is missing" in result.output


def test_deleting_the_newest_heads_to_widen_the_window_shows_as_an_overdue_head(
    small: AppContext, settings: Settings, clock: MovableClock
) -> None:
    append(small, clock, 12)
    assert sign_head_when_due(small) is not None  # head at 12
    with tamperer(small) as conn:
        conn.execute(delete(record_heads))
    clock.advance(minutes=11, seconds=1)
    found = audit.audit_record(small)
    assert found.result.ok and found.overdue and found.coverage.uncovered == 12
    result = sanxiang(settings, "audit", "verify", env=SMALL)
    assert result.exit_code == 3, result.output
    assert "签名链头已逾期" in result.output and "a signed head is overdue" in result.output


def test_audit_verify_says_how_far_the_newest_head_covers(settings: Settings) -> None:
    now = MovableClock(datetime.now(UTC) - timedelta(minutes=1))  # the CLI's clock is the real one
    ctx = make_context(settings, now, rules="dialect")
    try:
        append(ctx, now, 3)
        head = sign_head_now(ctx, "demand")
        assert head is not None
        append(ctx, now, 2)
        result = sanxiang(settings, "audit", "verify")
    finally:
        ctx.database.dispose()
    assert result.exit_code == 0, result.output
    assert "完整：已校验 5 条" in result.output
    assert "最新签名链头：第 3 条" in result.output and "覆盖第 1–3 条" in result.output
    assert "it covers entries 1–3" in result.output and head.key_fingerprint[:16] in result.output
    assert "未覆盖：第 4–5 条，共 2 条" in result.output
    assert "not yet covered: entries 4–5, 2 in all" in result.output
    assert "至少每 100 条或每 10 分钟" in result.output


def test_an_uncovered_entry_cut_off_the_end_is_named_by_the_evidence_row_that_points_at_it(
    ctx: AppContext, settings: Settings
) -> None:
    case_id, task = case_at_on_site(ctx)
    assert sign_head_now(ctx, "demand") is not None
    sha = upload(ctx, case_id, pdf_bytes("现场笔录"), "现场笔录.pdf", task.id)
    with ctx.uow(readonly=True) as uow:
        [*_, last] = uow.records.all()
    assert last.content.action == "evidence.added"
    with tamperer(ctx) as conn:  # the newest entry, not yet under a head, is cut off
        remove(conn, last.global_seq)
    found = audit.audit_record(ctx)
    assert found.result.ok, "a chain cut at its end is consistent"
    assert [seq for seq, _, _ in found.witnesses] == [last.global_seq]
    result = sanxiang(settings, "audit", "verify")
    assert result.exit_code == 1
    assert f"第 {last.global_seq} 条记录缺失或被改写：证据文件 {sha[:16]}" in result.output
    assert f"entry {last.global_seq} is missing or was rewritten: evidence file {sha[:16]}" in result.output
