"""What external systems push to us: applications that open cases, messages that wake waiting cases.

The web edge checks the Standard Webhooks signature and the JSON schema (``webhooks.inbound``)
before calling these; here the application becomes a case exactly once, by its ``applicationId``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from engine.cases.opening import check_variables
from engine.cases.save_step import StepContext, jsonable, record_step, save_case, step_payload, sync_tasks
from engine.errors import Conflict, InvalidInput, NotFound
from engine.integration.correlation import deliver_message
from engine.kernel.json_types import JsonObject, JsonValue
from engine.kernel.ports import Actor, CaseRow, ProcessRow, RecordDraft, UnitOfWork, present

if TYPE_CHECKING:
    from engine.kernel.context import AppContext

PLATFORM = Actor("platform", frozenset({"system", "platform"}), "省级政务服务平台", "webhooks")
ITEM_CODE = "sanxiang.itemCode"


@dataclass(frozen=True)
class ReceivedApplication:
    application_id: str
    case_id: str
    created: bool  # False: a replay (the same applicationId was received before)


@dataclass(frozen=True)
class ReceivedMessage:
    name: str
    case_id: str
    created_tasks: list[str]


class _AlreadyReceived(Exception):
    """Another transaction turned the same application into a case first: roll ours back."""


def process_for_item(uow: UnitOfWork, item_code: str) -> ProcessRow:
    """The deployed process (latest version) whose property ``sanxiang.itemCode`` is ``item_code``."""
    found = [row for row in uow.processes.list_latest() if row.properties.get(ITEM_CODE) == item_code]
    if not found:
        raise InvalidInput(
            f"没有已部署的流程对应事项编码 {item_code}",
            f"No deployed process has the item code {item_code}",
            code="unknown-item-code",
        )
    if len(found) > 1:
        keys = ", ".join(r.key for r in found)
        raise Conflict(
            f"事项编码 {item_code} 对应多个流程：{keys}",
            f"The item code {item_code} matches several processes: {keys}",
            code="ambiguous-item-code",
        )
    process: ProcessRow = found[0]
    return process


def receive_application(ctx: AppContext, application: Mapping[str, JsonValue]) -> ReceivedApplication:
    """Open a case for a verified application, or return the case it opened before (a replay)."""
    application_id = str(application["applicationId"])
    variables = check_variables(application.get("formData") or {})
    with ctx.uow(readonly=True) as uow:
        known = uow.webhooks.application_case(application_id)
    if known is not None:
        return ReceivedApplication(application_id, known, False)
    try:
        case_id = _open_case(ctx, application, variables)
    except (_AlreadyReceived, Conflict):
        with ctx.uow(readonly=True) as uow:
            known = uow.webhooks.application_case(application_id)
        if known is None:
            raise
        return ReceivedApplication(application_id, known, False)
    return ReceivedApplication(application_id, case_id, True)


def _open_case(ctx: AppContext, application: Mapping[str, JsonValue], variables: JsonObject) -> str:
    """Like ``cases.open_case``, plus the application's id claimed in the same transaction."""
    now = ctx.clock()
    application_id, item_code = str(application["applicationId"]), str(application["itemCode"])
    with ctx.uow() as uow:
        if uow.webhooks.application_case(application_id) is not None:  # committed since our first look
            raise _AlreadyReceived(application_id)
        process = process_for_item(uow, item_code)
        workflow, result = ctx.runner.start(
            ctx.processes.get(uow, process.id), variables, now, initiator=PLATFORM.user_id
        )
        applicant = dict(application.get("applicant") or {})
        case = CaseRow(
            id=uow.cases.next_number(now.year),
            process_id=process.id,
            process_key=process.key,
            business_key=application_id,
            status="running",
            applicant=applicant,
            state="",
            version=0,
            started_by=PLATFORM.user_id,
            started_at=now,
            updated_at=now,
            ended_at=None,
        )
        uow.cases.add(case)
        step = StepContext(ctx, uow, case, PLATFORM, now)
        save_case(step, workflow)
        new = sync_tasks(step, workflow, set(), None)
        record_step(
            step,
            workflow,
            RecordDraft(
                action="case.started",
                actor=PLATFORM.user_id,
                actor_role="platform",
                case_id=case.id,
                payload=step_payload(
                    result,
                    new,
                    process=process.key,
                    version=process.version,
                    variables=jsonable(variables),
                    businessKey=application_id,
                    source="platform",
                    applicationId=application_id,
                    itemCode=item_code,
                    submittedAt=application.get("submittedAt"),
                    materials=list(application.get("materials") or []),
                ),
            ),
        )
        if not uow.webhooks.claim_application(application_id, case.id, item_code, now):
            raise _AlreadyReceived(application_id)
        uow.commit()
    return case.id


def correlate_message(
    ctx: AppContext, name: str, business_key: str, variables: Mapping[str, JsonValue], actor: Actor = PLATFORM
) -> ReceivedMessage:
    """Deliver BPMN message ``name`` to the running case with ``business_key``: one step, recorded."""
    variables = check_variables(variables)
    with ctx.uow() as uow:
        case = _case_for(uow, business_key)
        delivered = deliver_message(ctx, uow, case, name, variables, actor, "platform")
        uow.commit()
    return ReceivedMessage(name, case.id, delivered.created_tasks)


def _case_for(uow: UnitOfWork, business_key: str) -> CaseRow:
    ids = uow.webhooks.running_cases(business_key)
    if not ids:
        raise NotFound(
            f"没有业务编号为 {business_key} 的在办办件",
            f"No running case has business key {business_key}",
            code="case-not-found",
        )
    if len(ids) > 1:
        raise Conflict(
            f"业务编号 {business_key} 对应多个在办办件",
            f"Several running cases have business key {business_key}: {', '.join(ids)}",
            code="ambiguous-business-key",
        )
    case = present(uow.cases.get(ids[0]), "case")
    return case
