"""Sign and verify webhook messages per Standard Webhooks (https://www.standardwebhooks.com).

Every message carries three headers::

    webhook-id         the message id (the same on every retry, so receivers can drop replays)
    webhook-timestamp  whole seconds since the Unix epoch, UTC
    webhook-signature  ``v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">``, space-separated
                       when several keys are in use during a rotation

Secrets look like ``whsec_<base64>`` (make one with :func:`new_secret`).

How the clock is injected: ``standardwebhooks.Webhook.verify`` reads the wall clock and has a
fixed ±5 minute window, so it cannot take our ``now``. :func:`verify` therefore reads and checks
the headers and the timestamp itself (against ``now`` and ``tolerance``), then asks the
library's ``Webhook.sign`` for the expected signature of (id, timestamp, body) and compares it
with every offered ``v1`` signature in constant time (``hmac.compare_digest``). The HMAC scheme
stays the library's; only the policy around it (headers, clock, window) is ours.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import math
import re
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from standardwebhooks import Webhook

from webhooks.errors import SignatureError

ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"
SECRET_PREFIX = "whsec_"
DEFAULT_TOLERANCE = timedelta(minutes=5)
MIN_SECRET_BYTES = 16

_MESSAGE_ID = re.compile(r"[A-Za-z0-9_:\-]{1,255}")
_TIMESTAMP = re.compile(r"[0-9]{1,11}")

_MESSAGES: dict[str, tuple[str, str]] = {
    "missing_header": ("缺少签名请求头", "a required signature header is missing"),
    "malformed_header": ("签名请求头格式错误", "a signature header is malformed"),
    "malformed_body": ("消息体不是 UTF-8 编码", "the message body is not UTF-8"),
    "bad_signature": ("签名不匹配", "no signature matches"),
    "timestamp_too_old": ("消息时间戳过旧", "the message timestamp is too old"),
    "timestamp_too_new": ("消息时间戳晚于当前时间", "the message timestamp is in the future"),
}
REASONS: frozenset[str] = frozenset(_MESSAGES)
"""Every ``SignatureError.reason_code`` that :func:`verify` can raise."""


def new_secret() -> str:
    """A fresh random signing secret, ``whsec_`` + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def sign(raw_body: bytes, secret: str, *, message_id: str, timestamp: datetime) -> dict[str, str]:
    """The three Standard Webhooks headers for ``raw_body`` (UTF-8) sent at ``timestamp``.

    ``message_id`` is letters, digits, ``_``, ``-`` or ``:`` (1-255 characters); ``timestamp``
    must be timezone-aware. Raises ``ValueError`` for a bad secret, id, timestamp or body.
    """
    if not _MESSAGE_ID.fullmatch(message_id):
        raise ValueError("message_id must be 1-255 characters of A-Z a-z 0-9 _ - :")
    sent_at = _as_utc(timestamp, "timestamp")
    signature = _webhook(secret).sign(message_id, sent_at, raw_body.decode("utf-8"))
    return {
        ID_HEADER: message_id,
        TIMESTAMP_HEADER: str(math.floor(sent_at.timestamp())),
        SIGNATURE_HEADER: signature,
    }


def verify(
    raw_body: bytes,
    headers: Mapping[str, str],
    secret: str,
    *,
    now: datetime | None = None,
    tolerance: timedelta = DEFAULT_TOLERANCE,
) -> None:
    """Check that ``raw_body`` was signed with ``secret`` within ``tolerance`` of ``now``.

    Header names are matched case-insensitively. Raises :class:`SignatureError` whose
    ``reason_code`` is one of :data:`REASONS`; ``ValueError`` for a bad secret or a naive ``now``.
    """
    webhook = _webhook(secret)
    lowered = {name.lower(): value for name, value in headers.items()}
    message_id, timestamp_text, signature_text = (
        lowered.get(ID_HEADER),
        lowered.get(TIMESTAMP_HEADER),
        lowered.get(SIGNATURE_HEADER),
    )
    if not (message_id and timestamp_text and signature_text):
        raise _refusal("missing_header")
    sent_at = _parse_timestamp(timestamp_text)
    offered = _parse_signatures(signature_text)
    current = datetime.now(UTC) if now is None else _as_utc(now, "now")
    if sent_at < current - tolerance:
        raise _refusal("timestamp_too_old")
    if sent_at > current + tolerance:
        raise _refusal("timestamp_too_new")
    try:
        body = raw_body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _refusal("malformed_body") from exc
    expected = base64.b64decode(webhook.sign(message_id, sent_at, body).split(",", 1)[1])
    if not any(hmac.compare_digest(expected, candidate) for candidate in offered):
        raise _refusal("bad_signature")


def _webhook(secret: str) -> Webhook:
    """The library's signer for a ``whsec_<base64>`` secret; ``ValueError`` if it is not one."""
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError(f"a webhook secret must look like {SECRET_PREFIX}<base64>")
    encoded = secret[len(SECRET_PREFIX) :]
    try:
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except binascii.Error as exc:
        raise ValueError("a webhook secret must be valid base64 after its prefix") from exc
    if len(key) < MIN_SECRET_BYTES:
        raise ValueError(f"a webhook secret must hold at least {MIN_SECRET_BYTES} bytes")
    return Webhook(key)


def _parse_timestamp(text: str) -> datetime:
    if not _TIMESTAMP.fullmatch(text.strip()):
        raise _refusal("malformed_header")
    return datetime.fromtimestamp(int(text), tz=UTC)


def _parse_signatures(text: str) -> list[bytes]:
    """The decoded ``v1`` signatures of a signature header; other versions are skipped.

    ``standardwebhooks`` raises a plain ``ValueError`` for an entry without a comma; we check the
    shape first and translate any decoding failure, so callers only ever see ``SignatureError``.
    """
    entries = text.split()
    if not entries:
        raise _refusal("malformed_header")
    found: list[bytes] = []
    for entry in entries:
        version, comma, encoded = entry.partition(",")
        if not comma or not version or not encoded:
            raise _refusal("malformed_header")
        if version != "v1":
            continue
        try:
            found.append(base64.b64decode(encoded, validate=True))
        except (binascii.Error, ValueError) as exc:
            raise _refusal("malformed_header") from exc
    return found


def _as_utc(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    return moment.astimezone(UTC)


def _refusal(reason_code: str) -> SignatureError:
    message_zh, message_en = _MESSAGES[reason_code]
    return SignatureError(reason_code, message_zh, message_en)
