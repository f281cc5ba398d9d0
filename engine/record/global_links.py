"""The global chain's links walked from a known point instead of from its start.

- ``verify_global_after``: the entries after a signed head, before the next head is signed over
  them (the head before them pins everything earlier, so the whole chain need not be walked).
- ``link_case_to_heads``: the link proof in a case file. A case's entries are scattered along the
  global chain; given the content hash of every global entry from the case's first one up to a
  signed head, the verifier recomputes each global link (``link = sha256(… seq | prev | content)``)
  and checks that the case's entries sit on that chain and that it ends in the signed hash — so
  a head signed over the whole record vouches for the entries of one case, offline.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from engine.errors import InvalidInput
from engine.record.chain import GENESIS, Entry, Link, content_hash, link_hash
from engine.record.chain_verify import VerifyResult


def _content_changed(entry: Entry) -> bool:
    try:
        return content_hash(entry.content) != entry.content_hash
    except (InvalidInput, TypeError, ValueError, AttributeError):
        return True


def _global_problem(entry: Entry, head: Link | None) -> tuple[int, str, str] | None:
    expected, prev = (1, GENESIS) if head is None else (head.seq + 1, head.hash)
    seq = entry.global_seq
    if seq != expected:
        return (
            expected,
            f"第 {expected} 条记录缺失或顺序中断（发现第 {seq} 条）",
            f"entry {expected} is missing or out of order (found {seq})",
        )
    if _content_changed(entry):
        return seq, f"第 {seq} 条记录的内容被改动", f"entry {seq}: content changed"
    if entry.global_prev != prev:
        return (
            seq,
            f"第 {seq} 条的前序哈希不符（之前的记录被改写）",
            f"entry {seq} does not follow the one before (an earlier entry was rewritten)",
        )
    if entry.global_hash != link_hash("global", seq, prev, entry.content_hash):
        return seq, f"第 {seq} 条的链哈希不符", f"entry {seq} has a wrong link hash"
    return None


def verify_global_after(entries: Iterable[Entry], start: Link | None) -> VerifyResult:
    """Check the global chain (content and links) of the entries after ``start`` (None: from 1)."""
    head, count = start, 0
    for entry in entries:
        problem = _global_problem(entry, head)
        if problem is not None:
            return VerifyResult(False, problem[0], problem[1], problem[2], count, head)
        head, count = entry.global_head(), count + 1
    return VerifyResult(True, None, "记录链完整", "the record chain is intact", count, head)


@dataclass(frozen=True, slots=True)
class LinkProof:
    """``links``: the recomputed global link at each wanted sequence the proof reaches."""

    ok: bool
    end: int = 0  # the last global sequence the proof reaches
    links: dict[int, str] = field(default_factory=dict)
    bad_case_seq: int | None = None
    reason_zh: str = ""
    reason_en: str = ""


def _broken(entry: Entry, why_zh: str, why_en: str) -> LinkProof:
    seq = entry.case_seq
    return LinkProof(
        False,
        bad_case_seq=seq,
        reason_zh=f"办件第 {seq} 条（全局第 {entry.global_seq} 条）{why_zh}",
        reason_en=f"case entry {seq} (global {entry.global_seq}) {why_en}",
    )


def link_case_to_heads(entries: Sequence[Entry], hashes: Sequence[str], wanted: Collection[int]) -> LinkProof:
    """Walk the global links from the case's first entry through ``hashes`` (the content hash of
    every global entry after it, in order). ``entries`` must already verify as a case chain."""
    if not entries:
        return LinkProof(False, reason_zh="没有记录", reason_en="no entries")
    first, by_seq = entries[0], {e.global_seq: e for e in entries}
    if first.global_hash != link_hash("global", first.global_seq, first.global_prev, first.content_hash):
        return _broken(first, "的全局链哈希不符", "has a wrong global link hash")
    link, seq = first.global_hash, first.global_seq
    links = {seq: link} if seq in wanted else {}
    for digest in hashes:
        seq += 1
        entry = by_seq.get(seq)
        if entry is not None and (digest != entry.content_hash or entry.global_prev != link):
            return _broken(
                entry, "不在签名链头所认可的记录链上", "is not on the chain the signed head vouches for"
            )
        link = link_hash("global", seq, link, digest)
        if entry is not None and link != entry.global_hash:
            return _broken(entry, "的全局链哈希不符", "has a wrong global link hash")
        if seq in wanted:
            links[seq] = link
    return LinkProof(True, seq, links)
