"""In Chromium: a Camunda 7 generated form (``camunda:formData``) rendered by form-js on the task page,
checked
by the browser, submitted, and converted by the server to its declared types.

Reference: Camunda 7 docs "User Task Forms" → "Generated Task Forms" (Tasklist renders formData fields as
inputs of their type; readonly fields are shown and not submitted)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from engine.cases.opening import open_case
from engine.kernel.ports import Actor
from engine.processes.deploy import deploy
from tests.conformance.c7.driver import DIAGRAMS
from tests.e2e.browser.conftest import LiveServer
from tests.e2e.browser.pages import field, fill_in, log_in, open_task, shot, submit, type_into


def test_a_generated_form_is_rendered_checked_and_its_values_converted(live: LiveServer, page: Any) -> None:
    ctx = live.ctx
    deploy(
        ctx,
        [("c7_form_data.bpmn", (DIAGRAMS / "c7_form_data.bpmn").read_bytes())],
        Actor("li", frozenset({"designer"})),
    )
    clerk = Actor("wang", frozenset({"window-clerk"}))
    case = open_case(ctx, "c7_form_data", {"applicationNo": "SQ-2026-0042"}, clerk)
    task = next(t for t in case.tasks if t.element_id == "Task_Fill")
    log_in(page, live.url, "wang")
    open_task(page, live.url, task.id)
    form = page.text_content(".fjs-form") or ""
    assert all(label in form for label in ("申请人", "请假天数", "加急", "开始日期", "意见"))
    assert field(page, "reference").is_disabled() and field(page, "reference").input_value() == "SQ-2026-0042"
    page.click("#submit-form")  # empty: the browser checks first
    assert "此项为必填项。" in (page.text_content(".fjs-form") or "")
    type_into(page, "applicant", "王小明")
    fill_in(page, {"days": 5, "startDate": "2026-12-01"})
    shot(page, "generated-form")
    submit(page)
    with ctx.uow(readonly=True) as uow:
        row = uow.cases.get(case.case.id)
        assert row is not None
        variables = ctx.runner.restore(ctx.processes.get(uow, row.process_id), row.state).variables
    assert variables["days"] == 5 and type(variables["days"]) is int
    assert variables["startDate"] == datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    assert variables["result"] == "agree" and variables["urgent"] is False
    assert variables["reference"] == "SQ-2026-0042"  # its default; never submitted
