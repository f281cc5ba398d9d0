"""What a decision's disclosure says, read from the case's record (never from the workflow state).

The acceptance step's record carries the applicant (``applicantName``, ``applicantType``
organisation | person, ``applicantId``), the decision step's record the decision (``decision``,
``decisionNo``, ``decisionText``, ``licenceNo``, ``licenceValidUntil``) and its moment. The draft
names an organisation with its unified social credit code and a natural person with the identity
card number, which redaction then masks; phone numbers and addresses are never put in the draft
(a clerk's decision text may still carry them: redaction masks those too).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.record.chain import Entry

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from engine.kernel.bureau import ZONE
from engine.kernel.json_types import JsonValue
from engine.kernel.ports import CaseRow

DECISION_WORDS = {"grant": ("准予许可", "granted"), "deny": ("不予许可", "denied")}
_TRUE = (True, "true", "yes", "1", 1)


def local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(ZONE).date()


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True, slots=True)
class CaseFacts:
    applicant_name: str
    applicant_type: str  # "organisation" | "person" | ""
    applicant_id: str
    accepted_at: dt.datetime
    decision: str
    decision_no: str
    decision_text: str
    licence_no: str
    licence_valid_until: str
    decided_at: dt.datetime


def _data(entry: Entry) -> Mapping[str, JsonValue]:
    data = entry.content.payload.get("data")
    return data if isinstance(data, Mapping) else {}


def _text(value: JsonValue) -> str:
    return "" if value is None else str(value).strip()


def read_facts(entries: Iterable[Entry], case: CaseRow, *, decision: Any, now: dt.datetime) -> CaseFacts:
    """The applicant, the acceptance moment and the decision, from the case's record entries."""
    applicant: Mapping[str, JsonValue] = {}
    decided: Mapping[str, JsonValue] = {}
    accepted_at, decided_at = case.started_at, now
    for entry in entries:
        c = entry.content
        if c.action != "task.completed":
            continue
        if c.actor_role == "acceptance":
            applicant = _data(entry)
            if applicant.get("accepted") in _TRUE or applicant.get("materialsComplete") in _TRUE:
                accepted_at = c.recorded_at
        elif c.actor_role == "decision":
            decided, decided_at = _data(entry), c.recorded_at
    given = case.applicant or {}
    return CaseFacts(
        applicant_name=_text(applicant.get("applicantName") or given.get("name")),
        applicant_type=_text(applicant.get("applicantType") or given.get("type")),
        applicant_id=_text(applicant.get("applicantId") or given.get("id")),
        accepted_at=accepted_at,
        decision=_text(decided.get("decision") or decision),
        decision_no=_text(decided.get("decisionNo")),
        decision_text=_text(decided.get("decisionText")),
        licence_no=_text(decided.get("licenceNo")),
        licence_valid_until=_text(decided.get("licenceValidUntil")),
        decided_at=decided_at,
    )


def _applicant_lines(f: CaseFacts) -> list[str]:
    lines = [f"行政相对人：{f.applicant_name or '（未登记）'}"]
    if f.applicant_id and f.applicant_type == "organisation":
        lines.append(f"统一社会信用代码：{f.applicant_id}")
    elif f.applicant_id:
        lines.append(f"居民身份证号码：{f.applicant_id}")
    return lines


def draft_text(facts: CaseFacts, *, case_id: str, properties: Mapping[str, str]) -> str:
    """The disclosure of a licensing decision (行政许可决定公示), before redaction."""
    item = properties.get("sanxiang.itemName", "")
    code = properties.get("sanxiang.itemCode", "")
    lines = [f"{item}{'（' + code + '）' if code else ''}行政许可决定公示", f"办件号：{case_id}"]
    if facts.decision_no:
        lines.append(f"决定文书编号：{facts.decision_no}")
    lines += _applicant_lines(facts)
    lines.append(f"许可决定：{DECISION_WORDS.get(facts.decision, (facts.decision or '（未填写）',))[0]}")
    if facts.decision_text:
        lines.append(f"决定内容：{facts.decision_text}")
    if facts.licence_no:
        lines.append(f"许可证编号：{facts.licence_no}")
    if facts.licence_valid_until:
        lines.append(f"有效期至：{facts.licence_valid_until[:10]}")
    lines.append(f"决定日期：{chinese_date(local_day(facts.decided_at))}")
    if properties.get("sanxiang.body"):
        lines.append(f"作出决定机关：{properties['sanxiang.body']}")
    return "\n".join(lines)


def parse_days(value: str | None, default: int | None) -> int | None:
    text = (value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 4 else default
