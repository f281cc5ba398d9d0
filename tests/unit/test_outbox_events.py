"""Which outbound events a record entry stands for (engine.integration.outbox.RECORD_EVENTS)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from engine.integration.outbox import RECORD_EVENTS, events_for
from engine.record.chain import Content
from webhooks import EVENT_TYPES

AT = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
CREATED = [
    {"task": "t-2", "element": "Task_Review", "name": "审查"},
    {"task": "t-3", "element": "Task_OnSite", "name": "现场核查"},
]


def content(action: str, *, role: str | None = None, **payload: Any) -> Content:
    return Content(
        action=action,
        actor="zhao",
        recorded_at=AT,
        case_id="2026-000001",
        task_id="t-1",
        element_id="Task_X",
        actor_role=role,
        payload=payload,
    )


def kinds(entry: Content) -> list[str]:
    return [kind for kind, _ in events_for(entry)]


def test_a_started_case_announces_itself_then_each_task_it_created() -> None:
    found = events_for(
        content(
            "case.started",
            process="food_business_licence",
            version=2,
            businessKey="SD-1",
            created=CREATED[:1],
            variables={"idNumber": "secret"},
        )
    )
    assert [kind for kind, _ in found] == ["case.started", "task.created"]
    assert found[0][1] == {"processKey": "food_business_licence", "processVersion": 2, "businessKey": "SD-1"}
    assert found[1][1] == {"taskId": "t-2", "elementId": "Task_Review", "name": "审查"}


def test_a_completed_task_is_one_event_plus_one_per_created_task() -> None:
    found = events_for(content("task.completed", role="on-site", data={"note": "个人信息"}, created=CREATED))
    assert [kind for kind, _ in found] == ["task.completed", "task.created", "task.created"]
    assert found[0][1] == {"taskId": "t-1", "elementId": "Task_X", "role": "on-site"}


def test_a_completed_legal_review_is_also_a_review_with_its_conclusion() -> None:
    found = events_for(
        content("task.completed", role="legal-review", data={"reviewConclusion": "pass", "note1": "x"})
    )
    assert [kind for kind, _ in found] == ["task.completed", "review.completed"]
    assert found[1][1]["conclusion"] == "pass" and "note1" not in found[1][1]


def test_a_completed_decision_task_is_also_a_decision() -> None:
    found = events_for(content("task.completed", role="decision", data={"decision": "grant"}))
    assert [kind for kind, _ in found] == ["task.completed", "decision.made"]
    assert found[1][1]["decision"] == "grant"


@pytest.mark.parametrize(
    "action",
    [
        "disclosure.published",
        "deadline.warning",
        "deadline.overdue",
        "case.stuck",
        "case.failed",
        "audit.head-exported",
    ],
)
def test_later_record_actions_become_the_event_of_the_same_name_with_their_payload(action: str) -> None:
    assert events_for(content(action, detail="公示内容")) == [(action, {"detail": "公示内容"})]


def test_actions_without_an_event_send_nothing() -> None:
    for action in (
        "task.claimed",
        "task.unclaimed",
        "process.deployed",
        "case.completed",
        "webhook.replayed",
    ):
        assert events_for(content(action)) == []


def test_every_event_type_of_the_catalogue_has_a_source() -> None:
    produced = {kind for action in RECORD_EVENTS for kind in kinds(content(action, role="decision"))}
    produced |= set(kinds(content("task.completed", role="legal-review", created=CREATED)))
    assert produced == set(EVENT_TYPES)


def test_a_withdrawal_goes_out_with_the_redacted_reason_only() -> None:
    found = events_for(
        content(
            "disclosure.withdrawn", reason="申请人张三身份证110105…", shownReason="申请人张*…", kind="revoked"
        )
    )
    assert found == [("disclosure.withdrawn", {"shownReason": "申请人张*…", "kind": "revoked"})]
