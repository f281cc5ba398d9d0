"""The public portal, without login: item list and service guides with flowcharts, the major-decision
catalogue, staff on duty, published decisions (search, pages), the result query (right code, wrong code,
rate limit), statistics with charts, open data against its published schemas; Chinese and English."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from typing import Any

import jsonschema
import pytest

from engine.app import create_app
from engine.disclosure.portal.schemas import DECISIONS_SCHEMA, STATISTICS_SCHEMA
from tests.conftest import make_context
from tests.integration import disclosure_driver as drive
from tests.integration.deadline_driver import at
from tests.support import auth

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def world(settings, clock) -> Iterator[tuple[Any, Any, Any]]:  # type: ignore[no-untyped-def]
    ctx = make_context(settings, clock)
    app = create_app(ctx)
    app.config["TESTING"] = True
    client = app.test_client()
    drive.deploy_shipped(client, "outdoor_advertising", "food_business_licence")
    yield ctx, client, clock
    ctx.database.dispose()


def _text(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return str(response.get_data(as_text=True))


def _published(client: Any, clock: Any, day: str, **decision: Any) -> dict[str, Any]:
    clock.now = at(day)
    row = drive.disclosure_of(client, drive.case_to_disclosure(client, **decision))
    return dict(drive.publish(client, row["id"]).get_json())


def test_the_item_list_is_chinese_by_default_and_english_on_request(world) -> None:  # type: ignore[no-untyped-def]
    _, client, _ = world
    home = client.get("/")
    assert home.headers["Content-Language"] == "zh-CN" and "Accept-Language" in home.headers["Vary"]
    page = _text(home)
    assert "行政执法事项清单" in page and "户外广告设施设置审批" in page and "370102-XK-001" in page
    assert page.index("370102-XK-001") < page.index("370102-XK-005")  # in item-code order
    for english in (client.get("/?lang=en"), client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"})):
        assert "List of approval items" in _text(english) and english.headers["Content-Language"] == "en"
    chinese = client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
    assert "行政执法事项清单" in _text(chinese)
    assert 'href="/items/outdoor_advertising?lang=en"' in _text(client.get("/?lang=en"))  # choice kept


def test_a_service_guide_shows_every_field_of_the_guide_and_the_flowchart(world) -> None:  # type: ignore[no-untyped-def]
    _, client, _ = world
    page = _text(client.get("/items/outdoor_advertising"))
    for label in (
        "事项名称",
        "事项编码",
        "实施主体",
        "受理机构",
        "决定机构",
        "设定依据",
        "许可条件",
        "优惠政策",
        "申请材料",
        "法定办理时限",
        "承诺办理时限",
        "收费标准",
        "办理地点",
        "办理时间",
        "咨询电话",
        "监督方式",
        "责任追究",
        "救济渠道",
        "结果公示",
        "办理流程图",
    ):
        assert f">{label}<" in page, label
    assert "<li>户外广告设施设置申请表</li>" in page and "20 个工作日" in page and "5 个工作日" in page
    assert "行政复议" in page and "0531-12345" in page and "7 个工作日内公示" in page
    svg = re.search(r"<svg .*?</svg>", page, re.S)
    assert svg and 'data-element-id="Task_Decision"' in svg.group() and "<script" not in svg.group()
    english = _text(client.get("/items/outdoor_advertising?lang=en"))
    assert "Statutory time limit" in english and "20 working days" in english and "Flowchart" in english
    alone = client.get("/items/outdoor_advertising/flowchart.svg")
    assert alone.mimetype == "image/svg+xml" and alone.data.startswith(b"<svg")
    assert client.get("/items/no_such_item").status_code == 404


def test_the_catalogue_lists_what_makes_a_decision_major_per_item(world) -> None:  # type: ignore[no-untyped-def]
    _, client, _ = world
    page = _text(client.get("/catalogue"))
    assert "重大执法决定法制审核目录清单" in page and "<li>已举行听证的</li>" in page
    assert "食品经营许可" in page
    assert "Catalogue of major decisions" in _text(client.get("/catalogue?lang=en"))


def test_staff_on_duty_show_their_post_and_certificate(world) -> None:  # type: ignore[no-untyped-def]
    ctx, client, clock = world
    with ctx.uow() as uow:
        uow.people.put_staff(
            "zhao",
            clock(),
            post="审批科科员",
            department="审批一科",
            certificate_no="鲁济执0102001",
            certificate_valid_until=date(2028, 12, 31),
        )
        uow.commit()
    page = _text(client.get("/staff"))
    assert "赵承办（承办人）" in page and "审批科科员" in page and "鲁济执0102001" in page
    assert "承办审查" in page
    assert "王窗口（窗口受理）" in page and "李设计" not in page and "管理员" not in page
    assert "Certificate no." in _text(client.get("/staff?lang=en"))


def test_published_decisions_are_searchable_by_item_date_and_text_and_paginated(world) -> None:  # type: ignore[no-untyped-def]
    _, client, clock = world
    first = _published(client, clock, "2026-11-02", decisionNo="历下审批许字〔2026〕第101号")
    second = _published(client, clock, "2026-11-16", decisionNo="历下审批许字〔2026〕第102号")
    third = _published(client, clock, "2026-11-30", grant=False, decisionNo="历下审批不许字〔2026〕第103号")
    page = _text(client.get("/decisions"))
    assert page.index("第103号") < page.index("第102号") < page.index("第101号")  # newest first
    assert "共 3 条" in page and "不予许可" in page
    by_date = _text(client.get("/decisions?from=2026-11-10&to=2026-11-20"))
    assert "第102号" in by_date and "第101号" not in by_date and "第103号" not in by_date
    assert "第103号" in _text(client.get("/decisions?q=不予行政许可")) and "共 1 条" in _text(
        client.get("/decisions?q=不予行政许可")
    )
    assert "共 3 条" in _text(client.get("/decisions?item=outdoor_advertising"))
    assert "共 0 条" in _text(client.get("/decisions?item=food_business_licence"))
    assert "日期格式" in _text(client.get("/decisions?from=yesterday"))
    one = _text(client.get("/decisions?per_page=2"))
    assert "第 1 / 2 页" in one and "第101号" not in one and 'rel="next"' in one
    two = _text(client.get("/decisions?per_page=2&page=2"))
    assert "第101号" in two and 'rel="prev"' in two
    assert f"/decisions/{first['id']}" in two
    assert f"/decisions/{second['id']}" in one and f"/decisions/{third['id']}" in one


def test_the_result_query_answers_a_right_code_refuses_a_wrong_one_and_limits_each_client(world) -> None:  # type: ignore[no-untyped-def]
    _, client, clock = world
    row = _published(client, clock, "2026-11-27")
    case_id = row["case_id"]
    assert client.post(f"/api/v1/cases/{case_id}/query-code", headers=auth("zhao")).status_code == 403
    old = drive.issue_code(client, case_id)
    code = drive.issue_code(client, case_id)  # issued again: the old one stops working
    found = drive.query(client, case_id, code.lower())
    page = _text(found)
    assert 'id="query-result"' in page and "户外广告设施设置审批" in page and row["decision_no"] in page
    assert "归档" in page  # where the case waits now
    for pair in ((case_id, old), (case_id, "WRONG123"), ("2026-999999", code)):
        wrong = drive.query(client, *pair)
        assert wrong.status_code == 404 and "办件号或查询码不正确" in wrong.get_data(as_text=True)
    for _ in range(6):  # 10 queries a minute from one address
        drive.query(client, case_id, "WRONG123")
    limited = drive.query(client, case_id, code)
    assert limited.status_code == 429 and "查询过于频繁" in limited.get_data(as_text=True)
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    english = drive.query(client, case_id, code, lang="en")
    assert english.status_code == 429 and "Too many queries" in english.get_data(as_text=True)
    assert drive.query(client, case_id, code, ip="198.51.100.9").status_code == 200  # another client
    clock.advance(seconds=61)
    assert drive.query(client, case_id, code).status_code == 200


def _case(client: Any, clock: Any, accepted: str, decided: str | None, *, grant: bool = True) -> None:
    clock.now = at(accepted)
    case_id = drive.open_case(client)
    drive.accept(client, case_id)
    if decided is None:
        return
    drive.review_and_propose(client, case_id)
    clock.now = at(decided)
    drive.decide(client, case_id, grant=grant)
    drive.deliver(client, case_id, grant=grant)


def test_statistics_count_applications_outcomes_working_days_and_on_time_rate(world) -> None:  # type: ignore[no-untyped-def]
    _, client, clock = world
    _case(client, clock, "2026-11-02", "2026-11-05")  # 3 working days: on time (promised 5)
    _case(client, clock, "2026-11-09", "2026-11-18", grant=False)  # 7 working days: late
    _case(client, clock, "2026-11-20", None)  # applied, not decided
    _case(client, clock, "2026-12-01", "2026-12-03")  # 2 working days, in December
    clock.now = at("2026-12-10")
    body = json.loads(_text(client.get("/open/statistics.json")))
    jsonschema.validate(body, STATISTICS_SCHEMA)
    item = next(i for i in body["items"] if i["key"] == "outdoor_advertising")
    november = next(m for m in item["months"] if m["period"] == "2026-11")
    assert (november["applications"], november["grants"], november["denials"]) == (3, 1, 1)
    assert (november["averageWorkingDays"], november["onTimeRate"]) == (5.0, 0.5)
    december = next(m for m in item["months"] if m["period"] == "2026-12")
    assert (december["applications"], december["grants"], december["onTimeRate"]) == (1, 1, 1.0)
    total = item["total"]
    assert (total["applications"], total["decisions"], total["onTimeRate"]) == (4, 3, 0.6667)
    assert body["months"][-1] == "2026-12" and len(body["months"]) == 12
    page = _text(client.get("/statistics"))
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == 2 and "按时办结率" in page
    assert "67%" in page and "2026-11" in page
    assert "On-time rate per month" in _text(client.get("/statistics?lang=en"))


def test_the_open_data_follows_its_published_schemas(world) -> None:  # type: ignore[no-untyped-def]
    _, client, clock = world
    row = _published(client, clock, "2026-11-27")
    body = json.loads(_text(client.get("/open/decisions.json")))
    jsonschema.validate(body, DECISIONS_SCHEMA)
    assert json.loads(_text(client.get("/open/decisions.schema.json"))) == DECISIONS_SCHEMA
    assert [(d["id"], d["status"], d["text"]) for d in body["items"]] == [
        (row["id"], "published", row["published_text"])
    ]
    feed = ET.fromstring(client.get("/open/decisions.atom").data)
    assert feed.tag == f"{ATOM}feed" and feed.findtext(f"{ATOM}id") and feed.findtext(f"{ATOM}updated")
    [entry] = feed.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}content") == row["published_text"]
    assert entry.find(f"{ATOM}link").get("href").endswith(f"/decisions/{row['id']}")  # type: ignore[union-attr]
    raw = client.get("/open/decisions.csv")
    assert raw.mimetype == "text/csv" and raw.data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.get_data(as_text=True).lstrip("\ufeff"))))
    assert [(r["id"], r["decision"], r["text"]) for r in rows] == [
        (str(row["id"]), "grant", row["published_text"])
    ]
