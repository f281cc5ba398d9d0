"""What the Camunda 7 REST surface (``engine.camunda_rest.api``) asks that the other services do not:
process versions, cases and tasks filtered the Camunda way and limited to what the actor may see,
starting a given version, and every finding of a refused deployment."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from engine.camunda_rest.wire.params import Listing
from engine.cases import opening as case_service
from engine.compliance import parse_model
from engine.compliance.findings import Finding
from engine.errors import InvalidInput, NotFound
from engine.kernel.context import AppContext
from engine.kernel.json_types import JsonObject, JsonValue
from engine.kernel.ports import Actor, CaseRow, FormRow, ProcessRow, TaskRow, UnitOfWork
from engine.people.permissions import Permission, authorize
from engine.tasks.forms.validation import task_form

EVERYTHING = Listing()


def _queries(uow: UnitOfWork) -> Any:
    return getattr(uow, "engine_rest")  # noqa: B009  (engine.camunda_rest.queries.store; not on the UnitOfWork protocol)


def versions(ctx: AppContext, listing: Listing = EVERYTHING) -> list[ProcessRow]:
    """Deployed process versions, oldest first (``xml`` is left empty: listings never need it)."""
    with ctx.uow(readonly=True) as uow:
        return list(_queries(uow).versions(listing))


def count_versions(ctx: AppContext, listing: Listing = EVERYTHING) -> int:
    with ctx.uow(readonly=True) as uow:
        return int(_queries(uow).count_versions(listing))


def version(ctx: AppContext, key: str, number: int | None = None) -> ProcessRow:
    """One process version, the latest when ``number`` is None."""
    with ctx.uow(readonly=True) as uow:
        row = uow.processes.latest(key) if number is None else _queries(uow).version(key, number)
    if row is None:
        zh, en = ("", "") if number is None else (f" 第 {number} 版", f" version {number}")
        raise NotFound(
            f"流程 {key}{zh} 未部署", f"No process {key}{en} is deployed", code="process-not-found"
        )
    assert isinstance(row, ProcessRow)
    return row


def versions_by_id(ctx: AppContext, ids: Sequence[int]) -> dict[int, ProcessRow]:
    with ctx.uow(readonly=True) as uow:
        return dict(_queries(uow).versions_by_id(ids))


def start_case(
    ctx: AppContext,
    key: str,
    number: int | None,
    variables: Mapping[str, JsonValue],
    actor: Actor,
    business_key: str | None,
) -> case_service.CaseView:
    """Open a case of the latest version; a client naming an older version is told so, not served
    an older procedure."""
    if number is not None:
        latest = version(ctx, key)
        if latest.version != number:
            raise InvalidInput(
                f"流程 {key} 第 {number} 版已被第 {latest.version} 版取代，只能按最新版本办件",
                f"Process {key} version {number} was superseded by version {latest.version}; "
                "cases are opened on the latest version only",
                code="process-version-superseded",
            )
    return case_service.open_case(ctx, key, variables, actor, business_key=business_key)


def cases(ctx: AppContext, actor: Actor, listing: Listing) -> list[CaseRow]:
    """Running cases the actor started, works on, worked on or may take (all, for supervisors)."""
    with ctx.uow(readonly=True) as uow:
        return list(_queries(uow).cases(actor, listing))


def count_cases(ctx: AppContext, actor: Actor, listing: Listing) -> int:
    with ctx.uow(readonly=True) as uow:
        return int(_queries(uow).count_cases(actor, listing))


def tasks(ctx: AppContext, actor: Actor, listing: Listing) -> list[tuple[TaskRow, int]]:
    """Waiting tasks the actor may see, each with the process version id of its case."""
    with ctx.uow(readonly=True) as uow:
        return list(_queries(uow).tasks(actor, listing))


def count_tasks(ctx: AppContext, actor: Actor, listing: Listing) -> int:
    with ctx.uow(readonly=True) as uow:
        return int(_queries(uow).count_tasks(actor, listing))


def task(ctx: AppContext, actor: Actor, task_id: str) -> tuple[TaskRow, int]:
    """A waiting task the actor may work on (or, for supervisors, any waiting task)."""
    with ctx.uow(readonly=True) as uow:
        row = uow.tasks.get(task_id)
        case = uow.cases.get(row.case_id) if row is not None else None
        if row is None or case is None or row.status != "ready":
            raise NotFound("任务不存在或已办结", f"No waiting task {task_id}", code="task-not-found")
        authorize(uow, Permission.TASK_READ, actor, case=case, task=row)
    return row, case.process_id


def form_variables(ctx: AppContext, actor: Actor, task_id: str) -> JsonObject:
    """The case variables a task's form starts from."""
    row, _ = task(ctx, actor, task_id)
    return dict(case_service.get_case(ctx, row.case_id, actor).variables)


def findings(ctx: AppContext, files: Sequence[tuple[str, bytes]]) -> dict[str, list[Finding]]:
    """Every finding of the linter and the compliance rules, per file (for a refused deployment:
    ``deploy`` stops at the first refused file, a designer wants them all at once)."""
    found: dict[str, list[Finding]] = {}
    for name, data in files:
        lint = ctx.lint_form if name.lower().endswith(".form") else ctx.lint
        result = list(lint(data, name))
        if result:
            found[name] = result
    return found


def start_form(ctx: AppContext, process: ProcessRow) -> tuple[Any, FormRow | None]:
    """The start event of a deployed version (its ``ElementInfo``; None without one) and the deployed
    form it names (bound as its tasks' forms are: ``engine.tasks.forms.validation.task_form``)."""
    model = parse_model(process.xml.encode("utf-8"))
    starts = [] if isinstance(model, list) else model.starts
    if not starts:
        return None, None
    with ctx.uow(readonly=True) as uow:
        parsed = ctx.processes.get(uow, process.id)
        element = parsed.elements.get(starts[0].id)
        return element, task_form(uow, process.id, parsed, element) if element is not None else None
