"""The legal-review gate at run time, independent of the diagram (重大执法决定法制审核制度).

Three guards for ``AppContext.guards`` (run before every task completion, see ``tasks.Completion``),
by the ``sanxiang.role`` of the task being completed:

``legal-review``  the reviewer holds the legal-reviewer group and never handled the case
                  (``case_handlers``: opener, assignee, delegate, draft author, completer, evidence,
                  mover, corrector); the form is the seed's ten-item checklist
                  (``engine.review.rules``); records ``review.completed`` with the checklist,
                  conclusion, opinion, reviewer and the hash of the facts the review saw.
``coordination``  the collective decision (集体讨论) has minutes; records ``coordination.completed`` with
                  the minutes, its outcome and the hash of the facts it decided on.
``decision``      in a major case (``established.is_major``: major on the record for good — a step once
                  established it, or a fact was corrected —, or a legal-review task ever existed, or the
                  catalogue says so for the current variables) the latest review on record must have
                  passed for the current facts, or have been rejected and then taken to a coordination
                  for the current facts, and its reviewer must not have handled the case (nor be the one
                  deciding). "Return" never allows a decision.

Refusals of the law are ``ProcedureViolation`` (``tasks.complete_task`` records them as attempted
bypasses); a malformed review or coordination form is ``InvalidInput``. The records are appended in the
step's own transaction: a step that fails records nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engine.cases.save_step import jsonable
from engine.errors import InvalidInput, ProcedureViolation
from engine.kernel.json_types import JsonObject, JsonValue
from engine.kernel.ports import FormRow, RecordDraft, UnitOfWork, present
from engine.record.append import record
from engine.review.facts import is_major
from engine.review.handlers import case_handlers
from engine.review.rules import CONCLUSION_ZH, FactsDigest, check_review_form, facts_digest, joint_conclusion
from engine.review.separation_of_duties import Touch, describe
from engine.tasks.forms.stored import form_definition

if TYPE_CHECKING:
    from engine.kernel.context import AppContext
    from engine.record.chain import Entry
    from engine.tasks.claim_and_complete import Completion

Guard = Callable[["Completion"], None]
REVIEWER_GROUP = "legal-reviewer"
PROCEDURE_ROLES = ("legal-review", "decision")  # their forms' fields are not facts
COORDINATION_FIELDS = ("meetingAt", "attendees", "coordinationDecision")


@dataclass(frozen=True)
class ProcessRules:
    """What the gate reads once per deployed process version."""

    procedure_fields: frozenset[str]


def _form_keys(form: FormRow) -> set[str]:
    keys: set[str] = set()
    pending: list[Any] = [form_definition(form).get("components")]
    while pending:
        components = pending.pop()
        for component in components if isinstance(components, list) else ():
            if isinstance(component, dict):
                if isinstance(component.get("key"), str):
                    keys.add(component["key"])
                pending.append(component.get("components"))
    return keys


def procedure_fields(uow: UnitOfWork, process: Any, process_id: int) -> frozenset[str]:
    """The fields of the procedure itself (the review and decision forms of the process): not facts."""
    return _read_rules(uow, process, process_id).procedure_fields


def _read_rules(uow: UnitOfWork, process: Any, process_id: int) -> ProcessRules:
    row = present(uow.processes.get(process_id), "process")
    fields: set[str] = set()
    for element in process.elements.values():
        form_row = row.forms.get(element.form_id) if element.role in PROCEDURE_ROLES else None
        form = uow.forms.get(form_row) if form_row is not None else None
        if form is not None:
            fields |= _form_keys(form)
    return ProcessRules(frozenset(fields))


def _refuse(code: str, zh: str, en: str, **details: JsonValue) -> ProcedureViolation:
    return ProcedureViolation(zh, en, code=code, details=details)


def _text(value: JsonValue) -> str:
    return value.strip() if isinstance(value, str) else ""


class LegalReviewGate:
    def __init__(self, ctx: AppContext, cache_size: int = 256) -> None:
        self.ctx = ctx
        self._rules: dict[int, ProcessRules] = {}
        self._cache_size = cache_size

    def guards(self) -> tuple[Guard, ...]:
        return (self.review, self.coordination, self.decision)

    def rules(self, c: Completion) -> ProcessRules:
        found = self._rules.get(c.case.process_id)
        if found is None:
            found = _read_rules(c.uow, c.process, c.case.process_id)
            if len(self._rules) >= self._cache_size:
                self._rules.clear()
            self._rules[c.case.process_id] = found
        return found

    def facts(self, c: Completion) -> FactsDigest:
        return facts_digest({**c.variables, **c.data}, self.rules(c).procedure_fields)

    def _record(self, c: Completion, action: str, payload: JsonObject) -> None:
        record(
            self.ctx,
            c.uow,
            RecordDraft(
                action=action,
                actor=c.actor.user_id,
                actor_role=c.element.role or "",
                case_id=c.case.id,
                task_id=c.task.id,
                element_id=c.task.element_id,
                payload=payload,
            ),
            self.ctx.clock(),
        )

    # -- the legal review ------------------------------------------------------------------------
    def review(self, c: Completion) -> None:
        if c.element.role != "legal-review":
            return
        user = c.actor.user_id
        if REVIEWER_GROUP not in c.actor.groups:
            raise _refuse(
                "reviewer-not-legal-staff",
                f"用户 {user} 不是法制审核人员，不能作出法制审核",
                f"User {user} is not legal review staff and may not complete a legal review",
            )
        _refuse_handler(user, case_handlers(c.uow, c.case, c.process).get(user, ()))
        form = check_review_form(c.data)
        digest = self.facts(c)
        signed = {"body": c.instance.body} if getattr(c, "instance", None) is not None else {}
        self._record(
            c,
            "review.completed",
            {**form.as_payload(), "reviewer": user, "dataHash": digest.hash, "facts": digest.facts, **signed},
        )

    # -- the collective decision ---------------------------------------------------------------
    def coordination(self, c: Completion) -> None:
        if c.element.role != "coordination":
            return
        minutes = _text(c.data.get("minutes"))
        if not minutes:
            raise InvalidInput(
                "集体讨论须附会议纪要",
                "A collective decision needs its minutes attached",
                code="coordination-without-minutes",
            )
        review = _latest(c.uow.records.for_case(c.case.id), "review.completed")
        digest = self.facts(c)
        self._record(
            c,
            "coordination.completed",
            {
                "minutes": minutes,
                **jsonable({k: c.data[k] for k in COORDINATION_FIELDS if k in c.data}),
                "review": review.case_seq if review is not None else None,
                "dataHash": digest.hash,
                "facts": digest.facts,
            },
        )

    # -- the decision --------------------------------------------------------------------------
    def is_major(self, c: Completion) -> bool:
        return is_major(self.ctx, c.uow, c.case, {**c.variables, **c.data})

    def decision(self, c: Completion) -> None:
        if c.element.role != "decision" or not self.is_major(c):
            return
        entries = c.uow.records.for_case(c.case.id)
        review = _latest(entries, "review.completed")
        if review is None:
            raise _refuse(
                "decision-without-review",
                "重大执法决定未经法制审核，不得作出决定",
                "A major decision may not be made before a legal review",
            )
        reviews = _signed_together(entries, review)  # a co-signed review counts every signer
        digest = self.facts(c)
        for basis in _basis(reviews, entries):
            if digest.hash != basis.content.payload.get("dataHash"):
                changed = digest.changed_since(basis.content.payload.get("facts") or {})
                raise _refuse(
                    "review-outdated",
                    f"法制审核（或集体讨论）后案件事实已变更（{'、'.join(changed)}），须重新审核",
                    f"The facts changed after the legal review or collective decision "
                    f"({', '.join(changed)}); the case must be reviewed again",
                    changed=changed,
                    review=review.case_seq,
                )
        for signed in reviews:
            _refuse_review_by_handler(c, signed)


def _refuse_handler(user: str, touches: tuple[Touch, ...]) -> None:
    if not touches:
        return
    how_zh, how_en = describe(touches)
    raise _refuse(
        "reviewer-handled-case",
        f"用户 {user} 办理过本案（{how_zh}），不得担任法制审核人员",
        f"User {user} handled this case ({how_en}) and may not review it (separation of duties)",
        handled=sorted({t.element for t in touches if t.element}),
        how=[{"how": t.how, "element": t.element, "seq": t.seq} for t in touches],
    )


def _refuse_review_by_handler(c: Completion, review: Entry) -> None:
    """The review a decision rests on must be by someone who did not handle the case, the decider included."""
    reviewer = str(review.content.payload.get("reviewer") or review.content.actor)
    touches = case_handlers(c.uow, c.case, c.process).get(reviewer, ())
    if reviewer == c.actor.user_id:
        touches = (*touches, Touch(reviewer, "completed", c.task.element_id))
    if not touches:
        return
    how_zh, how_en = describe(touches)
    raise _refuse(
        "review-by-handler",
        f"法制审核人员 {reviewer} 办理过本案（{how_zh}），其审核不能作为决定的依据；"
        "须由未办理本案的法制审核人员重新审核",
        f"The legal reviewer {reviewer} handled this case ({how_en}): their review cannot "
        "ground the decision; a reviewer who did not handle the case must review it again",
        reviewer=reviewer,
        review=review.case_seq,
    )


def _latest(entries: list[Entry], action: str) -> Entry | None:
    return next((e for e in reversed(entries) if e.content.action == action), None)


def _signed_together(entries: list[Entry], review: Entry) -> list[Entry]:
    """The latest review with every other signature of the same activation of a multi-instance review."""
    body = review.content.payload.get("body")
    if not body:
        return [review]
    return [
        e for e in entries if e.content.action == "review.completed" and e.content.payload.get("body") == body
    ]


def _basis(reviews: list[Entry], entries: list[Entry]) -> list[Entry]:
    """The records a decision rests on: the passed review (every signature of it), or the coordination
    after a rejecting one."""
    review = reviews[-1]
    conclusion = joint_conclusion(r.content.payload.get("conclusion") for r in reviews)
    if conclusion == "reject":
        after = [
            e
            for e in entries
            if e.content.action == "coordination.completed" and (e.case_seq or 0) > (review.case_seq or 0)
        ]
        if after:
            return [after[-1]]
    if conclusion != "pass":
        label = CONCLUSION_ZH.get(str(conclusion), str(conclusion))
        rejected = conclusion == "reject"
        raise _refuse(
            "decision-after-failed-review",
            f"法制审核结论为“{label}”，不得作出决定" + ("（须经集体讨论）" if rejected else ""),
            f"The legal review concluded '{conclusion}': no decision may be made"
            + (" without a collective decision" if rejected else ""),
            conclusion=conclusion,
            review=review.case_seq,
        )
    return reviews


def legal_review_guards(ctx: AppContext) -> tuple[Guard, ...]:
    """The guards for ``ctx`` (they record through it; the catalogue is read through ``ctx.catalogues``)."""
    return LegalReviewGate(ctx).guards()
