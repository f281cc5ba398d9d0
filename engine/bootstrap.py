"""The composition root: the one place that wires adapters (database, engine, linter) to services."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from engine.config import Settings
from engine.runner.parser import ParsedProcess, parse_process
from engine.runner.script_engine import Handler, HandlerCall
from engine.runner.workflow import Runner
from engine.services.context import AppContext
from engine.services.ports import Clock
from engine.store.database import make_engine
from engine.store.unit_of_work import SqlUnitOfWorkFactory


def system_clock() -> datetime:
    return datetime.now(UTC)


def _schedule_disclosure(call: HandlerCall) -> dict[str, Any] | None:
    call.ask("disclosure.schedule", decision=call.variables.get("decision"))
    return None


def _notify_applicant(call: HandlerCall) -> dict[str, Any] | None:
    call.ask("applicant.notify", element=call.element.name)
    return None


DEFAULT_HANDLERS: dict[str, Handler] = {
    "disclosure.schedule": _schedule_disclosure,
    "notify.applicant": _notify_applicant,
}


def _linters(rules: str) -> tuple[Callable[[bytes, str], list[Any]], Callable[[bytes, str], list[Any]]]:
    from engine.compliance.lint import lint_bpmn, lint_form

    def lint(data: bytes, name: str) -> list[Any]:
        return lint_bpmn(data, filename=name, rules=rules)

    def lint_f(data: bytes, name: str) -> list[Any]:
        return lint_form(data, filename=name)

    return lint, lint_f


def bootstrap(settings: Settings, *, clock: Clock | None = None, rules: str = "all",
              handlers: Mapping[str, Handler] | None = None,
              functions: Mapping[str, Callable[..., Any]] | None = None) -> AppContext:
    """``rules`` is "all" in every real deployment; engine tests may narrow it to "dialect"."""
    db = make_engine(settings.database_url)
    runner = Runner({**DEFAULT_HANDLERS, **(handlers or {})}, dict(functions or {}))
    allowed = frozenset(runner.functions)

    def parse(xml: bytes, key: str | None) -> ParsedProcess:
        return parse_process(xml, key, allowed)

    lint, lint_form = _linters(rules)
    ctx = AppContext(settings=settings, uow=SqlUnitOfWorkFactory(db), runner=runner, parse=parse,
                     lint=lint, lint_form=lint_form, clock=clock or system_clock, database=db)
    return ctx
