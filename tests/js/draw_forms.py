"""One-off drawing aid: writes forms/*.form as Camunda Modeler 5.31's form editor would.

Called by ``draw_processes.py``; the .form files are the product and are edited in the Modeler
afterwards. Component and row ids are derived from the form id and key so that a rerun does not
churn them.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

MODELER_VERSION = "5.31.0"
PLATFORM_VERSION = "7.21.0"
SCHEMA_VERSION = 16

# The seed's checklist for the legal review (重大执法决定法制审核), in the seed's order.
LEGAL_REVIEW_CHECKLIST = [
    ("主体合法", "行政审批主体是否合法"),
    ("事实清楚", "主要事实是否清楚"),
    ("证据确凿充分", "证据是否确凿充分"),
    ("适用法律准确", "适用法律、法规、规章是否准确"),
    ("裁量基准适当", "执行裁量基准是否适当"),
    ("程序合法", "程序是否合法"),
    ("未超越职权、未滥用职权", "是否有超越本机关职权范围或者滥用职权的情形"),
    ("文书规范齐备", "行政执法文书是否规范齐备"),
    ("涉嫌犯罪需移送司法机关", "违法行为是否涉嫌犯罪需要移送司法机关（无此情形的选“通过”）"),
    ("其他", "其他应当审核的内容"),
]

UNIFIED_CODE_OR_ID = r"^([0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}|\d{17}[0-9Xx])$"
PHONE = r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$"


def _short(*parts: str) -> str:
    digest = hashlib.sha1("/".join(parts).encode()).digest()
    n = int.from_bytes(digest[:6], "big")
    chars = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    for _ in range(7):
        n, r = divmod(n, 36)
        out += chars[r]
    return out


class FormBuilder:
    def __init__(self, form_id: str) -> None:
        self.form_id = form_id
        self.components: list[dict[str, Any]] = []
        self._row: str | None = None

    def _add(self, comp: dict[str, Any], key: str | None, row: str | None) -> None:
        name = key or f"text{len(self.components)}"
        comp["layout"] = {"row": f"Row_{_short(self.form_id, 'row', row or name)}", "columns": None}
        comp["id"] = f"Field_{_short(self.form_id, name)}"
        if key:
            comp["key"] = key
        self.components.append(comp)

    def text(self, markdown: str) -> None:
        self._add({"text": markdown, "type": "text"}, None, None)

    def _field(
        self,
        ftype: str,
        key: str,
        label: str,
        *,
        required: bool = False,
        description: str | None = None,
        row: str | None = None,
        hide: str | None = None,
        **validate: Any,
    ) -> dict[str, Any]:
        comp: dict[str, Any] = {"label": label, "type": ftype}
        if description:
            comp["description"] = description
        rules = {"required": required} | {k: v for k, v in validate.items() if v is not None}
        comp["validate"] = rules
        if hide:
            comp["conditional"] = {"hide": hide}
        self._add(comp, key, row)
        return comp

    def textfield(self, key: str, label: str, **kw: Any) -> None:
        self._field("textfield", key, label, **kw)

    def textarea(self, key: str, label: str, **kw: Any) -> None:
        self._field("textarea", key, label, **kw)

    def number(
        self, key: str, label: str, *, default: int | None = None, suffix: str | None = None, **kw: Any
    ) -> None:
        comp = self._field("number", key, label, **kw)
        comp["decimalDigits"] = 0
        if default is not None:
            comp["defaultValue"] = default
        if suffix:
            comp["appearance"] = {"suffixAdorner": suffix}

    def checkbox(self, key: str, label: str, **kw: Any) -> None:
        self._field("checkbox", key, label, **kw)

    def choice(self, ftype: str, key: str, label: str, values: list[tuple[str, str]], **kw: Any) -> None:
        comp = self._field(ftype, key, label, **kw)
        comp["values"] = [{"label": lab, "value": val} for val, lab in values]
        # Modeler writes "values" before "label"; keep its order for a clean diff after a save
        self.components[-1] = {"values": comp.pop("values"), **comp}

    def datetime(
        self,
        key: str,
        label: str,
        *,
        subtype: str = "datetime",
        required: bool = False,
        description: str | None = None,
        hide: str | None = None,
    ) -> None:
        comp: dict[str, Any] = {"subtype": subtype, "dateLabel": label if subtype != "time" else "日期"}
        if subtype == "datetime":
            comp["timeLabel"] = "时间"
            comp |= {"timeSerializingFormat": "utc_offset", "timeInterval": 15, "use24h": True}
        comp["type"] = "datetime"
        if description:
            comp["description"] = description
        comp["validate"] = {"required": required}
        if hide:
            comp["conditional"] = {"hide": hide}
        self._add(comp, key, None)

    def to_json(self) -> dict[str, Any]:
        return {
            "components": self.components,
            "type": "default",
            "id": self.form_id,
            "executionPlatform": "Camunda Platform",
            "executionPlatformVersion": PLATFORM_VERSION,
            "exporter": {"name": "Camunda Modeler", "version": MODELER_VERSION},
            "schemaVersion": SCHEMA_VERSION,
        }


GRANT_DENY = [("grant", "准予许可"), ("deny", "不予许可")]
PROPOSAL = [("grant", "拟准予许可"), ("deny", "拟不予许可")]


def acceptance() -> FormBuilder:
    f = FormBuilder("acceptance")
    f.text(
        "### 受理审查\n依据《中华人民共和国行政许可法》第三十二条：申请材料不齐全或者不符合法定形式的，"
        "应当当场或者在五日内一次性告知申请人需要补正的全部内容。"
    )
    f.textfield("applicantName", "申请人名称（姓名）", required=True, minLength=2, maxLength=100)
    f.choice(
        "radio",
        "applicantType",
        "申请人类型",
        [("organisation", "法人或者其他组织"), ("person", "自然人")],
        required=True,
    )
    f.textfield(
        "applicantId",
        "统一社会信用代码 / 身份证号码",
        required=True,
        pattern=UNIFIED_CODE_OR_ID,
        description="法人或者其他组织填18位统一社会信用代码；自然人填18位居民身份证号码（公示时脱敏）",
    )
    f.textfield("applicantPhone", "联系电话", required=True, pattern=PHONE, row="contact")
    f.textfield("agentName", "委托代理人（如有）", maxLength=50, row="contact")
    f.textfield("applicantAddress", "住所（地址）", required=True, minLength=4, maxLength=200)
    f.checkbox("materialsComplete", "申请材料齐全、符合法定形式")
    f.textarea(
        "missingMaterials",
        "需要补正的全部材料（一次性告知）",
        maxLength=2000,
        hide="=materialsComplete",
        description="逐项列明需要补正的材料及要求，出具《补正材料通知书》",
    )
    f.checkbox(
        "accepted",
        "予以受理（出具《受理通知书》）",
        description="材料齐全、符合法定形式且属于本机关职权范围的，予以受理；办理时限自受理之日起计算",
    )
    f.textarea("acceptanceNote", "受理意见", maxLength=1000)
    return f


def supplement() -> FormBuilder:
    f = FormBuilder("supplement")
    f.text("### 补正材料登记\n补正期间暂停计时；申请人按《补正材料通知书》补正后，重新进行受理审查。")
    f.datetime("supplementNotifiedAt", "一次性告知日期", required=True)
    f.datetime("suppliedAt", "申请人提交补正材料日期", required=True)
    f.textarea("suppliedMaterials", "申请人补正的材料", required=True, minLength=2, maxLength=2000)
    f.textarea("supplementNote", "备注", maxLength=1000)
    return f


def material_review() -> FormBuilder:
    f = FormBuilder("material-review")
    f.text("### 审查\n对申请材料的实质内容进行审查，记录审查情况。")
    f.checkbox("materialsAuthentic", "申请材料真实、有效")
    f.choice(
        "radio",
        "conditionsMet",
        "是否符合法定条件",
        [("met", "符合"), ("not-met", "不符合"), ("pending", "待现场核查、听证或者专家评审后确定")],
        required=True,
    )
    f.textarea("reviewFindings", "审查记录", required=True, minLength=5, maxLength=5000)
    return f


def on_site_inspection() -> FormBuilder:
    f = FormBuilder("on-site-inspection")
    f.text(
        "### 现场核查\n由两名以上持有效行政执法证件的工作人员进行，主动出示证件；"
        "直接涉及生命健康、重大财产权益的现场核查全程录像，录像作为证据上传。"
    )
    f.datetime("inspectedAt", "核查时间", required=True)
    f.textfield("siteAddress", "核查地点", required=True, maxLength=200)
    f.textfield("inspectors", "核查人员", required=True, maxLength=100, row="inspectors")
    f.textfield("certificateNumbers", "行政执法证件号", required=True, maxLength=200, row="inspectors")
    f.checkbox("certificateShown", "已向当事人出示行政执法证件", required=True)
    f.textfield("presentParty", "在场当事人（负责人）", maxLength=100)
    f.textarea("findings", "核查情况", required=True, minLength=5, maxLength=5000)
    f.choice(
        "radio",
        "inspectionResult",
        "核查结论",
        [("conform", "符合"), ("rectify", "整改后复查"), ("nonconform", "不符合")],
        required=True,
    )
    f.checkbox("videoRecorded", "已全程录像并上传", required=True)
    return f


def hearing() -> FormBuilder:
    f = FormBuilder("hearing")
    f.text(
        "### 听证\n《中华人民共和国行政许可法》第四十七条、第四十八条："
        "申请人、利害关系人在被告知听证权利之日起"
        "五日内提出听证申请的，应当在二十日内组织听证；听证由审查该申请的工作人员以外的人员主持。"
        "听证期间不计入办理时限。"
    )
    f.datetime("hearingNotifiedAt", "告知听证权利日期", required=True)
    f.checkbox("hearingHeld", "已举行听证", description="申请人、利害关系人放弃听证的不勾选，并在下方说明")
    f.datetime("hearingAt", "听证时间", hide="=not(hearingHeld)")
    f.textfield("hearingHost", "听证主持人", maxLength=50, hide="=not(hearingHeld)")
    f.textarea("hearingParticipants", "听证参加人", maxLength=2000, hide="=not(hearingHeld)")
    f.textarea("hearingRecord", "听证笔录要点 / 放弃听证说明", required=True, minLength=5, maxLength=5000)
    f.checkbox("audioVideoRecorded", "已同步录音录像并上传")
    return f


def expert_review() -> FormBuilder:
    f = FormBuilder("expert-review")
    f.text(
        "### 专家评审\n专家评审所需时间不计入办理时限，"
        "应当书面告知申请人（《中华人民共和国行政许可法》第四十五条）。"
    )
    f.checkbox("applicantNotified", "已书面告知申请人所需时间", required=True)
    f.datetime("reviewedAt", "评审时间", required=True)
    f.textarea("expertPanel", "评审专家", required=True, minLength=2, maxLength=1000)
    f.choice(
        "radio",
        "expertConclusion",
        "评审结论",
        [("agree", "同意"), ("conditional", "有条件同意"), ("disagree", "不同意")],
        required=True,
    )
    f.textarea("expertOpinion", "专家评审意见", required=True, minLength=5, maxLength=5000)
    return f


def handler_review() -> FormBuilder:
    f = FormBuilder("handler-review")
    f.text("### 拟办意见\n承办人认定事实、提出拟办意见，并填写重大执法决定目录事实。")
    f.textarea("facts", "认定的事实", required=True, minLength=5, maxLength=5000)
    f.textarea("evidence", "主要证据", maxLength=5000)
    f.textfield("legalProvisions", "适用的法律依据", required=True, maxLength=500)
    f.textarea("opinion", "审查意见", required=True, minLength=5, maxLength=5000)
    f.text(
        "#### 重大执法决定目录事实\n按本事项《重大执法决定法制审核目录清单》如实填写；"
        "符合任一项的，须经法制审核通过后方可作出决定。"
    )
    f.checkbox("hearingHeld", "已举行听证")
    f.checkbox("publicInterest", "涉及重大公共利益或者众多当事人切身利益")
    f.number("investment", "项目投资额（开办资金）", required=True, min=0, default=0, suffix="元")
    f.checkbox("firstOfKind", "首次办理的新类型或者案情疑难复杂")
    f.choice("radio", "proposal", "拟办意见", PROPOSAL, required=True)
    f.textarea("proposalReason", "拟办理由", required=True, minLength=5, maxLength=5000)
    return f


def proposal_revision() -> FormBuilder:
    f = FormBuilder("proposal-revision")
    f.text(
        "### 补充完善拟办意见\n法制审核退回补充，或者审核不通过而承办人无异议的，按审核意见补充材料、"
        "修改拟办意见后重新提交法制审核。"
    )
    f.textarea("responseToReview", "对法制审核意见的答复", required=True, minLength=5, maxLength=5000)
    f.textarea("facts", "认定的事实", required=True, minLength=5, maxLength=5000)
    f.textarea("evidence", "主要证据", maxLength=5000)
    f.choice("radio", "proposal", "拟办意见", PROPOSAL, required=True)
    f.textarea("proposalReason", "拟办理由", required=True, minLength=5, maxLength=5000)
    return f


def legal_review() -> FormBuilder:
    f = FormBuilder("legal-review")
    f.text(
        "### 法制审核\n重大执法决定作出前必须进行法制审核；未经法制审核或者审核未通过的，不得作出决定。"
        "逐项审核以下十项内容。"
    )
    for i, (title, question) in enumerate(LEGAL_REVIEW_CHECKLIST, start=1):
        f.choice(
            "radio",
            f"check{i}",
            title,
            [("pass", "通过"), ("fail", "不通过"), ("na", "不适用")],
            required=True,
            description=question,
            row=f"check{i}",
        )
        f.textfield(f"note{i}", "说明", maxLength=500, row=f"check{i}")
    f.choice(
        "radio",
        "reviewConclusion",
        "审核结论",
        [("pass", "通过"), ("return", "退回补充"), ("reject", "不通过")],
        required=True,
    )
    f.textarea("reviewOpinion", "法制审核意见", required=True, minLength=5, maxLength=5000)
    return f


def contest() -> FormBuilder:
    f = FormBuilder("contest")
    f.text(
        "### 承办人意见\n法制审核意见为不通过。承办人无异议的，按审核意见修改拟办意见后重新提交法制审核；"
        "有异议的，提请局务会议集体讨论决定（协调决策机制）。"
    )
    f.checkbox("contest", "提出异议，提请集体讨论")
    f.textarea("contestReason", "异议理由", maxLength=5000, hide="=not(contest)")
    return f


def coordination() -> FormBuilder:
    f = FormBuilder("coordination")
    f.text("### 集体讨论\n法制审核意见与拟办意见不一致的，由局务会议集体讨论决定，会议纪要存入案卷。")
    f.datetime("meetingAt", "会议时间", required=True)
    f.textarea("attendees", "参加人员", required=True, minLength=2, maxLength=1000)
    f.textarea("minutes", "会议纪要", required=True, minLength=10, maxLength=10000)
    f.choice("radio", "coordinationDecision", "集体讨论决定", GRANT_DENY, required=True)
    return f


def decision() -> FormBuilder:
    f = FormBuilder("decision")
    f.text("### 审批决定\n重大执法决定未经法制审核或者审核未通过的，不得作出决定（经集体讨论决定的除外）。")
    f.choice("select", "decision", "决定", GRANT_DENY, required=True)
    f.textfield("decisionNo", "决定文书编号", required=True, maxLength=60)
    f.textarea(
        "decisionText",
        "决定内容",
        required=True,
        minLength=5,
        maxLength=10000,
        description="不予许可的，应当说明理由，并告知申请行政复议或者提起行政诉讼的权利",
    )
    f.textfield("licenceNo", "许可证编号", maxLength=60, hide='=decision != "grant"')
    f.datetime("licenceValidUntil", "有效期至", subtype="date", hide='=decision != "grant"')
    return f


def delivery() -> FormBuilder:
    f = FormBuilder("delivery")
    f.text("### 送达\n送达过程同步音像记录；准予许可的，自决定之日起十日内颁发、送达许可证件。")
    f.choice(
        "select",
        "deliveryMethod",
        "送达方式",
        [
            ("direct", "直接送达（窗口领取）"),
            ("mail", "邮寄送达"),
            ("electronic", "电子送达"),
            ("left", "留置送达"),
            ("notice", "公告送达"),
        ],
        required=True,
    )
    f.datetime("deliveredAt", "送达时间", required=True)
    f.textfield("recipient", "受送达人", required=True, maxLength=100)
    f.textfield("deliveryProofNo", "送达回证编号 / 邮件单号", maxLength=60)
    f.checkbox("mediaRecorded", "已同步音像记录并上传")
    return f


def archive() -> FormBuilder:
    f = FormBuilder("archive")
    f.text("### 归档\n核对受理、审查、决定、送达、公示各环节的文字和音像记录，电子案卷归档。")
    f.checkbox("recordsComplete", "案卷材料齐全，全过程记录已核对，准予归档", required=True)
    f.textfield("archiveNo", "档案号", required=True, maxLength=60)
    f.textarea("archiveNote", "备注", maxLength=1000)
    return f


FORMS = [
    acceptance,
    supplement,
    material_review,
    on_site_inspection,
    hearing,
    expert_review,
    handler_review,
    proposal_revision,
    legal_review,
    contest,
    coordination,
    decision,
    delivery,
    archive,
]


def write_forms(directory: Path) -> None:
    directory.mkdir(exist_ok=True)
    for build in FORMS:
        form = build().to_json()
        text = json.dumps(form, ensure_ascii=False, indent=2) + "\n"
        (directory / f"{form['id']}.form").write_text(text, encoding="utf-8")
