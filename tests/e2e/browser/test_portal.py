"""The public portal in Chromium, without login and without relying on script: from the item list to a
service guide with its flowchart drawn, and a result query with a wrong and a right code. The guide's
screenshot goes to tests/e2e/browser/artifacts/ (and, with SANXIANG_DOCS_SCREENSHOTS=1, to docs/)."""

from __future__ import annotations

import os
import shutil
from typing import Any

from engine.services.cases import open_case
from engine.services.ports import Actor
from engine.services.query_codes import issue_query_code
from tests.e2e.browser.conftest import LiveServer
from tests.integration.pages_driver import artifacts, deploy_shipped
from tests.support import ROOT

CLERK = Actor("wang", frozenset({"window-clerk"}))


def test_a_visitor_reads_a_service_guide_with_its_flowchart(live: LiveServer, page: Any) -> None:
    deploy_shipped(live.ctx)
    page.goto(f"{live.url}/")
    page.click("text=户外广告设施设置审批")
    page.wait_for_selector("figure.flowchart svg")
    assert page.text_content("#field-legalBasis th") == "设定依据"
    shapes = page.locator("figure.flowchart svg [data-element-id]")
    assert shapes.count() > 20
    box = page.locator("figure.flowchart svg").bounding_box()
    assert box is not None and box["width"] >= 900 and box["height"] > 300
    assert page.locator("figure.flowchart svg text", has_text="审批决定").count() >= 1
    path = artifacts() / "portal-guide.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 50_000
    if os.environ.get("SANXIANG_DOCS_SCREENSHOTS") == "1":
        shutil.copyfile(path, ROOT / "docs" / "screenshots" / "portal-guide.png")


def test_a_visitor_queries_a_result_with_the_code_from_the_acceptance_notice(
        live: LiveServer, page: Any) -> None:
    deploy_shipped(live.ctx)
    case = open_case(live.ctx, "outdoor_advertising", {}, CLERK, applicant={"name": "济南明湖广告有限公司"})
    code = issue_query_code(live.ctx, case.case.id, CLERK).code
    page.goto(f"{live.url}/query")
    page.fill("input[name=case]", case.case.id)
    page.fill("input[name=code]", "WRONG123")
    page.click("form.search button[type=submit]")
    assert "办件号或查询码不正确" in page.text_content("#query-error")
    page.fill("input[name=code]", code)
    page.click("form.search button[type=submit]")
    result = page.text_content("#query-result")
    assert case.case.id in result and "户外广告设施设置审批" in result and "受理审查" in result
    page.screenshot(path=str(artifacts() / "portal-query.png"), full_page=True)
