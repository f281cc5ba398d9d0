"""Who and what the current log lines are about: the request (or scheduler job) id, the case, the actor.

Pure (``contextvars`` only): the web edge binds the request id and the actor, ``engine.record.append``
binds the case a step records on, the scheduler binds a job id; ``engine.logs`` writes the three on
every line (docs/operations.md).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

FIELDS = ("request_id", "case_id", "actor")
_current: ContextVar[dict[str, str | None] | None] = ContextVar("sanxiang_log_context", default=None)
_GIVEN_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def current() -> dict[str, str | None]:
    """The fields of the current request or job; each ``None`` when not known (yet)."""
    return dict.fromkeys(FIELDS, None) | (_current.get() or {})


def bind(**fields: str | None) -> None:
    """Add to the current request's or job's fields (the first case named stays: a request acts on one)."""
    known = current()
    if known["case_id"] and "case_id" in fields:
        fields.pop("case_id")
    _current.set(known | {k: v for k, v in fields.items() if k in FIELDS})


def request_id_from(header: str | None) -> str:
    """The caller's X-Request-Id when it is a plain token of at most 128 characters, else a new one."""
    if header and _GIVEN_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


@contextmanager
def scope(request_id: str, *, actor: str | None = None, case_id: str | None = None) -> Iterator[None]:
    """The fields of one request or job, reset when it ends."""
    token = _current.set({"request_id": request_id, "case_id": case_id, "actor": actor})
    try:
        yield
    finally:
        _current.reset(token)


def start(request_id: str, *, actor: str | None = None, case_id: str | None = None) -> None:
    """Begin a request's fields (the web edge: ``before_request``; ended by ``end``)."""
    _current.set({"request_id": request_id, "case_id": case_id, "actor": actor})


def end() -> None:
    _current.set(None)


@contextmanager
def case(case_id: str | None) -> Iterator[None]:
    """The case one item of a job acts on (a due moment, an outbox event), for that item's lines only."""
    token = _current.set(current() | {"case_id": case_id})
    try:
        yield
    finally:
        _current.reset(token)
