"""A Camunda-7-style diagram (JUEL conditions, candidate groups, formRef, an unquoted PT1H boundary
timer) driven through every path, saved and restored after every step."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from engine.errors import Conflict, StepFailed
from engine.runner.parser import parse_process
from engine.runner.workflow import Runner, Workflow
from tests.support import FIXTURES

T0 = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def process():  # type: ignore[no-untyped-def]
    return parse_process((FIXTURES / "c7_review.bpmn").read_bytes())


class Case:
    """Drives one case, saving and restoring the state around every step."""

    def __init__(self, process: Any, variables: dict[str, Any] | None = None) -> None:
        self.runner = Runner()
        self.process = process
        workflow, _ = self.runner.start(process, variables or {}, T0)
        self.state = workflow.dump()
        self.now = T0

    def load(self) -> Workflow:
        return self.runner.restore(self.process, self.state)

    @property
    def waiting(self) -> list[str]:
        return [t.element.element_id for t in self.load().ready_tasks()]

    def complete(self, element_id: str, **data: Any) -> None:
        workflow = self.load()
        task = next(t for t in workflow.ready_tasks() if t.element.element_id == element_id)
        workflow.complete_task(task.task_id, data, self.now)
        self.state = workflow.dump()

    def wait(self, **delta: float) -> None:
        self.now += timedelta(**delta)
        workflow = self.load()
        workflow.run_engine(self.now)
        self.state = workflow.dump()

    @property
    def completed(self) -> bool:
        return self.load().is_completed


def test_camunda_attributes_that_camunda_parser_drops_are_on_each_ready_task(process) -> None:  # type: ignore[no-untyped-def]
    case = Case(process)
    task = case.load().ready_tasks()[0]
    assert task.element.candidate_groups == ("window-clerk",)
    assert task.element.form_id == "test-acceptance"
    assert task.element.form_ref_binding == "latest"
    assert task.element.role == "acceptance"
    case.complete("Task_Apply", amount=5000, major=True)
    review = case.load().ready_tasks()[0].element
    assert review.form_id == "test-review"  # from camunda-forms:deployment:test-review.form
    assert review.candidate_groups == ("legal-reviewer",)


def test_minor_case_goes_straight_to_the_decision(process) -> None:  # type: ignore[no-untyped-def]
    case = Case(process)
    case.complete("Task_Apply", amount=500, major=True)
    assert case.waiting == ["Task_Approve"]
    approve = case.load().ready_tasks()[0].element
    assert approve.candidate_users == ("sun",)
    case.complete("Task_Approve")
    assert case.completed


def test_major_case_passes_review_then_is_decided(process) -> None:  # type: ignore[no-untyped-def]
    case = Case(process)
    case.complete("Task_Apply", amount=5000, major=True)
    assert case.waiting == ["Task_Review"]
    case.complete("Task_Review", result="pass")
    assert case.waiting == ["Task_Approve"]
    case.complete("Task_Approve")
    assert case.completed


def test_returned_case_loops_back_to_acceptance(process) -> None:  # type: ignore[no-untyped-def]
    case = Case(process)
    case.complete("Task_Apply", amount=5000, major=True)
    case.complete("Task_Review", result="return")
    assert case.waiting == ["Task_Apply"]
    case.complete("Task_Apply", amount=5000, major=False)
    assert case.waiting == ["Task_Approve"]


def test_rejected_case_ends_by_the_default_flow(process) -> None:  # type: ignore[no-untyped-def]
    case = Case(process)
    case.complete("Task_Apply", amount=5000, major=True)
    case.complete("Task_Review", result="reject")
    assert case.completed
    assert case.load().variables["result"] == "reject"


def test_unquoted_pt1h_boundary_timer_fires_only_after_an_hour(process) -> None:  # type: ignore[no-untyped-def]
    case = Case(process)
    case.complete("Task_Apply", amount=5000, major=True)
    timers = case.load().waiting_timers()
    assert [(t.element_id, t.due_at) for t in timers] == [("Event_ReviewLate", T0 + timedelta(hours=1))]
    case.wait(minutes=59)
    assert case.waiting == ["Task_Review"]
    case.wait(minutes=2)
    assert case.waiting == ["Task_Escalate"]
    case.complete("Task_Escalate")
    assert case.completed


def test_completed_task_cannot_be_completed_again(process) -> None:  # type: ignore[no-untyped-def]
    case = Case(process)
    workflow = case.load()
    task = workflow.ready_tasks()[0]
    workflow.complete_task(task.task_id, {"amount": 1, "major": False}, T0)
    with pytest.raises(Conflict):
        workflow.complete_task(task.task_id, {}, T0)


def test_a_condition_on_a_missing_variable_fails_the_step_clearly(process) -> None:  # type: ignore[no-untyped-def]
    case = Case(process)
    with pytest.raises(StepFailed) as raised:
        case.complete("Task_Apply", note="no amount given")
    assert "amount" in raised.value.message_en
    assert case.waiting == ["Task_Apply"]  # the saved state did not move


def test_dates_decimals_and_datetimes_survive_save_and_restore(process) -> None:  # type: ignore[no-untyped-def]
    moment = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    case = Case(process, {"received": date(2026, 11, 30), "fee": Decimal("12.50"), "at": moment})
    case.complete("Task_Apply", amount=Decimal("1000.01"), major=True)
    variables = case.load().variables
    assert variables["received"] == date(2026, 11, 30)
    assert variables["fee"] == Decimal("12.50") and isinstance(variables["fee"], Decimal)
    assert variables["at"] == moment
    assert case.waiting == ["Task_Review"]  # Decimal compared with 1000 by the JUEL condition


def test_state_stays_flat_through_500_correction_loops(process) -> None:  # type: ignore[no-untyped-def]
    case = Case(process)
    sizes = []
    for loop in range(500):
        case.complete("Task_Apply", amount=5000, major=True)
        case.complete("Task_Review", result="return")
        if loop in (0, 499):
            sizes.append(len(case.state))
    assert sizes[1] <= sizes[0] * 1.05
    case.complete("Task_Apply", amount=5000, major=True)
    case.complete("Task_Review", result="pass")
    case.complete("Task_Approve")
    assert case.completed
