"""One submitted value against one form field: the checks, and their messages in Chinese and English.

``form_schema`` reads a form into ``Field``s and walks the submission; this module judges values.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any, TypeGuard

from engine.kernel.json_types import JsonValue
from engine.tasks.forms.conditions import Condition
from engine.tasks.forms.field_errors import FieldError, error
from engine.tasks.forms.patterns import SafePattern, UnsafePattern


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()  # the submission has no value at this path
LIST_KINDS = frozenset({"checklist", "taglist"})
MAX_LIST_ITEMS = 1000

_ZONES = {
    "utc_offset": ("，带时区偏移（如 +08:00）", " with a UTC offset such as +08:00"),
    "utc_normalized": ("，UTC 时间（以 Z 结尾）", " in UTC (ending in Z)"),
    "no_timezone": ("，不带时区", " without a time zone"),
}
_EMAIL = re.compile(r"[\w.+-]+@(?:[\w-]+\.)+[\w-]{2,}", re.ASCII)
_PHONE = re.compile(r"(?:\+|00)[1-9][0-9]{6,18}")
_NUMBER_TEXT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_TIME = r"[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?(?P<zone>Z|[+-][0-9]{2}:[0-9]{2})?"
_TEXTS = {
    "date": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"),
    "time": re.compile(_TIME),
    "datetime": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T" + _TIME),
}


@dataclass(frozen=True, slots=True)
class Field:
    """One input component of a form, as the server checks it."""

    path: tuple[str, ...]  # key split on dots, under its groups' paths
    kind: str  # the component type
    spec: Mapping[str, JsonValue]  # the component as written (subtype, decimalDigits, …)
    required: bool = False
    hides: tuple[Condition, ...] = ()  # its own and its groups' understood hide conditions
    pattern: SafePattern | UnsafePattern | None = None
    options: tuple[JsonValue, ...] | None = None  # None: options come from data (valuesKey…): any scalar
    locked: bool | Condition = False  # readonly or disabled

    @property
    def validate(self) -> Mapping[str, JsonValue]:
        rules = self.spec.get("validate")
        return rules if isinstance(rules, Mapping) else {}


def same(a: JsonValue, b: JsonValue) -> bool:
    """Equality that keeps booleans apart from numbers (``True`` is not ``1`` in a form)."""
    return isinstance(a, bool) == isinstance(b, bool) and a == b


def is_blank(kind: str, value: JsonValue) -> bool:
    """Counts as not filled in: missing, null, blank text, an empty list; an unticked checkbox."""
    if value is MISSING or value is None or (isinstance(value, str) and not value.strip()):
        return True
    return (isinstance(value, list) and not value) or (kind == "checkbox" and value is False)


def _natural_empty(kind: str, value: JsonValue) -> bool:
    """The empty value a field of this kind may be left with when it is not required."""
    if value is MISSING or value is None:
        return True
    if kind == "checkbox":
        return value is False
    if kind in LIST_KINDS:
        return isinstance(value, list) and not value
    return isinstance(value, str)


def check_field(
    field: Field, key: str, value: JsonValue, *, hidden: bool, locked: bool, current: JsonValue
) -> list[FieldError]:
    """All that is wrong with one value (hidden fields are never required but still type-checked)."""
    if locked:
        unchanged = (
            value is MISSING
            or same(value, current)
            or (is_blank(field.kind, value) and is_blank(field.kind, current))
        )
        return [] if unchanged else [error(key, "readonly-field")]
    if is_blank(field.kind, value):
        if field.required and not hidden:
            return [error(key, "required-box" if value is False else "required")]
        if _natural_empty(field.kind, value):
            return []
    check = CHECKS.get(field.kind)
    return check(field, key, value) if check else []


def _text(field: Field, key: str, value: JsonValue) -> list[FieldError]:
    if not isinstance(value, str):
        return [error(key, "not-a-string")]
    rules, found = field.validate, []
    low, high = rules.get("minLength"), rules.get("maxLength")
    if _count(low) and len(value.strip()) < low:
        found.append(error(key, "too-short", limit=low, got=len(value.strip())))
    if _count(high) and len(value) > high:
        found.append(error(key, "too-long", limit=high, got=len(value)))
    pattern = field.pattern
    if isinstance(pattern, UnsafePattern):
        found.append(error(key, "pattern-unsafe", reason_zh=pattern.reason_zh, reason_en=pattern.reason_en))
    elif pattern is not None:
        matched = pattern.matches(value)
        if matched is None:
            found.append(error(key, "pattern-subject-too-long", limit=pattern.longest))
        elif not matched:
            found.append(error(key, "pattern-mismatch", pattern=pattern.source))
    kind = rules.get("validationType")
    if kind == "email" and not (len(value) <= 254 and _EMAIL.fullmatch(value)):
        found.append(error(key, "invalid-email"))
    if kind == "phone" and not _PHONE.fullmatch(value):
        found.append(error(key, "invalid-phone"))
    return found


def _count(limit: object) -> TypeGuard[int]:
    return isinstance(limit, int) and not isinstance(limit, bool) and limit >= 0


def _decimal(value: JsonValue, *, text: bool = False) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal) or (isinstance(value, float) and math.isfinite(value)):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        return number if number.is_finite() else None
    if text and isinstance(value, str) and _NUMBER_TEXT.fullmatch(value.strip()):
        return Decimal(value.strip())
    return None


def _number(field: Field, key: str, value: JsonValue) -> list[FieldError]:
    number = _decimal(value, text=bool(field.spec.get("serializeToString")))
    if number is None:
        return [error(key, "not-a-number")]
    found = []
    low, high = _decimal(field.validate.get("min"), text=True), _decimal(field.validate.get("max"), text=True)
    if low is not None and number < low:
        found.append(error(key, "too-small", limit=field.validate.get("min")))
    if high is not None and number > high:
        found.append(error(key, "too-large", limit=field.validate.get("max")))
    digits, exponent = field.spec.get("decimalDigits"), number.normalize().as_tuple().exponent
    if _count(digits) and isinstance(exponent, int) and -exponent > digits:
        found.append(
            error(key, "not-an-integer") if digits == 0 else error(key, "too-many-decimals", limit=digits)
        )
    step = _decimal(field.spec.get("increment"), text=True)
    if step is not None and step > 0:
        try:
            off_step = number % step != 0
        except InvalidOperation:
            off_step = True
        if off_step:
            found.append(error(key, "not-a-step", step=field.spec.get("increment")))
    return found


def _boolean(field: Field, key: str, value: JsonValue) -> list[FieldError]:
    return [] if isinstance(value, bool) else [error(key, "not-a-boolean")]


def _allowed(field: Field, key: str, value: JsonValue) -> list[FieldError]:
    scalar = isinstance(value, str | bool | int | float | Decimal)
    if scalar and (field.options is None or any(same(value, o) for o in field.options)):
        return []
    shown = json.dumps(value, ensure_ascii=False, default=str)
    return [error(key, "not-an-option", value=shown if len(shown) <= 60 else shown[:57] + "…")]


def _option(field: Field, key: str, value: JsonValue) -> list[FieldError]:
    return _allowed(field, key, value)


def _options(field: Field, key: str, value: JsonValue) -> list[FieldError]:
    if not isinstance(value, list):
        return [error(key, "not-a-list")]
    if len(value) > MAX_LIST_ITEMS:
        return [error(key, "too-many-items", limit=MAX_LIST_ITEMS)]
    return [e for item in value for e in _allowed(field, key, item)]


def _file(field: Field, key: str, value: JsonValue) -> list[FieldError]:
    items = value if isinstance(value, list) else [value]
    return (
        []
        if len(items) <= MAX_LIST_ITEMS and all(isinstance(v, str) for v in items)
        else [error(key, "not-a-file")]
    )


def _moment(field: Field, key: str, value: JsonValue) -> list[FieldError]:
    subtype = str(field.spec.get("subtype")) if field.spec.get("subtype") in _TEXTS else "date"
    zone_format = field.spec.get("timeSerializingFormat")
    zone = _ZONES.get(str(zone_format), ("", "")) if subtype != "date" else ("", "")
    if _moment_ok(subtype, zone_format, value):
        return []
    return [error(key, f"invalid-{subtype}", zone_zh=zone[0], zone_en=zone[1])]


def _moment_ok(subtype: str, zone_format: JsonValue, value: JsonValue) -> bool:
    if isinstance(value, date | time):
        kinds = {"date": date, "time": time, "datetime": datetime}
        exact = type(value) is kinds[subtype] or (subtype == "date" and not isinstance(value, datetime))
        offset = value.utcoffset() if isinstance(value, datetime | time) else None
        return exact and _zone_ok(zone_format, offset is not None, offset is not None and not offset)
    match = _TEXTS[subtype].fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return False
    parse: Callable[[str], Any] = {
        "date": date.fromisoformat,
        "time": time.fromisoformat,
        "datetime": datetime.fromisoformat,
    }[subtype]
    try:
        parse(value)
    except ValueError:
        return False
    zone = match.groupdict().get("zone")
    return subtype == "date" or _zone_ok(zone_format, zone is not None, zone in ("Z", "+00:00", "-00:00"))


def _zone_ok(zone_format: JsonValue, has_zone: bool, is_utc: bool) -> bool:
    if zone_format == "utc_offset":
        return has_zone
    if zone_format == "utc_normalized":
        return is_utc
    return not has_zone if zone_format == "no_timezone" else True


CHECKS: dict[str, Callable[[Field, str, JsonValue], list[FieldError]]] = {
    "textfield": _text,
    "textarea": _text,
    "number": _number,
    "checkbox": _boolean,
    "radio": _option,
    "select": _option,
    "checklist": _options,
    "taglist": _options,
    "datetime": _moment,
    "filepicker": _file,
}
