"""Audio/video before completion (执法全过程记录: 现场踏勘、听证、送达 on record).

A guard for ``AppContext.guards``. A task needs media recorded **on that task** (an evidence row
with its task id) when:

- its role (``sanxiang.role``) is ``on-site``, ``hearing`` or ``delivery``: audio or video;
- it carries ``sanxiang.requiresMedia``: ``video`` (video only) or ``audio-video`` (either).

A site flagged as touching life and health or major property interests — the case variable or
submitted form field ``lifeHealth`` or ``majorProperty`` is true, or the record established it earlier
(``engine.review.fact_rules``: a later step cannot unset it, only a correction) — needs, on its
``on-site`` task, a video marked at upload as covering the whole verification (``coversWhole=true``).

Every completion's record then names the task's evidence hashes in its ``evidence`` list.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from engine.errors import ProcedureViolation
from engine.kernel.json_types import JsonValue
from engine.record.evidence.rows import EvidenceRow
from engine.review import fact_rules as established_facts
from engine.review.facts import whole_video_in_force

if TYPE_CHECKING:
    from engine.tasks.claim_and_complete import Completion

    pass

MEDIA_ROLES = frozenset({"on-site", "hearing", "delivery"})
SITE_FLAGS = {flag: names[0] for flag, names in established_facts.SITE_FLAGS.items()}


def media_needed(element: Any) -> str | None:
    """ "video", "audio-video" or None for a task's element."""
    value = str(element.properties.get("sanxiang.requiresMedia", "")).strip().lower()
    if value in ("video", "audio-video"):
        return value
    return "audio-video" if element.role in MEDIA_ROLES else None


def site_flags(data: Mapping[str, JsonValue], variables: Mapping[str, JsonValue]) -> list[str]:
    """The flags (lifeHealth, majorProperty) the facts say now: the submitted data over the case variables."""
    return established_facts.site_flags({**variables, **data})


def _site_names(completion: Completion) -> tuple[str, str] | None:
    """Why the site needs a whole video (zh, en): its flags now, or the record that established them."""
    flags = site_flags(completion.data, completion.variables)
    if flags:
        return "、".join(SITE_FLAGS[f] for f in flags), f"flagged {', '.join(flags)}"
    if whole_video_in_force(completion.uow, completion.case.id):
        return (
            "记录已确定该现场涉及生命健康或重大财产权益",
            "established on the record as touching life and health or major property",
        )
    return None


def _violation(task: Any, zh: str, en: str, code: str) -> ProcedureViolation:
    return ProcedureViolation(
        f"任务“{task.name}”{zh}",
        f"Task '{task.name}' {en}",
        code=code,
        details={"task": task.id, "element": task.element_id},
    )


def _check(completion: Completion, rows: list[EvidenceRow]) -> None:
    need = media_needed(completion.element)
    task = completion.task
    kinds = {row.kind for row in rows}
    if need == "video" and "video" not in kinds:
        raise _violation(
            task,
            "须先在本任务上传录像，方可办结",
            "cannot complete without a video recorded on it",
            "media-required",
        )
    if need == "audio-video" and not kinds & {"audio", "video"}:
        raise _violation(
            task,
            "须先在本任务上传录音或录像，方可办结",
            "cannot complete without audio or video recorded on it",
            "media-required",
        )
    if completion.element.role != "on-site":
        return
    names = _site_names(completion)
    if names and not any(row.kind == "video" and row.covers_whole for row in rows):
        raise _violation(
            task,
            f"{names[0]}，须上传全程录像（上传时标明 coversWhole=true）",
            f"is at a site {names[1]}: it needs a video covering the whole "
            "verification (upload with coversWhole=true)",
            "whole-video-required",
        )


def require_media(completion: Completion) -> None:
    """The guard: refuse a completion missing its audio/video; name the task's evidence in its record."""
    rows: list[EvidenceRow] = list(completion.uow.evidence.for_task(completion.task.id))
    _check(completion, rows)
    hashes = getattr(completion, "evidence", None)
    if hashes is not None:
        hashes.extend(row.sha256 for row in rows if row.sha256 not in hashes)
