"""What /engine-rest/history reads: one transaction each, limited to the cases the actor may read
(``engine.camunda_rest.queries.history_store``); the derived histories (``history_derived``) are computed
for the readable cases the case-level criteria select, then filtered, sorted and paged like the others."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from functools import lru_cache
from typing import Any

from engine.camunda_rest.queries.history_derived import CaseHistory, ElementKind, activity_rows, variable_rows
from engine.camunda_rest.queries.in_memory import count_rows, select_rows
from engine.camunda_rest.wire.params import Listing
from engine.camunda_rest.wire.variables import typed
from engine.compliance import parse_model
from engine.kernel.context import AppContext
from engine.kernel.json_types import JsonObject, JsonValue
from engine.kernel.ports import Actor, CaseRow, ProcessRow, TaskRow, UnitOfWork, present

CASE_LEVEL = frozenset({"case_id", "process_id", "process_key", "tenant"})


def _history(uow: UnitOfWork) -> Any:
    return getattr(uow, "engine_rest_history")  # noqa: B009  (engine.camunda_rest.queries.history_store)


def _versions(uow: UnitOfWork, ids: list[int]) -> dict[int, ProcessRow]:
    return dict(uow.engine_rest.versions_by_id(ids))


def process_instances(
    ctx: AppContext, actor: Actor, listing: Listing
) -> list[tuple[CaseRow, ProcessRow, str | None]]:
    """Historic process instances with the recorded reason of a withdrawal or cancellation."""
    with ctx.uow(readonly=True) as uow:
        cases = _history(uow).cases(actor, listing)
        versions = _versions(uow, [c.process_id for c in cases])
        reasons = _history(uow).end_reasons([c.id for c in cases])
    return [(c, versions[c.process_id], reasons.get(c.id)) for c in cases]


def count_process_instances(ctx: AppContext, actor: Actor, listing: Listing) -> int:
    with ctx.uow(readonly=True) as uow:
        return int(_history(uow).count_cases(actor, listing))


def task_instances(ctx: AppContext, actor: Actor, listing: Listing) -> list[tuple[TaskRow, ProcessRow]]:
    with ctx.uow(readonly=True) as uow:
        found = _history(uow).tasks(actor, listing)
        versions = _versions(uow, [pid for _, pid in found])
    return [(task, versions[pid]) for task, pid in found]


def count_task_instances(ctx: AppContext, actor: Actor, listing: Listing) -> int:
    with ctx.uow(readonly=True) as uow:
        return int(_history(uow).count_tasks(actor, listing))


def user_operations(ctx: AppContext, actor: Actor, listing: Listing) -> list[tuple[Any, ProcessRow]]:
    with ctx.uow(readonly=True) as uow:
        entries = _history(uow).entries(actor, listing)
        versions = _versions(uow, [e.case_process_id for e in entries])
    return [(e, versions[e.case_process_id]) for e in entries]


def count_user_operations(ctx: AppContext, actor: Actor, listing: Listing) -> int:
    with ctx.uow(readonly=True) as uow:
        return int(_history(uow).count_entries(actor, listing))


@lru_cache(maxsize=64)
def _elements(process_id: int, xml: str) -> Mapping[str, ElementKind]:
    """A deployed version's flow nodes (versions never change: cached by id and text)."""
    model = parse_model(xml.encode("utf-8"))
    if isinstance(model, list):
        return {}
    return {
        e.id: ElementKind(e.name or e.id, e.tag, tuple(e.event_definitions)) for e in model.elements.values()
    }


def _derived(
    ctx: AppContext, actor: Actor, listing: Listing, rows_of: Callable[[CaseHistory], list[JsonObject]]
) -> tuple[list[JsonObject], Listing]:
    """Every derived row of the readable cases the case-level criteria select, and the rest of the
    listing to apply to them."""
    case_level = tuple(c for c in listing.criteria if c.field in CASE_LEVEL)
    rest = replace(listing, criteria=tuple(c for c in listing.criteria if c.field not in CASE_LEVEL))
    rows: list[JsonObject] = []
    with ctx.uow(readonly=True) as uow:
        for case_id in _history(uow).case_ids(actor, Listing(case_level)):
            case = present(uow.cases.get(case_id), "case")
            process = present(uow.processes.get(case.process_id), "process")
            history = CaseHistory(
                case,
                process,
                _elements(process.id, process.xml),
                uow.records.for_case(case_id),
                uow.tasks.for_case(case_id),
            )
            rows += rows_of(history)
    return rows, rest


def _typed_variables(history: CaseHistory) -> list[JsonObject]:
    rows = variable_rows(history)
    for row in rows:
        row["type"] = typed(row["value"])[0]
    return rows


def activity_instances(ctx: AppContext, actor: Actor, listing: Listing) -> list[Mapping[str, JsonValue]]:
    rows, rest = _derived(ctx, actor, listing, activity_rows)
    return select_rows(rows, rest, "order")


def count_activity_instances(ctx: AppContext, actor: Actor, listing: Listing) -> int:
    rows, rest = _derived(ctx, actor, listing, activity_rows)
    return count_rows(rows, rest)


def variable_instances(ctx: AppContext, actor: Actor, listing: Listing) -> list[Mapping[str, JsonValue]]:
    rows, rest = _derived(ctx, actor, listing, _typed_variables)
    return select_rows(rows, rest, "id")


def count_variable_instances(ctx: AppContext, actor: Actor, listing: Listing) -> int:
    rows, rest = _derived(ctx, actor, listing, _typed_variables)
    return count_rows(rows, rest)
