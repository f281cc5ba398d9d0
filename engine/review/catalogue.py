"""The major-decision catalogue (重大执法决定法制审核目录) of a deployed process, read from its diagram.

A process states which facts make a case major on its ``major-check`` gateway: the condition of the
flow marked ``sanxiang.major=true`` (e.g. ``${hearingHeld || publicInterest || investment > 50000000}``).
The gate evaluates that condition against the case's *current* variables, wherever the case's path
went: a diagram that routes a major case around the review does not make it minor.

A major flow without a condition (a major *default* flow) makes the case major unless another flow of
that gateway holds. A condition that cannot be evaluated (a missing or mistyped fact) counts as major:
when in doubt, the law asks for the review. Conditions are evaluated by a port (``ConditionEvaluator``,
the runner's safe expression language, wired by ``engine.bootstrap``); nothing here runs the diagram.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from engine.compliance import parse_model
from engine.errors import InvalidInput
from engine.kernel.json_types import JsonValue

ConditionEvaluator = Callable[[str, Mapping[str, JsonValue]], bool]  # (condition source, variables) -> holds?


@dataclass(frozen=True)
class MajorCheck:
    gateway: str
    major: tuple[str, ...]  # conditions of the sanxiang.major=true flows
    other: tuple[str, ...]  # conditions of the gateway's other flows
    default_is_major: bool


@dataclass(frozen=True)
class Catalogue:
    checks: tuple[MajorCheck, ...]

    def is_major(self, variables: Mapping[str, JsonValue], evaluate: ConditionEvaluator) -> bool:
        """Major for these facts; when in doubt (a condition that cannot be evaluated), major."""
        return any(_holds(check, variables, evaluate) for check in self.checks)

    def establishes_major(self, variables: Mapping[str, JsonValue], evaluate: ConditionEvaluator) -> bool:
        """Major for these facts beyond doubt: a major condition holds, or a major default flow is taken
        because every other condition is false. Unset facts establish nothing (``is_major`` fails closed)."""
        return any(_established(check, variables, evaluate) for check in self.checks)

    def major_routes(self) -> dict[str, frozenset[str]]:
        """Gateway id -> the conditions of its major flows: what a major case takes, whatever its facts."""
        return {check.gateway: frozenset(check.major) for check in self.checks}


def _true(source: str, variables: Mapping[str, JsonValue], evaluate: ConditionEvaluator) -> bool:
    try:
        return evaluate(source, variables) is True
    except InvalidInput:  # an expression error (InvalidExpression): fail closed, the case is major
        return True


def _holds(check: MajorCheck, variables: Mapping[str, JsonValue], evaluate: ConditionEvaluator) -> bool:
    if any(_true(source, variables, evaluate) for source in check.major):
        return True
    if not check.default_is_major:
        return False
    return not any(evaluate_quietly(source, variables, evaluate) for source in check.other)


def _established(check: MajorCheck, variables: Mapping[str, JsonValue], evaluate: ConditionEvaluator) -> bool:
    if any(evaluate_quietly(source, variables, evaluate) for source in check.major):
        return True
    if not check.default_is_major:
        return False
    return all(_false(source, variables, evaluate) for source in check.other)


def _false(source: str, variables: Mapping[str, JsonValue], evaluate: ConditionEvaluator) -> bool:
    try:
        return evaluate(source, variables) is not True
    except InvalidInput:
        return False


def evaluate_quietly(source: str, variables: Mapping[str, JsonValue], evaluate: ConditionEvaluator) -> bool:
    """A non-major condition that cannot be evaluated does not hold (so a major default stays major)."""
    try:
        return evaluate(source, variables) is True
    except InvalidInput:
        return False


def read_catalogue(xml: bytes) -> Catalogue:
    model = parse_model(xml)
    if isinstance(model, list):  # deployed diagrams always parse; an unreadable one has no catalogue
        return Catalogue(())
    checks = []
    for gateway in model.with_role("major-check"):
        flows = [model.flows[f] for f in gateway.outgoing if f in model.flows]
        major = [f for f in flows if f.properties.get("sanxiang.major") == "true"]
        major_ids = {f.id for f in major}
        checks.append(
            MajorCheck(
                gateway=gateway.id,
                major=tuple(f.condition for f in major if f.condition),
                other=tuple(f.condition for f in flows if f.id not in major_ids and f.condition),
                default_is_major=any(f.id == gateway.default_flow or not f.condition for f in major),
            )
        )
    return Catalogue(tuple(checks))
