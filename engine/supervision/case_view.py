"""One case as the supervisor sees it: where it went, where it waits, what failed, how long each step
took, its record timeline and its variables (personal data masked for viewers who may not see it).

The diagram overlays come from the record (the ``path`` of every step's payload), the task projection
(how long at each task) and the restored workflow (where it waits now, including timers and messages).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from engine.deadlines.tracking import CALENDAR_MAX_AGE
from engine.disclosure.redaction import redact
from engine.kernel.json_types import JsonObject, JsonValue
from engine.kernel.ports import Actor, CaseRow, TaskRow, present
from engine.supervision.access import load_case, require_supervisor
from engine.supervision.detect import Detection
from engine.supervision.rows import FAILED, Finding

if TYPE_CHECKING:
    from engine.kernel.context import AppContext
    from engine.record.chain import Entry

PERSONAL_DATA_GROUPS = frozenset({"supervisor"})  # who sees personal data unmasked on the console
PERSONAL_KEY = re.compile(
    r"(?i)(phone|mobile|tel|idnumber|idcard|identity|applicantid|address|bank|account|身份证|电话|住址)"
)
SUMMARY_KEYS = ("reason", "reason_zh", "code", "to", "left", "message", "outcome", "fromVersion", "toVersion")
MOVE_TAGS = frozenset(
    {
        "userTask",
        "manualTask",
        "task",
        "serviceTask",
        "sendTask",
        "receiveTask",
        "businessRuleTask",
        "scriptTask",
        "intermediateCatchEvent",
        "intermediateThrowEvent",
    }
)


@dataclass(frozen=True)
class Waiting:
    element_id: str
    name: str
    kind: str  # task | timer | message | signal | other
    since: datetime
    task: TaskRow | None = None


@dataclass(frozen=True)
class TimelineEntry:
    seq: int | None
    at: datetime
    action: str
    actor: str
    element_id: str | None
    summary: JsonObject


@dataclass(frozen=True)
class CaseConsole:
    case: CaseRow
    process_name: str
    process_version: int
    xml: str
    path: list[str]
    waiting: list[Waiting]
    failed: list[str]
    seconds: dict[str, float]  # element id -> time spent there (tasks; waits so far)
    findings: list[Finding]
    timeline: list[TimelineEntry]
    variables: JsonObject
    redacted: bool
    targets: list[tuple[str, str]] = field(default_factory=list)  # elements a move may aim at


def may_see_personal_data(actor: Actor) -> bool:
    return actor.in_any(PERSONAL_DATA_GROUPS)


def _mask(key: str, value: JsonValue) -> Any:
    if isinstance(value, dict):
        return {k: _mask(k, v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask(key, v) for v in value]
    if not isinstance(value, str):
        return value
    text = redact(value).text
    if text == value and PERSONAL_KEY.search(key) and len(value) > 2:
        keep = max(1, len(value) // 4)
        return value[:keep] + "*" * (len(value) - 2 * keep) + value[-keep:]
    return text


def masked_variables(variables: JsonObject) -> JsonObject:
    """Case variables with the personal data of natural persons masked (``engine.disclosure.redaction``)."""
    return {key: _mask(key, value) for key, value in variables.items()}


def _path(entries: list[Entry]) -> list[str]:
    seen: list[str] = []
    for entry in entries:
        for element in entry.content.payload.get("path") or ():
            if element not in seen:
                seen.append(element)
    return seen


def _seconds(tasks: list[TaskRow], now: datetime) -> dict[str, float]:
    spent: dict[str, float] = {}
    for task in tasks:
        end = task.completed_at or (now if task.status == "ready" else task.created_at)
        spent[task.element_id] = spent.get(task.element_id, 0.0) + max(
            (end - task.created_at).total_seconds(), 0.0
        )
    return spent


def _timeline(entries: list[Entry]) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            e.case_seq,
            e.content.recorded_at,
            e.content.action,
            e.content.actor,
            e.content.element_id,
            {k: e.content.payload[k] for k in SUMMARY_KEYS if k in e.content.payload},
        )
        for e in entries
    ]


def case_console(ctx: AppContext, case_id: str, actor: Actor) -> CaseConsole:
    require_supervisor(actor)
    now = ctx.clock()
    with ctx.uow(readonly=True) as uow:
        case = load_case(uow, case_id)
        row = present(uow.processes.get(case.process_id), "process")
        parsed = ctx.processes.get(uow, case.process_id)
        workflow = ctx.runner.restore(parsed, case.state)
        tasks = uow.tasks.for_case(case_id)
        entries = uow.records.for_case(case_id)
        detection = Detection(ctx, uow, now, ctx.calendar.refresh(uow, max_age=CALENDAR_MAX_AGE), case_id)
        found = [f for f in detection.all() if f.case_id == case_id]
    ready = {t.id: t for t in tasks if t.status == "ready"}
    waiting = (
        [
            Waiting(
                w.element_id,
                _name(parsed, w.element_id),
                w.kind,
                ready[w.task_id].created_at if w.task_id in ready else case.updated_at,
                ready.get(w.task_id),
            )
            for w in workflow.waiting_at()
        ]
        if case.status in ("running", "suspended")
        else []
    )
    seconds = _seconds(tasks, now)
    for wait in waiting:
        if wait.task is None:
            seconds[wait.element_id] = (now - wait.since).total_seconds()
    variables = workflow.variables
    shown = variables if may_see_personal_data(actor) else masked_variables(variables)
    targets = sorted(
        (e.element_id, e.name or e.element_id) for e in parsed.elements.values() if e.tag in MOVE_TAGS
    )
    return CaseConsole(
        case,
        row.name or row.key,
        row.version,
        row.xml,
        _path(entries),
        waiting,
        sorted({f.element_id for f in found if f.status == FAILED and f.element_id}),
        seconds,
        found,
        _timeline(entries),
        shown,
        shown is not variables,
        targets,
    )


def _name(parsed: Any, element_id: str) -> str:
    info = parsed.elements.get(element_id)
    return (info.name if info is not None else None) or element_id


def duration_text(seconds: float) -> tuple[str, str]:
    """A short duration in Chinese and English: "2天3小时" / "2d 3h", "45分钟" / "45 min"."""
    span = timedelta(seconds=max(seconds, 0))
    days, hours, minutes = span.days, span.seconds // 3600, span.seconds % 3600 // 60
    if days:
        return f"{days}天{hours}小时", f"{days}d {hours}h"
    if hours:
        return f"{hours}小时{minutes}分", f"{hours}h {minutes}m"
    return f"{minutes}分钟", f"{minutes} min"


def case_diagram(ctx: AppContext, case_id: str, actor: Actor) -> str:
    """The BPMN XML of the process version the case runs on (for the bpmn-js viewer)."""
    require_supervisor(actor)
    with ctx.uow(readonly=True) as uow:
        row = present(uow.processes.get(load_case(uow, case_id).process_id), "process")
        return str(row.xml)
