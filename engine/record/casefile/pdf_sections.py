"""The sections of the index PDF, in order: each takes the case file data and returns flowables."""

from __future__ import annotations

from collections.abc import Callable
from xml.sax.saxutils import escape

from reportlab.platypus import Flowable, PageBreak, Paragraph

from engine.record.casefile.contents import CaseFileData
from engine.record.casefile.diagram import path_drawing
from engine.record.casefile.index_pdf import FONT, Styles, grid, pairs, when
from engine.record.casefile.pdf_words import (
    REVIEW_ITEMS,
    STATUS_ZH,
    _data,
    _deadline_rows,
    _heading,
    _summary_of,
    _task_rows,
    _value,
    action_zh,
)
from engine.record.chain import Link
from engine.record.evidence.rows import KIND_ZH

Section = Callable[[CaseFileData, "Link | None", Styles, float, float], list[Flowable]]


def summary(data: CaseFileData, head: Link | None, styles: Styles, width: float, _h: float) -> list[Flowable]:
    props = data.process_properties
    rows = [
        ("办件编号", data.case_id),
        ("事项名称", data.process_name),
        ("事项编码", props.get("sanxiang.itemCode")),
        ("实施主体", props.get("sanxiang.body")),
        ("流程", f"{data.process_key} 第 {data.process_version} 版"),
        ("状态", STATUS_ZH.get(data.status, data.status)),
        ("业务编号", data.business_key),
        ("申请时间", when(data.started_at)),
        ("发起人", data.started_by),
        ("办结时间", when(data.ended_at)),
        ("设定依据", props.get("sanxiang.legalBasis")),
        ("记录", f"{len(data.entries)} 条；证据文件 {len(data.evidence)} 个"),
        ("办件记录链头", f"第 {head.seq} 条 {head.hash}" if head else "—"),
    ]
    return [_heading("一、办件概况", styles), pairs(styles, rows, width)]


def applicant(
    data: CaseFileData, _head: Link | None, styles: Styles, width: float, _h: float
) -> list[Flowable]:
    rows = [(str(k), v) for k, v in data.applicant.items()]
    if not rows:
        rows = [(k, v) for k, v in data.variables.items() if "applicant" in k.lower() or k.lower() == "name"]
    return [_heading("二、申请人", styles), pairs(styles, rows or [("申请人", "（未登记）")], width)]


def diagram(
    data: CaseFileData, _head: Link | None, styles: Styles, width: float, height: float
) -> list[Flowable]:
    drawing = path_drawing(
        data.bpmn_xml,
        data.process_key,
        data.path_taken(),
        data.waiting_at(),
        font=FONT,
        width=width,
        height=height - 60,
    )
    note = Paragraph("绿色为已经过的环节与连线，蓝色为当前等待的环节。", styles.body)
    body: list[Flowable] = (
        [drawing] if drawing is not None else [Paragraph("（流程图无法绘制）", styles.body)]
    )
    return [PageBreak(), _heading("三、办理路径（流程图）", styles), note, *body]


def timeline(
    data: CaseFileData, _head: Link | None, styles: Styles, width: float, _h: float
) -> list[Flowable]:
    rows = []
    for e in data.entries:
        c = e.content
        rows.append(
            [
                e.case_seq,
                when(c.recorded_at),
                action_zh(c.action) + f"\n{c.action}",
                data.element_names.get(c.element_id or "", c.element_id or ""),
                c.actor + (f"（{c.actor_role}）" if c.actor_role else ""),
                _summary_of(e),
                len(c.evidence) or "",
                (e.case_hash or "")[:16],
            ]
        )
    widths = [w * width for w in (0.04, 0.1, 0.11, 0.1, 0.1, 0.4, 0.04, 0.11)]
    header = ["序号", "时间（北京）", "动作", "环节", "办理人（角色）", "内容", "证据", "链哈希"]
    return [PageBreak(), _heading("四、全过程记录时间线", styles), grid(styles, header, rows, widths)]


def review(data: CaseFileData, _head: Link | None, styles: Styles, width: float, _h: float) -> list[Flowable]:
    out: list[Flowable] = [_heading("五、法制审核（审核清单与意见）", styles)]
    reviews = [e for e in data.entries if e.content.actor_role == "legal-review" and _data(e)]
    for number, entry in enumerate(reviews, 1):
        values = _data(entry)
        rows = [
            [i, label, _value(values.get(f"check{i}")), values.get(f"note{i}")]
            for i, label in enumerate(REVIEW_ITEMS, 1)
        ]
        who = f"{entry.content.actor}，{when(entry.content.recorded_at)}"
        out.append(
            Paragraph(
                escape(f"第 {number} 次审核：{who}；结论：{_value(values.get('reviewConclusion')) or '—'}"),
                styles.body,
            )
        )
        out.append(
            grid(
                styles,
                ["项", "审核内容", "结果", "说明"],
                rows,
                [width * 0.05, width * 0.3, width * 0.15, width * 0.5],
            )
        )
        out.append(Paragraph(escape(f"法制审核意见：{values.get('reviewOpinion') or '—'}"), styles.body))
    if not reviews:
        out.append(Paragraph("本案无法制审核记录（非重大执法决定或尚未审核）。", styles.body))
    return out


def decision(
    data: CaseFileData, _head: Link | None, styles: Styles, width: float, _h: float
) -> list[Flowable]:
    out: list[Flowable] = [_heading("六、决定", styles)]
    decisions = [e for e in data.entries if e.content.actor_role == "decision" and _data(e)]
    for entry in decisions:
        values = _data(entry)
        rows = [
            ("决定人", entry.content.actor),
            ("决定时间", when(entry.content.recorded_at)),
            *((str(k), _value(v)) for k, v in values.items()),
        ]
        out.append(pairs(styles, rows, width))
    if not decisions:
        out.append(Paragraph("尚未作出决定。", styles.body))
    return out


def deadlines(
    data: CaseFileData, _head: Link | None, styles: Styles, width: float, _h: float
) -> list[Flowable]:
    props = data.process_properties
    out: list[Flowable] = [
        _heading("七、办理时限", styles),
        Paragraph(
            escape(
                f"法定时限：{props.get('sanxiang.statutoryDays', '—')} 个工作日；承诺时限："
                f"{props.get('sanxiang.promisedDays', '—')} 个工作日；决定公示："
                f"{props.get('sanxiang.disclosureDays', '—')}"
                " 个工作日内。"
            ),
            styles.body,
        ),
    ]
    recorded, tasks = _deadline_rows(data), _task_rows(data)
    if recorded:
        out.append(
            grid(
                styles,
                ["记录时间", "动作", "时限", "依据", "期限", "完成日", "是否按时"],
                recorded,
                [w * width for w in (0.13, 0.12, 0.12, 0.25, 0.13, 0.13, 0.12)],
            )
        )
    if tasks:
        out.append(grid(styles, ["环节", "期限", "完成时间", "是否按时"], tasks, [width * 0.25] * 4))
    if not recorded and not tasks:
        out.append(Paragraph("本案没有时限记录。", styles.body))
    return out


def publication(
    data: CaseFileData, _head: Link | None, styles: Styles, width: float, _h: float
) -> list[Flowable]:
    found = [
        e
        for e in data.entries
        if e.content.action.startswith("disclosure") or e.content.actor_role == "disclosure"
    ]
    rows = [
        [when(e.content.recorded_at), action_zh(e.content.action), e.content.actor, _summary_of(e)]
        for e in found
    ]
    body: Flowable = (
        grid(
            styles,
            ["时间", "动作", "办理人", "内容"],
            rows,
            [width * 0.15, width * 0.15, width * 0.1, width * 0.6],
        )
        if rows
        else Paragraph("尚无公示记录。", styles.body)
    )
    return [_heading("八、公示", styles), body]


def evidence(
    data: CaseFileData, _head: Link | None, styles: Styles, width: float, _h: float
) -> list[Flowable]:
    rows = [
        [
            row.name,
            KIND_ZH.get(row.kind, row.kind),
            row.media_type,
            f"{row.size:,}",
            data.element_names.get(row.element_id or "", row.element_id or "—"),
            "是" if row.covers_whole else "",
            row.added_by,
            when(row.added_at),
            row.sha256,
        ]
        for row in data.evidence
    ]
    widths = [w * width for w in (0.14, 0.05, 0.1, 0.08, 0.09, 0.05, 0.06, 0.1, 0.33)]
    header = ["文件名", "类别", "类型", "字节", "环节", "全程录像", "上传人", "上传时间", "SHA-256"]
    body: Flowable = (
        grid(styles, header, rows, widths, style=styles.small)
        if rows
        else Paragraph("本案无证据文件。", styles.body)
    )
    return [
        _heading("九、证据清单", styles),
        body,
        Paragraph(
            "证据文件见压缩包 evidence/ 目录，文件名即其 SHA-256；manifest.json 列出每个文件的哈希。",
            styles.body,
        ),
    ]


def signatures(
    data: CaseFileData, _head: Link | None, styles: Styles, width: float, _h: float
) -> list[Flowable]:
    """The co-signatures of multi-instance tasks (会签/或签/票签), in record order; none: no section."""
    rows = []
    for e in data.entries:
        sign = e.content.payload.get("signature") if e.content.action == "task.completed" else None
        if isinstance(sign, dict):
            element = e.content.element_id or ""
            rows.append(
                [
                    e.case_seq,
                    data.element_names.get(element, element),
                    f"{int(sign.get('loopCounter', 0)) + 1}/{sign.get('nrOfInstances', '—')}",
                    e.content.actor,
                    when(e.content.recorded_at),
                    _value(sign.get("choice")),
                    sign.get("opinion") or "—",
                ]
            )
    if not rows:
        return []
    widths = [w * width for w in (0.06, 0.14, 0.08, 0.1, 0.14, 0.12, 0.36)]
    header = ["序号", "环节", "份次", "签署人", "签署时间", "意见", "意见说明"]
    return [_heading("十、会签记录（多人签署）", styles), grid(styles, header, rows, widths)]


SECTIONS: tuple[Section, ...] = (
    summary,
    applicant,
    diagram,
    timeline,
    review,
    decision,
    deadlines,
    publication,
    evidence,
    signatures,
)
