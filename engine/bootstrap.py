"""The composition root: the one place that wires adapters (database, engine, linter) to services."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.compliance.findings import Finding

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from functools import partial
from typing import Any

from engine.cases.calls.cascade import cascade_listener
from engine.cases.calls.children import call_listener, start_child
from engine.compliance.runtime_facts import RuntimeFacts
from engine.config import Settings
from engine.deadlines.calendar import BureauCalendar
from engine.deadlines.step_following import deadline_listener
from engine.deadlines.timers import record_timer_capped
from engine.disclosure.publish import schedule_disclosure
from engine.integration.outbox import queue_events
from engine.kernel.budgets import DEFAULT_BUDGET, EvaluationBudget
from engine.kernel.context import AppContext
from engine.kernel.json_types import JsonObject, JsonValue
from engine.kernel.ports import Clock
from engine.people.certificates import certificate_guard
from engine.record.evidence.rules import require_media
from engine.review.facts import lowering_guard
from engine.review.gate import legal_review_guards
from engine.runner.expressions.static import constant_failures
from engine.runner.parser import ParsedProcess, parse_process
from engine.runner.script_engine import Handler, HandlerCall, evaluate_condition
from engine.runner.timekeeping.calendar_sources import default_calendar
from engine.runner.timekeeping.workday_functions import workday_functions
from engine.runner.user_tasks.attribute_text import text_problem
from engine.runner.workflow import Runner
from engine.store.database import make_engine
from engine.store.unit_of_work import SqlUnitOfWorkFactory
from engine.supervision.actions import case_is_not_suspended
from engine.tasks.actions import delegated_task_is_given_back_first
from engine.tasks.co_signing import signs_once
from engine.tasks.drafts import discard_draft_of_completed_task
from engine.tasks.forms.generated_guard import generated_form_guard
from engine.tasks.forms.limits import FormLimits
from engine.tasks.forms.validation import validate_form_data


def system_clock() -> datetime:
    return datetime.now(UTC)


def _schedule_disclosure(call: HandlerCall) -> JsonObject | None:
    call.ask("disclosure.schedule", decision=call.variables.get("decision"))
    return None


def _notify_applicant(call: HandlerCall) -> JsonObject | None:
    call.ask("applicant.notify", element=call.element.name)
    return None


DEFAULT_HANDLERS: dict[str, Handler] = {
    "disclosure.schedule": _schedule_disclosure,
    "notify.applicant": _notify_applicant,
}


def condition_evaluator(
    functions: Mapping[str, Callable[..., Any]], budget: EvaluationBudget = DEFAULT_BUDGET
) -> Callable[[str, Mapping[str, JsonValue]], bool]:
    """A diagram condition against case variables, in the runner's safe language (unset facts read null),
    under the evaluation budget."""

    def evaluate(source: str, variables: Mapping[str, JsonValue]) -> bool:
        return evaluate_condition(source, variables, functions, budget)

    return evaluate


def lint_facts(functions: Iterable[str], handlers: Iterable[str]) -> RuntimeFacts:
    """What the linter needs to know of this node's runtime: which attribute texts the runner compiles
    (with these functions), and which handlers service tasks and listeners may name."""
    allowed = frozenset(functions)
    return RuntimeFacts(text_check=partial(text_problem, functions=allowed), handlers=frozenset(handlers))


def _linters(
    rules: str, budget: EvaluationBudget, form_limits: FormLimits, facts: RuntimeFacts
) -> tuple[Callable[[bytes, str], list[Finding]], Callable[[bytes, str], list[Finding]]]:
    from engine.compliance.lint import lint_bpmn, lint_form

    constant_check = partial(constant_failures, budget=budget)  # SX-D132: the runner evaluates constants

    def lint(data: bytes, name: str) -> list[Finding]:
        return lint_bpmn(
            data, filename=name, rules=rules, budget=budget, constant_check=constant_check, facts=facts
        )

    def lint_f(data: bytes, name: str) -> list[Finding]:
        return lint_form(data, filename=name, limits=form_limits)

    return lint, lint_f


def bootstrap(
    settings: Settings,
    *,
    clock: Clock | None = None,
    rules: str = "all",
    handlers: Mapping[str, Handler] | None = None,
    functions: Mapping[str, Callable[..., Any]] | None = None,
) -> AppContext:
    """``rules`` is "all" in every real deployment; engine tests may narrow it to "dialect"."""
    db = make_engine(settings.database_url)
    calendar = BureauCalendar(default_calendar)  # working days: bureau's days over the packaged sources
    runner = Runner(
        {**DEFAULT_HANDLERS, **(handlers or {})},
        {**workday_functions(calendar.current), **(functions or {})},
        settings.budget,
    )
    allowed = frozenset(runner.functions)

    def parse(xml: bytes, key: str | None) -> ParsedProcess:
        return parse_process(xml, key, allowed)

    lint, lint_form = _linters(
        rules, settings.budget, settings.form_limits, lint_facts(runner.functions, runner.handlers)
    )
    ctx = AppContext(
        settings=settings,
        uow=SqlUnitOfWorkFactory(db),
        runner=runner,
        parse=parse,
        lint=lint,
        lint_form=lint_form,
        clock=clock or system_clock,
        database=db,
        calendar=calendar,
    )
    # Guards run in this order before every task completion; the first refusal wins.
    ctx.guards = (
        case_is_not_suspended,  # a suspended case completes nothing (console)
        signs_once,  # 会签: each signer signs an activation once
        validate_form_data,  # the form first: later guards read valid data
        generated_form_guard(ctx),  # camunda:formData: checked and converted to its types
        lowering_guard(ctx),  # an established fact is lowered only by a correction
        *legal_review_guards(ctx),  # review, coordination, decision
        require_media,  # audio/video on on-site, hearing, delivery
        certificate_guard(ctx.clock),  # on-site work only with a valid enforcement certificate
        delegated_task_is_given_back_first,  # 委派: the owner completes once it is given back
    )
    # Listeners see every record entry in its own transaction.
    ctx.listeners = (
        deadline_listener(ctx),  # deadlines follow the steps of each case
        queue_events,  # the webhook outbox
        discard_draft_of_completed_task,  # a completed task's draft is gone
        call_listener(ctx),  # a completed child case returns to its parent's call activity
        cascade_listener(ctx),  # a child case its parent no longer waits for is cancelled
    )
    ctx.effect_handlers["disclosure.schedule"] = schedule_disclosure
    ctx.effect_handlers["timer.capped"] = record_timer_capped
    ctx.effect_handlers["call.start"] = start_child  # a call activity opens its child case
    return ctx
