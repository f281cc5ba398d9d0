"""Camunda's typed variables and dates, both ways."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from engine.camunda_rest.wire.json_shapes import camunda_date, parse_camunda_date, split_definition_id
from engine.camunda_rest.wire.variables import from_typed, to_typed
from engine.errors import InvalidInput

SHANGHAI = timezone(timedelta(hours=8))


def test_each_camunda_type_becomes_a_plain_value() -> None:
    plain = from_typed(
        {
            "s": {"value": "窗口", "type": "String"},
            "b": {"value": "false", "type": "boolean"},
            "i": {"value": "42", "type": "Integer"},
            "l": {"value": 2**40, "type": "Long"},
            "d": {"value": 1, "type": "Double"},
            "t": {"value": "2026-11-27T09:00:00.000+0800", "type": "Date"},
            "j": {"value": '[1, {"a": null}]', "type": "Json"},
            "n": {"value": "ignored", "type": "Null"},
            "u": {"value": {"free": True}},
        }
    )
    assert plain == {
        "s": "窗口",
        "b": False,
        "i": 42,
        "l": 2**40,
        "d": 1.0,
        "t": datetime(2026, 11, 27, 1, 0, tzinfo=UTC),
        "j": [1, {"a": None}],
        "n": None,
        "u": {"free": True},
    }


@pytest.mark.parametrize(
    "typed",
    [
        {"value": 2**31, "type": "Integer"},
        {"value": 1.5, "type": "Integer"},
        {"value": True, "type": "Long"},
        {"value": "maybe", "type": "Boolean"},
        {"value": "x", "type": "Double"},
        {"value": "{", "type": "Json"},
        {"value": "rO0AB", "type": "Object"},
        {"value": "AAAA", "type": "Bytes"},
        {"value": "soon", "type": "Date"},
        "not-typed",
    ],
)
def test_values_that_do_not_fit_their_type_are_refused_in_both_languages(typed: object) -> None:
    with pytest.raises(InvalidInput) as refused:
        from_typed({"x": typed})
    assert "变量" in refused.value.message_zh and "x" in refused.value.message_en


def test_plain_values_come_back_typed() -> None:
    typed = to_typed(
        {
            "b": True,
            "i": 7,
            "l": -(2**31) - 1,
            "f": 0.5,
            "s": "文",
            "n": None,
            "t": datetime(2026, 11, 27, 1, 0, 0, 123456, tzinfo=UTC),
            "day": date(2026, 11, 27),
            "j": {"a": [1]},
        }
    )
    assert {k: v["type"] for k, v in typed.items()} == {
        "b": "Boolean",
        "i": "Integer",
        "l": "Long",
        "f": "Double",
        "s": "String",
        "n": "Null",
        "t": "Date",
        "day": "String",
        "j": "Json",
    }
    assert typed["t"]["value"] == "2026-11-27T09:00:00.123+0800"
    assert typed["j"]["value"] == '{"a": [1]}' and typed["day"]["value"] == "2026-11-27"


def test_dates_read_camundas_format_and_iso_and_default_to_the_bureaus_zone() -> None:
    assert parse_camunda_date("2026-11-27T09:00:00.000+0800") == datetime(2026, 11, 27, 9, tzinfo=SHANGHAI)
    assert parse_camunda_date("2026-11-27T09:00:00+08:00") == datetime(2026, 11, 27, 1, tzinfo=UTC)
    assert parse_camunda_date("2026-11-27T09:00") == datetime(2026, 11, 27, 1, tzinfo=UTC)
    assert camunda_date(None) is None


def test_definition_ids_split_into_key_and_version() -> None:
    assert split_definition_id("outdoor_advertising:3:7f753402-7c64-5b7e-a711-c4a4f5c655be") == (
        "outdoor_advertising",
        3,
    )
    assert split_definition_id("outdoor_advertising") is None
    assert split_definition_id("a:b:c") is None
