"""Walk every path of a deployed Camunda 7 diagram through the service layer, with generated data.

A path is a sequence of actions from the start of a case: complete one waiting task (with data generated
from its form: a ``camunda:formData``, or a Camunda Form's fields) or let the next timer fire. Every path
is replayed from a new case (each step a save/restore, as in production), up to ``MAX_STEPS`` actions and
``MAX_TIMERS`` timer firings; a path ends when the case completes or nothing is left to do. Who completes
a task: its assignee, a candidate user, or a member of a candidate group (created in the people register as
the bureau would), or — for a task nobody can do — the supervisor assigns it first (无人可办, as the console
offers). Any refusal or step failure on the way is a failure of the walk.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from engine.cases.opening import open_case
from engine.deadlines.timers import fire_due_timers, pending_for_case
from engine.kernel.form_fields import FormField, GeneratedForm
from engine.kernel.ports import Actor
from engine.supervision.actions import reassign_task
from engine.tasks.claim_and_complete import complete_task

MAX_STEPS, MAX_TIMERS = 8, 2
STARTER = Actor("wang", frozenset({"window-clerk"}))
SUPERVISOR = Actor("zhou", frozenset({"supervisor"}))
Action = tuple[str, str]  # ("task", element id) | ("timer", "")


@dataclass
class Walk:
    actions: list[Action]
    status: str
    record: list[str] = field(default_factory=list)


class Corpus:
    def __init__(self, ctx: Any, clock: Any, process_key: str) -> None:
        self.ctx, self.clock, self.key = ctx, clock, process_key

    def walk_all(self) -> list[Walk]:
        walks, stack = [], [list[Action]()]
        while stack:
            prefix = stack.pop()
            case_id = self.replay(prefix)
            options = self.options(case_id, prefix)
            if not options or len(prefix) >= MAX_STEPS:
                walks.append(Walk(prefix, self.status(case_id)))
                continue
            stack += [[*prefix, option] for option in options]
        return walks

    def replay(self, actions: list[Action]) -> str:
        parsed = self.parsed_latest()
        case = open_case(self.ctx, self.key, form_values(parsed.start_form), STARTER)
        for action in actions:
            self.act(case.case.id, action)
        return case.case.id

    def options(self, case_id: str, prefix: list[Action]) -> list[Action]:
        with self.ctx.uow(readonly=True) as uow:
            elements = sorted({t.element_id for t in uow.tasks.for_case(case_id, status="ready")})
        found: list[Action] = [("task", element) for element in elements]
        if pending_for_case(self.ctx, case_id) and sum(a[0] == "timer" for a in prefix) < MAX_TIMERS:
            found.append(("timer", ""))
        return found

    def act(self, case_id: str, action: Action) -> None:
        if action[0] == "timer":
            due = min(item.due_at for item in pending_for_case(self.ctx, case_id))
            self.clock.now = max(self.clock.now, due + timedelta(seconds=1))
            report = fire_due_timers(self.ctx, "corpus")
            assert report.failed == 0, f"a timer failed at run time in {case_id}"
            return
        with self.ctx.uow(readonly=True) as uow:
            task = next(t for t in uow.tasks.for_case(case_id, status="ready") if t.element_id == action[1])
        actor = self.performer(task)
        element = self.parsed_latest().elements[task.element_id]
        data = form_values(element.generated_form) or self.camunda_form_values(element)
        complete_task(self.ctx, task.id, data, actor)

    def performer(self, task: Any) -> Actor:
        if task.assignee:
            return self.person(task.assignee, ())
        if task.candidate_users:
            return self.person(task.candidate_users[0], ())
        if task.candidate_groups:
            group = task.candidate_groups[0]
            return self.person(f"c7-{group}"[:64], (group,))
        reassign_task(self.ctx, task.id, "zhao", SUPERVISOR, "无人可办：督查室指派")
        return Actor("zhao", frozenset({"handler"}))

    def person(self, user_id: str, groups: tuple[str, ...]) -> Actor:
        with self.ctx.uow() as uow:
            found = uow.users.get(user_id)
            if found is None:
                uow.users.upsert(user_id, user_id, list(groups), self.clock())
                uow.commit()
                return Actor(user_id, frozenset(groups))
        return Actor(user_id, found.groups)

    def camunda_form_values(self, element: Any) -> dict[str, Any]:
        form_id = getattr(element, "form_id", None)
        if not form_id:
            return {}
        with self.ctx.uow(readonly=True) as uow:
            row = uow.forms.latest(form_id)
        return component_values(json.loads(row.body).get("components", [])) if row is not None else {}

    def parsed_latest(self) -> Any:
        with self.ctx.uow(readonly=True) as uow:
            row = uow.processes.latest(self.key)
            return self.ctx.processes.get(uow, row.id)

    def status(self, case_id: str) -> str:
        with self.ctx.uow(readonly=True) as uow:
            return str(uow.cases.get(case_id).status)


def form_values(form: GeneratedForm | None) -> dict[str, Any]:
    """Valid values for every submittable field of a generated form (readonly ones are left out)."""
    return {
        item.id: field_value(item)
        for item in (form.fields if form else ())
        if not item.constraint("readonly")[0]
    }


def field_value(item: FormField) -> Any:
    low = dict(item.constraints)
    if item.type == "long":
        return max(int(low.get("min") or 1), 1) if low.get("max") is None else int(low.get("max") or 1)
    if item.type == "boolean":
        return True
    if item.type == "date":
        return "01/12/2026"
    if item.type == "enum":
        return item.values[0][0]
    length = max(int(low.get("minlength") or 2), 2)
    return ("测" * length)[: int(low.get("maxlength") or length)]


def component_values(components: list[dict[str, Any]]) -> dict[str, Any]:
    """A value for every keyed input of a form-js form."""
    values: dict[str, Any] = {}
    for component in components:
        kind, key = component.get("type"), component.get("key")
        if kind in ("group", "dynamiclist"):
            values.update(component_values(component.get("components") or []))
        elif key and kind in ("textfield", "textarea"):
            values[key] = "测试"
        elif key and kind == "number":
            values[key] = 1
        elif key and kind == "checkbox":
            values[key] = True
        elif key and kind in ("select", "radio") and component.get("values"):
            values[key] = component["values"][0]["value"]
        elif key and kind == "datetime":
            values[key] = "2026-12-01"
    return values
