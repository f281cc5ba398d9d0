"""Gateway conditions with values as forms send them (text), under the EL 2.2 coercion rules.

Reference: JSR-245 (EL 2.2) §1.8 (relational, equality) and §1.18 (coercion), as Camunda 7's JUEL implements
them (``org.camunda.bpm.impl.juel.BooleanOperations``, ``TypeConverterImpl``); Camunda 7 docs "Expression
Language" → "Usage of Expression Language" (conditions on sequence flows; a condition must give a Boolean).
Value by value: ``tests/unit/test_el_coercion.py``."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conformance.c7.driver import Case, deployed


@pytest.mark.parametrize(
    ("submitted", "route"),
    [
        (
            {"amount": "1500", "urgent": "false", "day": "5"},
            "Task_Large",
        ),  # '1500' > 1000: the text is a Long
        ({"amount": "800", "urgent": "true", "day": "5"}, "Task_Urgent"),  # 'true' == true
        ({"amount": "800", "urgent": "TRUE", "day": "5"}, "Task_Urgent"),  # Boolean.valueOf ignores case
        ({"amount": 800, "urgent": "no", "day": "2"}, "Task_Short"),  # ${day<3} with a form's text
        ({"amount": 800.5, "urgent": False, "day": 3}, "Task_Other"),
        ({"amount": "", "urgent": None, "day": "7"}, "Task_Other"),  # "" and null coerce to 0 / false
    ],
)
def test_text_from_forms_is_coerced_as_camunda_7_does(
    client: Any, submitted: dict[str, Any], route: str
) -> None:
    deployed(client, "c7_el_coercion.bpmn")
    case = Case(client, "c7_el_coercion")
    case.done("Task_Apply", "wang", **submitted)
    assert [t["element_id"] for t in case.waiting()] == [route]
    case.done(route, "sun")
    assert case.status == "completed"


@pytest.mark.parametrize(
    ("submitted", "reason"),
    [
        ({"amount": "abc", "urgent": False, "day": 1}, "Cannot coerce str 'abc' to Long"),
        ({"amount": "1500.5", "urgent": False, "day": 1}, "Cannot coerce str '1500.5' to Long"),
        ({"amount": True, "urgent": False, "day": 1}, "Cannot coerce bool True to Long"),
    ],
)
def test_what_el_cannot_coerce_fails_the_step_with_the_reason(
    client: Any, submitted: dict[str, Any], reason: str
) -> None:
    deployed(client, "c7_el_coercion.bpmn")
    case = Case(client, "c7_el_coercion")
    response = case.complete("Task_Apply", "wang", **submitted)
    assert response.status_code == 422 and reason in response.get_json()["detail_en"]
    assert [t["element_id"] for t in case.waiting()] == ["Task_Apply"]
    [failed] = [f for f in case.findings() if f["code"] == "step-failed"]
    assert reason in failed["reason_en"]
