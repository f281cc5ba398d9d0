"""Link a case file's entries to signed heads of the whole record, offline.

The export carries its own signed head (``manifest.head``) and ``chain-proof.json``; recomputing the
global links from the case's first entry through the proof must reach that head's hash, with every
entry of the case on the way. A head the verifier holds (``--head``) is checked the same way when
its position lies within the proof: its hash must be the link recomputed there, and it must come
at or after the case's last entry to vouch for all of it.
"""

from __future__ import annotations

import json
import zipfile
import zlib

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from engine.errors import InvalidInput
from engine.kernel.json_types import JsonObject
from engine.record.casefile.chain_proof import NAME as PROOF
from engine.record.casefile.chain_proof import read_proof
from engine.record.casefile.report import UNCOVERED, UNTRUSTED, ExportReport
from engine.record.chain import Entry
from engine.record.global_links import LinkProof, link_case_to_heads
from engine.record.head_signature import SignedHead, head_is_signed_by

MANIFEST = "manifest.json"
RECORDS = "records.json"
HELD = "--head"
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, OSError, EOFError, KeyError, ValueError)


def _embedded_head(
    manifest: JsonObject, key: Ed25519PublicKey | None, report: ExportReport
) -> SignedHead | None:
    try:
        head = SignedHead.from_json(json.dumps(manifest.get("head")))
    except InvalidInput:
        report.add(MANIFEST, "清单缺少所附的签名链头", "the manifest carries no signed head")
        return None
    if key is not None and not head_is_signed_by(key, head):
        report.add(MANIFEST, "清单所附链头的签名不符", "the signature of the manifest's head does not verify")
        return None
    return head


def _proof(archive: zipfile.ZipFile, report: ExportReport) -> tuple[int, int, list[str]] | None:
    try:
        found = read_proof(json.loads(archive.read(PROOF)))
    except _READ_ERRORS:
        found = None
    if found is None:
        report.add(PROOF, "链证明缺失或无法读取", "the chain proof is missing or unreadable")
    return found


def _uncovered(entries: list[Entry], seq: int, report: ExportReport, what: tuple[str, str, str]) -> None:
    """``what``: the problem's name, and the head in Chinese and English."""
    after = [e.case_seq for e in entries if e.global_seq > seq]
    if after:
        name, zh, en = what
        report.add(
            name,
            f"本办件第 {after[0]}–{after[-1]} 条记录在{zh}（全局第 {seq} 条）之后，未被它覆盖",
            f"case entries {after[0]}–{after[-1]} come after {en} (global {seq}), which does not "
            "vouch for them",
            UNCOVERED,
        )


def _check_held(
    held: SignedHead,
    key: Ed25519PublicKey | None,
    linked: LinkProof,
    entries: list[Entry],
    report: ExportReport,
) -> None:
    seq = held.global_seq
    if key is not None and not head_is_signed_by(key, held):
        report.add(
            HELD, "你持有的链头的签名不符", "the head you hold does not verify with the key", UNTRUSTED
        )
    elif seq > linked.end:
        report.add(
            HELD,
            f"你持有的链头（全局第 {seq} 条）晚于本卷宗所附链头（第 {linked.end} 条），"
            "离线无法连接；请以该链头重新导出（sanxiang case export … --head）",
            f"the head you hold (global {seq}) is newer than the export's own head ({linked.end}) and "
            "cannot be linked offline; export again against it (sanxiang case export … --head)",
            UNCOVERED,
        )
    elif seq not in linked.links:
        report.add(
            HELD,
            f"你持有的链头（全局第 {seq} 条）早于本办件的第一条记录",
            f"the head you hold (global {seq}) is older than the case's first entry",
            UNCOVERED,
        )
    elif linked.links[seq] != held.head_hash:
        report.add(
            RECORDS,
            f"记录与你持有的签名链头（全局第 {seq} 条）不符：记录被改写",
            f"the entries do not match the head you hold (global {seq}): they were rewritten",
        )
    else:
        report.held_seq = seq
        _uncovered(entries, seq, report, (HELD, "你持有的链头", "the head you hold"))


def check_heads(
    archive: zipfile.ZipFile,
    manifest: JsonObject,
    entries: list[Entry],
    key: Ed25519PublicKey | None,
    held: SignedHead | None,
    report: ExportReport,
) -> None:
    """Link ``entries`` (a verified case chain) to the export's head and to ``held``."""
    head, proof = _embedded_head(manifest, key, report), _proof(archive, report)
    if head is None or proof is None or not entries:
        return
    after, upto, hashes = proof
    if (after, upto) != (entries[0].global_seq, head.global_seq):
        report.add(
            PROOF, "链证明的范围与记录或所附链头不符", "the chain proof does not span the entries to the head"
        )
        return
    linked = link_case_to_heads(entries, hashes, {head.global_seq} | ({held.global_seq} if held else set()))
    if not linked.ok:
        report.add(RECORDS, linked.reason_zh, linked.reason_en)
        return
    if linked.links.get(head.global_seq) != head.head_hash:
        report.add(PROOF, "记录链与所附签名链头不符", "the chain does not end in the export's signed head")
        return
    report.head_seq = head.global_seq
    _uncovered(entries, head.global_seq, report, (MANIFEST, "本卷宗所附链头", "the export's own head"))
    if held is not None:
        _check_held(held, key, linked, entries, report)
