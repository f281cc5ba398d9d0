"""Messages and signals from other systems, correlated the way Camunda 7 correlates them (``POST
/engine-rest/message``, ``POST /engine-rest/signal``) — and the one delivery step every message takes,
the signed inbound webhook's too (``engine.integration.inbound``).

A message goes to the running cases that wait for it (an intermediate catch or boundary event with that
message name), narrowed by business key, case id and correlation keys (case variables equal to the given
values). None: Camunda's ``MismatchingMessageCorrelationException`` (400); several without ``all``: the
same. Each delivery is one step of its case: saved, projected and recorded (``message.received``), with
every three-systems gate of an ordinary step (``record_step``). Only integration accounts and
administrators may correlate (``Permission.MESSAGE_CORRELATE``); a refusal is on the case's record when
the request names one case.

Signals: the dialect refuses signal events (no deployed diagram can wait for one), so a signal thrown to
everyone reaches no case; it is recorded once (``signal.thrown``, without a case), and one thrown to a
given case (``executionId``) is refused: nothing there waits for it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from xml.sax.saxutils import quoteattr

from engine.cases.opening import check_variables
from engine.cases.save_step import StepContext, jsonable, record_step, save_case, step_payload, sync_tasks
from engine.errors import InvalidInput
from engine.kernel.json_types import JsonObject, JsonValue
from engine.kernel.ports import Actor, CaseRow, RecordDraft, TaskRow, UnitOfWork, present
from engine.people.permissions import Permission, authorize
from engine.record.append import record
from engine.record.refusals.record_refusal import refusals_on_record
from engine.review.facts import restore_case

if TYPE_CHECKING:
    from engine.kernel.context import AppContext

ROLE = "integration"  # the role a correlating account acts in, on the record


@dataclass(frozen=True)
class MessageCorrelation:
    name: str
    business_key: str | None = None
    case_id: str | None = None
    correlation_keys: Mapping[str, JsonValue] = field(default_factory=dict)
    variables: Mapping[str, JsonValue] = field(default_factory=dict)
    every: bool = False  # Camunda's "all"


@dataclass(frozen=True)
class Delivered:
    case_id: str
    created_tasks: list[str]
    variables: JsonObject  # the case's variables after the step


def deliver_message(
    ctx: AppContext,
    uow: UnitOfWork,
    case: CaseRow,
    name: str,
    variables: Mapping[str, JsonValue],
    actor: Actor,
    role: str,
) -> Delivered:
    """One message to one case, as one step in the caller's transaction (the caller commits)."""
    now = ctx.clock()
    workflow = restore_case(ctx, uow, case)
    before = {t.task_id for t in workflow.ready_tasks()}
    result = workflow.correlate_message(name, variables, now)
    step = StepContext(ctx, uow, case, actor, now)
    save_case(step, workflow)
    new = sync_tasks(step, workflow, before, None)
    payload = step_payload(result, new, message=name, businessKey=case.business_key, data=jsonable(variables))
    draft = RecordDraft("message.received", actor.user_id, role, case.id, payload=payload)
    record_step(step, workflow, draft)
    return Delivered(case.id, [t.id for t in new], dict(workflow.variables))


def mismatch(zh: str, en: str) -> InvalidInput:
    return InvalidInput(zh, en, code="message-mismatch")


def _named_case(uow: UnitOfWork, args: Mapping[str, JsonValue]) -> tuple[str, TaskRow | None] | None:
    """The one case a correlation names (by id, or a business key of one running case), for the record."""
    message: MessageCorrelation = args["message"]
    if message.case_id is not None:
        return (message.case_id, None) if uow.cases.get(message.case_id) is not None else None
    if message.business_key is not None:
        ids = uow.webhooks.running_cases(message.business_key)
        return (ids[0], None) if len(ids) == 1 else None
    return None


def _waiting(ctx: AppContext, uow: UnitOfWork, message: MessageCorrelation) -> list[CaseRow]:
    """The running cases that wait for the message and match every correlation key."""
    found = []
    mentioned = quoteattr(message.name)  # the message's name attribute in the diagram
    for case_id in uow.webhooks.running_cases_mentioning(mentioned, message.business_key, message.case_id):
        case = present(uow.cases.get(case_id), "case")
        workflow = restore_case(ctx, uow, case)
        keys = message.correlation_keys
        if workflow.awaits_message(message.name) and all(
            workflow.variables.get(k) == v for k, v in keys.items()
        ):
            found.append(case)
    return found


def _refuse_unless_matched(message: MessageCorrelation, cases: list[CaseRow]) -> None:
    if not cases:
        raise mismatch(
            f"无法投递消息“{message.name}”：没有符合条件的等待中的办件",
            f"Cannot correlate message '{message.name}': No process definition or execution matches the "
            "parameters",
        )
    if len(cases) > 1 and not message.every:
        raise mismatch(
            f"消息“{message.name}”对应 {len(cases)} 个办件：请给出业务编号或办件号，或投递给全部",
            f"Cannot correlate a message with name '{message.name}' to a single execution. {len(cases)} "
            f"executions match the correlation keys: {', '.join(c.id for c in cases)}",
        )


@refusals_on_record("message.correlate", locate=_named_case)
def correlate(ctx: AppContext, message: MessageCorrelation, actor: Actor) -> list[Delivered]:
    authorize(None, Permission.MESSAGE_CORRELATE, actor)
    variables = check_variables(message.variables)
    with ctx.uow() as uow:
        cases = _waiting(ctx, uow, message)
        _refuse_unless_matched(message, cases)
        delivered = [
            deliver_message(ctx, uow, c, message.name, variables, actor, "integration") for c in cases
        ]
        uow.commit()
    return delivered


def throw_signal(
    ctx: AppContext, name: str, execution_id: str | None, variables: Mapping[str, JsonValue], actor: Actor
) -> None:
    """Broadcast a signal (see the module's text: no case can wait for one); recorded once."""
    authorize(None, Permission.MESSAGE_CORRELATE, actor)
    checked = check_variables(variables)
    if execution_id is not None:
        raise InvalidInput(
            f"执行 {execution_id} 没有在等待信号“{name}”（三项的流程不使用信号事件）",
            f"Execution '{execution_id}' has not subscribed to a signal event with name '{name}' "
            "(Sanxiang's diagrams have no signal events)",
            code="signal-not-awaited",
        )
    with ctx.uow() as uow:
        payload = {"signal": name, "variables": sorted(checked), "delivered": 0}
        record(
            ctx, uow, RecordDraft("signal.thrown", actor.user_id, "integration", payload=payload), ctx.clock()
        )
        uow.commit()
