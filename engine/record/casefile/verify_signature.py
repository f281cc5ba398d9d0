"""Which key a case file's signatures are checked with, and the signatures themselves.

The verifier never trusts the public key inside the ZIP alone (a forger would put their own there).
The anchor is a fingerprint from elsewhere: the ``key_fingerprint`` of a head file the verifier
holds (``--head``), the fingerprint the bureau publishes (``--fingerprint``), or a public key file
obtained out of band (``--public-key``). The key inside the ZIP is used only when its fingerprint
is the anchor's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from engine.errors import InvalidInput
from engine.kernel.json_types import JsonObject
from engine.record.casefile.report import ALTERED, UNTRUSTED, ExportReport
from engine.record.casefile.signing import manifest_statement, member_statement
from engine.record.head_signature import (
    SignedHead,
    key_fingerprint,
    load_public_key,
    public_key_from_raw,
    statement_is_signed,
)

MANIFEST = "manifest.json"
_HEX = frozenset("0123456789abcdef")


@dataclass(frozen=True)
class Anchor:
    """What the verifier holds from outside the ZIP (any of them; those given must agree)."""

    head: SignedHead | None = None
    fingerprint: str | None = None
    public_pem: bytes | None = None

    def public_key(self) -> Ed25519PublicKey | None:
        return load_public_key(self.public_pem) if self.public_pem is not None else None

    def trusted_fingerprint(self) -> str | None:
        """The anchor's fingerprint (None: no anchor); InvalidInput if the given ones disagree."""
        given = self.fingerprint
        if given is not None and (len(given) != 64 or not _HEX.issuperset(given)):
            raise InvalidInput("指纹须为 64 位小写十六进制", "a fingerprint is 64 lowercase hex digits")
        public = self.public_key()
        candidates = (
            given,
            self.head.key_fingerprint if self.head else None,
            key_fingerprint(public) if public else None,
        )
        found = {fp for fp in candidates if fp is not None}
        if len(found) > 1:
            raise InvalidInput(
                "给出的链头、指纹与公钥不属于同一把密钥",
                "the head, fingerprint and public key given belong to different keys",
            )
        return found.pop() if found else None


def _embedded_key(manifest: JsonObject, report: ExportReport) -> Ed25519PublicKey | None:
    key = manifest.get("key")
    if not isinstance(key, dict) or "signature" not in manifest:
        report.add(
            MANIFEST,
            "清单未签名（签名被去掉，或为启用签名之前的导出）：拒绝",
            "the manifest is not signed (its signature was removed, or it predates signing): refused",
            UNTRUSTED,
        )
        return None
    try:
        return public_key_from_raw(key.get("public_key"))
    except InvalidInput:
        report.add(
            MANIFEST,
            "清单所附公钥无法读取：拒绝",
            "the manifest's public key is unreadable: refused",
            UNTRUSTED,
        )
        return None


def signing_key(manifest: JsonObject, anchor: Anchor, report: ExportReport) -> Ed25519PublicKey | None:
    """The key to check signatures with (None: none can be trusted; the reason is reported)."""
    trusted, embedded = anchor.trusted_fingerprint(), _embedded_key(manifest, report)
    if embedded is None:
        return None
    report.fingerprint = key_fingerprint(embedded)
    if trusted is None:
        report.add(
            MANIFEST,
            f"未给出可信依据：签名只对压缩包自带的公钥（指纹 {report.fingerprint}）成立，"
            "伪造者可替换它；请用 --head 指定你持有的链头，或用 --fingerprint 核对本局公布的指纹",
            f"no anchor given: the signatures hold only for the key inside the ZIP (fingerprint "
            f"{report.fingerprint}), which a forger can replace; give --head (a head you hold) or "
            "--fingerprint (the bureau's published one)",
            UNTRUSTED,
        )
        return embedded
    if report.fingerprint != trusted:
        report.add(
            MANIFEST,
            f"清单由其他密钥签名（指纹 {report.fingerprint[:16]}…，可信指纹 {trusted[:16]}…）：拒绝",
            f"the manifest is signed with another key (fingerprint {report.fingerprint[:16]}…, "
            f"trusted {trusted[:16]}…): refused",
            UNTRUSTED,
        )
        return None
    return anchor.public_key() or embedded


def _signed(key: Ed25519PublicKey, statement: Callable[[], bytes], signature: Any) -> bool:
    try:
        return statement_is_signed(key, statement(), signature)
    except (InvalidInput, TypeError, ValueError, AttributeError):
        return False


def check_signatures(manifest: JsonObject, key: Ed25519PublicKey, report: ExportReport) -> None:
    """Name the manifest if its own signature fails, and every file whose entry's signature fails."""
    if not _signed(key, partial(manifest_statement, manifest), manifest.get("signature")):
        report.add(
            MANIFEST,
            "清单签名不符：清单被改动，或签名是伪造的",
            "the manifest's signature does not verify: the manifest was altered or the signature forged",
        )
    for item in manifest.get("files") or []:
        if not isinstance(item, dict):
            continue
        path = str(item.get("path"))
        statement = partial(
            member_statement, manifest, item.get("path"), item.get("sha256"), item.get("size")
        )
        if not _signed(key, statement, item.get("signature")):
            report.add(
                path,
                "清单中此文件的条目被改动或加入（签名不符）",
                "its manifest entry was altered or added (the signature does not verify)",
                ALTERED,
            )
