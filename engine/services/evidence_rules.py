"""Audio/video before completion (执法全过程记录: 现场踏勘、听证、送达 on record).

A guard for ``AppContext.guards``. A task needs media recorded **on that task** (an evidence row
with its task id) when:

- its role (``sanxiang.role``) is ``on-site``, ``hearing`` or ``delivery``: audio or video;
- it carries ``sanxiang.requiresMedia``: ``video`` (video only) or ``audio-video`` (either).

A site flagged as touching life and health or major property interests — the case variable or
submitted form field ``lifeHealth`` or ``majorProperty`` is true — needs, on its ``on-site`` task,
a video marked at upload as covering the whole verification (``coversWhole=true``).

Every completion's record then names the task's evidence hashes in its ``evidence`` list.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.errors import ProcedureViolation
from engine.evidence.model import EvidenceRow

MEDIA_ROLES = frozenset({"on-site", "hearing", "delivery"})
SITE_FLAGS = {"lifeHealth": "涉及生命健康", "majorProperty": "涉及重大财产权益"}
_TRUE = frozenset({"true", "yes", "1", "是"})


def media_needed(element: Any) -> str | None:
    """"video", "audio-video" or None for a task's element."""
    value = str(element.properties.get("sanxiang.requiresMedia", "")).strip().lower()
    if value in ("video", "audio-video"):
        return value
    return "audio-video" if element.role in MEDIA_ROLES else None


def _is_true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() in _TRUE) or value == 1


def site_flags(data: Mapping[str, Any], variables: Mapping[str, Any]) -> list[str]:
    """The flags (lifeHealth, majorProperty) set in the submitted data or the case variables."""
    return [flag for flag in SITE_FLAGS if _is_true(data.get(flag, variables.get(flag)))]


def _violation(task: Any, zh: str, en: str, code: str) -> ProcedureViolation:
    return ProcedureViolation(f"任务“{task.name}”{zh}", f"Task '{task.name}' {en}", code=code,
                              details={"task": task.id, "element": task.element_id})


def _check(completion: Any, rows: list[EvidenceRow]) -> None:
    need = media_needed(completion.element)
    task = completion.task
    kinds = {row.kind for row in rows}
    if need == "video" and "video" not in kinds:
        raise _violation(task, "须先在本任务上传录像，方可办结",
                         "cannot complete without a video recorded on it",
                         "media-required")
    if need == "audio-video" and not kinds & {"audio", "video"}:
        raise _violation(task, "须先在本任务上传录音或录像，方可办结",
                         "cannot complete without audio or video recorded on it", "media-required")
    if completion.element.role != "on-site":
        return
    flags = site_flags(completion.data, completion.variables)
    if flags and not any(row.kind == "video" and row.covers_whole for row in rows):
        names = "、".join(SITE_FLAGS[f] for f in flags)
        raise _violation(task, f"{names}，须上传全程录像（上传时标明 coversWhole=true）",
                         f"is at a site flagged {', '.join(flags)}: it needs a video covering the whole "
                         "verification (upload with coversWhole=true)", "whole-video-required")


def require_media(completion: Any) -> None:
    """The guard: refuse a completion missing its audio/video; name the task's evidence in its record."""
    rows: list[EvidenceRow] = list(completion.uow.evidence.for_task(completion.task.id))
    _check(completion, rows)
    hashes = getattr(completion, "evidence", None)
    if hashes is not None:
        hashes.extend(row.sha256 for row in rows if row.sha256 not in hashes)
