"""The rules of refusals on record (engine/record/refusals/rules.py): the bound per actor and case, the
names of refused attempts — and every use case that acts on a case records its refusals through one
mechanism."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from datetime import UTC, datetime, timedelta

import pytest

import engine
from engine.record.refusals.record_refusal import refusals_on_record
from engine.record.refusals.rules import (
    ATTEMPTS,
    Bound,
    count_refusal,
    refused_action,
    refused_attempt,
    summary_of,
)

T0 = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
BOUND = Bound(limit=3, span=timedelta(minutes=10))


def run(times: list[datetime], kind: str = "task.complete task-forbidden") -> list[tuple[bool, int]]:
    """(recorded?, suppressed count of a closed window or 0) for each refusal at ``times``."""
    window, seen = None, []
    for now in times:
        counted = count_refusal(window, now, BOUND, kind)
        seen.append((counted.record, counted.closed.suppressed if counted.closed else 0))
        window = counted.window
    return seen


def test_the_first_refusals_of_a_window_are_recorded_and_the_rest_counted() -> None:
    seen = run([T0 + timedelta(seconds=i) for i in range(200)])
    assert [r for r, _ in seen] == [True] * 3 + [False] * 197
    assert all(closed == 0 for _, closed in seen)


def test_a_window_over_closes_with_its_count_and_a_new_one_starts() -> None:
    times = [T0 + timedelta(seconds=i) for i in range(5)] + [T0 + timedelta(minutes=10)]
    assert run(times) == [(True, 0)] * 3 + [(False, 0)] * 2 + [(True, 2)]


def test_a_window_without_counted_refusals_closes_without_a_summary() -> None:
    assert run([T0, T0 + timedelta(minutes=11)]) == [(True, 0), (True, 0)]


def test_at_most_limit_plus_one_entries_per_window_whatever_the_rate() -> None:
    times = [T0 + timedelta(seconds=7 * i) for i in range(1000)]  # ~ 2 hours, one every 7 s
    seen = run(times)
    entries = sum(r for r, _ in seen) + sum(1 for _, closed in seen if closed)
    windows = (times[-1] - times[0]) // BOUND.span + 1
    assert entries <= windows * (BOUND.limit + 1)


def test_the_summary_counts_each_kind() -> None:
    window = None
    for kind in ["a x"] * 3 + ["a x", "b y", "b y"]:
        window = count_refusal(window, T0, BOUND, kind).window
    assert window is not None
    summary = summary_of(window, BOUND)
    assert summary["suppressed"] == 3 and summary["tally"] == {"a x": 1, "b y": 2}
    assert summary["windowEnd"] == (T0 + BOUND.span).isoformat()


@pytest.mark.parametrize(
    ("attempt", "role", "action"),
    [
        ("task.complete", "decision", "decision.refused"),
        ("task.complete", "legal-review", "review.refused"),
        ("task.complete", "acceptance", "task.refused"),
        ("task.complete", None, "task.refused"),
        ("case.withdraw", None, "case.withdraw-refused"),
        ("case.move", None, "case.move-refused"),
    ],
)
def test_a_refused_attempt_is_named_by_what_was_attempted(
    attempt: str, role: str | None, action: str
) -> None:
    assert refused_action(attempt, role) == action
    assert refused_attempt(action) == attempt
    assert refused_attempt("case.withdrawn") is None and refused_attempt("user.login-refused") is None


def test_every_attempt_is_one_use_case_that_records_its_refusals() -> None:
    found: dict[str, list[str]] = {}
    for module_info in pkgutil.walk_packages(engine.__path__, "engine."):
        if "migrations" in module_info.name or module_info.name == "engine.__main__":
            continue
        module = importlib.import_module(module_info.name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            attempt = getattr(function, "refusal_attempt", None)
            if attempt and function.__module__ == module.__name__:
                found.setdefault(attempt, []).append(f"{module.__name__}.{name}")
    assert set(found) == set(ATTEMPTS)
    assert found["case.withdraw"] == ["engine.tasks.actions.withdraw_case"]
    assert found["task.complete"] == ["engine.tasks.claim_and_complete.complete_task"]


def test_a_use_case_the_mechanism_cannot_serve_is_refused_at_import() -> None:
    def no_case(ctx: object, actor: object) -> None:
        return None

    with pytest.raises(TypeError):
        refusals_on_record("case.withdraw")(no_case)
    with pytest.raises(TypeError):
        refusals_on_record("case.unheard-of")(lambda ctx, case_id, actor: None)
