"""The bureau's Ed25519 key that signs the record's heads and its case files.

``Settings.signing_key_file`` (``SANXIANG_SIGNING_KEY``, default ``<var>/keys/records-ed25519.pem``)
is made on first use, readable by its owner only (0600). Verifiers never need it: they hold the
public key's fingerprint (``sanxiang audit public-key`` prints it for publication).
"""

from __future__ import annotations

import os

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from engine.config import Settings
from engine.errors import NotFound
from engine.record.head_signature import generate_key, load_private_key, public_key_pem


def signing_key(settings: Settings, *, create: bool = True) -> Ed25519PrivateKey:
    """The bureau's signing key; made on first use, readable by its owner only (0600)."""
    path = settings.signing_key_file
    if not path.exists():
        if not create:
            raise NotFound(f"签名私钥不存在：{path}", f"No signing key at {path}", code="signing-key-missing")
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it just now
        else:
            with os.fdopen(fd, "wb") as out:
                out.write(generate_key())
    return load_private_key(path.read_bytes())


def own_public_pem(settings: Settings) -> bytes | None:
    """The public half of the configured key (None when no key was made yet)."""
    if not settings.signing_key_file.exists():
        return None
    return public_key_pem(signing_key(settings, create=False))
