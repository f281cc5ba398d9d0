"""The legal review of a major decision (重大执法决定法制审核), as data: the seed's ten-item checklist,
the three conclusions, and the fingerprint of the facts a review was given.

Pure: the review form is checked here (every item answered pass / fail / na, a note for every "fail",
no "pass" over a failed item, an opinion), and the case's facts are reduced to a hash so that a
decision can be refused when the facts changed after the review (``FactsDigest``).

**Facts** are every case variable except the fields of the procedure itself — the review's own form,
the decision form (both read from the deployed forms of the process, plus the seed's checklist keys
below, whatever the forms say). Everything else the case carries (applicant, materials, the handler's
findings and proposal, hearing and expert results, the handler's contest…) is a fact: changing any of
it after a review means the review no longer covers the case.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from engine.errors import InvalidInput
from engine.kernel.json_types import JsonObject, JsonValue

CHECKLIST: tuple[tuple[str, str], ...] = (  # the seed's order (DOMAIN.md, "Legal review")
    ("主体合法", "the approving body is lawful"),
    ("事实清楚", "the main facts are clear"),
    ("证据确凿充分", "the evidence is conclusive and sufficient"),
    ("适用法律准确", "laws, regulations and rules are applied correctly"),
    ("裁量基准适当", "discretion follows the discretion benchmark"),
    ("程序合法", "the procedure is lawful"),
    ("未超越职权、未滥用职权", "no act beyond powers and no abuse of power"),
    ("文书规范齐备", "the enforcement documents are standard and complete"),
    ("涉嫌犯罪需移送司法机关", "suspected crime to be transferred to the judicial authorities"),
    ("其他", "other matters"),
)
ITEM_RESULTS = ("pass", "fail", "na")
CONCLUSIONS = ("pass", "return", "reject")
CONCLUSION_ZH = {"pass": "通过", "return": "退回补充", "reject": "不通过"}
CHECK_KEYS = tuple(f"check{i}" for i in range(1, len(CHECKLIST) + 1))
NOTE_KEYS = tuple(f"note{i}" for i in range(1, len(CHECKLIST) + 1))
REVIEW_KEYS = frozenset({*CHECK_KEYS, *NOTE_KEYS, "reviewConclusion", "reviewOpinion"})


@dataclass(frozen=True)
class ReviewForm:
    items: tuple[JsonObject, ...]  # {"item": 1, "label": "主体合法", "result": "pass", "note": ""}
    conclusion: str
    opinion: str

    def as_payload(self) -> JsonObject:
        return {
            "checklist": [dict(i) for i in self.items],
            "conclusion": self.conclusion,
            "opinion": self.opinion,
        }


def _text(value: JsonValue) -> str:
    return value.strip() if isinstance(value, str) else ""


def _refuse(code: str, zh: str, en: str, **details: JsonValue) -> InvalidInput:
    return InvalidInput(zh, en, code=code, details=details)


def _items(data: Mapping[str, JsonValue]) -> tuple[JsonObject, ...]:
    unanswered = [i + 1 for i, key in enumerate(CHECK_KEYS) if data.get(key) not in ITEM_RESULTS]
    if unanswered:
        raise _refuse(
            "review-checklist-incomplete",
            f"审核清单第 {'、'.join(map(str, unanswered))} 项未作答（通过 / 不通过 / 不适用）",
            f"checklist item(s) {', '.join(map(str, unanswered))} unanswered (pass / fail / na)",
            items=unanswered,
        )
    items = tuple(
        {
            "item": i + 1,
            "label": CHECKLIST[i][0],
            "result": data[CHECK_KEYS[i]],
            "note": _text(data.get(NOTE_KEYS[i])),
        }
        for i in range(len(CHECKLIST))
    )
    silent = [i["item"] for i in items if i["result"] == "fail" and not i["note"]]
    if silent:
        raise _refuse(
            "review-fail-without-note",
            f"审核清单第 {'、'.join(map(str, silent))} 项不通过，须写明理由",
            f"checklist item(s) {', '.join(map(str, silent))} failed: a note must say why",
            items=silent,
        )
    return items


def _conclusion(data: Mapping[str, JsonValue]) -> JsonValue:
    conclusion = data.get("reviewConclusion")
    if conclusion not in CONCLUSIONS:
        raise _refuse(
            "review-conclusion-invalid",
            "审核结论须为“通过”“退回补充”或“不通过”",
            "the review conclusion must be pass, return or reject",
        )
    return conclusion


def check_review_form(data: Mapping[str, JsonValue]) -> ReviewForm:
    """The submitted review, checked; raises ``InvalidInput`` naming what is missing or contradictory."""
    items = _items(data)
    conclusion = _conclusion(data)
    failed = [i["item"] for i in items if i["result"] == "fail"]
    if conclusion == "pass" and failed:
        raise _refuse(
            "review-pass-with-failed-item",
            f"审核清单第 {'、'.join(map(str, failed))} 项不通过，审核结论不能为“通过”",
            f"checklist item(s) {', '.join(map(str, failed))} failed: the conclusion cannot be pass",
            items=failed,
        )
    opinion = _text(data.get("reviewOpinion"))
    if not opinion:
        raise _refuse("review-opinion-missing", "须填写审核意见", "the review opinion is required")
    return ReviewForm(items, str(conclusion), opinion)


def _canonical(value: JsonValue) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode(
        "utf-8"
    )


@dataclass(frozen=True)
class FactsDigest:
    """A hash of the facts and one short hash per fact (to name what changed, without copying values)."""

    hash: str
    facts: dict[str, str]

    def changed_since(self, earlier: Mapping[str, str]) -> list[str]:
        names = set(earlier) | set(self.facts)
        return sorted(n for n in names if earlier.get(n) != self.facts.get(n))


def facts_digest(variables: Mapping[str, JsonValue], procedure_fields: frozenset[str]) -> FactsDigest:
    facts = {k: v for k, v in variables.items() if k not in procedure_fields and k not in REVIEW_KEYS}
    return FactsDigest(
        hashlib.sha256(_canonical(facts)).hexdigest(),
        {k: hashlib.sha256(_canonical(v)).hexdigest()[:16] for k, v in sorted(facts.items())},
    )


def joint_conclusion(conclusions: Iterable[str | None]) -> str | None:
    """The conclusion of a legal review signed by several reviewers (法制审核会签) counts every signer: "pass"
    only if every one passed; one "reject" makes it rejected, else one "return" makes it returned."""
    found = list(conclusions)
    if not found:
        return None
    for outcome in ("reject", "return"):
        if outcome in found:
            return outcome
    return "pass" if all(c == "pass" for c in found) else next(c for c in found if c != "pass")
