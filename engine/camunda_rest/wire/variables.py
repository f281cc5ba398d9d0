"""Camunda's typed variables ``{"x": {"value": 1, "type": "Integer"}}`` to and from our plain values.

In: String, Boolean, Integer, Short, Long, Double, Date, Json, Null; a missing ``type`` is inferred
from the JSON value (as Camunda does). Object, Bytes and File are refused: the engine keeps plain data.
Out: bool → Boolean, int → Integer (Long beyond 32 bits), float/Decimal → Double, str → String,
None → Null, datetime → Date, dict/list → Json (its text, as Camunda serialises Json), date → String."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal

from engine.camunda_rest.wire.json_shapes import camunda_date, parse_camunda_date
from engine.errors import InvalidInput
from engine.kernel.json_types import JsonObject, JsonValue

INT32 = 2**31


def _bad(name: str, type_: str, value: JsonValue) -> InvalidInput:
    return InvalidInput(
        f"变量 {name} 的值 {value!r} 不是 {type_} 类型",
        f"Cannot convert value {value!r} of variable {name} to type {type_}",
        code="invalid-variable",
    )


def _boolean(name: str, value: JsonValue) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise _bad(name, "Boolean", value)


def _integer(limit: int | None, type_: str) -> Callable[[str, JsonValue], int]:
    def convert(name: str, value: JsonValue) -> int:
        try:
            number = int(value) if isinstance(value, str) else value
        except ValueError as exc:
            raise _bad(name, type_, value) from exc
        if isinstance(number, float) and number.is_integer():
            number = int(number)
        fits = isinstance(number, int) and not isinstance(number, bool)
        if not fits or (limit and not -limit <= number < limit):
            raise _bad(name, type_, value)
        return number

    return convert


def _double(name: str, value: JsonValue) -> float:
    if isinstance(value, bool):
        raise _bad(name, "Double", value)
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise _bad(name, "Double", value) from exc


def _string(name: str, value: JsonValue) -> str:
    if isinstance(value, (dict, list)):
        raise _bad(name, "String", value)
    return "" if value is None else str(value)


def _date(name: str, value: JsonValue) -> datetime:
    if not isinstance(value, str):
        raise _bad(name, "Date", value)
    try:
        return parse_camunda_date(value)
    except InvalidInput as exc:
        raise _bad(name, "Date (2026-11-27T09:00:00.000+0800)", value) from exc


def _json(name: str, value: JsonValue) -> JsonValue:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError as exc:
        raise _bad(name, "Json", value) from exc


def _untyped(name: str, value: JsonValue) -> JsonValue:
    return value


CONVERTERS: dict[str, Callable[[str, JsonValue], JsonValue]] = {
    "string": _string,
    "boolean": _boolean,
    "integer": _integer(INT32, "Integer"),
    "short": _integer(2**15, "Short"),
    "long": _integer(2**63, "Long"),
    "double": _double,
    "date": _date,
    "json": _json,
    "null": lambda name, value: None,
    "": _untyped,
}


def from_typed(variables: JsonValue) -> JsonObject:
    """Camunda's typed map → plain values; refuses unknown types and values that do not fit."""
    if variables is None:
        return {}
    if not isinstance(variables, Mapping):
        raise InvalidInput(
            "variables 必须是对象", "variables must be a JSON object", code="invalid-variables"
        )
    plain: JsonObject = {}
    for name, typed in variables.items():
        if not isinstance(typed, Mapping):
            raise InvalidInput(
                f'变量 {name} 应为 {{"value": …, "type": …}}',
                f'Variable {name} must be {{"value": …, "type": …}}',
                code="invalid-variable",
            )
        type_ = str(typed.get("type") or "").lower()
        converter = CONVERTERS.get(type_)
        if converter is None:
            raise InvalidInput(
                f"不支持变量类型 {typed.get('type')}（变量 {name}）",
                f"Unsupported variable type {typed.get('type')} (variable {name}); use String, Boolean, "
                "Integer, Long, Double, Date, Json or Null",
                code="invalid-variable",
            )
        value = typed.get("value")
        plain[name] = None if value is None else converter(name, value)
    return plain


def typed(value: JsonValue) -> tuple[str, JsonValue]:
    """(Camunda type, value as Camunda shows it) of a plain value."""
    if value is None:
        return "Null", None
    if isinstance(value, bool):
        return "Boolean", value
    if isinstance(value, int):
        return ("Integer" if -INT32 <= value < INT32 else "Long"), value
    if isinstance(value, (float, Decimal)):
        return "Double", float(value)
    if isinstance(value, datetime):
        return "Date", camunda_date(value)
    if isinstance(value, date):
        return "String", value.isoformat()
    if isinstance(value, (dict, list, tuple)):
        return "Json", json.dumps(value, ensure_ascii=False, default=str)
    return "String", str(value)


def to_typed(values: Mapping[str, JsonValue]) -> dict[str, JsonObject]:
    """Plain values → Camunda's typed map."""
    result: dict[str, JsonObject] = {}
    for name, value in values.items():
        type_, shown = typed(value)
        result[name] = {"type": type_, "value": shown, "valueInfo": {}}
    return result
