"""Facts that raise what the law requires are monotonic: once a step establishes them on the record, no
later step lowers them; only a recorded, reasoned correction does, and that correction goes to review.

Two requirements are raised by a case's facts:

``legal-review``  the decision is major (the process's catalogue holds for the facts: a hearing held, a
                  value over the threshold, public interest…): no decision before a legal review;
``whole-video``   the site touches life and health or major property interests (``lifeHealth``,
                  ``majorProperty``): the whole on-site verification is on video.

Every step that changes a case (opening, completion, message, timer, move, migration, correction) records
``raised``: the requirements its facts hold afterwards (``Mark``). From those marks alone:

- ``in_force``: a requirement raised by any mark since the latest correction (corrections included) is in
  force, whatever the facts say now;
- ``needs_legal_review``: ``legal-review`` was ever raised, or a correction is on record (a correction is
  itself a case for review); nothing lowers it;
- ``lowered``: what an ordinary step would drop from the latest mark; a non-empty answer refuses the step.

Pure: the catalogue itself is evaluated by the caller (``engine.services.established``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

LEGAL_REVIEW = "legal-review"
WHOLE_VIDEO = "whole-video"
REQUIREMENTS: dict[str, tuple[str, str]] = {
    LEGAL_REVIEW: ("须经法制审核（重大执法决定）", "a legal review before the decision (a major decision)"),
    WHOLE_VIDEO: ("现场核查须全程录像（涉及生命健康或重大财产权益）",
                  "a video of the whole on-site verification (life and health or major property)"),
}
SITE_FLAGS: dict[str, tuple[str, str]] = {
    "lifeHealth": ("涉及生命健康", "life and health"),
    "majorProperty": ("涉及重大财产权益", "major property interests"),
}
CORRECTION = "fact.corrected"       # the record action of a correction
_TRUE = frozenset({"true", "yes", "1", "是"})


def is_true(value: Any) -> bool:
    """A flag as people and forms write it: True, "true", "是", 1."""
    return value is True or (isinstance(value, str) and value.strip().lower() in _TRUE) or value == 1


def site_flags(facts: Mapping[str, Any]) -> list[str]:
    """The site flags (``lifeHealth``, ``majorProperty``) the facts set."""
    return [flag for flag in SITE_FLAGS if is_true(facts.get(flag))]


def requirements_holding(major: bool, facts: Mapping[str, Any]) -> frozenset[str]:
    """What the facts raise now: ``major`` is the catalogue's answer for them (established, not in doubt)."""
    held = {LEGAL_REVIEW} if major else set()
    if site_flags(facts):
        held.add(WHOLE_VIDEO)
    return frozenset(held)


@dataclass(frozen=True)
class Mark:
    """What one recorded step established: the requirements its facts held after it."""

    seq: int
    action: str
    actor: str
    element: str | None
    raised: frozenset[str]

    @property
    def is_correction(self) -> bool:
        return self.action == CORRECTION


def mark_of(seq: int, action: str, actor: str, element: str | None,
            payload: Mapping[str, Any]) -> Mark | None:
    """The mark a record entry carries (``payload["raised"]``), or None for an entry without one."""
    raised = payload.get("raised")
    if not isinstance(raised, list):
        return None
    return Mark(seq, action, actor, element, frozenset(r for r in raised if isinstance(r, str)))


def _since_correction(marks: Sequence[Mark]) -> Sequence[Mark]:
    start = max((i for i, m in enumerate(marks) if m.is_correction), default=0)
    return marks[start:]


def in_force(marks: Sequence[Mark]) -> frozenset[str]:
    """Every requirement raised since the latest correction (the correction's own mark included)."""
    return frozenset(r for m in _since_correction(marks) for r in m.raised)


def needs_legal_review(marks: Iterable[Mark]) -> bool:
    """Major for good: ``legal-review`` raised by any step, or any correction made."""
    return any(LEGAL_REVIEW in m.raised or m.is_correction for m in marks)


def lowered(marks: Sequence[Mark], holding: frozenset[str]) -> frozenset[str]:
    """What an ordinary step whose facts hold ``holding`` would lower (refuse it when not empty)."""
    return marks[-1].raised - holding if marks else frozenset()


def established_by(marks: Sequence[Mark], requirement: str) -> Mark | None:
    """The mark that began the unbroken run of marks holding ``requirement`` up to the latest one."""
    found = None
    for mark in reversed(marks):
        if requirement not in mark.raised:
            break
        found = mark
    return found
