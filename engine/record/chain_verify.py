"""Verifying a chain of the record: every link and content hash checked in order, the first break reported."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from engine.record.chain import GENESIS, Entry, Link, Scope, _fast_content_hash, link_hash


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """``first_bad_sequence`` is a global sequence for scope "global", a case one for "case"."""

    ok: bool
    first_bad_sequence: int | None = None
    reason_zh: str = ""
    reason_en: str = ""
    checked: int = 0
    head: Link | None = None


@dataclass(slots=True)
class _Problem:
    seq: int
    zh: str
    en: str
    missing: int | None = None  # the sequence expected here, when the order broke


def _check_link(
    chain: Scope,
    label: tuple[str, str],
    head: Link | None,
    link: tuple[Any, Any, Any],
    entry: Entry,
    digest: str | None,
) -> _Problem | Link:
    """Check one (seq, prev, hash) link; ``digest``: recomputed content hash (None: checked elsewhere)."""
    (seq, prev, claimed), expected, (zh, en) = link, (1 if head is None else head.seq + 1), label
    if seq != expected:
        return _Problem(
            expected,
            f"{zh}第 {expected} 条处顺序中断（发现第 {seq} 条）",
            f"{en}sequence breaks at {expected} (found {seq})",
            expected,
        )
    if digest is not None and digest != entry.content_hash:
        return _Problem(seq, f"{zh}第 {seq} 条记录的内容被改动", f"{en}entry {seq}: content changed")
    if head is None and prev != GENESIS:
        return _Problem(seq, f"{zh}第 {seq} 条的创世哈希错误", f"{en}entry {seq} has a wrong genesis")
    if head is not None and prev != head.hash:
        return _Problem(
            seq,
            f"{zh}第 {seq} 条的前序哈希不符（前一条被删除、替换或调换）",
            f"{en}entry {seq} does not follow the one before (deleted, replaced or moved)",
        )
    if claimed != link_hash(chain, seq, prev, entry.content_hash):
        return _Problem(seq, f"{zh}第 {seq} 条的链哈希不符", f"{en}entry {seq} has a wrong link hash")
    return Link(seq, claimed)


class _Walk:
    """Walks the global chain plus every case chain met ("global"), or one case chain ("case")."""

    def __init__(self, scope: Scope) -> None:
        self.scope, self.count, self.case_heads = scope, 0, dict[str, Link]()
        self.global_head: Link | None = None
        self.case_id: str | None = None

    def head(self) -> Link | None:
        return self.global_head if self.scope == "global" else self.case_heads.get(self.case_id or "")

    def step(self, entry: Entry) -> _Problem | None:
        digest = _fast_content_hash(entry.content) or "?"
        if self.scope == "case":
            problem = self._step_case(entry, digest, entry.case_seq if isinstance(entry.case_seq, int) else 0)
        else:
            head = self._step_global(entry, digest)
            if isinstance(head, _Problem):
                return head
            problem = self._step_case(entry, None, entry.global_seq)
            self.global_head = self.global_head if problem else head
        self.count += problem is None
        return problem

    def _step_global(self, entry: Entry, digest: str) -> _Problem | Link:
        link = (entry.global_seq, entry.global_prev, entry.global_hash)
        result = _check_link("global", ("", ""), self.global_head, link, entry, digest)
        if isinstance(result, _Problem):
            return result
        corrects = entry.content.corrects
        if corrects is not None and not (isinstance(corrects, int) and 1 <= corrects < result.seq):
            return _Problem(
                result.seq,
                f"第 {result.seq} 条更正记录未指向更早的记录",
                f"entry {result.seq} corrects no earlier entry",
            )
        return result

    def _step_case(self, entry: Entry, digest: str | None, bad: int) -> _Problem | None:
        case_id, link = entry.content.case_id, (entry.case_seq, entry.case_prev, entry.case_hash)
        if case_id is None and (self.scope == "case" or link != (None, None, None)):
            return _Problem(bad, f"第 {bad} 条记录不属于任何办件链", f"entry {bad} belongs to no case chain")
        if case_id is None:
            return None
        if self.scope == "case" and self.case_id not in (None, case_id):
            return _Problem(bad, f"第 {bad} 条记录属于其他办件", f"entry {bad} belongs to another case")
        self.case_id = self.case_id or case_id
        label = (f"办件 {case_id} ", f"case {case_id}: ")
        result = _check_link("case", label, self.case_heads.get(case_id), link, entry, digest)
        if isinstance(result, Link):
            self.case_heads[case_id] = result
            return None
        if self.scope == "global":  # name the entry by its global sequence
            result.seq, result.missing = bad, None
        return result


def _failure(walk: _Walk, problem: _Problem, rest: Iterator[Entry]) -> VerifyResult:
    zh, en, missing = problem.zh, problem.en, problem.missing
    field_name = "global_seq" if walk.scope == "global" else "case_seq"
    if missing is not None and any(getattr(entry, field_name) == missing for entry in rest):
        zh, en = f"{zh}：记录顺序被调换", f"{en}: entries are out of order"
    elif missing is not None:
        zh, en = f"{zh}：第 {missing} 条记录缺失", f"{en}: entry {missing} is missing"
    return VerifyResult(False, problem.seq, zh, en, walk.count, walk.head())


def verify_chain(entries: Iterable[Entry], *, scope: Scope = "global") -> VerifyResult:
    """Check entries in order from the start of a chain.

    ``scope="global"``: the whole store from global sequence 1, and every case chain met
    on the way. ``scope="case"``: one case's entries from case sequence 1. A truncated
    tail shows only against a signed head (``head_signature.check_chain_against_head``).
    """
    walk, rest = _Walk(scope), iter(entries)
    for entry in rest:
        problem = walk.step(entry)
        if problem is not None:
            return _failure(walk, problem, rest)
    return VerifyResult(True, None, "记录链完整", "the record chain is intact", walk.count, walk.head())
