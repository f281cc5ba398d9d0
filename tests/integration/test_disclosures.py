"""Publication of decisions (事后公开) on a shipped process, driven through the API with the full rules:
a decided case gets a pending disclosure due 7 working days after the decision day; the clerk publishes
the redacted text (or the scheduler does, on the due day); a fallen decision is withdrawn.

2026 around the National Day: 1–7 Oct off, Sat 10 Oct an adjusted working day."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest

from cnid import resident_id_check_char
from engine.app import create_app
from engine.disclosure.publish import publish_due_disclosures
from engine.integration.delivery import deliver_due_events
from engine.runner.timekeeping.calendar_sources import default_calendar
from tests.conftest import make_context
from tests.integration import disclosure_driver as drive
from tests.integration.deadline_driver import at
from tests.integration.webhook_receiver import Receiver
from tests.support import auth

ID_BODY = "11010119900307451"
PERSON_ID = ID_BODY + resident_id_check_char(ID_BODY)  # a valid 居民身份证号码
MASKED_ID = PERSON_ID[:6] + "*" * 8 + PERSON_ID[-4:]  # birth date hidden
CREDIT_CODE = "91370102MA3C8G2K1X"  # the company of the shipped form data
AGENT_TEXT = f"准予设置。委托代理人李四，身份证号{PERSON_ID}，联系电话13912345678。"


@pytest.fixture
def world(settings, clock) -> Iterator[tuple[Any, Any, Any]]:  # type: ignore[no-untyped-def]
    ctx = make_context(settings, clock)  # every compliance rule, as in production
    app = create_app(ctx)
    app.config["TESTING"] = True
    client = app.test_client()
    drive.deploy_shipped(client)
    yield ctx, client, clock
    ctx.database.dispose()


def _records(ctx: Any, case_id: str, action: str) -> list[dict[str, Any]]:
    with ctx.uow(readonly=True) as uow:
        return [dict(e.content.payload) for e in uow.records.for_case(case_id) if e.content.action == action]


def test_a_decided_case_gets_a_pending_disclosure_due_seven_working_days_after_the_decision(world) -> None:  # type: ignore[no-untyped-def]
    ctx, client, clock = world
    clock.now = at("2026-09-30")  # the Wednesday before the National Day
    case_id = drive.case_to_disclosure(client, decisionText=AGENT_TEXT)
    row = drive.disclosure_of(client, case_id)
    expected = default_calendar().add_workdays(dt.date(2026, 9, 30), 7)
    assert (row["status"], row["decided_on"]) == ("pending", "2026-09-30")
    assert row["due_on"] == expected.date.isoformat()
    assert row["due_on"] == "2026-10-15"  # 8, 9, Sat 10, 12, 13, 14, 15 Oct
    assert PERSON_ID in row["draft_text"] and "13912345678" in row["draft_text"]
    assert PERSON_ID not in row["preview_text"] and f"身份证号{MASKED_ID}" in row["preview_text"]
    assert "139****5678" in row["preview_text"] and f"统一社会信用代码：{CREDIT_CODE}" in row["preview_text"]
    assert {r["rule"] for r in row["preview_rules"]} == {"resident_id", "mobile"}
    scheduled = _records(ctx, case_id, "disclosure.scheduled")
    assert [(p["disclosure"], p["dueOn"], p["decision"]) for p in scheduled] == [
        (row["id"], "2026-10-15", "grant")
    ]


def test_the_clerk_publishes_the_redacted_text_and_the_public_sees_only_that(world) -> None:  # type: ignore[no-untyped-def]
    ctx, client, clock = world
    case_id = drive.case_to_disclosure(client, decisionText=AGENT_TEXT)
    row = drive.disclosure_of(client, case_id)
    assert client.get(f"/decisions/{row['id']}").status_code == 404  # not published yet
    clock.advance(hours=2)
    published = drive.publish(client, row["id"]).get_json()
    assert (published["status"], published["published_by"]) == ("published", "wang")
    assert published["published_text"] == row["preview_text"]
    page = client.get(f"/decisions/{row['id']}").get_data(as_text=True)
    assert "139****5678" in page and CREDIT_CODE in page and "济南泉城餐饮管理有限公司" in page
    assert PERSON_ID not in page and "13912345678" not in page
    feeds = [client.get(f"/open/decisions.{kind}").get_data(as_text=True) for kind in ("json", "csv", "atom")]
    assert all("139****5678" in f and PERSON_ID not in f and "13912345678" not in f for f in feeds)
    [entry] = _records(ctx, case_id, "disclosure.published")
    assert (entry["text"], entry["automatic"], entry["edited"]) == (row["preview_text"], False, False)
    assert {r["rule"]: r["count"] for r in entry["rules"]} == {"resident_id": 1, "mobile": 1}
    again = drive.publish(client, row["id"])
    assert (again.status_code, again.get_json()["code"]) == (409, "disclosure-not-pending")


def test_a_natural_person_is_named_with_the_identity_number_masked(world) -> None:  # type: ignore[no-untyped-def]
    _, client, _ = world
    person = {
        "applicantName": "张三",
        "applicantType": "person",
        "applicantId": PERSON_ID,
        "applicantPhone": "13800001234",
        "applicantAddress": "山东省济南市历下区文化东路5号",
    }
    row = drive.disclosure_of(client, drive.case_to_disclosure(client, applicant=person))
    assert "行政相对人：张三" in row["preview_text"] and f"居民身份证号码：{MASKED_ID}" in row["preview_text"]
    assert "13800001234" not in row["draft_text"] and "文化东路" not in row["draft_text"]  # never drafted


def test_an_edited_text_is_redacted_again_before_it_is_published(world) -> None:  # type: ignore[no-untyped-def]
    ctx, client, _ = world
    case_id = drive.case_to_disclosure(client)
    row = drive.disclosure_of(client, case_id)
    edited = (
        row["preview_text"] + "\n补充说明：申请人手机 13700001111，家庭住址：山东省济南市历下区文化东路5号。"
    )
    published = drive.publish(client, row["id"], user="sun", text=edited).get_json()
    text = published["published_text"]
    assert "137****1111" in text and "山东省济南市历下区****" in text and "文化东路" not in text
    [entry] = _records(ctx, case_id, "disclosure.published")
    assert entry["edited"] is True and {r["rule"] for r in entry["rules"]} == {"address", "mobile"}


def test_only_window_clerks_and_approvers_publish(world) -> None:  # type: ignore[no-untyped-def]
    _, client, _ = world
    row = drive.disclosure_of(client, drive.case_to_disclosure(client))
    refused = drive.publish(client, row["id"], user="zhao")
    assert (refused.status_code, refused.get_json()["code"]) == (403, "disclosure-forbidden")
    assert client.get("/api/v1/disclosures", headers=auth("zhao")).status_code == 403
    assert drive.disclosure_of(client, row["case_id"])["status"] == "pending"


def test_the_scheduler_publishes_exactly_on_the_due_working_day_across_the_national_day(world) -> None:  # type: ignore[no-untyped-def]
    ctx, client, clock = world
    clock.now = at("2026-09-30")
    row = drive.disclosure_of(client, drive.case_to_disclosure(client, decisionText=AGENT_TEXT))
    for moment in ("2026-10-08", "2026-10-10", "2026-10-14T23:59"):  # before the due day: nothing
        clock.now = at(moment)
        assert publish_due_disclosures(ctx) == 0
    clock.now = at("2026-10-15T00:00")  # the due day has begun
    assert publish_due_disclosures(ctx) == 1
    assert publish_due_disclosures(ctx) == 0  # once only
    done = drive.disclosure_of(client, row["case_id"])
    assert (done["status"], done["published_by"], done["published_text"]) == (
        "published",
        "system",
        row["preview_text"],
    )
    [entry] = _records(ctx, row["case_id"], "disclosure.published")
    assert (entry["automatic"], entry["onTime"], entry["dueOn"]) == (True, True, "2026-10-15")
    assert "139****5678" in client.get(f"/decisions/{row['id']}").get_data(as_text=True)


def test_overdue_disclosures_are_listed_for_supervisors(world) -> None:  # type: ignore[no-untyped-def]
    _, client, clock = world
    row = drive.disclosure_of(client, drive.case_to_disclosure(client))
    clock.now = at(row["due_on"], hour=12)  # due today: not overdue yet
    assert client.get("/api/v1/disclosures?status=overdue", headers=auth("zhou")).get_json() == []
    clock.advance(days=1)  # the scheduler did not run
    overdue = client.get("/api/v1/disclosures?status=overdue", headers=auth("zhou")).get_json()
    assert [(d["id"], d["overdue"], d["status"]) for d in overdue] == [(row["id"], True, "pending")]


def test_a_withdrawal_hides_the_text_keeps_the_record_and_says_when(world) -> None:  # type: ignore[no-untyped-def]
    ctx, client, clock = world
    case_id = drive.case_to_disclosure(client, decisionText=AGENT_TEXT)
    row = drive.disclosure_of(client, case_id)
    drive.publish(client, row["id"])
    clock.now = at("2026-12-16", hour=10)
    refused = drive.withdraw(client, row["id"], user="zhao", kind="revoked", reason="复议决定撤销")
    assert refused.status_code == 403
    done = drive.withdraw(
        client,
        row["id"],
        kind="revoked",
        fellOn="2026-12-10",
        reason="经行政复议，原许可决定被撤销（复议决定书〔2026〕9号）",
    ).get_json()
    assert (done["status"], done["withdrawal_kind"], done["withdrawal_due_on"]) == (
        "withdrawn",
        "revoked",
        "2026-12-15",
    )
    assert done["withdrawal_late"] is True  # 3 working days after 10 Dec
    page = client.get(f"/decisions/{row['id']}").get_data(as_text=True)
    assert "已于 2026年12月16日 撤回公示" in page and "决定被撤销" in page and "139****5678" not in page
    english = client.get(f"/decisions/{row['id']}?lang=en").get_data(as_text=True)
    assert "withdrawn on 2026-12-16 (revoked)" in english
    listed = json.loads(client.get("/open/decisions.json").get_data(as_text=True))["items"]
    assert [(d["status"], d["text"], d["withdrawal"]["kind"]) for d in listed] == [
        ("withdrawn", None, "revoked")
    ]
    assert "【已撤回】" in client.get("/open/decisions.atom").get_data(as_text=True)
    assert [p["kind"] for p in _records(ctx, case_id, "disclosure.withdrawn")] == ["revoked"]
    assert len(_records(ctx, case_id, "disclosure.published")) == 1  # the publication stays on record
    again = drive.withdraw(client, row["id"], kind="unlawful", reason="再次撤回")
    assert again.status_code == 409


def test_a_withdrawal_in_time_is_not_late_and_a_pending_one_never_shows(world) -> None:  # type: ignore[no-untyped-def]
    _, client, _ = world
    row = drive.disclosure_of(client, drive.case_to_disclosure(client, grant=False))
    assert row["decision"] == "deny"
    done = drive.withdraw(client, row["id"], user="zhou", kind="redo", reason="责令重新作出决定").get_json()
    assert (done["status"], done["withdrawal_late"], done["published_at"]) == ("withdrawn", False, None)
    assert client.get(f"/decisions/{row['id']}").status_code == 404
    assert drive.publish(client, row["id"]).status_code == 409
    bad = drive.withdraw(client, row["id"], kind="forgotten", reason="理由")
    assert bad.status_code == 400


def test_publication_and_withdrawal_reach_the_provincial_platform_as_signed_events(  # type: ignore[no-untyped-def]
    settings, clock
) -> None:
    ctx = make_context(settings.with_(webhook_allow=("127.0.0.0/8",)), clock)
    app = create_app(ctx)
    client = app.test_client()
    receiver = Receiver(now=clock).start()
    try:
        drive.deploy_shipped(client)
        response = client.post(
            "/api/v1/webhooks/subscriptions",
            headers=auth("admin"),
            json={"url": receiver.url, "eventTypes": ["disclosure.published", "disclosure.withdrawn"]},
        )
        receiver.secret = response.get_json()["secret"]
        row = drive.disclosure_of(client, drive.case_to_disclosure(client, decisionText=AGENT_TEXT))
        drive.publish(client, row["id"])
        drive.withdraw(client, row["id"], kind="unlawful", reason=f"确认违法，当事人身份证号{PERSON_ID}")
        assert deliver_due_events(ctx, "node-a").delivered == 2
    finally:
        receiver.stop()
        ctx.database.dispose()
    published, withdrawn = (d.body["data"] for d in receiver.deliveries)
    assert [d.event_type for d in receiver.deliveries] == ["disclosure.published", "disclosure.withdrawn"]
    assert all(d.signature_ok for d in receiver.deliveries)
    assert published["text"] == row["preview_text"] and "139****5678" in published["text"]
    assert withdrawn["kind"] == "unlawful" and "reason" not in withdrawn
    assert MASKED_ID in withdrawn["shownReason"]
    assert PERSON_ID not in json.dumps(withdrawn, ensure_ascii=False)
