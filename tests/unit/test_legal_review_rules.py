"""The pure parts of the legal-review gate: the facts fingerprint and the major-decision catalogue."""

from __future__ import annotations

from typing import Any

import pytest

from engine.bootstrap import condition_evaluator
from engine.errors import InvalidInput
from engine.review.catalogue import read_catalogue
from engine.review.rules import CHECKLIST, REVIEW_KEYS, check_review_form, facts_digest
from tests.support import FIXTURES, ROOT

PROCEDURES = {"service_delivery"}  # called procedures (sanxiang.kind=procedure) shipped in processes/

EVALUATE = condition_evaluator({})
FACTS = {"hearingHeld": False, "publicInterest": False, "investment": 0, "firstOfKind": False}
PASSED: dict[str, Any] = {
    **{f"check{i}": "pass" for i in range(1, 11)},
    "reviewConclusion": "pass",
    "reviewOpinion": "同意",
}


def test_the_checklist_is_the_seeds_ten_items_in_order() -> None:
    assert [zh for zh, _ in CHECKLIST] == [
        "主体合法",
        "事实清楚",
        "证据确凿充分",
        "适用法律准确",
        "裁量基准适当",
        "程序合法",
        "未超越职权、未滥用职权",
        "文书规范齐备",
        "涉嫌犯罪需移送司法机关",
        "其他",
    ]
    assert {"check1", "note10", "reviewConclusion", "reviewOpinion"} <= REVIEW_KEYS


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"check7": None}, "review-checklist-incomplete"),
        ({"check2": "maybe"}, "review-checklist-incomplete"),
        ({"check3": "fail"}, "review-fail-without-note"),
        ({"check3": "fail", "note3": "证据不足"}, "review-pass-with-failed-item"),
        ({"reviewConclusion": "approve"}, "review-conclusion-invalid"),
        ({"reviewOpinion": "  "}, "review-opinion-missing"),
    ],
)
def test_a_review_is_refused_unless_every_item_is_answered_consistently(
    change: dict[str, Any], code: str
) -> None:
    data = {k: v for k, v in (PASSED | change).items() if v is not None}
    with pytest.raises(InvalidInput) as refused:
        check_review_form(data)
    assert refused.value.code == code and refused.value.message_zh and refused.value.message_en


def test_a_rejecting_review_records_every_item_with_its_note() -> None:
    form = check_review_form(
        PASSED | {"check4": "fail", "note4": " 条款不适用 ", "check9": "na", "reviewConclusion": "reject"}
    )
    payload = form.as_payload()
    assert payload["conclusion"] == "reject" and payload["opinion"] == "同意"
    results = ["pass"] * 3 + ["fail"] + ["pass"] * 4 + ["na", "pass"]
    assert [i["result"] for i in payload["checklist"]] == results
    fourth = {"item": 4, "label": "适用法律准确", "result": "fail", "note": "条款不适用"}
    assert payload["checklist"][3] == fourth


def test_the_procedures_own_fields_are_not_facts() -> None:
    base = facts_digest({**FACTS, "reviewConclusion": "pass", "decision": "grant"}, frozenset({"decision"}))
    again = facts_digest({**FACTS, "reviewConclusion": "reject", "check1": "fail"}, frozenset({"decision"}))
    assert base.hash == again.hash and set(base.facts) == set(FACTS)


def test_a_changed_fact_is_named_and_key_order_does_not_matter() -> None:
    before = facts_digest(FACTS, frozenset())
    reordered = facts_digest(dict(reversed(list(FACTS.items()))), frozenset())
    assert reordered.hash == before.hash
    after = facts_digest({**FACTS, "investment": 1, "note": "新增"}, frozenset())
    assert after.hash != before.hash and after.changed_since(before.facts) == ["investment", "note"]


def test_the_catalogue_is_the_major_flow_condition_of_each_shipped_process() -> None:
    for path in sorted((ROOT / "processes").glob("*.bpmn")):
        if path.stem in PROCEDURES:  # a called procedure decides nothing: no catalogue (SX-C220)
            assert read_catalogue(path.read_bytes()).checks == ()
            continue
        catalogue = read_catalogue(path.read_bytes())
        assert len(catalogue.checks) == 1 and catalogue.checks[0].gateway == "Gateway_MajorCheck"
        assert not catalogue.is_major(FACTS, EVALUATE), path.name
        for fact in ("hearingHeld", "publicInterest", "firstOfKind"):
            assert catalogue.is_major({**FACTS, fact: True}, EVALUATE), (path.name, fact)
        assert catalogue.is_major({**FACTS, "investment": 10**9}, EVALUATE), path.name


def test_a_catalogue_that_cannot_be_evaluated_counts_as_major() -> None:
    catalogue = read_catalogue((ROOT / "processes" / "outdoor_advertising.bpmn").read_bytes())
    assert catalogue.is_major({**FACTS, "investment": "很多"}, EVALUATE)
    assert catalogue.is_major({}, EVALUATE), "unset facts: the investment comparison fails, so major"


def test_a_major_default_flow_is_major_unless_another_flow_holds() -> None:
    xml = (FIXTURES / "bypass_review.bpmn").read_text(encoding="utf-8")
    swapped = (
        xml.replace('name="sanxiang.major" value="true"', 'name="sanxiang.major" value="TMP"')
        .replace('name="sanxiang.major" value="false"', 'name="sanxiang.major" value="true"')
        .replace('name="sanxiang.major" value="TMP"', 'name="sanxiang.major" value="false"')
    )
    catalogue = read_catalogue(swapped.encode("utf-8"))  # now the default flow is marked major
    assert catalogue.checks[0].default_is_major
    assert catalogue.is_major(FACTS, EVALUATE)
    assert not catalogue.is_major({**FACTS, "publicInterest": True}, EVALUATE)


def test_only_facts_that_hold_beyond_doubt_establish_a_major_case() -> None:
    catalogue = read_catalogue((ROOT / "processes" / "outdoor_advertising.bpmn").read_bytes())
    assert catalogue.establishes_major({**FACTS, "hearingHeld": True}, EVALUATE)
    assert not catalogue.establishes_major(FACTS, EVALUATE)
    assert not catalogue.establishes_major({}, EVALUATE), "unset facts establish nothing (is_major: major)"
    assert catalogue.establishes_major({"hearingHeld": True}, EVALUATE), "one true fact is enough …"
    assert not catalogue.establishes_major({"firstOfKind": True}, EVALUATE), "… if reached before an error"


def test_a_major_default_flow_is_established_only_when_every_other_flow_is_false() -> None:
    xml = (FIXTURES / "bypass_review.bpmn").read_text(encoding="utf-8")
    swapped = (
        xml.replace('name="sanxiang.major" value="true"', 'name="sanxiang.major" value="TMP"')
        .replace('name="sanxiang.major" value="false"', 'name="sanxiang.major" value="true"')
        .replace('name="sanxiang.major" value="TMP"', 'name="sanxiang.major" value="false"')
    )
    catalogue = read_catalogue(swapped.encode("utf-8"))
    assert catalogue.establishes_major(FACTS, EVALUATE)
    assert not catalogue.establishes_major({**FACTS, "publicInterest": True}, EVALUATE)
    assert not catalogue.establishes_major({}, EVALUATE)


def test_the_major_routes_are_the_conditions_of_the_major_flows() -> None:
    catalogue = read_catalogue((ROOT / "processes" / "construction_planning_permit.bpmn").read_bytes())
    [(gateway, conditions)] = catalogue.major_routes().items()
    assert gateway == "Gateway_MajorCheck" and len(conditions) == 1
    assert "hearingHeld" in next(iter(conditions))


def test_a_diagram_without_a_major_check_has_an_empty_catalogue() -> None:
    catalogue = read_catalogue((FIXTURES / "c7_review.bpmn").read_bytes())
    assert catalogue.checks == () and not catalogue.is_major({"amount": 10**9, "major": True}, EVALUATE)
