"""The head policy (a head every N entries or M minutes) and the global links walked from a known point."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine.errors import InvalidInput
from engine.record.chain import Content, Entry, chain_next
from engine.record.global_links import link_case_to_heads, verify_global_after
from engine.record.head_policy import GRACE, Coverage, HeadPolicy, head_due, heads_overdue

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
POLICY = HeadPolicy(every_entries=100, every_minutes=10)


def coverage(
    latest: int, head: int, oldest_age: timedelta | None = None, nth_age: timedelta | None = None
) -> Coverage:
    return Coverage(
        latest,
        head,
        NOW - oldest_age if oldest_age is not None else None,
        NOW - nth_age if nth_age is not None else None,
    )


@pytest.mark.parametrize(
    ("found", "due"),
    [
        (coverage(0, 0), None),  # an empty record
        (coverage(50, 50), None),  # all covered
        (coverage(149, 50, timedelta(minutes=9)), None),  # 99 new, 9 minutes old
        (coverage(150, 50, timedelta(minutes=1)), "entries"),  # the 100th new entry
        (coverage(51, 50, timedelta(minutes=10)), "minutes"),  # one entry, 10 minutes old
        (coverage(51, 50, timedelta(minutes=9, seconds=59)), None),
    ],
)
def test_a_head_is_due_after_n_entries_or_m_minutes(found: Coverage, due: str | None) -> None:
    assert head_due(POLICY, found, NOW) == due


@pytest.mark.parametrize(
    ("found", "overdue"),
    [
        (coverage(150, 50, timedelta(minutes=2), GRACE), False),  # just due: the scheduler has a minute
        (coverage(150, 50, timedelta(minutes=2), GRACE + timedelta(seconds=1)), True),
        (coverage(51, 50, timedelta(minutes=11)), False),
        (coverage(51, 50, timedelta(minutes=11, seconds=1)), True),
        (coverage(50, 50), False),
    ],
)
def test_a_head_missing_longer_than_the_grace_is_overdue(found: Coverage, overdue: bool) -> None:
    assert heads_overdue(POLICY, found, NOW) is overdue


@pytest.mark.parametrize("bad", [0, -1, 1_000_001, True, 1.5])
def test_the_policy_refuses_intervals_that_are_not_whole_positive_numbers(bad: object) -> None:
    with pytest.raises(InvalidInput):
        HeadPolicy(every_entries=bad)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        HeadPolicy(every_minutes=bad)  # type: ignore[arg-type]


def chain(cases: list[str | None]) -> list[Entry]:
    entries: list[Entry] = []
    heads: dict[str, Entry] = {}
    for n, case in enumerate(cases):
        case_head = heads[case].case_head() if case in heads else None
        entry = chain_next(
            Content("task.completed", "zhao", NOW + timedelta(seconds=n), case_id=case, payload={"n": n}),
            global_head=entries[-1].global_head() if entries else None,
            case_head=case_head,
        )
        entries.append(entry)
        if case is not None:
            heads[case] = entry
    return entries


def test_the_chain_after_a_head_is_verified_from_that_head_on() -> None:
    entries = chain(["A", None, "B", "A", None])
    assert verify_global_after(entries[2:], entries[1].global_head()).checked == 3
    rewritten = chain(["A", None, "X", "A", None])  # entry 3 differs, links recomputed
    result = verify_global_after(rewritten[3:], entries[2].global_head())
    assert (result.ok, result.first_bad_sequence) == (False, 4)
    assert "does not follow" in result.reason_en
    missing = verify_global_after(entries[3:], entries[1].global_head())
    assert (missing.ok, missing.first_bad_sequence) == (False, 3)


def test_a_cases_entries_are_linked_to_a_head_through_the_other_entries_content_hashes() -> None:
    entries = chain(["A", None, "B", "A", "B", None, "A", None])
    case = [e for e in entries if e.content.case_id == "A"]  # global 1, 4, 7
    hashes = [e.content_hash for e in entries[1:]]  # global 2..8
    proof = link_case_to_heads(case, hashes, {5, 8})
    assert proof.ok and proof.end == 8
    assert proof.links == {5: entries[4].global_hash, 8: entries[7].global_hash}
    forged = list(hashes)
    forged[2] = "0" * 64  # global 4 is a case entry
    broken = link_case_to_heads(case, forged, {8})
    assert (broken.ok, broken.bad_case_seq) == (False, 2)
    other = list(hashes)
    other[0] = "1" * 64  # another case's entry (global 2) swapped in the proof:
    swapped = link_case_to_heads(case, other, {8})  # the case's next entry no longer follows it
    assert (swapped.ok, swapped.bad_case_seq) == (False, 2)
