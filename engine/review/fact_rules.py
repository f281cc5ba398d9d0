"""Facts that raise what the law requires are monotonic: once a step establishes them on the record, no
later step lowers them; only a recorded, reasoned correction does, and that correction goes to review.

Two requirements are raised by a case's facts:

``legal-review``  the decision is major (the process's catalogue holds for the facts: a hearing held, a
                  value over the threshold, public interest…): no decision before a legal review;
``whole-video``   the site touches life and health or major property interests (``lifeHealth``,
                  ``majorProperty``): the whole on-site verification is on video.

Every step that changes a case (opening, completion, message, timer, move, migration, correction) records
a ``Mark``: ``raised``, the requirements its facts hold afterwards, and the fold of every mark before it
(``next_mark``):

- ``established`` (``in_force``): every requirement raised since the latest correction, with the step that
  established it, whatever the facts say now;
- ``review_for_good``: ``legal-review`` was ever raised, a legal review was ever opened, or a fact was
  corrected (a correction is itself a case for review); nothing lowers it;
- ``lowered``: what an ordinary step would drop from the previous mark's ``raised``; a non-empty answer
  refuses the step.

Pure: the catalogue itself is evaluated by the caller (``engine.review.facts``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from engine.kernel.json_types import JsonObject, JsonValue

LEGAL_REVIEW = "legal-review"
WHOLE_VIDEO = "whole-video"
REQUIREMENTS: dict[str, tuple[str, str]] = {
    LEGAL_REVIEW: ("须经法制审核（重大执法决定）", "a legal review before the decision (a major decision)"),
    WHOLE_VIDEO: (
        "现场核查须全程录像（涉及生命健康或重大财产权益）",
        "a video of the whole on-site verification (life and health or major property)",
    ),
}
SITE_FLAGS: dict[str, tuple[str, str]] = {
    "lifeHealth": ("涉及生命健康", "life and health"),
    "majorProperty": ("涉及重大财产权益", "major property interests"),
}
CORRECTION = "fact.corrected"  # the record action of a correction
_TRUE = frozenset({"true", "yes", "1", "是"})


def is_true(value: JsonValue) -> bool:
    """A flag as people and forms write it: True, "true", "是", 1."""
    return value is True or (isinstance(value, str) and value.strip().lower() in _TRUE) or value == 1


def site_flags(facts: Mapping[str, JsonValue]) -> list[str]:
    """The site flags (``lifeHealth``, ``majorProperty``) the facts set."""
    return [flag for flag in SITE_FLAGS if is_true(facts.get(flag))]


def requirements_holding(major: bool, facts: Mapping[str, JsonValue]) -> frozenset[str]:
    """What the facts raise now: ``major`` is the catalogue's answer for them (established, not in doubt)."""
    held = {LEGAL_REVIEW} if major else set()
    if site_flags(facts):
        held.add(WHOLE_VIDEO)
    return frozenset(held)


@dataclass(frozen=True)
class Origin:
    """The step that established a requirement: its record entry (``seq``; None inside the payload of
    the entry itself), action, actor and element."""

    seq: int | None
    action: str
    actor: str
    element: str | None


@dataclass(frozen=True)
class Mark:
    """What the record established after one step — each step's entry carries the whole fold, so the
    latest mark alone answers (the cost of a step does not grow with the case's history)."""

    raised: frozenset[str]  # what the step's facts raise
    established: Mapping[str, Origin]  # in force: requirement -> the step that established it
    review_for_good: bool  # the case needs a legal review, whatever happens next

    @property
    def in_force(self) -> frozenset[str]:
        return frozenset(self.established)


NO_MARK = Mark(frozenset(), {}, False)


def next_mark(
    previous: Mark,
    step: Origin,
    holding: frozenset[str],
    *,
    correction: bool = False,
    review_opened: bool = False,
) -> Mark:
    """The mark after ``step``, whose facts raise ``holding``.

    An ordinary step keeps everything in force and adds what it raises; a correction keeps in force only
    what still holds (it lowers the rest) and makes the case need a review for good, as does a step that
    raises ``legal-review`` or opens a legal review (``review_opened``). Earlier origins are kept."""
    kept = {r: o for r, o in previous.established.items() if not correction or r in holding}
    established = {**{r: step for r in sorted(holding)}, **kept}
    review = previous.review_for_good or correction or review_opened or LEGAL_REVIEW in holding
    return Mark(holding, established, review)


def lowered(previous: Mark, holding: frozenset[str]) -> frozenset[str]:
    """What an ordinary step whose facts raise ``holding`` would lower (refuse it when not empty)."""
    return previous.raised - holding


def mark_payload(mark: Mark) -> JsonObject:
    """The mark as its record entry carries it (JSON)."""
    return {
        "raised": sorted(mark.raised),
        "reviewForGood": mark.review_for_good,
        "established": {
            r: {"seq": o.seq, "action": o.action, "actor": o.actor, "element": o.element}
            for r, o in sorted(mark.established.items())
        },
    }


def _origin(value: JsonValue, seq: int) -> Origin | None:
    if not isinstance(value, Mapping):
        return None
    at = value.get("seq")
    return Origin(
        at if isinstance(at, int) else seq,
        str(value.get("action") or ""),
        str(value.get("actor") or ""),
        value.get("element") if isinstance(value.get("element"), str) else None,
    )


def mark_of(seq: int, payload: Mapping[str, JsonValue]) -> Mark | None:
    """The mark the record entry ``seq`` carries, or None for an entry without one."""
    raised, established = payload.get("raised"), payload.get("established")
    if not isinstance(raised, list) or not isinstance(established, Mapping):
        return None
    origins = {r: o for r, o in ((r, _origin(v, seq)) for r, v in established.items()) if o is not None}
    return Mark(
        frozenset(r for r in raised if isinstance(r, str)), origins, payload.get("reviewForGood") is True
    )
