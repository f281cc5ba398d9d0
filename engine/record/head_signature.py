"""Signing the head of the global record chain with Ed25519.

A hash chain alone does not stop someone who rewrites *every* entry consistently (a
"consistent rewrite"): all links recompute. A head signed at intervals pins the chain:
the signed statement names a global sequence and the link hash there, so a rewrite of
any entry at or before that sequence, or a truncation below it, no longer matches.

The signed statement is the canonical JSON (``record_chain.canonical_json``) of::

    {"purpose": "sanxiang.record-chain-head", "algorithm": "Ed25519", "global_seq": N,
     "head_hash": "<hex>", "signed_at": "<UTC …Z>", "key_fingerprint": "<hex>"}

``key_fingerprint`` is the SHA-256 (hex) of the raw 32-byte public key, so a verifier
holding several keys (rotation) can pick the right one. Signatures are standard base64.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from engine.errors import InvalidInput
from engine.kernel.json_types import JsonObject, JsonValue
from engine.record.chain import Entry, canonical_json, format_timestamp
from engine.record.chain_verify import VerifyResult, verify_chain

PURPOSE = "sanxiang.record-chain-head"
ALGORITHM = "Ed25519"
_TIMESTAMP = "%Y-%m-%dT%H:%M:%S.%fZ"
_HEX64 = frozenset("0123456789abcdef")


@dataclass(frozen=True, slots=True)
class SignedHead:
    """A signed statement about the global chain head; ``signature`` is base64."""

    global_seq: int
    head_hash: str
    signed_at: datetime
    key_fingerprint: str
    signature: str

    def statement(self) -> bytes:
        """The exact bytes that were signed."""
        return canonical_json(
            {
                "purpose": PURPOSE,
                "algorithm": ALGORITHM,
                "global_seq": self.global_seq,
                "head_hash": self.head_hash,
                "signed_at": format_timestamp(self.signed_at),
                "key_fingerprint": self.key_fingerprint,
            }
        )

    def to_json(self) -> str:
        document = json.loads(self.statement())
        document["signature"] = self.signature
        return canonical_json(document).decode("utf-8")

    @classmethod
    def from_json(cls, text: str | bytes) -> SignedHead:
        try:
            document = json.loads(text)
        except (ValueError, TypeError) as exc:
            raise _bad_head("不是 JSON", "not JSON") from exc
        if not isinstance(document, dict):
            raise _bad_head("不是 JSON 对象", "not a JSON object")
        return _signed_head_from(document)


def _bad_head(why_zh: str, why_en: str) -> InvalidInput:
    return InvalidInput(f"签名链头无效：{why_zh}", f"invalid signed head: {why_en}")


def _is_hex64(value: JsonValue) -> bool:
    return isinstance(value, str) and len(value) == 64 and _HEX64.issuperset(value)


def _signed_head_from(document: JsonObject) -> SignedHead:
    if document.get("purpose") != PURPOSE or document.get("algorithm") != ALGORITHM:
        raise _bad_head("用途或算法不符", "wrong purpose or algorithm")
    seq = document.get("global_seq")
    if type(seq) is not int or seq < 1:
        raise _bad_head("global_seq 须为正整数", "global_seq must be a positive integer")
    if not _is_hex64(document.get("head_hash")) or not _is_hex64(document.get("key_fingerprint")):
        raise _bad_head("哈希须为 64 位小写十六进制", "hashes must be 64 lowercase hex digits")
    signature, signed_at = document.get("signature"), document.get("signed_at")
    if not isinstance(signature, str) or not isinstance(signed_at, str):
        raise _bad_head("缺少签名或签名时间", "signature or signed_at missing")
    try:
        moment = datetime.strptime(signed_at, _TIMESTAMP).replace(tzinfo=UTC)
    except ValueError as exc:
        raise _bad_head("签名时间格式错误", "signed_at is not a UTC …Z timestamp") from exc
    return SignedHead(seq, document["head_hash"], moment, document["key_fingerprint"], signature)


def generate_key() -> bytes:
    """A new Ed25519 private key as unencrypted PKCS#8 PEM (store it as a secret)."""
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def load_private_key(pem: bytes, password: bytes | None = None) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(pem, password=password)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise InvalidInput("无法读取签名私钥", "cannot load the signing private key") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise InvalidInput("签名私钥须为 Ed25519", "the signing key must be Ed25519")
    return key


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise InvalidInput("无法读取验签公钥", "cannot load the verifying public key") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise InvalidInput("验签公钥须为 Ed25519", "the verifying key must be Ed25519")
    return key


def public_key_pem(private: Ed25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def key_fingerprint(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def sign_head(
    private: Ed25519PrivateKey, *, global_seq: int, head_hash: str, signed_at: datetime
) -> SignedHead:
    """Sign "the global chain's link at ``global_seq`` is ``head_hash``"."""
    if type(global_seq) is not int or global_seq < 1:
        raise InvalidInput("链头序号须为正整数", "global_seq must be a positive integer")
    if not _is_hex64(head_hash):
        raise InvalidInput("链头哈希须为 64 位小写十六进制", "head_hash must be 64 lowercase hex digits")
    format_timestamp(signed_at)  # refuses a naive datetime
    fingerprint = key_fingerprint(private.public_key())
    unsigned = SignedHead(global_seq, head_hash, signed_at.astimezone(UTC), fingerprint, "")
    return replace(unsigned, signature=base64.b64encode(private.sign(unsigned.statement())).decode("ascii"))


def raw_public_key(public: Ed25519PublicKey) -> str:
    """The 32-byte public key, base64: what a case file carries beside its fingerprint."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def public_key_from_raw(encoded: object) -> Ed25519PublicKey:
    """The public key from :func:`raw_public_key`'s form; InvalidInput if it is not one."""
    try:
        if not isinstance(encoded, str):
            raise ValueError(encoded)
        return Ed25519PublicKey.from_public_bytes(base64.b64decode(encoded, validate=True))
    except (ValueError, binascii.Error) as exc:
        raise InvalidInput("公钥格式错误", "not a base64 Ed25519 public key") from exc


def sign_statement(private: Ed25519PrivateKey, statement: bytes) -> str:
    """An Ed25519 signature of ``statement`` (canonical JSON bytes), base64."""
    return base64.b64encode(private.sign(statement)).decode("ascii")


def statement_is_signed(public: Ed25519PublicKey, statement: bytes, signature: object) -> bool:
    """True only if ``signature`` (base64) is ``public``'s signature of exactly ``statement``."""
    try:
        if not isinstance(signature, str):
            return False
        public.verify(base64.b64decode(signature, validate=True), statement)
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def head_is_signed_by(public: Ed25519PublicKey, signed: SignedHead) -> bool:
    """True only if ``signed`` was signed by ``public`` and not altered since."""
    if signed.key_fingerprint != key_fingerprint(public):
        return False
    try:
        statement = signed.statement()
    except InvalidInput:
        return False
    return statement_is_signed(public, statement, signed.signature)


def verify_head(public_pem: bytes, signed: SignedHead) -> bool:
    """True only if ``signed`` was signed by the key in ``public_pem`` and not altered since."""
    return head_is_signed_by(load_public_key(public_pem), signed)


def _tap(entries: Iterable[Entry], wanted: dict[int, str], seen: dict[int, str]) -> Iterator[Entry]:
    for entry in entries:
        if entry.global_seq in wanted:
            seen[entry.global_seq] = entry.global_hash
        yield entry


def check_chain_against_head(
    entries: Iterable[Entry], signed: SignedHead, *, public_pem: bytes
) -> VerifyResult:
    """Verify the global chain, then that its link at the signed sequence is the signed one.

    Catches what ``verify_chain`` cannot: a consistent rewrite of the whole chain, and
    entries cut off the end (below the signed sequence). Entries after it are allowed.
    """
    return check_chain_against_heads(entries, [signed], public_pem=public_pem)


def check_chain_against_heads(
    entries: Iterable[Entry], heads: Sequence[SignedHead], *, public_pem: bytes
) -> VerifyResult:
    """:func:`check_chain_against_head` for several heads in one walk (e.g. the newest kept head
    and a head file); the first head that does not hold is named."""
    public = load_public_key(public_pem)
    for signed in heads:
        if not head_is_signed_by(public, signed):
            seq = signed.global_seq
            return VerifyResult(
                False,
                seq,
                f"链头签名无效（第 {seq} 条处的链头）",
                f"the head signature is invalid (the head at entry {seq})",
            )
    seen: dict[int, str] = {}
    result = verify_chain(_tap(entries, {h.global_seq: h.head_hash for h in heads}, seen))
    if not result.ok:
        return result
    holding: SignedHead | None = None
    for signed in sorted(heads, key=lambda h: h.global_seq):
        problem = _head_problem(signed, seen.get(signed.global_seq), result, holding)
        if problem is not None:
            return problem
        holding = signed
    return result


def _head_problem(
    signed: SignedHead, found: str | None, result: VerifyResult, holding: SignedHead | None
) -> VerifyResult | None:
    """``holding``: the nearest earlier head that still matches (it narrows down where)."""
    seq = signed.global_seq
    if found is None:
        return VerifyResult(
            False,
            seq,
            f"记录链在第 {result.checked} 条结束，缺少已签名的第 {seq} 条",
            f"the chain ends at {result.checked}; signed entry {seq} is missing",
            result.checked,
            result.head,
        )
    if found == signed.head_hash:
        return None
    zh, en = "", ""
    if holding is not None:
        after = holding.global_seq
        zh = f"（第 {after} 条处的链头仍相符：改写在第 {after + 1}–{seq} 条之间）"
        en = f" (the head at entry {after} still holds: the rewrite lies in entries {after + 1}–{seq})"
    return VerifyResult(
        False,
        seq,
        f"记录链在第 {seq} 条或之前被改写，与签名链头不符{zh}",
        f"the chain was rewritten at or before entry {seq}: it no longer matches the signed head{en}",
        result.checked,
        result.head,
    )
