"""The activity and variable histories of a case, derived from its record and its task projection —
never from its workflow state.

- **Activity instances**: every task of the case (waiting: unfinished; completed; cancelled: ``canceled``),
  and every other element a step passed (each record entry's ``path``): an event, a gateway, a service
  task, one instance per passage, started and ended when the step was recorded. A timer or message event
  the case still waits at appears once it is passed.
- **Variable instances**: each variable's latest value as the record carries it: the variables a case
  was opened with (``case.started``), what each completion submitted (``task.completed``), the data of
  each message (``message.received``) and each fact correction (``fact.corrected``). Created when first
  recorded; the record keeps JSON values, so a date is its text (a String).

Camunda's activity types are its ``ActivityTypes`` names (``userTask``, ``noneEndEvent``,
``intermediateTimer``, ``boundaryMessage`` …)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from engine.kernel.json_types import JsonObject, JsonValue
from engine.kernel.ports import CaseRow, ProcessRow, TaskRow
from engine.record.chain import Entry

# BPMN tag -> Camunda ActivityTypes name, for elements whose type needs no event definition
_PLAIN = {
    tag: tag
    for tag in (
        "userTask",
        "serviceTask",
        "scriptTask",
        "manualTask",
        "task",
        "sendTask",
        "receiveTask",
        "businessRuleTask",
        "callActivity",
        "subProcess",
        "exclusiveGateway",
        "parallelGateway",
        "inclusiveGateway",
        "eventBasedGateway",
    )
}
# (event tag, event definition) -> Camunda ActivityTypes name ("" = none)
_EVENTS = {
    ("startEvent", ""): "startEvent",
    ("startEvent", "timerEventDefinition"): "startTimerEvent",
    ("startEvent", "messageEventDefinition"): "messageStartEvent",
    ("endEvent", ""): "noneEndEvent",
    ("endEvent", "terminateEventDefinition"): "terminateEndEvent",
    ("endEvent", "errorEventDefinition"): "errorEndEvent",
    ("endEvent", "messageEventDefinition"): "messageEndEvent",
    ("intermediateCatchEvent", "timerEventDefinition"): "intermediateTimer",
    ("intermediateCatchEvent", "messageEventDefinition"): "intermediateMessageCatch",
    ("intermediateCatchEvent", "signalEventDefinition"): "intermediateSignalCatch",
    ("intermediateThrowEvent", ""): "intermediateNoneThrowEvent",
    ("intermediateThrowEvent", "messageEventDefinition"): "intermediateMessageThrowEvent",
    ("boundaryEvent", "timerEventDefinition"): "boundaryTimer",
    ("boundaryEvent", "messageEventDefinition"): "boundaryMessage",
    ("boundaryEvent", "errorEventDefinition"): "boundaryError",
}
COMPLETES_SCOPE = frozenset({"noneEndEvent", "terminateEndEvent", "errorEndEvent", "messageEndEvent"})
# record action -> where its variables are in the payload
_VARIABLES = {
    "case.started": "variables",
    "task.completed": "data",
    "message.received": "data",
    "external-task.completed": "data",
    "external-task.bpmn-error": "data",
}
CORRECTION = "fact.corrected"


@dataclass(frozen=True)
class ElementKind:
    """What the history needs of a flow node: its name and BPMN tag and event definitions."""

    name: str
    tag: str
    event_definitions: tuple[str, ...] = ()


@dataclass(frozen=True)
class CaseHistory:
    case: CaseRow
    process: ProcessRow
    elements: Mapping[str, ElementKind]
    entries: Sequence[Entry]  # the case's record entries, in order
    tasks: Sequence[TaskRow]


def activity_type(kind: ElementKind | None) -> str:
    if kind is None:
        return "unknown"
    if kind.tag in _PLAIN:
        return _PLAIN[kind.tag]
    definition = kind.event_definitions[0] if kind.event_definitions else ""
    return _EVENTS.get((kind.tag, definition), kind.tag)


def _common(h: CaseHistory) -> JsonObject:
    return {
        "case_id": h.case.id,
        "process_id": h.process.id,
        "process_key": h.process.key,
        "process": h.process,
        "tenant": None,
    }


def _task_activity(h: CaseHistory, task: TaskRow, created_by: Mapping[str, int]) -> JsonObject:
    kind = h.elements.get(task.element_id)
    return {
        "order": (created_by.get(task.id, 0), 1_000_000),
        **_common(h),
        "id": f"{task.element_id}:{task.id}",
        "element_id": task.element_id,
        "name": task.name,
        "type": activity_type(kind) if kind is not None else "userTask",
        "task_id": task.id,
        "assignee": task.completed_by or task.assignee,
        "started_at": task.created_at,
        "ended_at": task.completed_at,
        "canceled": task.status == "cancelled",
        "complete_scope": False,
    }


def _passed(h: CaseHistory, entry: Entry, index: int, element: str) -> JsonObject:
    kind = h.elements.get(element)
    type_ = activity_type(kind)
    return {
        "order": (entry.global_seq, index),
        **_common(h),
        "id": f"{element}:{entry.global_seq}.{index}",
        "element_id": element,
        "name": kind.name if kind is not None else element,
        "type": type_,
        "task_id": None,
        "assignee": None,
        "started_at": entry.content.recorded_at,
        "ended_at": entry.content.recorded_at,
        "canceled": False,
        "complete_scope": type_ in COMPLETES_SCOPE,
    }


def activity_rows(h: CaseHistory) -> list[JsonObject]:
    """The case's activity instances, oldest first."""
    with_tasks = {t.element_id for t in h.tasks}
    created_by = {
        str(made.get("task")): entry.global_seq
        for entry in h.entries
        for made in entry.content.payload.get("created") or ()
    }
    rows = [_task_activity(h, task, created_by) for task in h.tasks]
    for entry in h.entries:
        for index, element in enumerate(entry.content.payload.get("path") or ()):
            if element in with_tasks and activity_type(h.elements.get(element)) == "userTask":
                continue  # the task row is this passage, with its real start and end
            rows.append(_passed(h, entry, index, element))
    rows.sort(key=lambda row: row["order"])  # the order the steps were recorded in
    return rows


def _changes(entry: Entry) -> Iterable[tuple[str, JsonValue]]:
    payload, action = entry.content.payload, entry.content.action
    if action in _VARIABLES:
        yield from (payload.get(_VARIABLES[action]) or {}).items()
    elif action == CORRECTION:
        yield from ((name, change.get("to")) for name, change in (payload.get("facts") or {}).items())


def variable_rows(h: CaseHistory) -> list[JsonObject]:
    """Each variable of the case with its latest recorded value, in the order first recorded."""
    rows: dict[str, JsonObject] = {}
    for entry in h.entries:
        for name, value in _changes(entry):
            row = rows.setdefault(
                name,
                {
                    **_common(h),
                    "id": f"{h.case.id}:{name}",
                    "name": name,
                    "created_at": entry.content.recorded_at,
                },
            )
            row["value"] = value
    return list(rows.values())
