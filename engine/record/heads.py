"""Signed heads of the record, kept in the database: every N entries or M minutes, and on demand.

- ``sign_head_when_due(ctx)``: the scheduler's job (every ``CHECK_SECONDS``): three indexed reads;
  when the policy (``engine.record.head_policy``, settings ``head_every_entries`` /
  ``head_every_minutes``) says a head is due, it signs one.
- ``sign_head_now(ctx, reason)``: on demand (a case-file export, ``sanxiang audit export-head``,
  ``sanxiang audit sign-head``). It first verifies the global chain after the newest kept head of the
  same key (that head pins everything before it) and refuses to sign a chain that does not follow
  it, or to continue from a kept head whose signature does not verify.
- ``head_coverage(ctx, uow, …)``: how far the newest kept head reaches (for ``audit verify``).

Signing a head appends nothing to the record (a head that recorded itself would leave one entry
uncovered and so call for the next head, without end); the daily export records
``audit.head-exported`` and writes the head to a file (``services.audit``).
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from engine.config import Settings
from engine.errors import StepFailed
from engine.kernel.context import AppContext
from engine.kernel.ports import UnitOfWork
from engine.record.chain import Link
from engine.record.chain_verify import VerifyResult
from engine.record.global_links import verify_global_after
from engine.record.head_policy import Coverage, HeadPolicy, head_due
from engine.record.head_signature import SignedHead, head_is_signed_by, key_fingerprint, sign_head
from engine.record.signing_key import signing_key

CHECK_SECONDS = 5  # how often the scheduler asks whether a head is due


def head_policy(settings: Settings) -> HeadPolicy:
    return HeadPolicy(settings.head_every_entries, settings.head_every_minutes)


def head_coverage(uow: UnitOfWork, head: SignedHead | None, policy: HeadPolicy) -> Coverage:
    """How many entries ``head`` covers, how many follow it, and when the first of them was recorded."""
    latest, head_seq = uow.heads.last_seq(), head.global_seq if head else 0
    oldest = uow.heads.recorded_at(head_seq + 1) if latest > head_seq else None
    every = policy.every_entries
    nth = uow.heads.recorded_at(head_seq + every) if latest - head_seq >= every else None
    return Coverage(latest, head_seq, oldest, nth)


def sign_head_when_due(ctx: AppContext) -> SignedHead | None:
    """The scheduler's job: sign a head if the policy says one is due (None: not due)."""
    policy = head_policy(ctx.settings)
    with ctx.uow(readonly=True) as uow:
        coverage = head_coverage(uow, uow.heads.latest(), policy)
    reason = head_due(policy, coverage, ctx.clock())
    return None if reason is None else sign_head_now(ctx, reason)


def _refuse(zh: str, en: str) -> StepFailed:
    return StepFailed(f"拒绝签名链头：{zh}", f"Not signing a head: {en}", code="record-chain-broken")


def _start(public: Ed25519PublicKey, previous: SignedHead | None) -> Link | None:
    if previous is None:
        return None
    if not head_is_signed_by(public, previous):
        raise _refuse(
            f"保存的第 {previous.global_seq} 条处的链头签名无效（链头表被改动）",
            f"the kept head at entry {previous.global_seq} has an invalid signature "
            "(the heads table was altered)",
        )
    return Link(previous.global_seq, previous.head_hash)


def _verified_tip(ctx: AppContext, public: Ed25519PublicKey) -> SignedHead | VerifyResult | None:
    """The kept head if it is still the newest position, else the verified chain after it."""
    with ctx.uow(readonly=True) as uow:
        previous: SignedHead | None = uow.heads.latest(key_fingerprint(public))
        last = uow.heads.last_seq()
        if last == 0:
            return None
        start = _start(public, previous)
        if previous is not None and previous.global_seq >= last:
            return previous
        return verify_global_after(uow.records.all(after=start.seq if start else 0), start)


def sign_head_now(ctx: AppContext, reason: str) -> SignedHead | None:
    """Sign and keep a head at the newest entry (None while the record is empty); when the newest
    kept head is already there, that head is returned."""
    key = signing_key(ctx.settings)
    tip = _verified_tip(ctx, key.public_key())
    if tip is None or isinstance(tip, SignedHead):
        return tip
    if not tip.ok or tip.head is None:
        raise _refuse(
            f"记录链在第 {tip.first_bad_sequence} 条校验失败：{tip.reason_zh}",
            f"the record chain fails at entry {tip.first_bad_sequence}: {tip.reason_en}",
        )
    head = sign_head(key, global_seq=tip.head.seq, head_hash=tip.head.hash, signed_at=ctx.clock())
    with ctx.uow() as uow:
        kept: SignedHead = uow.heads.add(head, reason)
        uow.commit()
    return kept
