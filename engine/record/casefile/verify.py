"""Check an exported case file offline: signatures, every file, the case chain, the signed heads.

Needs the ZIP and an anchor from outside it (``verify_signature.Anchor``: a head file the verifier
holds, or the bureau's published key fingerprint, or its public key); no database. Names each file
altered, added or removed, the first record entry that does not verify, and whether the head the
verifier holds vouches for the case's entries (``verify_head``).
"""

from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from pathlib import Path

from engine.kernel.json_types import JsonObject
from engine.record.casefile.archive import CHUNK, INDEX, MANIFEST, RECORDS
from engine.record.casefile.chain_proof import NAME as PROOF
from engine.record.casefile.entries import entry_from_json
from engine.record.casefile.report import ExportReport, Problem
from engine.record.casefile.verify_head import check_heads
from engine.record.casefile.verify_signature import Anchor, check_signatures, signing_key
from engine.record.chain import Entry
from engine.record.chain_verify import verify_chain

__all__ = ["Anchor", "ExportReport", "Problem", "verify_case_file"]

_READ_ERRORS = (zipfile.BadZipFile, zlib.error, OSError, EOFError, KeyError)
REQUIRED = (INDEX, RECORDS, PROOF)


def _hash_member(archive: zipfile.ZipFile, name: str) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with archive.open(name) as member:
        while chunk := member.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _check_file(archive: zipfile.ZipFile, name: str, item: JsonObject, report: ExportReport) -> None:
    try:
        digest, size = _hash_member(archive, name)
    except _READ_ERRORS:
        report.add(name, "已被改动（压缩数据校验失败）", "altered (the ZIP's own checksum fails)")
        return
    if digest != item.get("sha256") or size != item.get("size"):
        report.add(name, "已被改动（SHA-256 与清单不符）", "altered (SHA-256 differs from the manifest)")
    elif name.startswith("evidence/") and not Path(name).name.startswith(digest):
        report.add(
            name, "已被改动（内容与文件名中的哈希不符）", "altered (content differs from its named hash)"
        )
    else:
        report.files += 1


def _check_files(archive: zipfile.ZipFile, listed: dict[str, JsonObject], report: ExportReport) -> None:
    present = set(archive.namelist()) - {MANIFEST}
    for name, item in listed.items():
        if name in present:
            _check_file(archive, name, item, report)
        else:
            report.add(
                name, "缺失（清单中有，压缩包中没有）", "missing (listed in the manifest, not in the ZIP)"
            )
    for name in sorted(present - set(listed)):
        report.add(name, "清单中没有此文件（被加入）", "not in the manifest (added)")
    for name in REQUIRED:
        if name not in present and name not in listed:
            report.add(
                name, "缺失（压缩包与清单中都被删去）", "missing (removed from the ZIP and the manifest)"
            )


def _read_entries(archive: zipfile.ZipFile, report: ExportReport) -> list[Entry] | None:
    try:
        document = json.loads(archive.read(RECORDS))
        return [entry_from_json(item) for item in document["entries"]]
    except (*_READ_ERRORS, ValueError, TypeError) as exc:
        report.add(
            RECORDS, f"无法读取记录：{type(exc).__name__}", f"cannot read the entries: {type(exc).__name__}"
        )
        return None


def _check_chain(entries: list[Entry], manifest: JsonObject, stored: set[str], report: ExportReport) -> bool:
    result = verify_chain(entries, scope="case")
    report.entries = result.checked
    if not result.ok:
        report.add(
            RECORDS,
            f"办件记录链在第 {result.first_bad_sequence} 条校验失败：{result.reason_zh}",
            f"the case chain fails at entry {result.first_bad_sequence}: {result.reason_en}",
        )
        return False
    head = manifest.get("case_head") or {}
    if result.head is None or (result.head.seq, result.head.hash) != (head.get("seq"), head.get("hash")):
        report.add(
            RECORDS,
            "记录链头与清单不符（记录被截短或替换）",
            "the chain head differs from the manifest (entries cut off or replaced)",
        )
    if any(e.content.case_id != manifest.get("case_id") for e in entries):
        report.add(RECORDS, "记录属于其他办件", "entries belong to another case")
    for entry in entries:
        for sha in entry.content.evidence:
            if sha not in stored:
                report.add(
                    f"evidence/{sha}",
                    f"第 {entry.case_seq} 条记录的证据文件缺失",
                    f"the evidence of entry {entry.case_seq} is missing",
                )
    return True


def _read_manifest(archive: zipfile.ZipFile, report: ExportReport) -> JsonObject | None:
    try:
        manifest = json.loads(archive.read(MANIFEST))
        if isinstance(manifest, dict) and all(isinstance(item["path"], str) for item in manifest["files"]):
            return manifest
    except (*_READ_ERRORS, ValueError, TypeError):
        pass
    report.add(MANIFEST, "清单缺失或无法读取", "the manifest is missing or unreadable")
    return None


def _verify(archive: zipfile.ZipFile, anchor: Anchor, report: ExportReport) -> None:
    manifest = _read_manifest(archive, report)
    if manifest is None:
        return
    report.case_id = str(manifest.get("case_id", ""))
    key = signing_key(manifest, anchor, report)
    if key is not None:
        check_signatures(manifest, key, report)
    listed = {item["path"]: item for item in manifest["files"] if isinstance(item, dict)}
    _check_files(archive, listed, report)
    entries = _read_entries(archive, report)
    present = set(archive.namelist())
    stored = {
        str(item.get("sha256"))
        for name, item in listed.items()
        if name.startswith("evidence/") and name in present
    }
    if entries is not None and _check_chain(entries, manifest, stored, report):
        check_heads(archive, manifest, entries, key, anchor.head, report)


def verify_case_file(path: Path, anchor: Anchor | None = None) -> ExportReport:
    """Everything wrong with the case file at ``path``; InvalidInput if the anchors disagree."""
    report, anchor = ExportReport(), anchor or Anchor()
    anchor.trusted_fingerprint()
    try:
        with zipfile.ZipFile(path) as archive:
            _verify(archive, anchor, report)
    except (zipfile.BadZipFile, OSError):
        report.add(path.name, "不是有效的 ZIP 文件", "not a valid ZIP file")
    return report
