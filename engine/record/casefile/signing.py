"""What a case file's signatures cover, for the writer and the verifier alike.

The manifest is signed with the record-head key (Ed25519, ``engine.record.head_signature``) twice:

- every file's entry ``{path, sha256, size}`` on its own (``member_statement``: bound to the case and
  the export time), so a changed, added or removed file is named even when the manifest itself was
  re-hashed: its entry no longer carries a valid signature;
- the whole manifest (``manifest_statement``: its canonical JSON without ``signature``), so nothing
  else in it (the signed head, the key, the case chain head) can change unnoticed.

The manifest carries the public key (``key.public_key``, raw, base64) and its fingerprint, but a
verifier trusts that key only when its fingerprint equals one it holds from elsewhere: a head file
it kept, or the fingerprint the bureau publishes.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from engine.kernel.json_types import JsonObject
from engine.record.chain import canonical_json
from engine.record.head_signature import ALGORITHM, key_fingerprint, raw_public_key, sign_statement

MANIFEST_PURPOSE = "sanxiang.case-file-manifest"
MEMBER_PURPOSE = "sanxiang.case-file-member"


def member_statement(manifest: JsonObject, path: object, sha256: object, size: object) -> bytes:
    """The bytes signed for one file: which export (case, time, key) and which content (values as
    read from a manifest; InvalidInput if they are not JSON-native)."""
    return canonical_json(
        {
            "purpose": MEMBER_PURPOSE,
            "case_id": manifest.get("case_id"),
            "exported_at": manifest.get("exported_at"),
            "key_fingerprint": (manifest.get("key") or {}).get("fingerprint"),
            "path": path,
            "sha256": sha256,
            "size": size,
        }
    )


def manifest_statement(manifest: JsonObject) -> bytes:
    """The bytes signed for the whole manifest: itself without its ``signature``."""
    return canonical_json({name: value for name, value in manifest.items() if name != "signature"})


@dataclass(frozen=True)
class Signer:
    """The bureau's key as the case-file writer uses it."""

    private: Ed25519PrivateKey

    @property
    def key(self) -> dict[str, str]:
        public = self.private.public_key()
        return {
            "algorithm": ALGORITHM,
            "fingerprint": key_fingerprint(public),
            "public_key": raw_public_key(public),
        }

    def sign_files(self, manifest: JsonObject) -> None:
        """Sign every file entry of ``manifest`` in place (its ``key`` set already)."""
        for item in manifest["files"]:
            statement = member_statement(manifest, item["path"], item["sha256"], item["size"])
            item["signature"] = sign_statement(self.private, statement)

    def sign_manifest(self, manifest: JsonObject) -> None:
        manifest["signature"] = sign_statement(self.private, manifest_statement(manifest))
