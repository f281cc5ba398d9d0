"""``sanxiang case correct``: an approver's recorded, reasoned correction of a case's facts (shell)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from engine.cases.opening import open_case
from engine.cli import main
from engine.kernel.context import AppContext
from engine.processes.deploy import deploy
from engine.tasks.claim_and_complete import complete_task
from tests.integration.form_data import form_data, review
from tests.support import ROOT


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> dict[str, str]:
    return {"SANXIANG_DATABASE_URL": database_url, "SANXIANG_VAR_DIR": str(tmp_path / "var")}


def _user(ctx: AppContext, user: str) -> Any:
    with ctx.uow(readonly=True) as uow:
        return uow.users.get(user)


def _step(ctx: AppContext, case_id: str, element: str, user: str, data: dict[str, Any]) -> None:
    with ctx.uow(readonly=True) as uow:
        [task] = [t for t in uow.tasks.for_case(case_id) if t.status == "ready" and t.element_id == element]
    complete_task(ctx, task.id, data, _user(ctx, user))


def _major_case_at_review(ctx: AppContext) -> str:
    files = [(p.name, p.read_bytes()) for p in sorted((ROOT / "forms").glob("*.form"))]
    deploy(
        ctx,
        [
            *files,
            ("outdoor_advertising.bpmn", (ROOT / "processes" / "outdoor_advertising.bpmn").read_bytes()),
        ],
        _user(ctx, "li"),
    )
    case_id: str = open_case(ctx, "outdoor_advertising", {}, _user(ctx, "wang")).case.id
    _step(ctx, case_id, "Task_Acceptance", "wang", form_data("acceptance"))
    _step(ctx, case_id, "Task_Review", "zhao", form_data("material-review"))
    _step(ctx, case_id, "Task_Proposal", "zhao", form_data("handler-review", publicInterest=True))
    return case_id


def _actions(ctx: AppContext, case_id: str) -> list[str]:
    with ctx.uow(readonly=True) as uow:
        return [e.content.action for e in uow.records.for_case(case_id)]


def test_an_approver_corrects_a_fact_and_the_case_still_needs_its_review(
    ctx: AppContext, env: dict[str, str]
) -> None:
    case_id = _major_case_at_review(ctx)
    runner = CliRunner(env=env)
    args = [
        "case",
        "correct",
        case_id,
        "--set",
        "publicInterest=false",
        "--reason",
        "经核实不涉及重大公共利益",
    ]
    refused = runner.invoke(main, [*args, "--as-user", "zhao"])
    assert refused.exit_code == 1 and "correction-forbidden" in refused.output
    done = runner.invoke(main, [*args, "--as-user", "sun"])
    assert done.exit_code == 0, done.output
    assert "事实已更正" in done.output and "legal review is required" in done.output
    with ctx.uow(readonly=True) as uow:
        entry = uow.records.for_case(case_id)[-1].content
    assert entry.action == "fact.corrected" and entry.actor == "sun"
    assert entry.payload["facts"] == {"publicInterest": {"from": True, "to": False}}
    assert entry.payload["reason"] == "经核实不涉及重大公共利益"
    assert entry.payload["lowered"] == ["legal-review"]
    _step(ctx, case_id, "Task_LegalReview", "qian", review("pass"))
    _step(ctx, case_id, "Task_Decision", "sun", form_data("decision"))


def test_a_correction_after_the_decision_is_refused_and_the_refusal_recorded(
    ctx: AppContext, env: dict[str, str]
) -> None:
    case_id = _major_case_at_review(ctx)
    _step(ctx, case_id, "Task_LegalReview", "qian", review("pass"))
    _step(ctx, case_id, "Task_Decision", "sun", form_data("decision"))
    result = CliRunner(env=env).invoke(
        main,
        [
            "case",
            "correct",
            case_id,
            "--set",
            "investment=0",
            "--reason",
            "投资额填写有误",
            "--as-user",
            "sun",
        ],
    )
    assert result.exit_code == 1 and "correction-after-decision" in result.output
    assert _actions(ctx, case_id)[-1] == "fact.correction-refused"
