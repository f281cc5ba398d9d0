"""The outbound event envelope and the event type catalogue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from webhooks import EVENT_TYPES, UnknownEventType, check_event_type, is_event_type, make_event

BEIJING = timezone(timedelta(hours=8))


def test_the_catalogue_holds_exactly_the_documented_event_types() -> None:
    documented = {
        "case.started",
        "task.created",
        "task.completed",
        "review.completed",
        "decision.made",
        "disclosure.published",
        "disclosure.withdrawn",
        "deadline.warning",
        "deadline.overdue",
        "case.stuck",
        "case.failed",
        "audit.head-exported",
    }

    assert documented == EVENT_TYPES
    assert isinstance(EVENT_TYPES, frozenset)


def test_an_event_has_type_utc_timestamp_and_data() -> None:
    event = make_event(
        "decision.made",
        {"decision": "granted"},
        occurred_at=datetime(2026, 3, 2, 16, 0, 0, 123456, tzinfo=BEIJING),
    )

    assert event == {
        "type": "decision.made",
        "timestamp": "2026-03-02T08:00:00.123Z",
        "data": {"decision": "granted"},
    }


def test_the_case_id_goes_into_the_data_without_changing_the_callers_dict() -> None:
    data = {"taskId": "t-1"}

    event = make_event(
        "task.created", data, occurred_at=datetime(2026, 3, 2, tzinfo=UTC), case_id="2026-0815"
    )

    assert event["data"] == {"taskId": "t-1", "caseId": "2026-0815"}
    assert data == {"taskId": "t-1"}


def test_a_contradicting_case_id_is_refused() -> None:
    with pytest.raises(ValueError):
        make_event("case.started", {"caseId": "A"}, occurred_at=datetime(2026, 3, 2, tzinfo=UTC), case_id="B")


def test_an_unknown_event_type_is_refused_in_both_languages() -> None:
    assert is_event_type("case.started") and not is_event_type("case.exploded")
    with pytest.raises(UnknownEventType) as caught:
        make_event("case.exploded", {}, occurred_at=datetime(2026, 3, 2, tzinfo=UTC))

    assert "未知" in caught.value.message_zh and "case.exploded" in caught.value.message_en
    with pytest.raises(UnknownEventType):
        check_event_type("Case.Started")


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError):
        make_event("case.started", {}, occurred_at=datetime(2026, 3, 2))
