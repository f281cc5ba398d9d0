"""The case file's words: Chinese names of actions, statuses, review items and values; the
headings, value formatting and table rows the sections share."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from xml.sax.saxutils import escape

from reportlab.platypus import Paragraph

from engine.kernel.json_types import JsonValue
from engine.record.casefile.contents import CaseFileData
from engine.record.casefile.index_pdf import Styles, when
from engine.record.chain import Entry
from engine.record.refusals.rules import ATTEMPTS, refused_attempt

ACTIONS_ZH = {
    "case.started": "办件开始",
    "case.completed": "办结",
    "task.completed": "环节办理完成",
    "task.claimed": "认领任务",
    "task.unclaimed": "退回认领",
    "task.refused": "办理被拒（程序不合法）",
    "decision.refused": "决定被拒（未经法制审核）",
    "review.refused": "审核被拒",
    "deadline.opened": "开始计时",
    "deadline.met": "时限届满前办结",
    "evidence.added": "上传证据",
    "case.exported": "导出电子卷宗",
    "audit.head-exported": "导出签名链头",
    "refusals.suppressed": "重复被拒（仅计数）",
}


def action_zh(action: str) -> str:
    """An entry's action in Chinese; a refused attempt (``record.refusals.rules``) as "<attempt>被拒"."""
    attempt = refused_attempt(action) if action not in ACTIONS_ZH else None
    return f"{ATTEMPTS[attempt][0]}被拒" if attempt else ACTIONS_ZH.get(action, action)


STATUS_ZH = {"running": "办理中", "completed": "已办结", "ready": "待办", "cancelled": "已取消"}


REVIEW_ITEMS = (
    "主体合法",
    "事实清楚",
    "证据确凿充分",
    "适用法律准确",
    "裁量基准适当",
    "程序合法",
    "未超越职权、未滥用职权",
    "文书规范齐备",
    "涉嫌犯罪需移送司法机关",
    "其他",
)


VALUES_ZH = {
    "pass": "通过",
    "return": "退回补充",
    "reject": "不通过",
    "grant": "准予许可",
    "deny": "不予许可",
}


def _heading(title: str, styles: Styles) -> Paragraph:
    return Paragraph(escape(title), styles.heading)


def _data(entry: Entry) -> Mapping[str, JsonValue]:
    data = entry.content.payload.get("data")
    return data if isinstance(data, dict) else {}


def _value(value: JsonValue) -> Any:
    if isinstance(value, bool) or value is None:
        return {True: "是", False: "否", None: "—"}[value]
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return VALUES_ZH.get(value, value) if isinstance(value, str) else value


def _summary_of(entry: Entry) -> str:
    payload = entry.content.payload
    shown = _data(entry) or {k: v for k, v in payload.items() if k not in ("path", "created")}
    text = "；".join(f"{k}={_value(v)}" for k, v in shown.items())
    return text if len(text) <= 240 else text[:239] + "…"


def _deadline_rows(data: CaseFileData) -> list[list[Any]]:
    rows = []
    for entry in data.entries:
        if not entry.content.action.startswith("deadline."):
            continue
        p = entry.content.payload
        on_time = p.get("onTime")
        verdict = "" if on_time is None else ("按时" if on_time else "超期")
        rows.append(
            [
                when(entry.content.recorded_at),
                action_zh(entry.content.action),
                p.get("kind"),
                p.get("basis"),
                p.get("due"),
                p.get("on"),
                verdict,
            ]
        )
    return rows


def _task_rows(data: CaseFileData) -> list[list[Any]]:
    rows = []
    for task in data.tasks:
        if task.due_at is not None:
            done = task.completed_at
            verdict = "未办结" if done is None else ("按时" if done <= task.due_at else "超期")
            rows.append([task.name, when(task.due_at), when(done), verdict])
    return rows
