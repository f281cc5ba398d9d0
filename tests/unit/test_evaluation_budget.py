"""The evaluation budget: sizes measured as they would be saved, work paid before it is done, values
refused before they are built, timer cycles capped or refused, settings read strictly."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from functools import partial
from typing import Any

import pytest

from engine.bootstrap import condition_evaluator
from engine.config import budget_from_env
from engine.errors import StepFailed
from engine.kernel.budgets import (
    DEFAULT_BUDGET,
    EvaluationBudget,
    cap_cycle,
    cycle_problems,
    duration_problem,
)
from engine.runner.expressions import ExpressionError, compile_condition, compile_expression, compile_timer
from engine.runner.expressions.errors import describe
from engine.runner.expressions.meter import BudgetExceeded, FreeMeter, Meter, measure
from engine.runner.expressions.static import constant_failures, split_script
from engine.runner.parser import parse_process
from engine.runner.workflow import Runner
from tests.support import FIXTURES

HAN = re.compile(r"[\u4e00-\u9fff]")


def over(source: str, budget: EvaluationBudget = DEFAULT_BUDGET, **variables: Any) -> BudgetExceeded:
    with pytest.raises(BudgetExceeded) as caught:
        compile_expression(source).evaluate(variables, meter=Meter(budget))
    assert HAN.search(caught.value.message_zh) and not HAN.search(caught.value.message_en)
    return caught.value


def test_a_shared_part_counts_each_time_it_appears_as_it_would_in_the_saved_state() -> None:
    inner = ["abc"] * 10  # 10 × 5 characters + the list's own
    assert measure([inner] * 3, 10**6)[0] == 3 * (10 * 5 + 11) + 4
    size, visited = measure([inner] * 1000, 100)  # stops soon after the limit
    assert size > 100 and visited < 50


def test_measuring_a_deeply_nested_value_does_not_exhaust_the_stack() -> None:
    value: list[Any] = []
    for _ in range(100_000):
        value = [value]
    assert measure(value, 10**7)[0] == 200_001


@pytest.mark.parametrize(
    ("source", "variables", "budget"),
    [
        ("[[[n] * 1000] * 1000] * k", {"n": 1, "k": 3}, "value-size"),
        ("[text] * 100000", {"text": "x" * 2000}, "value-size"),
        ("page + page", {"page": ["x" * 1000] * 600}, "value-size"),
        ("[page, page]", {"page": ["x" * 1000] * 600}, "value-size"),
        ("{'a': page, 'b': page}", {"page": ["x" * 1000] * 600}, "value-size"),
        ("text * 100000", {"text": "xx"}, "value-size"),
        ("2 ** 99999999", {}, "value-size"),
        ("10 ** 10 ** 10", {}, "value-size"),
        (" and ".join(["big == copy"] * 12), {"big": ["x"] * 20_000, "copy": ["x"] * 20_000}, "operations"),
        (" or ".join(["'z' in big"] * 30), {"big": ["x"] * 20_000}, "operations"),
    ],
)
def test_work_and_values_over_the_budget_are_refused_before_they_happen(
    source: str, variables: dict[str, Any], budget: str
) -> None:
    assert over(source, **variables).budget == budget


def test_an_ordinary_condition_costs_next_to_nothing() -> None:
    meter = Meter()
    compiled = compile_condition("${amount > 1000 && result == 'pass' && !(kind eq 'x')}")
    assert compiled.evaluate({"amount": 2000, "result": "pass", "kind": "y"}, meter=meter) is True
    assert meter.left == DEFAULT_BUDGET.operations
    assert compile_condition("result in ['pass', 'return']").evaluate({"result": "pass"}, meter=meter)
    assert meter.left >= DEFAULT_BUDGET.operations - 40  # searching a list costs its size


def test_the_wall_time_budget_stops_an_evaluation_that_runs_past_it() -> None:
    error = over("big == copy", EvaluationBudget(seconds=0.0), big=["x"] * 10, copy=["x"] * 10)
    assert error.budget == "time"


def test_an_evaluation_stops_at_its_steps_time_too() -> None:
    meter = Meter(until=time.monotonic() - 1)  # the step's time is already spent
    with pytest.raises(BudgetExceeded) as caught:
        compile_condition("big == copy").evaluate({"big": [1, 2], "copy": [1, 2]}, meter=meter)
    assert caught.value.budget == "time"


def test_without_a_meter_the_same_values_are_built_which_is_what_the_budget_prevents() -> None:
    built = compile_expression("[[n] * 1000] * 1000").evaluate({"n": 0}, meter=FreeMeter())
    assert len(built) == 1000 and measure(built, 10**9)[0] > DEFAULT_BUDGET.value_size


def test_an_error_message_shows_a_short_rendering_of_a_huge_value() -> None:
    assert len(describe([["x" * 1000] * 1000] * 1000)) < 120


@pytest.mark.parametrize(
    ("cycle", "codes", "capped"),
    [
        ("R/PT0S", ["SX-D129", "SX-D130"], "R100/PT60S"),
        ("R999999999/PT1S", ["SX-D129", "SX-D130"], "R100/PT60S"),
        ("R5/PT0.001S", ["SX-D129"], "R5/PT60S"),
        ("R/2026-01-01T00:00:00+08:00/PT0S", ["SX-D129", "SX-D130"], "R100/2026-01-01T00:00:00+08:00/PT60S"),
        ("R100/PT60S", [], "R100/PT60S"),
        ("R3/P1M", [], "R3/P1M"),
        ("R101/PT1H", ["SX-D130"], "R100/PT1H"),
        ("R2/P200Y", ["SX-D131"], "R2/P200Y"),
    ],
)
def test_timer_cycles_are_judged_and_capped_by_one_rule(cycle: str, codes: list[str], capped: str) -> None:
    assert [code for code, _zh, _en in cycle_problems(cycle)] == codes
    assert cap_cycle(cycle) == capped
    assert duration_problem("P99999999Y") is not None and duration_problem("P30D") is None


def test_a_written_cycle_is_capped_when_evaluated_and_a_computed_one_refused() -> None:
    meter = Meter(EvaluationBudget(timer_max_cycles=5))
    assert compile_timer("R/PT0S", "timeCycle").evaluate({}, meter=meter) == "R5/PT60S"
    assert meter.capped == [("R/PT0S", "R5/PT60S")]
    with pytest.raises(BudgetExceeded) as caught:
        compile_timer("${cycle}", "timeCycle").evaluate({"cycle": "R/PT0S"}, meter=Meter())
    assert caught.value.budget == "timer" and "R/PT0S" in caught.value.message_en


def test_a_catalogue_or_gate_condition_over_its_budget_fails_the_step() -> None:
    evaluate = condition_evaluator({})
    with pytest.raises(StepFailed) as caught:
        evaluate("[[[n] * 1000] * 1000] * 1000 == x", {"n": 1, "x": 1})
    assert (caught.value.code, caught.value.details["budget"]) == ("budget-exceeded", "value-size")


def test_constant_parts_are_judged_at_deploy_and_variables_left_to_run_time() -> None:
    check = partial(constant_failures, budget=DEFAULT_BUDGET)
    found = check(
        [
            ("condition", "[[[1] * 1000] * 1000] * 1000 == x"),
            ("condition", "[[[n] * 1000] * 1000] * 9"),
            ("condition", "amount > 10 ** 10 ** 10"),
            ("script", "a = 1\nb = 'x' * 100000 * 100000"),
            ("condition", "${amount > 1000 && major}"),
            ("condition", "1 / 0 == x"),
        ]
    )
    assert [f is not None for f in found] == [True, False, True, True, False, True]
    assert "too large" in (found[0] or ("", ""))[1] and HAN.search((found[0] or ("", ""))[0])


def test_the_budget_is_read_from_settings_and_a_bad_setting_stops_the_start() -> None:
    budget = budget_from_env(
        {
            "SANXIANG_BUDGET_OPERATIONS": "5000",
            "SANXIANG_BUDGET_SECONDS": "0.25",
            "SANXIANG_TIMER_MIN_CYCLE_SECONDS": "300",
            "SANXIANG_BUDGET_STATE_BYTES": "",
        }
    )
    assert (budget.operations, budget.seconds, budget.timer_min_cycle_seconds) == (5000, 0.25, 300)
    assert budget.state_bytes == DEFAULT_BUDGET.state_bytes
    for bad in ("abc", "0", "-1", "1.5"):
        with pytest.raises(ValueError, match="SANXIANG_BUDGET_STEP_TASKS"):
            budget_from_env({"SANXIANG_BUDGET_STEP_TASKS": bad})


def test_a_state_over_its_size_is_refused_with_or_without_a_script() -> None:
    process = parse_process((FIXTURES / "c7_review.bpmn").read_bytes())
    runner = Runner(budget=EvaluationBudget(state_bytes=20_000))
    workflow, _ = runner.start(process, {"note": "备注" * 6000}, datetime(2026, 12, 1, tzinfo=UTC))
    with pytest.raises(StepFailed) as caught:  # 12,000 characters, 36,000 bytes of UTF-8 in a task's data
        workflow.dump()
    assert (caught.value.code, caught.value.details["budget"]) == ("budget-exceeded", "state-size")
    assert caught.value.details["size"] > 20_000


def test_a_script_of_more_lines_than_the_language_allows_is_refused() -> None:
    assert len(split_script("\n".join(f"a{i} = {i}" for i in range(200)))) == 200
    with pytest.raises(ExpressionError) as caught:
        split_script("\n".join(f"a{i} = {i}" for i in range(201)))
    assert "200" in caught.value.message_en and HAN.search(caught.value.message_zh)
