"""Write the case file ZIP: index.pdf, records.json, chain-proof.json, evidence/<sha256><ext>, manifest.json.

Evidence files are copied in chunks (stored, not recompressed: media is already compressed), so a
case with gigabytes of video is written without holding it in memory. The manifest carries the
signed head the export is linked to, the public key, and the signatures (``casefile.signing``).
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, BinaryIO

from engine.kernel.bureau import ZONE
from engine.kernel.json_types import JsonObject
from engine.record.casefile.chain_proof import NAME as PROOF
from engine.record.casefile.chain_proof import ChainProof, write_proof
from engine.record.casefile.contents import CaseFileData
from engine.record.casefile.entries import entry_to_json
from engine.record.casefile.index_pdf import build_index_pdf
from engine.record.casefile.signing import MANIFEST_PURPOSE, Signer
from engine.record.chain import Link, format_timestamp
from engine.record.evidence.detect import Detected
from engine.record.head_signature import SignedHead

FORMAT = "sanxiang.case-file.v2"
MANIFEST = "manifest.json"
RECORDS = "records.json"
INDEX = "index.pdf"
CHUNK = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Written:
    manifest_sha256: str
    case_head: Link | None
    files: int
    evidence: int


def evidence_name(sha256: str, media_type: str) -> str:
    return f"evidence/{sha256}{Detected(media_type, '').extension}"


def case_head(data: CaseFileData) -> Link | None:
    last = data.entries[-1] if data.entries else None
    return last.case_head() if last else None


def _records_json(data: CaseFileData) -> bytes:
    document = {
        "format": "sanxiang.case-records.v1",
        "case_id": data.case_id,
        "entries": [entry_to_json(e) for e in data.entries],
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def _member(name: str, moment: datetime, compress: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=moment.astimezone(ZONE).timetuple()[:6])
    info.compress_type = compress
    info.external_attr = 0o644 << 16
    return info


def _add_bytes(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, content: bytes, files: list[JsonObject]
) -> None:
    archive.writestr(member, content)
    name = member.filename
    files.append({"path": name, "sha256": hashlib.sha256(content).hexdigest(), "size": len(content)})


def _add_file(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, source: Path, files: list[JsonObject]
) -> None:
    digest, size, name = hashlib.sha256(), 0, member.filename
    with source.open("rb") as src, archive.open(member, "w", force_zip64=True) as dst:
        while chunk := src.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            dst.write(chunk)
    files.append({"path": name, "sha256": digest.hexdigest(), "size": size})


class _Counting:
    """A write-only stream that hashes and counts what passes through it."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out, self.digest, self.size = out, hashlib.sha256(), 0

    def write(self, chunk: bytes) -> int:
        self.digest.update(chunk)
        self.size += len(chunk)
        return self.out.write(chunk)


def _add_proof(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, proof: ChainProof, files: list[JsonObject]
) -> None:
    with archive.open(member, "w", force_zip64=True) as dst:
        counting = _Counting(dst)
        write_proof(counting, proof)
    files.append({"path": member.filename, "sha256": counting.digest.hexdigest(), "size": counting.size})


def _manifest(
    data: CaseFileData,
    head: Link | None,
    files: list[JsonObject],
    signer: Signer,
    signed_head: SignedHead,
) -> bytes:
    last = data.entries[-1] if data.entries else None
    document = {
        "format": FORMAT,
        "purpose": MANIFEST_PURPOSE,
        "case_id": data.case_id,
        "process": data.process_key,
        "process_version": data.process_version,
        "exported_at": format_timestamp(data.exported_at),
        "exported_by": data.exported_by,
        "entries": len(data.entries),
        "case_head": {"seq": head.seq, "hash": head.hash} if head else None,
        "global_position": {"seq": last.global_seq, "hash": last.global_hash} if last else None,
        "head": json.loads(signed_head.to_json()),
        "key": signer.key,
        "files": files,
    }
    signer.sign_files(document)
    signer.sign_manifest(document)
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def write_case_file(
    data: CaseFileData,
    out: BinaryIO,
    evidence_path: Callable[[str], Path],
    *,
    signer: Signer,
    head: SignedHead,
    proof: ChainProof,
) -> Written:
    """Write the ZIP to ``out``, linked to the signed ``head`` by ``proof``; ``evidence_path`` finds the
    stored file of a SHA-256."""
    case_link, at = case_head(data), data.exported_at
    files: list[JsonObject] = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        _add_bytes(archive, _member(INDEX, at, zipfile.ZIP_DEFLATED), build_index_pdf(data, case_link), files)
        _add_bytes(archive, _member(RECORDS, at, zipfile.ZIP_DEFLATED), _records_json(data), files)
        _add_proof(archive, _member(PROOF, at, zipfile.ZIP_DEFLATED), proof, files)
        done: set[str] = set()
        for row in data.evidence:
            if row.sha256 not in done:
                done.add(row.sha256)
                member = _member(evidence_name(row.sha256, row.media_type), row.added_at, zipfile.ZIP_STORED)
                _add_file(archive, member, evidence_path(row.sha256), files)
        manifest = _manifest(data, case_link, files, signer, head)
        archive.writestr(_member(MANIFEST, at, zipfile.ZIP_DEFLATED), manifest)
    return Written(hashlib.sha256(manifest).hexdigest(), case_link, len(files), len(done))
