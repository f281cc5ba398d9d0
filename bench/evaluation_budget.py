"""What the evaluation budget costs an ordinary step: the same work with the budget on and off, one run.

Run by hand:  .venv/bin/python bench/evaluation_budget.py [--quick]

"Off" is the runner without a budget (``Runner(budget=None)``: a ``FreeMeter`` per evaluation, no step
guard, no state-size check, no timer caps) — a switch that exists only for this measurement. On and
off alternate within each round (which goes first alternates too), so that a busy machine slows both
alike. Times are this process's CPU time (``time.process_time``): on a machine shared with other work,
wall time mostly measures the others. Each line gives the median and the best round. Prints, in one
run:
 (a) one evaluation of the shipped processes' conditions (and a script line and a timer): µs each;
 (b) one ordinary step in memory (restore the state, complete a task whose gateway and timer are
     evaluated, save the state), ``tests/fixtures/c7_review.bpmn``: µs per step;
 (c) the same step through the JSON API with a real SQLite commit (Flask test client): ms per step;
and for each the overhead of the budget (on − off, and in per cent of off); then
 (d) how long the attacks of issue 13 item 5 now take to be refused (budget on only: off, they run
     for minutes or build hundreds of megabytes), ms of CPU each.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CLOCK = time.process_time  # CPU time of this process: what other work on a shared machine disturbs least
sys.path.insert(0, str(ROOT))
TESTS = ROOT / "tests" / "fixtures"

from engine.kernel.budgets import DEFAULT_BUDGET, EvaluationBudget  # noqa: E402
from engine.runner.expressions import compile_condition, compile_expression, compile_timer  # noqa: E402
from engine.runner.expressions.meter import FreeMeter, Meter  # noqa: E402

# the conditions of processes/*.bpmn, a script line and a timer, with the variables a case has then
ORDINARY: list[tuple[Any, dict[str, Any]]] = [
    (compile_condition("${reviewConclusion == 'pass'}"), {"reviewConclusion": "pass"}),
    (compile_condition("${reviewConclusion == 'reject'}"), {"reviewConclusion": "pass"}),
    (compile_condition("${decision == 'grant'}"), {"decision": "grant"}),
    (compile_condition("${contest}"), {"contest": False}),
    (compile_condition("${!materialsComplete}"), {"materialsComplete": True}),
    (
        compile_condition("${hearingHeld || publicInterest || investment > 10000000 || firstOfKind}"),
        {"hearingHeld": False, "publicInterest": False, "investment": 2_000_000, "firstOfKind": False},
    ),
    (compile_condition("result in ['pass', 'return']"), {"result": "return"}),
    (compile_expression("amount * 2 + fee"), {"amount": 1500, "fee": 20}),
    (compile_timer("R3/P1D", "timeCycle"), {}),
]


def per_evaluation(rounds: int, loops: int) -> tuple[list[float], list[float]]:
    on: list[float] = []
    off: list[float] = []
    meters: list[tuple[Callable[[], Meter], list[float]]] = [(Meter, on), (FreeMeter, off)]
    for _ in range(rounds):
        meters.reverse()
        for meter_of, out in meters:
            started = CLOCK()
            for _ in range(loops):
                for compiled, variables in ORDINARY:
                    compiled.evaluate(variables, meter=meter_of())
            out.append((CLOCK() - started) / (loops * len(ORDINARY)))
    return on, off


def in_memory_step(rounds: int, steps: int) -> tuple[list[float], list[float]]:
    from engine.runner.parser import parse_process
    from engine.runner.workflow import Runner

    process = parse_process((TESTS / "c7_review.bpmn").read_bytes())
    runners = [("on", Runner(budget=DEFAULT_BUDGET)), ("off", Runner(budget=None))]
    now = datetime(2026, 12, 1, 1, tzinfo=UTC)
    results: dict[str, list[float]] = {"on": [], "off": []}
    for _ in range(rounds):
        runners.reverse()
        for name, runner in runners:
            elapsed = 0.0
            for turn in range(steps):  # Apply → gateway (major) → Review (+ timer) → gateway (return) …
                if turn % 5 == 0:  # a fresh case every 5 turns: an ordinary history, not a long one
                    state = runner.start(process, {}, now)[0].dump()
                started = CLOCK()
                for data in ({"amount": 5000, "major": True}, {"result": "return"}):
                    workflow = runner.restore(process, state)
                    workflow.complete_task(workflow.ready_tasks()[0].task_id, data, now)
                    state = workflow.dump()
                elapsed += CLOCK() - started
            results[name].append(elapsed / (2 * steps))
    return results["on"], results["off"]


def api_step(rounds: int, steps: int) -> tuple[list[float], list[float]]:
    from engine.app import create_app
    from engine.bootstrap import bootstrap
    from engine.config import Settings
    from engine.demo import ensure_demo_users
    from engine.kernel.ports import Actor
    from engine.processes.deploy import deploy
    from engine.store.migrate import upgrade

    folder = tempfile.mkdtemp(prefix="sanxiang-bench-")
    ctx = bootstrap(
        Settings(
            database_url=f"sqlite:///{folder}/bench.db", var_dir=Path(folder), password_hash_profile="test"
        ),
        rules="dialect",
    )
    upgrade(ctx.database)
    ensure_demo_users(ctx)
    names = ("test-acceptance.form", "test-review.form", "c7_review.bpmn")
    deploy(ctx, [(n, (TESTS / n).read_bytes()) for n in names], Actor("li", frozenset({"designer"})))
    client = create_app(ctx).test_client()
    user = {"Task_Apply": "wang", "Task_Review": "qian"}
    data = {"Task_Apply": {"amount": 5000, "major": True}, "Task_Review": {"result": "return"}}

    def complete_one(case_id: str) -> float:
        with ctx.uow(readonly=True) as uow:
            task = uow.tasks.for_case(case_id, status="ready")[0]
        started = CLOCK()
        answer = client.post(
            f"/api/v1/tasks/{task.id}/complete",
            json={"variables": data[task.element_id]},
            headers={"Authorization": f"Bearer demo-{user[task.element_id]}"},
        )
        assert answer.status_code == 200, answer.get_json()
        return CLOCK() - started

    results: dict[str, list[float]] = {"on": [], "off": []}
    order: list[tuple[str, EvaluationBudget | None]] = [("on", DEFAULT_BUDGET), ("off", None)]
    for _ in range(rounds):
        order.reverse()
        for name, budget in order:
            ctx.runner.budget = budget
            case_id = client.post(
                "/api/v1/cases",
                json={"process": "c7_review", "variables": {}},
                headers={"Authorization": "Bearer demo-wang"},
            ).get_json()["id"]
            results[name].append(statistics.median(complete_one(case_id) for _ in range(steps)))
    ctx.database.dispose()
    return results["on"], results["off"]


Pair = tuple[list[float], list[float]]


def report(title: str, unit: str, scale: float, measure: Callable[[], Pair]) -> None:
    on, off = measure()
    lines = [title]
    for label, pick in (("median", statistics.median), ("best", min)):
        a, b = pick(on) * scale, pick(off) * scale
        lines.append(
            f"  {label:6}: on {a:.2f} {unit}, off {b:.2f} {unit}, overhead {a - b:+.2f} {unit} "
            f"({(a - b) / b * 100:+.1f} %)"
        )
    print("\n".join(lines) + f"\n  ({len(on)} rounds each)", flush=True)


ATTACKS: list[tuple[str, str, dict[str, Any]]] = [
    (
        "nested list repetition",
        "[[[n] * 1000] * 1000] * k == [[[n] * 1000] * 1000] * k",
        {"n": 1, "k": 100_000},
    ),
    (
        "repeated comparison of 20,000-item lists",
        " and ".join(["big == copy"] * 12),
        {"big": ["x"] * 20_000, "copy": ["x"] * 20_000},
    ),
    ("a 200 MB list", "[text] * 100000", {"text": "x" * 2000}),
    ("2 ** 99999999", "2 ** k", {"k": 99_999_999}),
]


def attacks() -> None:
    from engine.runner.expressions.meter import BudgetExceeded

    print("(d) time to refusal under the budget (median of 5, CPU)", flush=True)
    for title, source, variables in ATTACKS:
        compiled, times, reason = compile_expression(source), [], ""
        for _ in range(5):
            started = CLOCK()
            try:
                compiled.evaluate(variables, meter=Meter(DEFAULT_BUDGET))
            except BudgetExceeded as exc:
                reason = exc.budget
            times.append(CLOCK() - started)
        print(f"  {title:42}: {statistics.median(times) * 1e3:8.2f} ms ({reason})", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer rounds (a smoke run)")
    quick = parser.parse_args().quick
    print(f"python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f}", flush=True)
    rounds = 5 if quick else 25
    report(
        f"(a) one evaluation ({len(ORDINARY)} ordinary expressions)",
        "µs",
        1e6,
        lambda: per_evaluation(rounds, 200 if quick else 2000),
    )
    report(
        "(b) one step in memory: restore, complete, gateway + timer, save (c7_review)",
        "µs",
        1e6,
        lambda: in_memory_step(rounds, 10 if quick else 40),
    )
    report(
        "(c) one step through /api/v1 with a SQLite commit (c7_review)",
        "ms",
        1e3,
        lambda: api_step(rounds, 10 if quick else 30),
    )
    attacks()


if __name__ == "__main__":
    main()
