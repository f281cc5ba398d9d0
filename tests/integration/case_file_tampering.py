"""What someone holding an exported case file could do to it, done for real: replace members, re-hash
the manifest so it matches, strip its signatures, or sign it again with a key of their own."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

from engine.record.casefile.signing import Signer
from engine.record.head_signature import generate_key, load_private_key


def rewrite_zip(source: Path, target: Path, change: dict[str, bytes | None]) -> None:
    """Copy a ZIP, replacing (bytes), dropping (None) or adding members — well-formed but altered."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            if info.filename not in change:
                new.writestr(info, old.read(info))
            elif change[info.filename] is not None:
                new.writestr(info, change[info.filename])  # type: ignore[arg-type]
        for name in set(change) - set(old.namelist()):
            if change[name] is not None:
                new.writestr(name, change[name])  # type: ignore[arg-type]


def member(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


def manifest(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(member(path, "manifest.json"))
    return loaded


def rehash(document: dict[str, Any], name: str, content: bytes | None) -> dict[str, Any]:
    """Make the manifest's entry for ``name`` match ``content`` (None: drop the entry; new: add one)."""
    files = [item for item in document["files"] if item["path"] != name]
    if content is not None:
        files.append({"path": name, "sha256": hashlib.sha256(content).hexdigest(), "size": len(content)})
    return {**document, "files": files}


def edited_pdf(path: Path) -> bytes:
    """index.pdf with one word of its text changed (the PDF stays a PDF)."""
    content = bytearray(member(path, "index.pdf"))
    content[len(content) // 2] ^= 0xFF
    return bytes(content)


def resigned_by_another_key(document: dict[str, Any]) -> dict[str, Any]:
    """The manifest signed again, every entry and the whole, with a key the forger made."""
    signer = Signer(load_private_key(generate_key()))
    forged = {name: value for name, value in document.items() if name != "signature"}
    forged["key"] = signer.key
    forged["files"] = [{k: v for k, v in item.items() if k != "signature"} for item in document["files"]]
    signer.sign_files(forged)
    signer.sign_manifest(forged)
    return forged


def tampered(
    source: Path, target: Path, document: dict[str, Any], members: dict[str, bytes | None] | None = None
) -> Path:
    """``source`` with ``members`` replaced (None: dropped) and the manifest replaced by ``document``."""
    change = dict(members or {})
    change["manifest.json"] = json.dumps(document, ensure_ascii=False).encode("utf-8")
    rewrite_zip(source, target, change)
    return target
