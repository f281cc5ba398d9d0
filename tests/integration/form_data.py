"""Valid data for the shipped forms (forms/*.form), checked against the form it is for.

Tests submit what a person would type into the real form: every key must be a field of the form,
every required field filled, choices among the form's values, patterns and lengths respected.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from tests.support import ROOT

FORMS = ROOT / "forms"
AT = "2026-11-27T10:00+08:00"

VALID: dict[str, dict[str, Any]] = {
    "acceptance": {
        "applicantName": "济南泉城餐饮管理有限公司",
        "applicantType": "organisation",
        "applicantId": "91370102MA3C8G2K1X",
        "applicantPhone": "0531-86001234",
        "applicantAddress": "济南市历下区泉城路188号",
        "materialsComplete": True,
        "accepted": True,
        "acceptanceNote": "材料齐全，当场受理",
    },
    "supplement": {
        "supplementNotifiedAt": AT,
        "suppliedAt": "2026-11-30T10:00+08:00",
        "suppliedMaterials": "营业场所平面布局图（补正件）",
    },
    "material-review": {
        "materialsAuthentic": True,
        "conditionsMet": "met",
        "reviewFindings": "申请材料真实、齐全，符合法定形式",
    },
    "on-site-inspection": {
        "inspectedAt": AT,
        "siteAddress": "济南市历下区泉城路188号",
        "inspectors": "赵承办、刘执法",
        "certificateNumbers": "鲁济执0102001、鲁济执0102002",
        "certificateShown": True,
        "presentParty": "申请人法定代表人",
        "findings": "经营场所布局合理，设施设备齐全，符合要求",
        "inspectionResult": "conform",
        "videoRecorded": True,
    },
    "hearing": {
        "hearingNotifiedAt": AT,
        "hearingHeld": False,
        "hearingRecord": "已书面告知听证权利，申请人和利害关系人在法定期限内未申请听证",
    },
    "expert-review": {
        "applicantNotified": True,
        "reviewedAt": AT,
        "expertPanel": "王专家、李专家、张专家",
        "expertConclusion": "agree",
        "expertOpinion": "设计方案符合规划条件和技术规范",
    },
    "handler-review": {
        "facts": "申请人提交的材料齐全，符合法定条件",
        "evidence": "申请书、证明文件、核查记录",
        "legalProvisions": "《中华人民共和国行政许可法》第三十八条",
        "opinion": "建议准予许可",
        "hearingHeld": False,
        "publicInterest": False,
        "investment": 0,
        "firstOfKind": False,
        "proposal": "grant",
        "proposalReason": "申请符合法定条件、标准",
    },
    "contest": {"contest": False},
    "proposal-revision": {
        "responseToReview": "已按审核意见补充证据并修改拟办意见",
        "facts": "补充核查后，申请材料齐全，符合法定条件",
        "evidence": "补充核查记录",
        "proposal": "grant",
        "proposalReason": "补充后申请符合法定条件、标准",
    },
    "coordination": {
        "meetingAt": AT,
        "attendees": "孙局长、副局长、法制审核人员、承办人",
        "minutes": "局务会议集体讨论：承办人意见事实清楚、依据充分，会议决定准予许可",
        "coordinationDecision": "grant",
    },
    "decision": {
        "decision": "grant",
        "decisionNo": "历下审批许字〔2026〕第001号",
        "decisionText": "经审查，申请符合法定条件，决定准予行政许可",
        "licenceNo": "JY13701020001",
        "licenceValidUntil": "2031-11-26",
    },
    "delivery": {
        "deliveryMethod": "direct",
        "deliveredAt": AT,
        "recipient": "申请人法定代表人",
        "deliveryProofNo": "送达回证001",
        "mediaRecorded": True,
    },
    "delivery-receipt": {
        "receiptKind": "signed-receipt",
        "receiptFiled": True,
        "receiptNote": "受送达人当场签收，回证入卷",
    },
    "archive": {
        "recordsComplete": True,
        "archiveNo": "历下审批档〔2026〕001",
        "archiveNote": "全过程记录完整",
    },
    "legal-review": {
        **{f"check{i}": "pass" for i in range(1, 11)},
        **{f"note{i}": "" for i in range(1, 11)},
        "reviewConclusion": "pass",
        "reviewOpinion": "经审核，主体合法，事实清楚，证据充分，程序合法，同意拟办意见",
    },
}
DENIED = {
    "decision": "deny",
    "decisionNo": "历下审批不许字〔2026〕第001号",
    "decisionText": "经审查，申请不符合法定条件，决定不予行政许可",
    "licenceNo": None,
    "licenceValidUntil": None,
}


def _walk(components: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for component in components:
        yield component
        yield from _walk(component.get("components", []))


@cache
def fields(form_id: str) -> dict[str, dict[str, Any]]:
    form = json.loads((FORMS / f"{form_id}.form").read_text(encoding="utf-8"))
    return {c["key"]: c for c in _walk(form["components"]) if c.get("key")}


def _problems(key: str, field: dict[str, Any], value: Any) -> list[str]:
    rules = field.get("validate", {})
    if value in (None, "") or (field["type"] == "checkbox" and value is False):
        return [f"{key} is required"] if rules.get("required") else []
    problems = []
    if "values" in field and value not in [v["value"] for v in field["values"]]:
        problems.append(f"{key}: {value!r} is not a choice")
    if isinstance(value, str):
        if len(value) < rules.get("minLength", 0) or len(value) > rules.get("maxLength", 10**6):
            problems.append(f"{key}: length {len(value)}")
        if "pattern" in rules and not re.fullmatch(rules["pattern"], value):
            problems.append(f"{key}: does not match {rules['pattern']}")
    in_range = isinstance(value, int | float) and value >= rules.get("min", value)
    if field["type"] == "number" and not in_range:
        problems.append(f"{key}: {value!r} is not a number in range")
    return problems


def check(form_id: str, data: dict[str, Any]) -> dict[str, Any]:
    known = fields(form_id)
    problems = [f"{key} is not a field of {form_id}" for key in data if key not in known]
    for key, field in known.items():
        problems += _problems(key, field, data.get(key))
    assert problems == [], problems
    return data


def form_data(form_id: str, **overrides: Any) -> dict[str, Any]:
    """The form's valid default data with ``overrides`` (None drops a field), checked against the form."""
    merged = {**VALID[form_id], **overrides}
    return check(form_id, {k: v for k, v in merged.items() if v is not None})


def review(conclusion: str = "pass", **overrides: Any) -> dict[str, Any]:
    """A legal review: "pass" passes every item; "return" and "reject" fail an item with a note."""
    data: dict[str, Any] = {"reviewConclusion": conclusion}
    if conclusion == "return":
        data |= {
            "check3": "fail",
            "note3": "缺少现场核查影像资料，请补充",
            "reviewOpinion": "证据尚不充分，退回承办人补充现场核查影像资料",
        }
    if conclusion == "reject":
        data |= {
            "check4": "fail",
            "note4": "拟办意见援引的条款不适用于本案",
            "reviewOpinion": "适用法律不准确，审核不通过",
        }
    return form_data("legal-review", **{**data, **overrides})
