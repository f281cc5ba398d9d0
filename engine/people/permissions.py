"""Who may do what: every permission that a route, page, console action, /engine-rest call or CLI command
declares, and the one check of each (``authorize``), called by the use case itself, so that every
channel gets the same answer. The table in docs/permissions.md is this module in words.

Reading and acting agree: every permission on a case also needs the case to be readable (``reads_case``)
— checked after the permission's own rule, and before anything about the case's state is looked at, so
that a refusal tells someone who may not read the case nothing about it but that it exists.

Refusals are ``NotAllowed`` with a stable code; ``engine.record.refusals.record_refusal`` puts each
refused attempt
on the case's record.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from engine.errors import NotAllowed
from engine.kernel.ports import Actor, CaseRow, TaskRow, UnitOfWork
from engine.people.case_access import READ_ALL as READ_ALL  # the groups that read every case
from engine.people.case_access import Subject, may_read_case, may_work_on
from engine.people.rows import Delegation


class Permission(StrEnum):
    CASE_READ = "case.read"  # read a case, its tasks, deadlines, evidence, case file
    CASE_OPEN = "case.open"  # open a case of a deployed process
    CASE_WITHDRAW = "case.withdraw"  # 撤回 at the applicant's request, before the decision
    CASE_EXTEND = "case.extend"  # extend the decision limit (art. 42)
    CASE_QUERY_CODE = "case.query-code"  # issue the applicant's query code
    CASE_SUPERVISE = "case.supervise"  # the console: suspend, resume, cancel, move, reassign, retry…
    CASE_CORRECT = "case.correct"  # 事实更正: correct facts, with a reason; then legal review
    EVIDENCE_ADD = "evidence.add"  # upload evidence to a case (and to one of its tasks)
    TASK_READ = "task.read"  # a task's form, draft, variables (/engine-rest task reads)
    TASK_LIST = "task.list"  # task queries (results: what the actor may see)
    TASK_CLAIM = "task.claim"
    TASK_UNCLAIM = "task.unclaim"
    TASK_COMPLETE = "task.complete"  # then every guard: legal review, certificates, forms…
    TASK_DRAFT = "task.draft"  # save a draft of the task's form
    TASK_TRANSFER = "task.transfer"  # 转办
    TASK_DELEGATE = "task.delegate"  # 委派
    TASK_RESOLVE = "task.resolve"  # 交还
    TASK_URGE = "task.urge"  # 催办
    PROCESS_DEPLOY = "process.deploy"
    MESSAGE_CORRELATE = "message.correlate"  # deliver a BPMN message to cases, throw a signal (systems)
    EXTERNAL_TASK_WORK = "externaltask.work"  # fetch, lock, complete, fail external tasks (workers)
    EXTERNAL_TASK_READ = "externaltask.read"  # list external tasks, set their retries (incidents)
    DISCLOSURE_READ = "disclosure.read"
    DISCLOSURE_PUBLISH = "disclosure.publish"
    DISCLOSURE_WITHDRAW = "disclosure.withdraw"
    WEBHOOKS_MANAGE = "webhooks.manage"  # outbound subscriptions and events
    CALENDAR_MANAGE = "calendar.manage"  # the working-day calendar (CLI)


OVERSEERS = frozenset({"supervisor", "admin"})
URGERS = frozenset({"supervisor", "admin", "approver", "window-clerk"})
WITHDRAWERS = frozenset({"window-clerk", "supervisor", "admin"})
QUERY_CODE_ISSUERS = frozenset({"window-clerk", "admin"})
DEPLOYERS = frozenset({"designer", "admin"})
CORRELATORS = frozenset({"integration", "platform", "admin"})  # systems that tell cases what happened
PUBLISHERS = frozenset({"window-clerk", "approver"})
DISCLOSURE_WITHDRAWERS = frozenset({"window-clerk", "approver", "supervisor", "admin"})
DISCLOSURE_READERS = frozenset({"window-clerk", "approver", "supervisor", "admin"})


Check = Callable[[Actor, Subject], bool]


@dataclass(frozen=True)
class Rule:
    check: Check
    code: str
    zh: str
    en: str


def _groups(groups: frozenset[str], code: str, zh: str, en: str) -> Rule:
    return Rule(lambda actor, _: actor.in_any(groups), code, zh, en)


def _holds(actor: Actor, s: Subject) -> bool:
    task = s.task
    if task is None:
        return False
    return task.assignee == actor.user_id or (task.assignee is None and may_work_on(actor, task))


def _resolver(actor: Actor, s: Subject) -> bool:
    lent = s.delegation
    return lent is None or actor.user_id in (lent.owner, lent.delegate) or actor.in_any(OVERSEERS)


def _issuer(actor: Actor, s: Subject) -> bool:
    return actor.in_any(QUERY_CODE_ISSUERS) or (s.case is not None and s.case.started_by == actor.user_id)


def _works_or_oversees(actor: Actor, s: Subject) -> bool:
    return s.task is not None and (may_work_on(actor, s.task) or actor.in_any(OVERSEERS))


READS = Rule(
    lambda a, s: s.case is None or may_read_case(a, s.case, s.tasks),
    "case-forbidden",
    "无权查看该办件",
    "You may not read this case",
)
WORKS = Rule(
    lambda a, s: s.task is not None and may_work_on(a, s.task),
    "task-forbidden",
    "您不是该任务的办理人或候选人",
    "You are neither the assignee nor a candidate of this task",
)
ANYONE = Rule(lambda a, s: True, "", "", "")

RULES: dict[Permission, tuple[Rule, ...]] = {
    Permission.CASE_READ: (READS,),
    Permission.CASE_OPEN: (ANYONE,),
    Permission.CASE_WITHDRAW: (
        _groups(
            WITHDRAWERS,
            "withdraw-forbidden",
            "只有窗口人员可以登记撤回申请",
            "Only window clerks may record a withdrawal",
        ),
        READS,
    ),
    Permission.CASE_EXTEND: (
        _groups(
            frozenset({"approver"}),
            "extension-forbidden",
            "只有负责人可以批准延长办理时限",
            "Only an approver may extend the time limit",
        ),
        READS,
    ),
    Permission.CASE_QUERY_CODE: (
        Rule(
            _issuer,
            "query-code-forbidden",
            "只有窗口受理人员可以生成查询码",
            "Only window clerks may issue query codes",
        ),
        READS,
    ),
    Permission.CASE_CORRECT: (
        _groups(
            frozenset({"approver"}),
            "correction-forbidden",
            "只有负责人可以更正办件事实",
            "Only an approver (负责人) may correct a case's facts",
        ),
        READS,
    ),
    Permission.CASE_SUPERVISE: (
        _groups(
            OVERSEERS,
            "supervisor-only",
            "只有督查人员或管理员可以使用督查台",
            "Only supervisors and administrators may use the console",
        ),
    ),
    Permission.EVIDENCE_ADD: (
        READS,
        Rule(
            lambda a, s: s.task is None or _works_or_oversees(a, s),
            "task-forbidden",
            "只有任务的办理人或候选人可以为其上传证据",
            "Only the task's assignee or candidates may add evidence to it",
        ),
    ),
    Permission.TASK_READ: (
        Rule(_works_or_oversees, "task-forbidden", "无权查看该任务", "You may not read this task"),
    ),
    Permission.TASK_LIST: (ANYONE,),
    Permission.TASK_CLAIM: (WORKS,),
    Permission.TASK_UNCLAIM: (
        Rule(
            lambda a, s: s.task is not None and (s.task.assignee == a.user_id or a.in_any(OVERSEERS)),
            "task-forbidden",
            "只能退回自己认领的任务",
            "You can only unclaim a task you hold",
        ),
    ),
    Permission.TASK_COMPLETE: (WORKS,),
    Permission.TASK_DRAFT: (WORKS,),
    Permission.TASK_TRANSFER: (
        Rule(
            lambda a, s: _holds(a, s) or a.in_any(OVERSEERS),
            "transfer-forbidden",
            "只有任务办理人或督查人员可以转办",
            "Only the task's holder or a supervisor may transfer it",
        ),
    ),
    Permission.TASK_DELEGATE: (
        Rule(
            lambda a, s: s.task is not None and s.task.assignee == a.user_id,
            "delegate-forbidden",
            "请先认领任务再委派",
            "Claim the task before delegating it",
        ),
    ),
    Permission.TASK_RESOLVE: (
        Rule(
            _resolver,
            "resolve-forbidden",
            "只有委派人或被委派人可以交还",
            "Only the owner or the delegate may hand it back",
        ),
    ),
    Permission.TASK_URGE: (_groups(URGERS, "urge-forbidden", "无权催办", "You may not urge tasks"), READS),
    Permission.PROCESS_DEPLOY: (
        _groups(DEPLOYERS, "deploy-forbidden", "只有流程设计人员可以部署", "Only designers may deploy"),
    ),
    Permission.MESSAGE_CORRELATE: (
        _groups(
            CORRELATORS,
            "correlate-forbidden",
            "只有对接系统账号（integration 组）或管理员可以投递消息、发出信号",
            "Only integration accounts (group integration) and administrators may correlate messages or "
            "throw signals",
        ),
    ),
    Permission.EXTERNAL_TASK_WORK: (
        _groups(
            CORRELATORS,
            "external-task-forbidden",
            "只有对接系统账号（integration 组）或管理员可以领取、完成外部任务",
            "Only integration accounts (group integration) and administrators may fetch and complete "
            "external tasks",
        ),
    ),
    Permission.EXTERNAL_TASK_READ: (
        _groups(
            CORRELATORS | OVERSEERS,
            "external-task-forbidden",
            "只有对接系统账号、督查人员或管理员可以查看外部任务、设置重试次数",
            "Only integration accounts, supervisors and administrators may read external tasks or set "
            "their retries",
        ),
    ),
    Permission.DISCLOSURE_READ: (
        _groups(DISCLOSURE_READERS, "disclosure-forbidden", "无权查看公示", "You may not read disclosures"),
    ),
    Permission.DISCLOSURE_PUBLISH: (
        _groups(
            PUBLISHERS,
            "disclosure-forbidden",
            "只有窗口受理人员或负责人可以发布公示",
            "Only window clerks and approvers may publish",
        ),
    ),
    Permission.DISCLOSURE_WITHDRAW: (
        _groups(
            DISCLOSURE_WITHDRAWERS, "disclosure-forbidden", "无权撤回公示", "You may not withdraw disclosures"
        ),
    ),
    Permission.WEBHOOKS_MANAGE: (
        _groups(
            OVERSEERS,
            "webhook-forbidden",
            "只有管理员或督查人员可以管理推送",
            "Only administrators and supervisors may manage webhooks",
        ),
    ),
    Permission.CALENDAR_MANAGE: (
        _groups(
            frozenset({"admin"}),
            "calendar-forbidden",
            "只有管理员可以修改工作日历",
            "Only an administrator may change the calendar",
        ),
    ),
}


def refusal_of(permission: Permission, actor: Actor, subject: Subject) -> NotAllowed | None:
    """The refusal of the first rule of ``permission`` the actor fails, or None when allowed."""
    for rule in RULES[permission]:
        if not rule.check(actor, subject):
            return NotAllowed(rule.zh, rule.en, code=rule.code, details={"permission": permission.value})
    return None


def authorize(
    uow: UnitOfWork | None,
    permission: Permission,
    actor: Actor,
    *,
    case: CaseRow | None = None,
    task: TaskRow | None = None,
    delegation: Delegation | None = None,
    tasks: Sequence[TaskRow] | None = None,
) -> None:
    """Raise ``NotAllowed`` unless ``actor`` holds ``permission`` on this case/task (the task's case is
    read when a rule needs it and only the task is given; the case's tasks likewise)."""
    refused = refusal_of(permission, actor, Subject(uow, case, task, delegation, tasks))
    if refused is not None:
        raise refused
