"""Camunda 7 generated forms (``camunda:formData``): types, defaults, constraints, conversion, start forms.

Reference: Camunda 7 docs "User Task Forms" → "Generated Task Forms" (form field types string, long, boolean,
date, enum; validation constraints required, minlength, maxlength, min, max, readonly); engine tests
``api/form/FormDataTest`` (testGetFormFieldBuiltInTypes, testGetFormFieldValidationConstraints,
testFormFieldSubmit: invalid values refused, defaults set when a field is not submitted) and
``api/form/FormServiceTest.testSubmitStartFormWithFormFieldMarkedAsBusinessKey``; ``FormFieldHandler`` and
the validators ``RequiredValidator``, ``ReadOnlyValidator``, ``Min/MaxValidator``, ``Min/MaxLengthValidator``.
Sanxiang checks them on every completion (Camunda 7: on submit-form only) and renders them with form-js."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.conformance.c7.driver import Case, deployed
from tests.integration.pages_driver import log_in
from tests.support import auth

VALID = {"applicant": "王小明", "days": 5, "startDate": "01/12/2026"}


@pytest.fixture
def case(client: Any) -> Case:
    deployed(client, "c7_form_data.bpmn")
    return Case(client, "c7_form_data", applicationNo="SQ-2026-0001")


def test_the_start_form_sets_the_business_key_and_its_defaults(case: Case) -> None:
    view = case.view()
    assert view["business_key"] == "SQ-2026-0001"
    assert view["variables"]["amount"] == 0 and view["variables"]["applicationNo"] == "SQ-2026-0001"


def test_a_start_form_refuses_a_case_without_its_required_field(client: Any) -> None:
    deployed(client, "c7_form_data.bpmn")
    response = client.post(
        "/api/v1/cases", json={"process": "c7_form_data", "variables": {"amount": 3}}, headers=auth("wang")
    )
    assert response.status_code == 400
    assert response.get_json()["details"]["fields"]["applicationNo"][0]["code"] == "required"


def test_a_long_sent_as_text_is_converted_when_no_numeric_rule_judges_it(client: Any) -> None:
    deployed(client, "c7_form_data.bpmn")
    case = Case(client, "c7_form_data", applicationNo="SQ-2", amount="1500")
    assert case.variables["amount"] == 1500


def test_submitted_values_are_converted_to_the_declared_types_and_defaults_fill_the_rest(case: Case) -> None:
    case.done("Task_Fill", "wang", **{**VALID, "urgent": "TRUE"})
    variables = case.variables
    assert variables["urgent"] is True  # Boolean.valueOf("TRUE")
    assert variables["result"] == "agree"  # not sent: its default
    assert variables["reference"] == "SQ-2026-0001"  # a default written as ${applicationNo}


def test_a_date_is_the_start_of_that_day_in_the_bureau_zone(case: Case, ctx: Any) -> None:
    case.done("Task_Fill", "wang", **VALID)
    with ctx.uow(readonly=True) as uow:
        state = uow.cases.get(case.id)
        variables = ctx.runner.restore(ctx.processes.get(uow, state.process_id), state.state).variables
    assert variables["startDate"] == datetime(2026, 11, 30, 16, 0, tzinfo=UTC)  # 2026-12-01 00:00 +08:00
    assert variables["days"] == 5 and type(variables["days"]) is int


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"applicant": None}, "applicant", "required"),
        ({"applicant": ""}, "applicant", "required"),
        ({"applicant": "王"}, "applicant", "minlength"),
        ({"applicant": "王" * 21}, "applicant", "maxlength"),
        ({"applicant": 12}, "applicant", "text-only"),
        ({"days": 0}, "days", "min"),
        ({"days": 31}, "days", "max"),
        ({"days": "5"}, "days", "number-only"),  # min/max judge the value as sent (a Long)
        ({"days": 2.5}, "days", "long"),  # passes min/max, but 2.5 is no Long
        ({"startDate": "32/13/2026"}, "startDate", "date"),
        ({"startDate": None}, "startDate", "required"),
        ({"result": "maybe"}, "result", "enum"),
        ({"reference": "SQ-X"}, "reference", "readonly"),
        ({"urgent": 1}, "urgent", "boolean"),
    ],
)
def test_each_constraint_and_type_refuses_what_camunda_7_refuses(
    case: Case, changes: dict[str, Any], field: str, code: str
) -> None:
    submission = {key: value for key, value in {**VALID, **changes}.items() if value is not None}
    response = case.complete("Task_Fill", "wang", **submission)
    assert response.status_code == 400, response.get_json()
    problem = response.get_json()
    assert problem["code"] == "form-invalid" and list(problem["details"]["fields"]) == [field]
    assert problem["details"]["fields"][field][0]["code"] == code
    assert [t["element_id"] for t in case.waiting()] == ["Task_Fill"]


def test_variables_that_are_not_fields_pass_through(case: Case) -> None:
    case.done("Task_Fill", "wang", **VALID, remark="附件已核对")
    assert case.variables["remark"] == "附件已核对"


def test_the_task_page_renders_the_generated_form_with_form_js(case: Case, client: Any) -> None:
    task = case.task("Task_Fill")
    log_in(client, "wang")
    page = client.get(f"/tasks/{task['id']}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for fragment in (
        '"key": "days"',
        '"type": "number"',
        '"decimalDigits": 0',
        '"min": 1',
        '"max": 30',
        '"type": "select"',
        '"label": "同意"',
        '"subtype": "date"',
        '"disabled": true',
        '"defaultValue": "SQ-2026-0001"',
        '"placeholder": "姓名"',
    ):
        assert fragment in html.replace("&#34;", '"'), fragment
