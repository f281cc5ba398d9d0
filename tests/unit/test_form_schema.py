"""Server-side form validation: every rule, table-driven; every shipped and corpus form loads, accepts a
realistic submission and refuses an invalid one with the right field error."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from engine.tasks.forms.data_check import validate
from engine.tasks.forms.field_errors import MESSAGES
from engine.tasks.forms.schema import read_form
from tests.support import CORPUS as CORPUS_DIR
from tests.support import ROOT
from tests.unit.form_submissions import CORPUS, SHIPPED

SHIPPED_FORMS = ROOT / "forms"
CORPUS_FORMS = CORPUS_DIR / "forms"
CJK = re.compile(r"[\u4e00-\u9fff]")


def form(*components: dict[str, Any]) -> dict[str, Any]:
    return {"id": "t", "type": "default", "components": list(components)}


def codes(component: dict[str, Any], value: Any, current: dict[str, Any] | None = None) -> list[str]:
    data = {} if value is ABSENT else {component["key"]: value}
    return [e.code for e in validate(form(component), data, current=current)]


ABSENT = object()
TEXT = {"type": "textfield", "key": "f"}
REQUIRED = {**TEXT, "validate": {"required": True}}
OPTIONS = [{"label": "通过", "value": "pass"}, {"label": "不通过", "value": "fail"}]


def moment(subtype: str, zone: str | None = None) -> dict[str, Any]:
    spec = {"type": "datetime", "key": "f", "subtype": subtype}
    return {**spec, "timeSerializingFormat": zone} if zone else spec


RULES: list[tuple[str, dict[str, Any], Any, list[str]]] = [
    ("required text missing", REQUIRED, ABSENT, ["required"]),
    ("required text null", REQUIRED, None, ["required"]),
    ("required text empty", REQUIRED, "", ["required"]),
    ("required text blank", REQUIRED, "   ", ["required"]),
    ("required text empty list", REQUIRED, [], ["required"]),
    ("optional text empty", TEXT, "", []),
    ("text must be text", TEXT, 5, ["not-a-string"]),
    ("text as a list", TEXT, ["a"], ["not-a-string"]),
    ("minLength ignores surrounding blanks", {**TEXT, "validate": {"minLength": 2}}, " a ", ["too-short"]),
    ("minLength met", {**TEXT, "validate": {"minLength": 2}}, "ab", []),
    ("maxLength exceeded", {**TEXT, "validate": {"maxLength": 3}}, "abcd", ["too-long"]),
    (
        "maxLength counts blanks",
        {"type": "textarea", "key": "f", "validate": {"maxLength": 3}},
        "a   ",
        ["too-long"],
    ),
    ("maxLength met in Chinese", {**TEXT, "validate": {"maxLength": 3}}, "三个字", []),
    ("pattern met", {**TEXT, "validate": {"pattern": "^C-[0-9]+$"}}, "C-12", []),
    ("pattern missed", {**TEXT, "validate": {"pattern": "^C-[0-9]+$"}}, "C-1x", ["pattern-mismatch"]),
    (
        "$ is the end of input as in JavaScript",
        {**TEXT, "validate": {"pattern": "^C-[0-9]+$"}},
        "C-12\n",
        ["pattern-mismatch"],
    ),
    (
        "\\d is ASCII as in JavaScript",
        {**TEXT, "validate": {"pattern": "^\\d+$"}},
        "１２",
        ["pattern-mismatch"],
    ),
    ("unanchored pattern searches", {**TEXT, "validate": {"pattern": "[0-9]"}}, "ab1", []),
    (
        "catastrophic pattern is refused",
        {**TEXT, "validate": {"pattern": "^(a+)+$"}},
        "aaa",
        ["pattern-unsafe"],
    ),
    (
        "too long for a polynomial pattern",
        {**TEXT, "validate": {"pattern": "\\S+@\\S+\\.\\S+"}},
        "a" * 100,
        ["pattern-subject-too-long"],
    ),
    ("empty optional text skips the pattern", {**TEXT, "validate": {"pattern": "^x$"}}, "", []),
    ("email", {**TEXT, "validate": {"validationType": "email"}}, "wang@bureau.gov.cn", []),
    ("not an email", {**TEXT, "validate": {"validationType": "email"}}, "wang@bureau", ["invalid-email"]),
    ("phone", {**TEXT, "validate": {"validationType": "phone"}}, "+8613800138000", []),
    (
        "phone without country code",
        {**TEXT, "validate": {"validationType": "phone"}},
        "13800138000",
        ["invalid-phone"],
    ),
    ("number", {"type": "number", "key": "f"}, 1.5, []),
    ("decimal number", {"type": "number", "key": "f"}, Decimal("12.50"), []),
    ("boolean is not a number", {"type": "number", "key": "f"}, True, ["not-a-number"]),
    ("text is not a number", {"type": "number", "key": "f"}, "1", ["not-a-number"]),
    (
        "text number when serialized to string",
        {"type": "number", "key": "f", "serializeToString": True},
        "12.5",
        [],
    ),
    ("NaN is not a number", {"type": "number", "key": "f"}, float("nan"), ["not-a-number"]),
    ("optional number left empty", {"type": "number", "key": "f"}, None, []),
    ("below min", {"type": "number", "key": "f", "validate": {"min": 0}}, -1, ["too-small"]),
    ("above max", {"type": "number", "key": "f", "validate": {"max": 10}}, 11, ["too-large"]),
    ("min and max met", {"type": "number", "key": "f", "validate": {"min": 0, "max": 10}}, 10, []),
    ("decimalDigits 0", {"type": "number", "key": "f", "decimalDigits": 0}, 1.5, ["not-an-integer"]),
    ("decimalDigits 0 with a whole float", {"type": "number", "key": "f", "decimalDigits": 0}, 2.0, []),
    ("decimalDigits 2", {"type": "number", "key": "f", "decimalDigits": 2}, 1.234, ["too-many-decimals"]),
    ("increment", {"type": "number", "key": "f", "increment": "0.5"}, 1.25, ["not-a-step"]),
    ("increment met", {"type": "number", "key": "f", "increment": "0.5"}, 1.5, []),
    ("checkbox", {"type": "checkbox", "key": "f"}, True, []),
    ("optional checkbox unticked", {"type": "checkbox", "key": "f"}, False, []),
    (
        "required checkbox must be ticked",
        {"type": "checkbox", "key": "f", "validate": {"required": True}},
        False,
        ["required-box"],
    ),
    ("checkbox text", {"type": "checkbox", "key": "f"}, "true", ["not-a-boolean"]),
    ("checkbox number", {"type": "checkbox", "key": "f"}, 1, ["not-a-boolean"]),
    ("checkbox empty text", {"type": "checkbox", "key": "f"}, "", ["not-a-boolean"]),
    ("radio option", {"type": "radio", "key": "f", "values": OPTIONS}, "pass", []),
    ("radio unknown option", {"type": "radio", "key": "f", "values": OPTIONS}, "PASS", ["not-an-option"]),
    (
        "radio required",
        {"type": "radio", "key": "f", "values": OPTIONS, "validate": {"required": True}},
        ABSENT,
        ["required"],
    ),
    ("select option", {"type": "select", "key": "f", "values": OPTIONS}, "fail", []),
    ("select list", {"type": "select", "key": "f", "values": OPTIONS}, ["fail"], ["not-an-option"]),
    (
        "boolean is not the option 1",
        {"type": "select", "key": "f", "values": [{"label": "一", "value": 1}]},
        True,
        ["not-an-option"],
    ),
    ("options from data accept any scalar", {"type": "select", "key": "f", "valuesKey": "choices"}, "x", []),
    (
        "options from data refuse objects",
        {"type": "select", "key": "f", "valuesKey": "choices"},
        {"a": 1},
        ["not-an-option"],
    ),
    ("checklist", {"type": "checklist", "key": "f", "values": OPTIONS}, ["pass", "fail"], []),
    ("checklist not a list", {"type": "checklist", "key": "f", "values": OPTIONS}, "pass", ["not-a-list"]),
    (
        "checklist unknown item",
        {"type": "checklist", "key": "f", "values": OPTIONS},
        ["pass", "x"],
        ["not-an-option"],
    ),
    (
        "checklist required and empty",
        {"type": "checklist", "key": "f", "values": OPTIONS, "validate": {"required": True}},
        [],
        ["required"],
    ),
    ("taglist", {"type": "taglist", "key": "f", "values": OPTIONS}, ["fail"], []),
    ("date", moment("date"), "2026-12-01", []),
    ("date object", moment("date"), date(2026, 12, 1), []),
    ("no such date", moment("date"), "2026-02-30", ["invalid-date"]),
    ("a datetime is not a date", moment("date"), "2026-12-01T09:00", ["invalid-date"]),
    ("datetime with offset", moment("datetime", "utc_offset"), "2026-12-01T09:30+08:00", []),
    ("datetime with seconds", moment("datetime", "utc_offset"), "2026-12-01T09:30:15.5+08:00", []),
    (
        "datetime without the offset it needs",
        moment("datetime", "utc_offset"),
        "2026-12-01T09:30",
        ["invalid-datetime"],
    ),
    (
        "datetime with a space",
        moment("datetime", "utc_offset"),
        "2026-12-01 09:30+08:00",
        ["invalid-datetime"],
    ),
    ("aware datetime object", moment("datetime", "utc_offset"), datetime(2026, 12, 1, 1, 30, tzinfo=UTC), []),
    ("utc normalized", moment("datetime", "utc_normalized"), "2026-12-01T01:30Z", []),
    (
        "utc normalized refuses other offsets",
        moment("datetime", "utc_normalized"),
        "2026-12-01T09:30+08:00",
        ["invalid-datetime"],
    ),
    ("no time zone", moment("datetime", "no_timezone"), "2026-12-01T09:30", []),
    (
        "no time zone refuses one",
        moment("datetime", "no_timezone"),
        "2026-12-01T09:30Z",
        ["invalid-datetime"],
    ),
    ("time", moment("time", "utc_offset"), "09:30+08:00", []),
    ("no such time", moment("time", "utc_offset"), "25:00+08:00", ["invalid-time"]),
    ("short time", moment("time"), "9:30", ["invalid-time"]),
    ("file reference", {"type": "filepicker", "key": "f"}, "files::a1", []),
    ("file references", {"type": "filepicker", "key": "f", "multiple": True}, ["files::a1", "files::b2"], []),
    ("file number", {"type": "filepicker", "key": "f"}, 5, ["not-a-file"]),
    ("expression values are the browser's", {"type": "expression", "key": "f", "expression": "=1+1"}, 2, []),
    ("unknown component type accepts its key", {"type": "signature", "key": "f"}, "…", []),
]


@pytest.mark.parametrize(
    ("component", "value", "expected"), [r[1:] for r in RULES], ids=[r[0] for r in RULES]
)
def test_each_rule_accepts_or_refuses_one_value(
    component: dict[str, Any], value: Any, expected: list[str]
) -> None:
    assert codes(component, value) == expected


LOCKED: list[tuple[str, dict[str, Any], Any, dict[str, Any], list[str]]] = [
    ("readonly left out", {**TEXT, "readonly": True}, ABSENT, {"f": "v"}, []),
    ("readonly repeated", {**TEXT, "readonly": True}, "v", {"f": "v"}, []),
    ("readonly changed", {**TEXT, "readonly": True}, "w", {"f": "v"}, ["readonly-field"]),
    ("readonly empty stays empty", {**TEXT, "readonly": True}, "", {}, []),
    ("readonly required is not asked for", {**REQUIRED, "readonly": True}, ABSENT, {}, []),
    ("disabled default repeated", {**TEXT, "disabled": True, "defaultValue": "d"}, "d", {}, []),
    (
        "disabled default changed",
        {**TEXT, "disabled": True, "defaultValue": "d"},
        "x",
        {},
        ["readonly-field"],
    ),
    (
        "readonly true is not 1",
        {"type": "number", "key": "f", "readonly": True},
        True,
        {"f": 1},
        ["readonly-field"],
    ),
    (
        "readonly by a FEEL condition",
        {**TEXT, "readonly": "=locked"},
        "x",
        {"locked": True},
        ["readonly-field"],
    ),
    ("FEEL readonly that does not hold", {**TEXT, "readonly": "=locked"}, "x", {"locked": False}, []),
]


@pytest.mark.parametrize(
    ("component", "value", "current", "expected"), [r[1:] for r in LOCKED], ids=[r[0] for r in LOCKED]
)
def test_read_only_fields_keep_their_current_value(
    component: dict[str, Any], value: Any, current: dict[str, Any], expected: list[str]
) -> None:
    assert codes(component, value, current) == expected


def test_a_hidden_field_is_not_required_but_a_value_sent_for_it_is_still_checked() -> None:
    definition = form(
        {"type": "checkbox", "key": "complete"},
        {
            "type": "textarea",
            "key": "missing",
            "validate": {"required": True, "maxLength": 5},
            "conditional": {"hide": "=complete"},
        },
    )
    assert validate(definition, {"complete": True}) == []
    assert [e.code for e in validate(definition, {"complete": False})] == ["required"]
    assert [e.code for e in validate(definition, {"complete": True, "missing": "x" * 6})] == ["too-long"]


def test_conditions_see_the_case_variables_under_the_submission() -> None:
    definition = form(
        {
            "type": "textfield",
            "key": "licenceNo",
            "validate": {"required": True},
            "conditional": {"hide": '=decision != "grant"'},
        }
    )
    assert validate(definition, {}, current={"decision": "deny"}) == []
    assert [e.key for e in validate(definition, {}, current={"decision": "grant"})] == ["licenceNo"]


def test_a_hidden_group_hides_what_it_holds() -> None:
    definition = form(
        {"type": "checkbox", "key": "ok"},
        {"type": "group", "conditional": {"hide": "=ok"}, "components": [REQUIRED]},
    )
    assert validate(definition, {"ok": True}) == []
    assert [e.key for e in validate(definition, {"ok": False})] == ["f"]


def test_a_condition_that_is_not_understood_counts_as_visible_and_is_reported() -> None:
    rules = read_form(form({**REQUIRED, "conditional": {"hide": "=count(xs) > 1"}}))
    assert rules.unsupported_conditions == ("=count(xs) > 1",)
    assert [e.code for e in validate(rules, {}, current={"xs": [1, 2]})] == ["required"]


def test_keys_the_form_does_not_define_are_refused_at_every_depth() -> None:
    definition = form(
        {"type": "group", "path": "site", "components": [TEXT]},
        {"type": "button", "key": "submit1", "action": "submit"},
        {"type": "text", "text": "说明"},
    )
    found = validate(definition, {"site": {"f": "x", "g": 1}, "extra": 2, "submit1": "x"})
    assert [(e.key, e.code) for e in found] == [
        ("site.g", "unknown-field"),
        ("extra", "unknown-field"),
        ("submit1", "unknown-field"),
    ]
    assert [(e.key, e.code) for e in validate(definition, {"site": "x"})] == [("site", "not-an-object")]


def test_dotted_keys_and_group_paths_nest_the_data() -> None:
    definition = form(
        {
            "type": "group",
            "path": "loan",
            "components": [
                {"type": "number", "key": "terms.months", "validate": {"required": True, "min": 1}}
            ],
        }
    )
    assert validate(definition, {"loan": {"terms": {"months": 12}}}) == []
    assert [(e.key, e.code) for e in validate(definition, {"loan": {"terms": {"months": 0}}})] == [
        ("loan.terms.months", "too-small")
    ]
    assert [(e.key, e.code) for e in validate(definition, {})] == [("loan.terms.months", "required")]


DYNAMIC = form(
    {
        "type": "dynamiclist",
        "path": "items",
        "isRepeating": True,
        "components": [
            {"type": "textfield", "key": "name", "validate": {"required": True}},
            {
                "type": "select",
                "key": "result",
                "values": [{"label": "合格", "value": "ok"}, {"label": "不合格", "value": "bad"}],
            },
            {
                "type": "textarea",
                "key": "remedy",
                "validate": {"required": True},
                "conditional": {"hide": '=result != "bad"'},
            },
        ],
    }
)


def test_each_item_of_a_dynamic_list_is_validated_with_its_own_conditions() -> None:
    good = {
        "items": [
            {"name": "消防通道", "result": "ok"},
            {"name": "排烟", "result": "bad", "remedy": "十日内整改"},
        ]
    }
    assert validate(DYNAMIC, good) == []
    bad = {
        "items": [{"name": "", "result": "ok"}, {"name": "排烟", "result": "bad"}, {"name": "x", "zz": 1}, 7]
    }
    assert [(e.key, e.code) for e in validate(DYNAMIC, bad)] == [
        ("items[0].name", "required"),
        ("items[1].remedy", "required"),
        ("items[2].zz", "unknown-field"),
        ("items[3]", "not-an-object"),
    ]
    assert [(e.key, e.code) for e in validate(DYNAMIC, {"items": {"name": "x"}})] == [("items", "not-a-list")]
    assert [e.code for e in validate(DYNAMIC, {"items": [{"name": "x"}] * 1001})] == ["too-many-items"]


def test_data_that_is_not_an_object_is_refused_whole() -> None:
    assert [(e.key, e.code) for e in validate(form(TEXT), ["f"])] == [("", "not-an-object")]


def test_unknown_component_types_are_listed_for_deployment() -> None:
    rules = read_form(
        form(
            {"type": "signature", "key": "sig"},
            {"type": "textfield", "key": "a", "validate": {"pattern": "(a|ab)+$"}},
        )
    )
    assert rules.unknown_types == ("signature",)
    assert [key for key, _ in rules.unsafe_patterns] == ["a"]


def test_every_message_is_in_chinese_and_english() -> None:
    for code, (zh, en) in MESSAGES.items():
        assert CJK.search(zh), code
        assert en and not CJK.search(en), code
    number = {"type": "number", "key": "n", "validate": {"min": 1}}
    for e in validate(form(REQUIRED, number), {"n": 0, "x": 1}):
        assert CJK.search(e.message_zh) and e.message_en and e.to_json()["code"] == e.code


def test_the_tables_cover_every_shipped_and_corpus_form() -> None:
    assert {p.stem for p in SHIPPED_FORMS.glob("*.form")} == set(SHIPPED)
    assert {p.name for p in CORPUS_FORMS.iterdir() if p.is_file()} == set(CORPUS)


@pytest.mark.parametrize("form_id", sorted(SHIPPED))
def test_every_shipped_form_accepts_a_real_submission_and_refuses_a_bad_one(form_id: str) -> None:
    rules = read_form((SHIPPED_FORMS / f"{form_id}.form").read_text(encoding="utf-8"))
    assert rules.form_id == form_id
    assert (rules.unknown_types, rules.unsafe_patterns, rules.unsupported_conditions) == ((), (), ())
    good, change, expected = SHIPPED[form_id]
    assert validate(rules, good) == []
    assert [(e.key, e.code) for e in validate(rules, {**good, **change})] == [expected]


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_every_corpus_form_accepts_a_valid_submission_and_refuses_a_bad_one(name: str) -> None:
    rules = read_form((CORPUS_FORMS / name).read_bytes())
    assert rules.unknown_types == () and rules.unsafe_patterns == ()
    good, change, expected, current = CORPUS[name]
    assert validate(rules, good, current=current) == []
    assert [(e.key, e.code) for e in validate(rules, {**good, **change}, current=current)] == [expected]
