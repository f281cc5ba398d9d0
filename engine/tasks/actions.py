"""What people here expect to do with a task besides finishing it, each recorded:
转办 transfer (to another candidate, with a reason), 委派 delegate and get it back, 催办 urge the
assignee (a notification), 撤回 withdraw a case at the applicant's request before the decision."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.kernel.repositories.tasks import WorkRepositoryPort
    from engine.tasks.claim_and_complete import Completion

from typing import Any

from engine.errors import Conflict, InvalidInput, NotAllowed, NotFound, ProcedureViolation, SanxiangError
from engine.kernel.context import AppContext
from engine.kernel.ports import Actor, CaseRow, RecordDraft, TaskRow, UnitOfWork, present
from engine.people.permissions import Permission, authorize
from engine.people.rows import Delegation
from engine.record.append import record
from engine.record.refusals.record_refusal import refusals_on_record

MAX_REASON = 1000

# code -> (error class, Chinese, English); {who} is filled in
REFUSALS: dict[str, tuple[type[SanxiangError], str, str]] = {
    "reason-required": (InvalidInput, "请填写理由", "A reason is required"),
    "reason-too-long": (
        InvalidInput,
        f"理由不能超过 {MAX_REASON} 字",
        f"A reason has at most {MAX_REASON} characters",
    ),
    "task-not-found": (NotFound, "任务不存在", "No such task"),
    "task-not-ready": (Conflict, "任务已办结或已取消", "The task is no longer waiting"),
    "user-not-found": (NotFound, "用户 {who} 不存在或已停用", "No active user {who}"),
    "task-claimed": (Conflict, "任务已被他人变更，请刷新", "The task changed meanwhile; reload"),
    "task-delegated": (Conflict, "任务处于委派中，请先交还", "The task is delegated; get it back first"),
    "task-not-delegated": (Conflict, "任务未处于委派中", "The task is not delegated"),
    "transfer-target-not-candidate": (
        NotAllowed,
        "{who} 不是该任务的候选办理人",
        "{who} is not a candidate for this task",
    ),
    "delegate-self": (InvalidInput, "不能委派给自己", "You cannot delegate to yourself"),
    "case-not-found": (NotFound, "办件不存在", "No such case"),
    "case-not-running": (Conflict, "办件已办结或已撤回", "The case is no longer running"),
    "withdraw-after-decision": (
        ProcedureViolation,
        "已作出决定的办件不能撤回申请",
        "The decision is made: the application can no longer be withdrawn",
    ),
    "case-version-conflict": (
        Conflict,
        "办件已被他人同时处理，请刷新后重试",
        "The case changed meanwhile; reload",
    ),
}


def refusal(code: str, who: str = "", **details: Any) -> SanxiangError:
    cls, zh, en = REFUSALS[code]
    return cls(zh.format(who=who), en.format(who=who), code=code, details=details or None)


def _reason(text: str, *, required: bool = True) -> str:
    text = (text or "").strip()
    if required and not text:
        raise refusal(
            "reason-required",
            fields={
                "reason": [
                    {"code": "required", "message_zh": "请填写理由", "message_en": "A reason is required"}
                ]
            },
        )
    if len(text) > MAX_REASON:
        raise refusal("reason-too-long")
    return text


def _ready_task(uow: UnitOfWork, task_id: str, actor: Actor, permission: Permission) -> TaskRow:
    """The task, if the actor holds ``permission`` on it and it still waits (404, 403, 409 in that order)."""
    task: TaskRow | None = uow.tasks.get(task_id)
    if task is None:
        raise refusal("task-not-found")
    authorize(uow, permission, actor, task=task, delegation=_pending(uow, task_id))
    if task.status != "ready":
        raise refusal("task-not-ready")
    return task


def _user(uow: UnitOfWork, user_id: str) -> Actor:
    user: Actor | None = uow.users.get(user_id)
    if user is None:
        raise refusal("user-not-found", user_id)
    return user


def _work(uow: UnitOfWork) -> WorkRepositoryPort:
    return uow.work


def _pending(uow: UnitOfWork, task_id: str) -> Delegation | None:
    found: Delegation | None = _work(uow).delegation(task_id)
    return found if found is not None and found.state == "pending" else None


def _assign(uow: UnitOfWork, task: TaskRow, user_id: str) -> None:
    if not uow.tasks.set_assignee(task.id, user_id, expected=task.assignee):
        raise refusal("task-claimed")


def _tell(
    ctx: AppContext,
    uow: UnitOfWork,
    task: TaskRow,
    kind: str,
    actor: Actor,
    message: str,
    *,
    user_id: str | None = None,
    group: str | None = None,
) -> None:
    _work(uow).notify(
        kind=kind,
        actor=actor.user_id,
        now=ctx.clock(),
        message=message,
        user_id=user_id,
        group_name=group,
        case_id=task.case_id,
        task_id=task.id,
    )


def _note(
    ctx: AppContext, uow: UnitOfWork, task: TaskRow, action: str, actor: Actor, **payload: Any
) -> TaskRow:
    record(
        ctx,
        uow,
        RecordDraft(
            action=action,
            actor=actor.user_id,
            case_id=task.case_id,
            task_id=task.id,
            element_id=task.element_id,
            payload=payload,
        ),
        ctx.clock(),
    )
    updated = present(uow.tasks.get(task.id), "task")
    uow.commit()
    return updated


@refusals_on_record("task.transfer", keep={"to": "to_user", "reason": "reason"})
def transfer_task(ctx: AppContext, task_id: str, to_user: str, reason: str, actor: Actor) -> TaskRow:
    """转办: hand the task to another candidate for good (they will complete it)."""
    reason = _reason(reason)
    with ctx.uow() as uow:
        task = _ready_task(uow, task_id, actor, Permission.TASK_TRANSFER)
        if _pending(uow, task_id) is not None:
            raise refusal("task-delegated")
        target = _user(uow, to_user)
        candidate = target.in_any(task.candidate_groups) or target.user_id in task.candidate_users
        if target.user_id == task.assignee or not candidate:
            raise refusal("transfer-target-not-candidate", to_user)
        _assign(uow, task, target.user_id)
        _tell(ctx, uow, task, "transfer", actor, reason, user_id=target.user_id)
        moved = {"from": task.assignee, "to": target.user_id, "reason": reason}
        return _note(ctx, uow, task, "task.transferred", actor, **moved)


@refusals_on_record("task.delegate", keep={"to": "to_user", "reason": "reason"})
def delegate_task(ctx: AppContext, task_id: str, to_user: str, reason: str, actor: Actor) -> TaskRow:
    """委派: lend the task to a colleague, who gives it back (resolves); only its owner completes it."""
    reason = _reason(reason)
    with ctx.uow() as uow:
        task = _ready_task(uow, task_id, actor, Permission.TASK_DELEGATE)
        if _pending(uow, task_id) is not None:
            raise refusal("task-delegated")
        target = _user(uow, to_user)
        if target.user_id == actor.user_id:
            raise refusal("delegate-self")
        lent = Delegation(task_id, actor.user_id, target.user_id, "pending", reason, ctx.clock())
        _work(uow).put_delegation(lent)
        _assign(uow, task, target.user_id)
        _tell(ctx, uow, task, "delegate", actor, reason, user_id=target.user_id)
        return _note(
            ctx,
            uow,
            task,
            "task.delegated",
            actor,
            owner=actor.user_id,
            delegate=target.user_id,
            reason=reason,
        )


@refusals_on_record("task.resolve")
def resolve_task(ctx: AppContext, task_id: str, note: str, actor: Actor) -> TaskRow:
    """Get a delegated task back: the delegate gives it back, or the owner takes it back."""
    note = _reason(note, required=False)
    with ctx.uow() as uow:
        task = _ready_task(uow, task_id, actor, Permission.TASK_RESOLVE)
        pending = _pending(uow, task_id)
        if pending is None:
            raise refusal("task-not-delegated")
        back = Delegation(task_id, pending.owner, pending.delegate, "resolved", pending.reason, ctx.clock())
        _work(uow).put_delegation(back)
        _assign(uow, task, pending.owner)
        _tell(ctx, uow, task, "resolve", actor, note, user_id=pending.owner)
        return _note(
            ctx, uow, task, "task.resolved", actor, owner=pending.owner, delegate=pending.delegate, note=note
        )


@refusals_on_record("task.urge")
def urge_task(ctx: AppContext, task_id: str, message: str, actor: Actor) -> TaskRow:
    """催办: tell the assignee (or, unclaimed, the candidate groups) to get on with it."""
    message = _reason(message, required=False) or "请尽快办理"
    with ctx.uow() as uow:
        task = _ready_task(uow, task_id, actor, Permission.TASK_URGE)
        if task.assignee:
            _tell(ctx, uow, task, "urge", actor, message, user_id=task.assignee)
        for group in () if task.assignee else task.candidate_groups:
            _tell(ctx, uow, task, "urge", actor, message, group=group)
        return _note(
            ctx,
            uow,
            task,
            "task.urged",
            actor,
            to=task.assignee or list(task.candidate_groups),
            message=message,
        )


@refusals_on_record("case.withdraw", keep={"reason": "reason"})
def withdraw_case(ctx: AppContext, case_id: str, reason: str, actor: Actor) -> CaseRow:
    """撤回: the applicant withdraws the application before the decision; waiting tasks are cancelled.
    Only who may withdraw (``Permission.CASE_WITHDRAW``) and may read the case; never after the decision."""
    reason = _reason(reason)
    now = ctx.clock()
    with ctx.uow() as uow:
        case: CaseRow | None = uow.cases.get(case_id)
        if case is None:
            raise refusal("case-not-found")
        authorize(uow, Permission.CASE_WITHDRAW, actor, case=case)
        if case.status != "running":
            raise refusal("case-not-running")
        tasks = uow.tasks.for_case(case_id)
        if any(t.role == "decision" and t.status == "completed" for t in tasks):
            raise refusal("withdraw-after-decision")
        waiting = [t.id for t in tasks if t.status == "ready"]
        uow.tasks.close(waiting, status="cancelled", now=now, actor=None)
        uow.external_tasks.drop_case(case_id)
        if not uow.cases.save_state(
            case_id,
            expected_version=case.version,
            state=case.state,
            status="withdrawn",
            now=now,
            ended_at=now,
        ):
            raise refusal("case-version-conflict")
        record(
            ctx,
            uow,
            RecordDraft(
                action="case.withdrawn",
                actor=actor.user_id,
                case_id=case_id,
                payload={"reason": reason, "cancelledTasks": waiting},
            ),
            now,
        )
        withdrawn = present(uow.cases.get(case_id), "case")
        uow.commit()
    return withdrawn


def delegated_task_is_given_back_first(completion: Completion) -> None:
    """Guard for ``ctx.guards``: a delegated task is completed by its owner, once given back."""
    pending = _pending(completion.uow, completion.task.id)
    if pending is not None:
        raise NotAllowed(
            f"该任务由 {pending.owner} 委派，请先交还委派人，由其办理",
            f"This task was delegated by {pending.owner}: give it back for them to complete",
            code="task-delegated",
        )
