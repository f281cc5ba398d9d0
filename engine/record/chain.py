"""The whole-process record (全过程记录): content hashing and its two hash chains.

An entry's content (case, task, element, action, actor, time, payload, evidence, what it
corrects) is hashed once: ``content_hash = sha256(canonical_json(content))``. Every entry
is a link of the **global** chain and, when it has a ``case_id``, of **its case's** chain:

    link = sha256("sanxiang.record.v1|<chain>|<seq>|<prev_link>|<content_hash>")

with ``prev_link = GENESIS`` for a chain's first entry. A case file exported alone
verifies against its case chain; the whole store verifies against the global chain,
whose head is signed (``head_signature``). A correction is a new entry whose ``corrects``
names the global sequence of an earlier entry; nothing is changed in place.

Canonical encoding: JSON with sorted keys, no whitespace, UTF-8 (no ASCII escapes), no
NaN/Infinity; only dict (str keys), list/tuple, str, int, float, bool, None. Datetimes in
payloads are refused (a payload must read back from JSON storage unchanged); ``recorded_at``
is encoded by :func:`format_timestamp` as UTC ``YYYY-MM-DDTHH:MM:SS.ffffffZ``. Strings are
not Unicode-normalised; prefer strings or integer fen to floats for amounts.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Literal

from engine.errors import InvalidInput
from engine.kernel.json_types import JsonObject, JsonValue

GENESIS = "0" * 64
FORMAT = "sanxiang.record.v1"
_MAX_DEPTH = 64
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
Scope = Literal["global", "case"]
_dumps = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode


@dataclass(frozen=True, slots=True)
class Link:
    """A position in one chain: the sequence and the link hash there (a chain head)."""

    seq: int
    hash: str


@dataclass(frozen=True, slots=True)
class Content:
    """What was recorded. ``payload`` is JSON-native; treat it as read-only."""

    action: str
    actor: str
    recorded_at: datetime
    case_id: str | None = None
    task_id: str | None = None
    element_id: str | None = None
    actor_role: str | None = None
    payload: Mapping[str, JsonValue] = field(default_factory=dict, hash=False)
    evidence: tuple[str, ...] = ()
    corrects: int | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """One record: its content, its content hash, and its links in both chains."""

    content: Content
    content_hash: str
    global_seq: int
    global_prev: str
    global_hash: str
    case_seq: int | None = None
    case_prev: str | None = None
    case_hash: str | None = None

    def global_head(self) -> Link:
        return Link(self.global_seq, self.global_hash)

    def case_head(self) -> Link | None:
        seq, link = self.case_seq, self.case_hash
        return None if seq is None or link is None else Link(seq, link)


def format_timestamp(moment: datetime) -> str:
    """Encode an aware datetime as UTC with microseconds and a ``Z`` suffix."""
    if moment.tzinfo is not UTC:
        if moment.utcoffset() is None:
            raise InvalidInput("记录时间必须带时区", "timestamps must be timezone-aware")
        moment = moment.astimezone(UTC)
    return moment.isoformat(timespec="microseconds")[:26] + "Z"


def canonical_json(value: JsonValue) -> bytes:
    """The canonical bytes of a JSON-native value; refuses anything else with InvalidInput."""
    _check_json_native(value, "$", 0)
    try:
        return _dumps(value).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidInput("内容含有无效的 Unicode 字符", "value has an invalid Unicode character") from exc


def _not_json(path: str, why_zh: str, why_en: str) -> InvalidInput:
    return InvalidInput(f"{path} 不是规范 JSON 值：{why_zh}", f"{path} is not canonical JSON: {why_en}")


def _check_json_native(value: JsonValue, path: str, depth: int) -> None:
    if depth > _MAX_DEPTH:
        raise _not_json(path, "嵌套过深", "nested too deeply")
    if isinstance(value, float) and not math.isfinite(value):
        raise _not_json(path, "不允许 NaN 或无穷大", "NaN and Infinity are not allowed")
    if value is None or isinstance(value, str | bool | int | float):
        return
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _check_json_native(item, f"{path}[{index}]", depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise _not_json(path, f"键 {key!r} 不是字符串", f"key {key!r} is not a string")
            _check_json_native(item, f"{path}.{key}", depth + 1)
    else:
        kind = type(value).__name__
        raise _not_json(path, f"类型 {kind} 须先转换", f"convert {kind} first (e.g. datetime to str)")


def _content_document(content: Content) -> JsonObject:
    return {
        "format": FORMAT,
        "case_id": content.case_id,
        "task_id": content.task_id,
        "element_id": content.element_id,
        "action": content.action,
        "actor": content.actor,
        "actor_role": content.actor_role,
        "recorded_at": format_timestamp(content.recorded_at),
        "payload": content.payload,
        "evidence": list(content.evidence),
        "corrects": content.corrects,
    }


def content_hash(content: Content) -> str:
    """SHA-256 (hex) over the canonical encoding of the content (everything but the links)."""
    return hashlib.sha256(canonical_json(_content_document(content))).hexdigest()


def _fast_content_hash(content: Content) -> str | None:
    """Hash for verification: same bytes as :func:`content_hash`, None if not encodable."""
    try:
        return hashlib.sha256(_dumps(_content_document(content)).encode("utf-8")).hexdigest()
    except (TypeError, ValueError, AttributeError, InvalidInput):
        return None


def link_hash(chain: Scope, seq: int, prev: str, content_digest: str) -> str:
    """The link of one chain at ``seq``: binds chain kind, position, previous link and content."""
    return hashlib.sha256(f"{FORMAT}|{chain}|{seq}|{prev}|{content_digest}".encode()).hexdigest()


def _validate_content(content: Content, next_global_seq: int) -> Content:
    if not all(isinstance(text, str) and text for text in (content.action, content.actor)):
        raise InvalidInput("记录须有动作和操作人", "a record needs a non-empty action and actor")
    if not all(
        v is None or isinstance(v, str)
        for v in (content.case_id, content.task_id, content.element_id, content.actor_role)
    ):
        raise InvalidInput("标识须为字符串", "identifiers must be str or None")
    if not isinstance(content.payload, dict):
        raise InvalidInput("payload 必须是 JSON 对象", "payload must be a JSON object (dict)")
    for digest in content.evidence:
        if not isinstance(digest, str) or not _SHA256_HEX.fullmatch(digest):
            raise InvalidInput(f"证据哈希无效：{digest!r}", f"evidence must be sha256 hex: {digest!r}")
    corrects = content.corrects
    if corrects is not None and (type(corrects) is not int or not 1 <= corrects < next_global_seq):
        raise InvalidInput("更正记录必须指向更早的记录", "corrects must name an earlier global sequence")
    format_timestamp(content.recorded_at)
    payload = json.loads(canonical_json(content.payload))  # a private deep copy, JSON-native
    return replace(
        content,
        recorded_at=content.recorded_at.astimezone(UTC),
        payload=payload,
        evidence=tuple(content.evidence),
    )


def chain_next(content: Content, *, global_head: Link | None, case_head: Link | None = None) -> Entry:
    """Append ``content`` after the given chain heads (None: that chain is still empty)."""
    if content.case_id is None and case_head is not None:
        raise InvalidInput("无办件的记录不属于办件链", "an entry without case_id has no case chain")
    seq, prev = (1, GENESIS) if global_head is None else (global_head.seq + 1, global_head.hash)
    clean = _validate_content(content, seq)
    digest = content_hash(clean)
    links: tuple[Any, ...] = (seq, prev, link_hash("global", seq, prev, digest))
    if clean.case_id is not None:
        seq, prev = (1, GENESIS) if case_head is None else (case_head.seq + 1, case_head.hash)
        links += (seq, prev, link_hash("case", seq, prev, digest))
    return Entry(clean, digest, *links)
