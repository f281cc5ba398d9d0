"""Camunda Forms (form-js JSON) read into field rules, and submissions validated against them.

The browser validates with form-js; the server validates again with the same definition, so data
sent around the browser is refused the same way. ``validate(definition, data)`` returns every
``FieldError`` (key, code, message_zh, message_en); an empty list means the data is acceptable.

Choices (the places where form-js leaves room, or where the server must be stricter):

* **Types.** textfield/textarea: text; number: a number, never a boolean (text only when the field
  has ``serializeToString``), ``min``/``max``, ``decimalDigits``, ``increment`` (a multiple of it);
  checkbox: a boolean; radio/select: one of ``values``; checklist/taglist: a list of them; with
  ``valuesKey``/``valuesExpression`` (options from data) any scalar is accepted; datetime: ISO text
  of its subtype (``2026-12-01``, ``09:30+08:00``, ``2026-12-01T09:30+08:00``) with the zone its
  ``timeSerializingFormat`` demands (or the matching Python date/time object from Python callers);
  filepicker: a file reference (text, or a list of them); expression fields are computed by the
  browser and accepted unchecked (the server does not evaluate FEEL arithmetic).
* **Length.** ``minLength`` counts characters without surrounding blanks (as form-js); ``maxLength``
  counts every character (stricter than form-js, which trims: blanks cannot smuggle length).
* **Required.** Missing, null, blank text and ``[]`` are missing; a required checkbox must be
  ticked (form-js: an unticked box is its empty value).
* **Patterns.** JavaScript regular expressions, run with a bounded amount of work
  (``engine.tasks.forms.patterns``); a pattern that cannot be run safely refuses the field
  (``pattern-unsafe``) — and is listed in ``FormRules.unsafe_patterns`` for deploy-time checks.
* **Unknown keys** in the submission are refused (``unknown-field``), at any depth (inside groups
  with a ``path`` and inside dynamic-list items). Keys of text, buttons and other data-free
  components are unknown too: form-js never submits them.
* **Conditions.** ``conditional.hide`` in the FEEL subset of ``engine.tasks.forms.conditions``,
  evaluated on the case's current variables overlaid with the submission (in a dynamic-list item,
  also the item's own fields and ``this``). A condition that is not understood counts as visible
  (it is listed in ``FormRules.unsupported_conditions``). Hidden fields are never required; a value
  sent for a hidden field anyway must still be valid (form-js drops hidden values, so a browser
  never sends one) — simpler and safer than silently dropping data.
* **readonly / disabled.** The submission may leave such a field out or repeat its current value
  (the case variable, else the field's ``defaultValue``); any other value is refused
  (``readonly-field``). A FEEL ``readonly`` is evaluated like a condition.
* **Unknown component types** are accepted with any value for their key and listed in
  ``FormRules.unknown_types`` so that deployment can report them.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.kernel.json_types import JsonObject, JsonValue
from engine.tasks.forms.conditions import Condition, compile_condition
from engine.tasks.forms.field_checks import Field
from engine.tasks.forms.field_errors import FieldError
from engine.tasks.forms.patterns import SafePattern, UnsafePattern, compile_pattern

__all__ = ["DynamicList", "Field", "FieldError", "FormRules", "Scope", "read_form"]

DATA_FREE = frozenset(
    {"text", "html", "spacer", "separator", "button", "image", "iframe", "table", "documentPreview"}
)
INPUTS = frozenset(
    {
        "textfield",
        "textarea",
        "number",
        "checkbox",
        "checklist",
        "taglist",
        "radio",
        "select",
        "datetime",
        "filepicker",
        "expression",
    }
)
OPTION_KINDS = frozenset({"radio", "select", "checklist", "taglist"})
KNOWN_TYPES = DATA_FREE | INPUTS | {"group", "dynamiclist", "default"}
MAX_DEPTH = 32

_pattern = functools.lru_cache(maxsize=512)(compile_pattern)


@dataclass(frozen=True, slots=True)
class Scope:
    """The fields of the form's top level, or of one dynamic-list item."""

    fields: tuple[Field, ...]
    lists: tuple[DynamicList, ...]
    tree: Mapping[str, JsonValue]  # expected keys: name -> Field | DynamicList | nested dict (a group path)


@dataclass(frozen=True, slots=True)
class DynamicList:
    path: tuple[str, ...]
    hides: tuple[Condition, ...]
    item: Scope


@dataclass(frozen=True, slots=True)
class FormRules:
    form_id: str | None
    root: Scope
    unknown_types: tuple[str, ...] = ()
    unsafe_patterns: tuple[tuple[str, UnsafePattern], ...] = ()  # (key, why)
    unsupported_conditions: tuple[str, ...] = ()


@dataclass
class _ScopeBuilder:
    fields: list[Field] = field(default_factory=list)
    lists: list[DynamicList] = field(default_factory=list)
    tree: JsonObject = field(default_factory=dict)

    def place(self, path: tuple[str, ...], node: Any) -> None:
        """Expect ``node`` at ``path`` (a group's path: ``node`` is a dict of what it holds)."""
        level = self.tree
        for part in path[:-1]:
            level = level.setdefault(part, {})
            if not isinstance(level, dict):
                return  # a field already sits where a group should: the form's own conflict
        if path:
            level.setdefault(path[-1], node)

    def build(self) -> Scope:
        return Scope(tuple(self.fields), tuple(self.lists), self.tree)


def _path(value: JsonValue) -> tuple[str, ...]:
    return tuple(p for p in value.split(".") if p) if isinstance(value, str) else ()


class _Reader:
    def __init__(self) -> None:
        self.unknown: list[str] = []
        self.unsafe: list[tuple[str, UnsafePattern]] = []
        self.unsupported: list[str] = []

    def condition(self, source: JsonValue) -> Condition | None:
        if source in (None, "", False):
            return None
        compiled = compile_condition(source)
        if compiled is None:
            self.unsupported.append(str(source))
        return compiled

    def components(
        self,
        items: Any,
        scope: _ScopeBuilder,
        prefix: tuple[str, ...],
        hides: tuple[Condition, ...],
        depth: int,
    ) -> None:
        if not isinstance(items, list) or depth > MAX_DEPTH:
            return
        for component in items:
            if isinstance(component, Mapping) and isinstance(component.get("type"), str):
                self.component(component, scope, prefix, hides, depth)

    def component(
        self,
        c: Mapping[str, JsonValue],
        scope: _ScopeBuilder,
        prefix: tuple[str, ...],
        hides: tuple[Condition, ...],
        depth: int,
    ) -> None:
        kind = c["type"]
        conditional = c.get("conditional")
        hide = self.condition(conditional.get("hide")) if isinstance(conditional, Mapping) else None
        own = (*hides, hide) if hide is not None else hides
        if kind not in KNOWN_TYPES:
            self.unknown.append(kind)
        if kind in DATA_FREE:
            return
        path = prefix + _path(c.get("path"))
        if kind == "dynamiclist" and path != prefix:
            item = _ScopeBuilder()
            self.components(c.get("components"), item, (), (), depth + 1)
            listed = DynamicList(path, own, item.build())
            scope.lists.append(listed)
            scope.place(path, listed)
            return
        key = _path(c.get("key"))
        if key and kind not in ("group", "dynamiclist"):
            self.field(c, scope, prefix + key, own)
        elif path != prefix:
            scope.place(path, {})
        self.components(c.get("components"), scope, path, own, depth + 1)

    def field(
        self,
        c: Mapping[str, JsonValue],
        scope: _ScopeBuilder,
        path: tuple[str, ...],
        hides: tuple[Condition, ...],
    ) -> None:
        written = c.get("validate")
        rules: Mapping[str, JsonValue] = written if isinstance(written, Mapping) else {}
        pattern: SafePattern | UnsafePattern | None = None
        source = rules.get("pattern")
        if isinstance(source, str) and source and c["type"] in ("textfield", "textarea"):
            pattern = _pattern(source)
            if isinstance(pattern, UnsafePattern):
                self.unsafe.append((".".join(path), pattern))
        readonly = c.get("readonly")
        locked: bool | Condition = c.get("disabled") is True or readonly is True
        if isinstance(readonly, str) and not locked:
            locked = self.condition(readonly) or False
        new = Field(path, c["type"], c, rules.get("required") is True, hides, pattern, _options(c), locked)
        scope.fields.append(new)
        scope.place(path, new)


def _options(c: Mapping[str, JsonValue]) -> tuple[Any, ...] | None:
    values = c.get("values")
    if (
        c["type"] not in OPTION_KINDS
        or c.get("valuesKey")
        or c.get("valuesExpression")
        or not isinstance(values, list)
    ):
        return None
    return tuple(v["value"] for v in values if isinstance(v, Mapping) and "value" in v)


def read_form(definition: Mapping[str, JsonValue] | str | bytes) -> FormRules:
    """The rules of a form definition (a parsed form-js JSON object, or its text)."""
    if isinstance(definition, str | bytes):
        definition = json.loads(definition)
    if not isinstance(definition, Mapping):
        raise ValueError("a form definition is a JSON object")
    reader, root = _Reader(), _ScopeBuilder()
    reader.components(definition.get("components"), root, (), (), 0)
    form_id = definition.get("id") if isinstance(definition.get("id"), str) else None
    return FormRules(
        form_id,
        root.build(),
        tuple(dict.fromkeys(reader.unknown)),
        tuple(reader.unsafe),
        tuple(dict.fromkeys(reader.unsupported)),
    )
