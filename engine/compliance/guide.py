"""Compliance rules on properties: the service guide (事前公开), roles, evidence and certificates,
and who does each user task with which form."""

from __future__ import annotations

from collections.abc import Iterator

from engine.compliance.catalogue import finding
from engine.compliance.document.bpmn_view import Element, ProcessModel
from engine.compliance.document.graph import FlowGraph
from engine.compliance.document.namespaces import camunda_children
from engine.compliance.findings import Finding
from engine.disclosure.rules import DISCLOSURE_DAYS
from engine.kernel.process_kinds import is_procedure

GUIDE_PROPERTIES: dict[str, str] = {
    "sanxiang.itemName": "事项名称",
    "sanxiang.itemCode": "事项编码",
    "sanxiang.body": "实施主体",
    "sanxiang.legalBasis": "设定依据",
    "sanxiang.conditions": "许可条件",
    "sanxiang.materials": "申请材料",
    "sanxiang.statutoryDays": "法定时限",
    "sanxiang.promisedDays": "承诺时限",
    "sanxiang.fees": "收费标准",
    "sanxiang.office": "办理地点",
    "sanxiang.hours": "办理时间",
    "sanxiang.phone": "咨询电话",
    "sanxiang.supervision": "监督方式",
    "sanxiang.remedy": "救济渠道",
    "sanxiang.majorCatalogue": "重大执法决定目录",
}
STATUTORY_LIMIT = 20  # 《行政许可法》第42条: 20 working days unless a special law says otherwise
DISCLOSURE_LIMIT = DISCLOSURE_DAYS  # decisions published within 7 working days (engine.disclosure.rules)
MAX_RETURNS_LIMIT = 10
_ACTIVITIES = frozenset({"userTask", "manualTask", "serviceTask", "callActivity", "subProcess"})
ROLE_KINDS: dict[str, frozenset[str]] = {
    "major-check": frozenset({"exclusiveGateway"}),
    "review-outcome": frozenset({"exclusiveGateway"}),
    "legal-review": frozenset({"userTask"}),
    "coordination": frozenset({"userTask"}),
    "decision": frozenset({"userTask"}),
    "supplement": frozenset({"userTask"}),  # 补正: the clock stops while materials are supplemented
    "records-capture": frozenset({"userTask", "serviceTask"}),
    **{
        role: _ACTIVITIES
        for role in (
            "on-site",
            "hearing",
            "expert-review",
            "delivery",
            "disclosure",
            "acceptance",
            "supplement",
        )
    },
}
MEDIA_ROLES = ("on-site", "hearing", "delivery")
MEDIA_VALUES = ("audio-video", "video")


def parse_days(value: str | None) -> int | None:
    """A non-negative whole number of days, or None when it is not one."""
    text = (value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 4 else None


def guide_is_complete(process: ProcessModel, graph: FlowGraph) -> Iterator[Finding]:
    """SX-C215 on an approval item; a called procedure is no item and has no guide of its own."""
    if is_procedure(process.properties):
        return
    for key, label in GUIDE_PROPERTIES.items():
        if not process.properties.get(key, "").strip():
            yield finding(
                "SX-C215",
                f"服务指南缺少“{label}”；请在流程属性中填写 {key}",
                f"the service guide lacks {key}; fill it in the process properties",
                element_id=process.id,
                line=process.line,
            )


def guide_days_are_sane(process: ProcessModel, graph: FlowGraph) -> Iterator[Finding]:
    props = process.properties
    days: dict[str, int | None] = {}
    for key in ("sanxiang.statutoryDays", "sanxiang.promisedDays", "sanxiang.disclosureDays"):
        days[key] = parse_days(props.get(key))
        if props.get(key, "").strip() and days[key] is None:
            yield _days(
                process,
                f"{key}“{props[key]}”不是整数个工作日",
                f"{key} '{props[key]}' is not a whole number of working days",
            )
    yield from _days_out_of_range(process, days)


def _statutory_out_of_range(process: ProcessModel, statutory: int) -> Iterator[Finding]:
    special_law = process.properties.get("sanxiang.specialLaw", "").strip()
    if statutory < 1 or (statutory > STATUTORY_LIMIT and not special_law):
        yield _days(
            process,
            f"法定时限 {statutory} 日不当：行政许可法第四十二条为 {STATUTORY_LIMIT} 个工作日，"
            "更长须在 sanxiang.specialLaw 中引用特别规定",
            f"statutoryDays {statutory} is not sane: the Licensing Law art. 42 allows "
            f"{STATUTORY_LIMIT} working days; longer needs a citation in sanxiang.specialLaw",
        )


def _days_out_of_range(process: ProcessModel, days: dict[str, int | None]) -> Iterator[Finding]:
    statutory, promised = days["sanxiang.statutoryDays"], days["sanxiang.promisedDays"]
    if promised is not None and (promised < 1 or (statutory is not None and promised > statutory)):
        yield _days(
            process,
            f"承诺时限 {promised} 日必须在 1 日与法定时限之间",
            f"promisedDays {promised} must be between 1 and statutoryDays",
        )
    if statutory is not None:
        yield from _statutory_out_of_range(process, statutory)
    disclosure = days["sanxiang.disclosureDays"]
    if disclosure is not None and disclosure > DISCLOSURE_LIMIT:
        yield _days(
            process,
            f"公示期限 {disclosure} 日超过 {DISCLOSURE_LIMIT} 个工作日",
            f"disclosureDays {disclosure} exceeds {DISCLOSURE_LIMIT} working days",
        )


def _days(process: ProcessModel, zh: str, en: str) -> Finding:
    return finding(
        "SX-C216",
        f"{zh}；请改正流程属性",
        f"{en}; correct the process properties",
        element_id=process.id,
        line=process.line,
    )


def returns_are_bounded(process: ProcessModel, graph: FlowGraph) -> Iterator[Finding]:
    holders = [(process.id, process.line, process.properties)]
    holders += [(el.id, el.line, el.properties) for el in process.with_role("review-outcome")]
    for ident, line, props in holders:
        raw = props.get("sanxiang.maxReturns")
        if raw is None:
            continue
        value = parse_days(raw)
        if value is None or value > MAX_RETURNS_LIMIT:
            yield finding(
                "SX-C207",
                f"sanxiang.maxReturns “{raw}” 必须是 0 到 {MAX_RETURNS_LIMIT} 的整数（默认 3）",
                f"sanxiang.maxReturns '{raw}' must be a whole number from 0 to {MAX_RETURNS_LIMIT} "
                "(default 3)",
                element_id=ident,
                line=line,
            )


def roles_are_placed(process: ProcessModel, graph: FlowGraph) -> Iterator[Finding]:
    for el in process.elements.values():
        if el.role is not None:
            yield from _role_misplaced(el, el.role)


def _role_misplaced(el: Element, role: str) -> Iterator[Finding]:
    kinds = ROLE_KINDS.get(role)
    if kinds is None:
        known = ", ".join(ROLE_KINDS)
        yield finding(
            "SX-C209",
            f"未知角色 sanxiang.role=“{role}”；可用：{known}",
            f"unknown role sanxiang.role='{role}'; known: {known}",
            element_id=el.id,
            line=el.line,
        )
    elif el.tag not in kinds:
        allowed = "/".join(sorted(kinds))
        yield finding(
            "SX-C209",
            f"角色 {role} 不能放在 {el.tag} 上，应放在 {allowed} 上；请使用对应模板",
            f"role {role} cannot sit on a {el.tag}, only on {allowed}; use the bureau's template",
            element_id=el.id,
            line=el.line,
        )


def evidence_is_recorded(process: ProcessModel, graph: FlowGraph) -> Iterator[Finding]:
    for role in MEDIA_ROLES:
        for el in process.with_role(role):
            media = el.properties.get("sanxiang.requiresMedia")
            if media is not None and media.strip().lower() not in MEDIA_VALUES:
                yield finding(
                    "SX-C213",
                    f"{role} 环节必须录音录像，不能设为“{media}”；"
                    "请把 sanxiang.requiresMedia 设为 audio-video 或 video",
                    f"{role} must be recorded on audio/video, not '{media}'; set sanxiang.requiresMedia "
                    "to audio-video or video",
                    element_id=el.id,
                    line=el.line,
                )


def on_site_requires_certificate(process: ProcessModel, graph: FlowGraph) -> Iterator[Finding]:
    for el in process.with_role("on-site"):
        if el.properties.get("sanxiang.requiresCertificate", "").strip().lower() != "true":
            yield finding(
                "SX-C214",
                "现场踏勘只能由持有效执法证件的人员办理；请设 sanxiang.requiresCertificate=true",
                "on-site work only by staff holding a valid enforcement certificate; set "
                "sanxiang.requiresCertificate=true",
                element_id=el.id,
                line=el.line,
            )


def user_tasks_are_assigned(process: ProcessModel, graph: FlowGraph) -> Iterator[Finding]:
    for el in process.with_tag("userTask"):
        if not (el.candidate_groups or el.candidate_users or el.assignee):
            yield finding(
                "SX-C217",
                "人工任务没有办理人；请设 camunda:candidateGroups（岗位）或 camunda:assignee",
                "user task without a performer; set camunda:candidateGroups (a post) or camunda:assignee",
                element_id=el.id,
                line=el.line,
            )


def user_tasks_have_form(process: ProcessModel, graph: FlowGraph) -> Iterator[Finding]:
    for el in process.with_tag("userTask"):
        generated = el.node is not None and next(camunda_children(el.node, "formData"), None) is not None
        if not el.form and not generated:
            yield finding(
                "SX-C218",
                "人工任务没有表单；请用 camunda:formRef 关联 Camunda 表单（或 camunda:formKey），"
                "或用生成表单 camunda:formData",
                "user task without a form; link a Camunda Form with camunda:formRef (or camunda:formKey), or "
                "use a generated form (camunda:formData)",
                element_id=el.id,
                line=el.line,
            )


CHECKS = (
    guide_is_complete,
    guide_days_are_sane,
    returns_are_bounded,
    roles_are_placed,
    evidence_is_recorded,
    on_site_requires_certificate,
    user_tasks_are_assigned,
    user_tasks_have_form,
)
