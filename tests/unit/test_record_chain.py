"""The whole-process record: hash chains per case and global, and the signed global head."""

from __future__ import annotations

import dataclasses
import json
import math
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from engine.errors import InvalidInput
from engine.record.chain import GENESIS, Content, Entry, Link, canonical_json, chain_next, content_hash
from engine.record.chain_verify import verify_chain
from engine.record.head_signature import (
    SignedHead,
    check_chain_against_head,
    generate_key,
    load_private_key,
    public_key_pem,
    sign_head,
    verify_head,
)

T0 = datetime(2024, 5, 20, 1, 30, 0, 123456, tzinfo=UTC)
ACTIONS = ("case.started", "task.completed", "review.completed", "decision.refused")
KEY = generate_key()
PUBLIC = public_key_pem(load_private_key(KEY))


def content(index: int, case_id: str | None, **changes: Any) -> Content:
    base = Content(
        action=ACTIONS[index % len(ACTIONS)],
        actor=f"staff-{index % 3}",
        recorded_at=T0 + timedelta(seconds=index),
        case_id=case_id,
        actor_role="handler",
        task_id=None if case_id is None else f"task-{index}",
        element_id="Activity_review",
        payload={"意见": "材料齐全，同意受理", "index": index, "items": [1, 2.5, None, True]},
        evidence=(f"{index:064x}",),
    )
    return dataclasses.replace(base, **changes)


def append(entries: list[Entry], item: Content) -> Entry:
    global_head = entries[-1].global_head() if entries else None
    same_case = [e for e in entries if item.case_id is not None and e.content.case_id == item.case_id]
    case_head = same_case[-1].case_head() if same_case else None
    entry = chain_next(item, global_head=global_head, case_head=case_head)
    entries.append(entry)
    return entry


def build_chain(count: int = 12) -> list[Entry]:
    """Two cases interleaved with global-only entries (every fourth entry has no case)."""
    entries: list[Entry] = []
    for index in range(count):
        case_id = None if index % 4 == 3 else ("2024-0001", "2024-0002")[index % 2]
        append(entries, content(index, case_id))
    return entries


def case_entries(entries: list[Entry], case_id: str) -> list[Entry]:
    return [e for e in entries if e.content.case_id == case_id]


CONTENT_FIELDS = [f.name for f in dataclasses.fields(Content)]
LINK_FIELDS = [f.name for f in dataclasses.fields(Entry) if f.name != "content"]


def tampered(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return "forged"
    if isinstance(value, str):
        return value[:-1] + ("0" if value[-1:] != "0" else "1")
    if isinstance(value, dict | tuple):
        return {**value, "index": -1} if isinstance(value, dict) else (*value, "f" * 64)
    return value + (1 if isinstance(value, int) else timedelta(microseconds=1))


def forge(entry: Entry, name: str) -> Entry:
    """The entry with one field (of its content or its links) changed."""
    if name in CONTENT_FIELDS:
        changed = dataclasses.replace(entry.content, **{name: tampered(getattr(entry.content, name))})
        return dataclasses.replace(entry, content=changed)
    return dataclasses.replace(entry, **{name: tampered(getattr(entry, name))})


def test_an_untouched_chain_verifies_globally_and_per_case() -> None:
    entries = build_chain()
    result = verify_chain(entries)
    assert result.ok and result.first_bad_sequence is None
    assert result.checked == 12 and result.head == entries[-1].global_head()
    for case_id in ("2024-0001", "2024-0002"):
        assert verify_chain(case_entries(entries, case_id), scope="case").ok
    assert entries[0].global_prev == GENESIS and entries[0].case_prev == GENESIS
    assert entries[3].case_head() is None and entries[0].case_head() == Link(1, entries[0].case_hash or "")
    assert verify_chain([]).ok and verify_chain([], scope="case").head is None


def test_one_entry_carries_one_content_hash_and_a_link_in_each_chain() -> None:
    entries = build_chain()
    second_of_case_one = case_entries(entries, "2024-0001")[1]
    assert (second_of_case_one.global_seq, second_of_case_one.case_seq) == (3, 2)
    assert second_of_case_one.content_hash == content_hash(second_of_case_one.content)
    assert second_of_case_one.case_prev == case_entries(entries, "2024-0001")[0].case_hash
    assert second_of_case_one.global_prev == entries[1].global_hash


@pytest.mark.parametrize("name", CONTENT_FIELDS + LINK_FIELDS)
def test_changing_any_field_of_any_entry_fails_global_verification_naming_that_entry(name: str) -> None:
    entries = build_chain()
    for position, entry in enumerate(entries):
        forged = [*entries[:position], forge(entry, name), *entries[position + 1 :]]
        result = verify_chain(forged)
        assert not result.ok, (name, position)
        assert result.first_bad_sequence == entry.global_seq, (name, position, result.reason_en)


@pytest.mark.parametrize("name", CONTENT_FIELDS + ["content_hash", "case_seq", "case_prev", "case_hash"])
def test_changing_any_field_of_a_case_entry_fails_the_case_verification(name: str) -> None:
    mine = case_entries(build_chain(), "2024-0002")
    for position, entry in enumerate(mine):
        forged = [*mine[:position], forge(entry, name), *mine[position + 1 :]]
        result = verify_chain(forged, scope="case")
        assert not result.ok, (name, position)
        assert result.first_bad_sequence == entry.case_seq, (name, position, result.reason_en)


@pytest.mark.parametrize("position", [0, 1, 5, 10])
def test_a_deleted_entry_is_named_as_missing(position: int) -> None:
    entries = build_chain()
    result = verify_chain(entries[:position] + entries[position + 1 :])
    assert not result.ok
    assert result.first_bad_sequence == position + 1
    assert "missing" in result.reason_en and "缺失" in result.reason_zh
    mine, at = case_entries(build_chain(), "2024-0002"), position % 2  # a cut tail needs a signed head
    in_case = verify_chain(mine[:at] + mine[at + 1 :], scope="case")
    assert not in_case.ok and in_case.first_bad_sequence == at + 1 and "missing" in in_case.reason_en
    rest = [dataclasses.replace(e, global_seq=e.global_seq - 1) for e in entries[position + 1 :]]
    renumbered = verify_chain(entries[:position] + rest)  # deleted, and the rest renumbered
    assert not renumbered.ok and renumbered.first_bad_sequence == position + 1


@pytest.mark.parametrize(("first", "second"), [(2, 3), (1, 6), (0, 11)])
def test_two_swapped_entries_are_reported_out_of_order(first: int, second: int) -> None:
    entries = build_chain()
    entries[first], entries[second] = entries[second], entries[first]
    result = verify_chain(entries)
    assert not result.ok
    assert result.first_bad_sequence == first + 1
    assert "out of order" in result.reason_en


def test_swapped_contents_with_sequences_kept_in_place_are_caught() -> None:
    entries = build_chain()
    a, b = entries[4], entries[5]
    entries[4] = dataclasses.replace(b, global_seq=a.global_seq, global_prev=a.global_prev)
    entries[5] = dataclasses.replace(a, global_seq=b.global_seq, global_prev=b.global_prev)
    result = verify_chain(entries)
    assert not result.ok and result.first_bad_sequence == 5


def test_a_wrong_genesis_is_named() -> None:
    entries = build_chain()
    entries[0] = dataclasses.replace(entries[0], global_prev="1" * 64)
    result = verify_chain(entries)
    assert not result.ok and result.first_bad_sequence == 1 and "genesis" in result.reason_en


def test_a_case_export_with_a_foreign_entry_is_refused() -> None:
    entries = build_chain()
    mixed = case_entries(entries, "2024-0001")[:2] + case_entries(entries, "2024-0002")[2:3]
    result = verify_chain(mixed, scope="case")
    assert not result.ok and "another case" in result.reason_en


def test_a_correction_is_a_new_entry_that_points_at_the_old_one() -> None:
    entries = build_chain()
    old = entries[2]
    fix = content(
        99,
        old.content.case_id,
        action="record.corrected",
        corrects=old.global_seq,
        payload={"reason": "笔误：申请日期应为5月20日"},
    )
    correction = append(entries, fix)
    assert correction.content.corrects == old.global_seq
    assert entries[2] is old and verify_chain(entries).ok
    assert verify_chain(case_entries(entries, old.content.case_id or ""), scope="case").ok
    with pytest.raises(InvalidInput):  # a correction cannot point forward
        append(entries, content(5, "2024-0001", corrects=len(entries) + 1))


def test_canonical_json_sorts_keys_without_whitespace_in_utf8_and_times_in_utc() -> None:
    encoded = canonical_json({"b": 1, "a": ["许可", None, True, 1.5]})
    assert encoded == '{"a":["许可",null,true,1.5],"b":1}'.encode()
    utc = content(1, "c")  # the same instant in another zone hashes the same
    beijing = dataclasses.replace(utc, recorded_at=utc.recorded_at.astimezone(timezone(timedelta(hours=8))))
    assert content_hash(utc) == content_hash(beijing)


@pytest.mark.parametrize(
    "value", [math.nan, math.inf, {"t": datetime.now(UTC)}, {1: "x"}, {"s": {1, 2}}, b"raw", "\ud800"]
)
def test_canonical_json_refuses_what_is_not_json(value: Any) -> None:
    with pytest.raises(InvalidInput):
        canonical_json(value)


def test_chain_next_refuses_naive_times_bad_evidence_and_odd_payloads() -> None:
    for bad in (
        {"recorded_at": datetime(2024, 5, 20)},
        {"evidence": ("not-a-hash",)},
        {"payload": {"amount": math.nan}},
        {"actor": ""},
    ):
        with pytest.raises(InvalidInput):
            chain_next(content(1, "c", **bad), global_head=None)


def test_entry_payload_is_a_private_copy() -> None:
    payload: dict[str, Any] = {"list": [1]}
    entry = chain_next(content(1, None, payload=payload), global_head=None)
    payload["list"].append(2)
    assert entry.content.payload == {"list": [1]} and verify_chain([entry]).ok


# --- the signed global head -----------------------------------------------------------


def signed_head_of(entries: list[Entry], key_pem: bytes = KEY) -> SignedHead:
    head = entries[-1].global_head()
    return sign_head(load_private_key(key_pem), global_seq=head.seq, head_hash=head.hash, signed_at=T0)


def rebuild(entries: list[Entry], change_at: int) -> list[Entry]:
    """A consistent rewrite: change one entry's content and recompute every link after it."""
    rebuilt: list[Entry] = []
    for entry in entries:
        item = entry.content
        if entry.global_seq == change_at:
            item = dataclasses.replace(item, payload={**item.payload, "意见": "不予受理"})
        append(rebuilt, item)
    return rebuilt


def test_a_signed_head_verifies_and_round_trips_through_json() -> None:
    signed = signed_head_of(build_chain())
    again = SignedHead.from_json(signed.to_json())
    assert again == signed and verify_head(PUBLIC, again)
    assert json.loads(signed.to_json())["signed_at"] == "2024-05-20T01:30:00.123456Z"


def test_a_tampered_signature_or_statement_is_refused() -> None:
    signed = signed_head_of(build_chain())
    flipped = ("A" if signed.signature[0] != "A" else "B") + signed.signature[1:]
    assert not verify_head(PUBLIC, dataclasses.replace(signed, signature=flipped))
    assert not verify_head(PUBLIC, dataclasses.replace(signed, signature="not base64!"))
    assert not verify_head(PUBLIC, dataclasses.replace(signed, global_seq=signed.global_seq - 1))
    assert not verify_head(PUBLIC, dataclasses.replace(signed, head_hash="0" * 64))
    assert not verify_head(public_key_pem(load_private_key(generate_key())), signed)
    forged = dataclasses.replace(signed, signature=flipped)
    result = check_chain_against_head(build_chain(), forged, public_pem=PUBLIC)
    assert not result.ok and "signature" in result.reason_en


def test_the_signed_head_detects_a_consistent_rewrite_of_the_whole_chain() -> None:
    entries = build_chain()
    signed = signed_head_of(entries)
    assert check_chain_against_head(entries, signed, public_pem=PUBLIC).ok
    rewritten = rebuild(entries, change_at=3)
    assert verify_chain(rewritten).ok  # the chain alone cannot tell
    result = check_chain_against_head(rewritten, signed, public_pem=PUBLIC)
    assert not result.ok and result.first_bad_sequence == signed.global_seq
    assert "rewritten" in result.reason_en


def test_the_signed_head_detects_a_cut_off_tail_and_allows_later_entries() -> None:
    entries = build_chain()
    signed = signed_head_of(entries[:8])
    assert check_chain_against_head(entries, signed, public_pem=PUBLIC).ok
    result = check_chain_against_head(entries[:6], signed, public_pem=PUBLIC)
    assert not result.ok and result.first_bad_sequence == 8 and "missing" in result.reason_en


@pytest.mark.parametrize("text", ["", "[]", '{"purpose": "other"}', "not json"])
def test_a_malformed_signed_head_is_invalid_input(text: str) -> None:
    with pytest.raises(InvalidInput):
        SignedHead.from_json(text)


def test_only_ed25519_keys_are_accepted() -> None:
    ec_pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    for pem in (ec_pem, b"-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n"):
        with pytest.raises(InvalidInput):
            load_private_key(pem)
    with pytest.raises(InvalidInput):
        sign_head(load_private_key(generate_key()), global_seq=0, head_hash=GENESIS, signed_at=T0)
