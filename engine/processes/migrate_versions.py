"""Migrating the live cases of a process to its latest version, in a batch, with a dry run first.

A case can move when every element it waits at exists in the new version with the same id and the same
type, and its saved state restores against the new version waiting at the same elements. Migrating a
case = saving that restored state with the new process version (one transaction per case, so one case
that changed meanwhile does not hold up the others) and recording ``case.migrated``. The dry run answers
the same question for every case, with the reason a case cannot move, and changes nothing.

Tasks already waiting keep what they were created with (candidate groups, form); everything after them
follows the new version. Deadlines and the record are untouched. The ``case.migrated`` record marks what
the case's facts raise under the new version's catalogue; what the record established before stays in
force (``engine.review.fact_rules``): a new catalogue never makes a major case minor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from engine.errors import NotFound
from engine.kernel.json_types import JsonValue
from engine.kernel.ports import Actor, CaseRow, ProcessRow, RecordDraft, UnitOfWork
from engine.record.append import record
from engine.review.facts import mark_step
from engine.supervision.access import require_reason, require_supervisor

if TYPE_CHECKING:
    from engine.kernel.context import AppContext


@dataclass(frozen=True)
class CaseMigration:
    case_id: str
    from_version: int
    can_move: bool
    reason_zh: str
    reason_en: str
    waiting: list[str] = field(default_factory=list)
    moved: bool = False


@dataclass(frozen=True)
class MigrationReport:
    process_key: str
    to_version: int
    dry_run: bool
    cases: list[CaseMigration]

    @property
    def movable(self) -> list[str]:
        return [c.case_id for c in self.cases if c.can_move]

    @property
    def moved(self) -> list[str]:
        return [c.case_id for c in self.cases if c.moved]


def _no(case: CaseRow, version: int, waiting: list[str], zh: str, en: str) -> CaseMigration:
    return CaseMigration(case.id, version, False, zh, en, waiting)


def check_case(
    ctx: AppContext, uow: UnitOfWork, case: CaseRow, target: JsonValue
) -> tuple[CaseMigration, Any]:
    """Can ``case`` move to the ``target`` process row? Also the workflow restored against it."""
    old_row = uow.processes.get(case.process_id)
    version = old_row.version if old_row else 0
    old = ctx.runner.restore(ctx.processes.get(uow, case.process_id), case.state)
    waits = old.waiting_at()
    waiting = sorted({w.element_id for w in waits})
    new_process = ctx.processes.get(uow, target.id)
    for element_id in waiting:
        before, after = old.process.elements.get(element_id), new_process.elements.get(element_id)
        if after is None:
            return _no(
                case,
                version,
                waiting,
                f"等待中的环节 {element_id} 在新版本中不存在",
                f"The element it waits at, {element_id}, is not in the new version",
            ), None
        if before is not None and before.tag != after.tag:
            return _no(
                case,
                version,
                waiting,
                f"环节 {element_id} 的类型由 {before.tag} 变为 {after.tag}",
                f"Element {element_id} changed type from {before.tag} to {after.tag}",
            ), None
    try:
        new = ctx.runner.rebase(old, new_process)
        same = [(w.element_id, w.kind) for w in new.waiting_at()] == [(w.element_id, w.kind) for w in waits]
    except Exception as exc:  # a state naming an element the new version lacks, …: this case stays
        return _no(
            case,
            version,
            waiting,
            f"按新版本恢复办件状态失败：{exc}",
            f"The case's state does not restore against the new version: {exc}",
        ), None
    if not same:
        return _no(
            case,
            version,
            waiting,
            "按新版本恢复后等待的环节不同",
            "Restored against the new version, it would wait elsewhere",
        ), None
    return CaseMigration(
        case.id,
        version,
        True,
        f"可以迁移：在 {'、'.join(waiting) or '-'} 等待的环节新版本中都有",
        f"Can move: every element it waits at ({', '.join(waiting) or '-'}) is in the new version",
        waiting,
    ), new


def _target(uow: UnitOfWork, process_key: str) -> ProcessRow:
    target = uow.processes.latest(process_key)
    if target is None:
        raise NotFound(
            f"流程 {process_key} 未部署", f"No process {process_key} is deployed", code="process-not-found"
        )
    return target


def migrate_cases(
    ctx: AppContext,
    process_key: str,
    actor: Actor,
    reason: str = "",
    *,
    dry_run: bool = True,
    case_ids: list[str] | None = None,
) -> MigrationReport:
    """Check (``dry_run``) or migrate the live cases of ``process_key`` on older versions to the latest."""
    require_supervisor(actor)
    if not dry_run:
        reason = require_reason(reason)
    with ctx.uow(readonly=True) as uow:
        target = _target(uow, process_key)
        ids = [c for c in uow.supervision.live_cases_of(process_key) if case_ids is None or c in case_ids]
    results = [_one(ctx, case_id, target, actor, reason, dry_run) for case_id in ids]
    return MigrationReport(process_key, target.version, dry_run, [r for r in results if r is not None])


def _one(
    ctx: AppContext, case_id: str, target: JsonValue, actor: Actor, reason: str, dry_run: bool
) -> CaseMigration | None:
    now = ctx.clock()
    with ctx.uow(readonly=dry_run) as uow:
        case = uow.cases.get(case_id)
        old_row = uow.processes.get(case.process_id) if case else None
        if case is None or old_row is None or old_row.version >= target.version:
            return None  # already on the latest version (or newer)
        checked, workflow = check_case(ctx, uow, case, target)
        if dry_run or not checked.can_move:
            return checked
        if not uow.supervision.set_process(
            case.id, expected_version=case.version, process_id=target.id, state=workflow.dump(), now=now
        ):
            return _no(
                case,
                checked.from_version,
                checked.waiting,
                "办件在迁移时被同时修改，未迁移",
                "The case changed while migrating; it was not moved",
            )
        uow.due.sync_timers(case.id, workflow.waiting_timers(), now)
        record(
            ctx,
            uow,
            mark_step(
                ctx,
                uow,
                case,
                workflow,
                RecordDraft(
                    action="case.migrated",
                    actor=actor.user_id,
                    actor_role="supervisor",
                    case_id=case.id,
                    payload={
                        "reason": reason,
                        "fromVersion": checked.from_version,
                        "toVersion": target.version,
                        "fromProcess": case.process_id,
                        "toProcess": target.id,
                        "waiting": checked.waiting,
                    },
                ),
                may_lower=True,
                process_id=target.id,
            ),
            now,
        )
        uow.commit()
    return CaseMigration(
        case.id, checked.from_version, True, checked.reason_zh, checked.reason_en, checked.waiting, moved=True
    )
