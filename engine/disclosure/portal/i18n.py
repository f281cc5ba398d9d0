"""The portal's words in Chinese (default) and English: one dictionary, no catalogue build step.

The language is ``?lang=zh|en`` when given (and kept in every portal link), else the browser's
Accept-Language (zh or en), else Chinese. Content from the bureau (item names, guides, decision texts)
stays as written, in Chinese.
"""

from __future__ import annotations

from flask import request

LANGUAGES = ("zh", "en")

WORDS: dict[str, tuple[str, str]] = {
    "portal": ("行政审批公示平台", "Administrative approval disclosure"),
    "nav.items": ("事项清单", "Approval items"),
    "nav.catalogue": ("重大执法决定目录", "Major-decision catalogue"),
    "nav.staff": ("执法人员", "Staff on duty"),
    "nav.decisions": ("决定公示", "Published decisions"),
    "nav.query": ("结果查询", "Result query"),
    "nav.statistics": ("数据统计", "Statistics"),
    "nav.open": ("开放数据", "Open data"),
    "switch": ("English", "中文"),
    "items.title": ("行政执法事项清单", "List of approval items"),
    "items.intro": (
        "本局实施的行政许可事项及其服务指南（事前公开）。",
        "The licensing items of this bureau and their service guides (published before).",
    ),
    "items.none": ("尚未发布事项。", "No items are published yet."),
    "item.guide": ("服务指南", "Service guide"),
    "item.flowchart": ("办理流程图", "Flowchart"),
    "item.version": ("版本", "version"),
    "item.days": ("个工作日", "working days"),
    "item.notfound": ("未找到该事项。", "No such item."),
    "item.full_size": ("查看原尺寸流程图", "Open the flowchart at full size"),
    "item.disclosure": (
        "作出决定之日起 {n} 个工作日内公示",
        "published within {n} working days of the decision",
    ),
    "f.itemName": ("事项名称", "Item"),
    "f.itemCode": ("事项编码", "Item code"),
    "f.itemType": ("事项类型", "Type"),
    "f.body": ("实施主体", "Implementing body"),
    "f.acceptingBody": ("受理机构", "Accepting body"),
    "f.decidingBody": ("决定机构", "Deciding body"),
    "f.legalBasis": ("设定依据", "Legal basis"),
    "f.conditions": ("许可条件", "Conditions"),
    "f.preferential": ("优惠政策", "Preferential policies"),
    "f.materials": ("申请材料", "Required materials"),
    "f.statutoryDays": ("法定办理时限", "Statutory time limit"),
    "f.promisedDays": ("承诺办理时限", "Promised time limit"),
    "f.specialProcedures": ("特别程序（不计入时限）", "Special procedures (not counted)"),
    "f.fees": ("收费标准", "Fees"),
    "f.office": ("办理地点", "Where"),
    "f.hours": ("办理时间", "Office hours"),
    "f.phone": ("咨询电话", "Telephone"),
    "f.supervision": ("监督方式", "Supervision"),
    "f.accountability": ("责任追究", "Accountability"),
    "f.remedy": ("救济渠道", "Remedies"),
    "f.disclosureDays": ("结果公示", "Publication of the decision"),
    "f.majorCatalogue": ("重大执法决定情形", "Major decisions"),
    "catalogue.title": (
        "重大执法决定法制审核目录清单",
        "Catalogue of major decisions subject to legal review",
    ),
    "catalogue.intro": (
        "下列情形作出的行政许可决定，须经法制审核；未经法制审核或者审核未通过的，不得作出决定。",
        "Decisions in these situations need a legal review first; "
        "none is made without one or after a failed one.",
    ),
    "staff.title": ("执法人员公示", "Staff on duty"),
    "staff.intro": (
        "办理审批事项的工作人员及其岗位、执法证件（事中公示）。",
        "The people handling applications, their posts and enforcement certificates.",
    ),
    "staff.name": ("姓名", "Name"),
    "staff.post": ("岗位", "Post"),
    "staff.department": ("部门", "Department"),
    "staff.window": ("窗口", "Window"),
    "staff.roles": ("执法类别", "Duties"),
    "staff.certificate": ("执法证件号", "Certificate no."),
    "staff.valid": ("有效", "valid"),
    "staff.invalid": ("无有效证件", "no valid certificate"),
    "staff.none": ("暂无。", "None."),
    "role.window-clerk": ("窗口受理", "window clerk"),
    "role.handler": ("承办审查", "case handler"),
    "role.legal-reviewer": ("法制审核", "legal reviewer"),
    "role.approver": ("审批决定", "approver"),
    "decisions.title": ("行政许可决定公示", "Published licensing decisions"),
    "decisions.intro": (
        "行政许可决定自作出之日起 7 个工作日内公示；个人信息已依法脱敏。",
        "Decisions are published within 7 working days; personal data is masked.",
    ),
    "search.item": ("事项", "Item"),
    "search.all": ("全部事项", "All items"),
    "search.from": ("决定日期自", "Decided from"),
    "search.to": ("至", "to"),
    "search.text": ("关键词", "Text"),
    "search.go": ("查询", "Search"),
    "search.bad_date": ("日期格式应为 2026-01-31，已忽略。", "Dates look like 2026-01-31; ignored."),
    "decisions.none": ("没有符合条件的公示。", "No published decision matches."),
    "decisions.count": ("共 {n} 条", "{n} in all"),
    "page.prev": ("上一页", "Previous"),
    "page.next": ("下一页", "Next"),
    "page.of": ("第 {p} / {n} 页", "page {p} of {n}"),
    "d.case": ("办件号", "Case"),
    "d.decisionNo": ("决定文书编号", "Decision no."),
    "d.decision": ("决定", "Decision"),
    "d.decidedOn": ("决定日期", "Decided on"),
    "d.publishedAt": ("公示日期", "Published on"),
    "d.text": ("公示内容", "Text"),
    "d.grant": ("准予许可", "granted"),
    "d.deny": ("不予许可", "denied"),
    "d.withdrawn": ("已撤回", "withdrawn"),
    "d.withdrawn_notice": (
        "该决定已于 {day} 撤回公示（{kind}）。",
        "This decision was withdrawn on {day} ({kind}).",
    ),
    "d.reason": ("撤回原因", "Reason"),
    "d.notfound": ("未找到该公示。", "No such published decision."),
    "kind.revoked": ("决定被撤销", "revoked"),
    "kind.unlawful": ("决定被确认违法", "confirmed unlawful"),
    "kind.redo": ("决定被责令重新作出", "ordered to be redone"),
    "query.title": ("办件结果查询", "Result query"),
    "query.intro": (
        "凭办件号和受理时领取的查询码查询办理进度和结果。",
        "Enter the case number and the query code you were given at acceptance.",
    ),
    "query.case": ("办件号", "Case number"),
    "query.code": ("查询码", "Query code"),
    "query.go": ("查询", "Query"),
    "query.wrong": ("办件号或查询码不正确。", "The case number or the query code is wrong."),
    "query.missing": ("请填写办件号和查询码。", "Enter both the case number and the query code."),
    "query.limited": (
        "查询过于频繁，请 {s} 秒后再试。",
        "Too many queries from your address: try again in {s} seconds.",
    ),
    "query.status": ("办理状态", "Status"),
    "query.running": ("办理中", "in progress"),
    "query.completed": ("已办结", "completed"),
    "query.waiting": ("当前环节", "Now at"),
    "query.started": ("申请日期", "Applied on"),
    "query.ended": ("办结日期", "Completed on"),
    "query.nodecision": ("尚未公示决定。", "No decision published yet."),
    "stats.title": ("执法数据网上统计", "Statistics"),
    "stats.intro": (
        "按事项、按月统计：申请量、准予、不予、平均办理工作日、按时办结率。",
        "Per item and month: applications, grants, denials, average working days, on-time rate.",
    ),
    "stats.month": ("月份", "Month"),
    "stats.applications": ("申请", "Applications"),
    "stats.grants": ("准予", "Granted"),
    "stats.denials": ("不予", "Denied"),
    "stats.average": ("平均工作日", "Avg. working days"),
    "stats.ontime": ("按时办结率", "On time"),
    "stats.total": ("合计", "Total"),
    "stats.chart": ("每月申请与决定", "Applications and decisions per month"),
    "stats.chart_ontime": ("每月按时办结率", "On-time rate per month"),
    "stats.all": ("全部事项", "All items"),
    "open.title": ("开放数据", "Open data"),
    "open.intro": (
        "公示数据可按以下格式获取，均为脱敏数据。",
        "The published data, masked, in these formats.",
    ),
    "footer": ("本平台仅公开经脱敏处理的信息。", "Only masked data is published here."),
    "notfound": ("页面不存在。", "Page not found."),
}


def language() -> str:
    chosen = request.args.get("lang", "")
    if chosen in LANGUAGES:
        return chosen
    offered = ["zh", "zh-CN", "zh-Hans", "en", "en-US", "en-GB"]
    best = request.accept_languages.best_match(offered, default="zh")
    return "en" if (best or "zh").startswith("en") else "zh"


def explicit_language() -> str | None:
    chosen = request.args.get("lang", "")
    return chosen if chosen in LANGUAGES else None


def word(key: str, lang: str, **values: object) -> str:
    pair = WORDS.get(key)
    text = key if pair is None else pair[LANGUAGES.index(lang)]
    return text.format(**values) if values else text
