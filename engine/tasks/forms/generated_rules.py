"""Camunda 7 generated forms (``camunda:formData``/``camunda:formField``): submissions checked, converted.

Reference: Camunda 7's ``FormFieldHandler.handleSubmit`` and its validators and types
(``engine/impl/form/validator/*``, ``engine/impl/form/type/*``). For each declared field, in order:
1. every constraint judges the submitted value as sent: ``required`` (missing or null passes only when the
   case already holds a value or the field has a default; empty text fails), ``readonly`` (nothing may be
   sent), ``minlength``/``maxlength`` (text only), ``min``/``max`` (numbers only; a number sent as text
   fails);
2. the value is converted to the field's type: ``string`` (its text), ``long`` (a whole number, or text
   holding one), ``boolean`` (true/false, or text: "true" in any case is true, any other text false),
   ``date`` (``dd/MM/yyyy`` as Camunda's default date pattern, or ISO 8601; a date-time at the start of the
   day in the bureau's zone), ``enum`` (one of its value ids);
3. a field not sent takes its ``defaultValue`` (converted the same way).
Variables that are not fields pass through, as in Camunda 7. Empty text for a long, date, boolean or enum
field counts as "not sent" (what a browser sends for an empty input; Camunda's typed REST would refuse it).
Custom types and custom validators (``validator``) are refused at deploy (SX-D146, SX-D147).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any

from engine.kernel.form_fields import FormField, GeneratedForm
from engine.kernel.json_types import JsonObject, JsonValue
from engine.tasks.forms.field_errors import FieldError

TYPES = frozenset({"string", "long", "boolean", "date", "enum"})
CONSTRAINTS = frozenset({"required", "readonly", "minlength", "maxlength", "min", "max"})
DATE_PATTERN = re.compile(r"(\d{2})/(\d{2})/(\d{4})")  # dd/MM/yyyy
_LONG = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
LONG_RANGE = range(-(2**63), 2**63)


@dataclass
class Submission:
    values: JsonObject = field(default_factory=dict)
    errors: list[FieldError] = field(default_factory=list)


Default = Callable[[FormField], Any]  # a field's default value in this case (expressions evaluated)

MESSAGES = {
    "required": ("此项为必填项", "This field is required"),
    "readonly": ("此项只读，不能提交", "This field is read-only and may not be submitted"),
    "minlength": ("至少 {config} 个字符", "At least {config} characters"),
    "maxlength": ("至多 {config} 个字符", "At most {config} characters"),
    "min": ("不能小于 {config}", "Must be at least {config}"),
    "max": ("不能大于 {config}", "Must be at most {config}"),
    "text-only": (
        "“{name}”规则只适用于文本，却提交了 {value}",
        "The '{name}' rule applies to text, got {value}",
    ),
    "number-only": (
        "“{name}”规则只适用于数字，却提交了 {value}",
        "The '{name}' rule applies to numbers, got {value}",
    ),
    "long": ("应为整数，却提交了 {value}", "A whole number is needed, got {value}"),
    "boolean": ("应为 true/false，却提交了 {value}", "true/false is needed, got {value}"),
    "date": (
        "应为日期（日/月/年，如 01/12/2026，或 2026-12-01），却提交了 {value}",
        "A date is needed (dd/MM/yyyy such as 01/12/2026, or 2026-12-01), got {value}",
    ),
    "enum": ("应为以下之一：{choices}，却提交了 {value}", "One of {choices} is needed, got {value}"),
    "default": ("默认值 {value} 不是此类型的值", "The default value {value} is not of this type"),
}


def _error(key: str, code: str, **params: JsonValue) -> FieldError:
    zh, en = MESSAGES[code]
    return FieldError(key, code, zh.format(**params), en.format(**params))


def submit(
    form: GeneratedForm,
    submitted: Mapping[str, JsonValue],
    current: Mapping[str, JsonValue],
    default_of: Default,
    zone: tzinfo,
) -> Submission:
    """Check and convert a submission against the form (see the module docstring)."""
    result = Submission(values=dict(submitted))
    for item in form.fields:
        sent = submitted.get(item.id)
        before = len(result.errors)
        result.errors += _constraint_errors(item, sent, current, default_of)
        if len(result.errors) > before:
            continue
        try:
            if _sent(item, sent):
                result.values[item.id] = convert(item, sent, zone)
            else:
                _take_default(item, default_of, zone, result)
        except ValueError as exc:
            code, params = exc.args
            result.errors.append(_error(item.id, code, **params))
    return result


def _take_default(item: FormField, default_of: Default, zone: tzinfo, result: Submission) -> None:
    default = default_of(item) if item.default is not None else None
    if default is None:
        return
    try:
        result.values[item.id] = convert(item, default, zone)
    except ValueError:
        raise ValueError("default", {"value": _shown(default)}) from None


def _sent(item: FormField, value: JsonValue) -> bool:
    return value is not None and not (value == "" and item.type != "string")


def _constraint_errors(
    item: FormField, sent: JsonValue, current: Mapping[str, JsonValue], default_of: Default
) -> list[FieldError]:
    found = []
    for name, config in item.constraints:
        problem = _judge(name, config, item, sent, current, default_of)
        if problem is not None:
            found.append(_error(item.id, problem, config=config, name=name, value=_shown(sent)))
    return found


def _judge(
    name: str,
    config: str | None,
    item: FormField,
    sent: JsonValue,
    current: Mapping[str, JsonValue],
    default_of: Default,
) -> str | None:
    if name == "required":
        if sent is None:
            defaulted = item.default is not None and default_of(item) is not None
            held = current.get(item.id) is not None or defaulted
            return None if held else "required"
        return "required" if sent == "" else None
    if name == "readonly":
        return None if sent is None else "readonly"
    if sent is None:
        return None
    if name in ("minlength", "maxlength"):
        if not isinstance(sent, str):
            return "text-only"
        limit = int(config or 0)
        return None if (len(sent) >= limit if name == "minlength" else len(sent) <= limit) else name
    if isinstance(sent, bool) or not isinstance(sent, int | float):
        return "number-only"
    limit_value = float(config or 0) if isinstance(sent, float) else int(config or 0)
    return None if (sent >= limit_value if name == "min" else sent <= limit_value) else name


def convert(item: FormField, value: JsonValue, zone: tzinfo) -> Any:
    """The model value of ``value`` for the field's type; ``ValueError(code, params…)`` when it has none."""
    kind = item.type
    if kind == "string":
        return ("true" if value else "false") if isinstance(value, bool) else str(value)
    if kind == "long":
        text = str(value)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float | str)
            or not _LONG.fullmatch(text)
            or int(text) not in LONG_RANGE
        ):
            raise ValueError("long", {"value": _shown(value)})
        return int(text)
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            return value.lower() == "true"
        raise ValueError("boolean", {"value": _shown(value)})
    if kind == "date":
        return to_date(value, zone)
    if isinstance(value, str) and value in dict(item.values):
        return value
    raise ValueError("enum", {"value": _shown(value), "choices": ", ".join(dict(item.values)) or "-"})


def to_date(value: JsonValue, zone: tzinfo) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=zone)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=zone)
    text = value.strip() if isinstance(value, str) else None
    match = DATE_PATTERN.fullmatch(text or "")
    try:
        if match is not None:
            day, month, year = (int(part) for part in match.groups())
            return datetime(year, month, day, tzinfo=zone)
        if text:
            return to_date(datetime.fromisoformat(text), zone)
    except ValueError:
        pass
    raise ValueError("date", {"value": _shown(value)})


def _shown(value: JsonValue) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"
