"""The public portal in Chromium, without login and without relying on script: from the item list to a
service guide with its flowchart drawn; one case driven to a published decision, read on its page with
the applicant's identity number masked, queried with a wrong and a right code until the rate limit
answers; and the statistics with their charts. Screenshots go to tests/e2e/browser/artifacts/ (and,
with SANXIANG_DOCS_SCREENSHOTS=1, the marked ones to docs/screenshots/)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from cnid import resident_id_check_char
from engine.app import create_app
from engine.disclosure.portal.pages import QUERY_LIMIT
from tests.e2e.browser.conftest import LiveServer
from tests.integration import disclosure_driver as drive
from tests.integration.pages_driver import artifacts, deploy_shipped
from tests.support import ROOT

ID_BODY = "11010119900307451"
PERSON_ID = ID_BODY + resident_id_check_char(ID_BODY)  # a valid 居民身份证号码
MASKED_ID = PERSON_ID[:6] + "*" * 8 + PERSON_ID[-4:]  # birth date hidden
PERSON = {
    "applicantName": "张三",
    "applicantType": "person",
    "applicantId": PERSON_ID,
    "applicantPhone": "13800001234",
    "applicantAddress": "山东省济南市历下区文化东路5号",
}
DECISION_NO = "历下审批许字〔2026〕第088号"
DECISION_TEXT = "经审查，申请符合法定条件，决定准予设置。联系电话13912345678。"


def shot(page: Any, name: str, *, docs: bool = False) -> Path:
    """A full-page screenshot into the artifacts; ``docs`` ones also to docs/ when asked to refresh them."""
    path = artifacts() / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 20_000, f"{name}.png looks empty"
    if docs and os.environ.get("SANXIANG_DOCS_SCREENSHOTS") == "1":
        shutil.copyfile(path, ROOT / "docs" / "screenshots" / path.name)
    return path


def test_a_visitor_reads_a_service_guide_with_its_flowchart(live: LiveServer, page: Any) -> None:
    deploy_shipped(live.ctx)
    page.goto(f"{live.url}/")
    assert page.text_content("h1") == "行政执法事项清单"
    assert page.locator("table.items tbody tr").count() >= 2
    shot(page, "portal-home", docs=True)
    page.click("text=户外广告设施设置审批")
    page.wait_for_selector("figure.flowchart svg")
    assert page.text_content("#field-legalBasis th") == "设定依据"
    shapes = page.locator("figure.flowchart svg [data-element-id]")
    assert shapes.count() > 20
    box = page.locator("figure.flowchart svg").bounding_box()
    assert box is not None and box["width"] >= 900 and box["height"] > 300
    assert page.locator("figure.flowchart svg text", has_text="审批决定").count() >= 1
    assert shot(page, "portal-guide", docs=True).stat().st_size > 50_000


def _published_case(live: LiveServer) -> tuple[str, int, str]:
    """A natural person's case driven through the API to a published decision; its query code."""
    app = create_app(live.ctx)
    app.config["TESTING"] = True
    client = app.test_client()
    drive.deploy_shipped(client)
    case_id = drive.case_to_disclosure(
        client, applicant=PERSON, decisionNo=DECISION_NO, decisionText=DECISION_TEXT
    )
    disclosure_id = int(drive.disclosure_of(client, case_id)["id"])
    live.clock.advance(hours=2)
    published = drive.publish(client, disclosure_id)
    assert published.status_code == 200, published.get_json()
    return case_id, disclosure_id, drive.issue_code(client, case_id)


def _reads_the_decision(page: Any, url: str, case_id: str, disclosure_id: int) -> None:
    page.goto(f"{url}/decisions/{disclosure_id}")
    assert page.text_content("h1") == "户外广告设施设置审批"
    table = page.text_content("table.guide")
    assert case_id in table and DECISION_NO in table
    text = page.text_content("#decision-text")
    assert "行政相对人：张三" in text and f"居民身份证号码：{MASKED_ID}" in text and "139****5678" in text
    assert page.locator("#decision-text").is_visible()
    whole = page.content()
    assert PERSON_ID not in whole and "13912345678" not in whole and "文化东路" not in whole
    shot(page, "portal-decision", docs=True)


def _ask(page: Any, case_id: str, code: str) -> int:
    """Fill in the query form and send it; the HTTP status of the page that answers."""
    page.fill("input[name=case]", case_id)
    page.fill("input[name=code]", code)
    with page.expect_navigation() as answered:
        page.click("form.search button[type=submit]")
    return int(answered.value.status)


def _queries_until_limited(page: Any, url: str, case_id: str, code: str) -> None:
    page.goto(f"{url}/query")
    assert _ask(page, case_id, "WRONG123") == 404  # query 1
    assert "办件号或查询码不正确" in page.text_content("#query-error")
    assert page.locator("#query-result").count() == 0
    shot(page, "portal-query-wrong")
    assert _ask(page, case_id, code) == 200  # query 2
    result = page.text_content("#query-result")
    assert case_id in result and "户外广告设施设置审批" in result and DECISION_NO in result
    assert page.locator("#query-error").count() == 0
    shot(page, "portal-query")
    for _ in range(QUERY_LIMIT - 2):  # queries 3 … 10: still answered
        assert _ask(page, case_id, "WRONG123") == 404
        assert "办件号或查询码不正确" in page.text_content("#query-error")
    assert _ask(page, case_id, code) == 429  # query 11 in the same minute
    assert "查询过于频繁，请 60 秒后再试" in page.text_content("#query-error")
    assert page.locator("#query-result").count() == 0
    shot(page, "portal-query-limited")


def _reads_the_statistics(page: Any, url: str) -> None:
    page.goto(f"{url}/statistics")
    assert page.text_content("h1") == "执法数据网上统计"
    charts = page.locator("svg.chart")
    assert charts.count() == 2
    box = charts.first.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 100
    assert "户外广告设施设置审批" in page.text_content("#stats-items")
    shot(page, "portal-statistics")


def test_a_published_decision_its_result_query_and_the_statistics(live: LiveServer, page: Any) -> None:
    case_id, disclosure_id, code = _published_case(live)
    _reads_the_decision(page, live.url, case_id, disclosure_id)
    _queries_until_limited(page, live.url, case_id, code)
    _reads_the_statistics(page, live.url)
