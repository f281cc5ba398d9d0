"""Checking submitted data against a form's rules: every scope and dynamic list walked, unknown
keys refused, each field checked."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.kernel.json_types import JsonValue
from engine.tasks.forms.conditions import holds
from engine.tasks.forms.field_checks import MAX_LIST_ITEMS, MISSING, check_field
from engine.tasks.forms.field_errors import FieldError, error
from engine.tasks.forms.schema import DynamicList, FormRules, Scope, read_form


def validate(
    definition: FormRules | Mapping[str, JsonValue],
    data: JsonValue,
    *,
    current: Mapping[str, JsonValue] | None = None,
) -> list[FieldError]:
    """Every error of ``data`` against the form; ``current`` holds the case's variables (conditions,
    read-only fields). An empty list: the data may be submitted."""
    rules = definition if isinstance(definition, FormRules) else read_form(definition)
    if not isinstance(data, Mapping):
        return [error("", "not-an-object")]
    current = current if current is not None else {}
    errors: list[FieldError] = []
    _check_scope(rules.root, data, current, {**current, **data}, "", False, errors)
    return errors


def _key(prefix: str, path: tuple[str, ...]) -> str:
    name = ".".join(path)
    return f"{prefix}.{name}" if prefix else name


def _find(data: JsonValue, path: tuple[str, ...]) -> Any:
    for part in path:
        if not (type(data) is dict or isinstance(data, Mapping)) or part not in data:  # dict: the fast path
            return MISSING
        data = data[part]
    return data


def _unknown_keys(
    tree: Mapping[str, JsonValue], data: Mapping[str, JsonValue], prefix: str, errors: list[FieldError]
) -> None:
    for name, value in data.items():
        node = tree.get(name) if isinstance(name, str) else None
        key = f"{prefix}.{name}" if prefix else str(name)
        if node is None:
            errors.append(error(key, "unknown-field"))
        elif isinstance(node, dict) and isinstance(value, Mapping):
            _unknown_keys(node, value, key, errors)
        elif isinstance(node, dict) and value is not None:
            errors.append(error(key, "not-an-object"))


def _check_scope(
    scope: Scope,
    data: Mapping[str, JsonValue],
    current: Mapping[str, JsonValue],
    context: Mapping[str, JsonValue],
    prefix: str,
    hidden: bool,
    errors: list[FieldError],
) -> None:
    _unknown_keys(scope.tree, data, prefix, errors)
    for f in scope.fields:
        now = _find(current, f.path)
        if now is MISSING and "defaultValue" in f.spec:
            now = f.spec["defaultValue"]
        locked = f.locked if isinstance(f.locked, bool) else holds(f.locked, context) is True
        concealed = hidden or any(holds(h, context) is True for h in f.hides)
        errors.extend(
            check_field(
                f, _key(prefix, f.path), _find(data, f.path), hidden=concealed, locked=locked, current=now
            )
        )
    for listed in scope.lists:
        concealed = hidden or any(holds(h, context) is True for h in listed.hides)
        _check_list(listed, data, current, context, _key(prefix, listed.path), concealed, errors)


def _check_list(
    listed: DynamicList,
    data: Mapping[str, JsonValue],
    current: Mapping[str, JsonValue],
    context: Mapping[str, JsonValue],
    key: str,
    hidden: bool,
    errors: list[FieldError],
) -> None:
    items = _find(data, listed.path)
    if items is MISSING or items is None:
        return
    if not isinstance(items, list):
        errors.append(error(key, "not-a-list"))
        return
    if len(items) > MAX_LIST_ITEMS:
        errors.append(error(key, "too-many-items", limit=MAX_LIST_ITEMS))
        return
    before = _find(current, listed.path)
    before = before if isinstance(before, list) else []
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            errors.append(error(f"{key}[{index}]", "not-an-object"))
            continue
        was = before[index] if index < len(before) and isinstance(before[index], Mapping) else {}
        context_of_item = {**context, **item, "this": item}
        _check_scope(listed.item, item, was, context_of_item, f"{key}[{index}]", hidden, errors)
