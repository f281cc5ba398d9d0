"""Lint a Camunda Forms (form-js) JSON file: a JSON object with an ``id`` and ``components``,
every input field with a ``key`` (unique within its data scope). Never raises on input.

Linear in the size of the file: limits (``engine.tasks.forms.limits``) are checked first, and the line
of every component is looked up in one index of the text built in one pass (``_LineIndex``)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from engine.compliance.catalogue import finding
from engine.compliance.document.xmlsafe import check_size, read_utf8
from engine.compliance.findings import Finding
from engine.kernel.json_types import JsonObject, JsonValue
from engine.tasks.forms.limits import DEFAULT_FORM_LIMITS, FormLimits
from engine.tasks.forms.schema import read_form

FIELD_TYPES = frozenset(
    {
        "textfield",
        "textarea",
        "number",
        "datetime",
        "checkbox",
        "checklist",
        "radio",
        "select",
        "taglist",
        "filepicker",
        "expression",
    }
)
_NAMED = re.compile(r'"(id|key)"\s*:\s*("(?:[^"\\\n]|\\.)*")')


def form_findings(data: bytes, limits: FormLimits = DEFAULT_FORM_LIMITS) -> list[Finding]:
    refused = check_size(data, limits.max_bytes)
    if refused is not None:
        return [refused]
    text, found = read_utf8(data)
    if text is None:
        return found
    form = _parse(text)
    if isinstance(form, Finding):
        return [*found, form]
    if not isinstance(form, dict):
        return [
            *found,
            finding(
                "SX-F302",
                "表单文件必须是一个 JSON 对象；这是 Camunda 表单 (.form) 吗？",
                "a form file must be one JSON object; is this a Camunda Form (.form)?",
                line=1,
            ),
        ]
    count = _count_components(form.get("components"), limits.max_components)
    if count > limits.max_components:
        return [
            *found,
            finding(
                "SX-F311",
                f"表单的组件超过 {limits.max_components} 个（上限 SANXIANG_MAX_FORM_COMPONENTS）；"
                "请拆分为几个任务的表单",
                f"the form has more than {limits.max_components} components (limit "
                "SANXIANG_MAX_FORM_COMPONENTS); split it over several tasks' forms",
                line=1,
            ),
        ]
    return [*found, *_form_object(form, text)]


def _parse(text: str) -> JsonValue:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        return finding(
            "SX-F301",
            f"第 {exc.lineno} 行 JSON 格式不正确：{exc.msg}；请用 Camunda Modeler 重新保存表单",
            f"not valid JSON at line {exc.lineno}: {exc.msg}; save the form again from Camunda Modeler",
            line=exc.lineno,
        )
    except (ValueError, RecursionError) as exc:
        reason = str(exc)[:120]
        return finding("SX-F301", f"JSON 无法解析：{reason}", f"JSON cannot be parsed: {reason}")


def _count_components(top: JsonValue, most: int) -> int:
    """Components at every depth, counted up to one past ``most``."""
    pending, count = [top], 0
    while pending and count <= most:
        components = pending.pop()
        if not isinstance(components, list):
            continue
        count += len(components)
        pending.extend(c.get("components") for c in components if isinstance(c, dict))
    return count


def _form_object(form: JsonObject, text: str) -> Iterator[Finding]:
    form_id = form.get("id")
    if not isinstance(form_id, str) or not form_id.strip():
        yield finding(
            "SX-F303",
            "表单缺少 id；任务用 camunda:formRef 引用的正是这个 id——请在 Camunda Modeler 中设置",
            "the form has no id; camunda:formRef refers to it — set it in Camunda Modeler",
            line=1,
        )
    components = form.get("components")
    if not isinstance(components, list):
        yield finding("SX-F304", "表单缺少 components 列表", "the form has no components list", line=1)
        return
    yield from _components(components, text)
    yield from _server_side_rules(form)


def _server_side_rules(form: JsonObject) -> Iterator[Finding]:
    """What the server-side validation (``engine.tasks.forms.schema``) could not check at submit time is
    reported now, at deploy: unknown component types, unsafe patterns, conditions it cannot evaluate."""
    try:
        rules = read_form(form)
    except (ValueError, TypeError, KeyError, RecursionError):
        return  # the structural findings above already say what is wrong
    for kind in rules.unknown_types:
        yield finding(
            "SX-F308",
            f"不认识的组件类型“{kind}”：服务端无法校验它提交的数据；请改用标准组件",
            f"unknown component type '{kind}': the server cannot check what it submits; use a "
            "standard form-js component",
        )
    for key, unsafe in rules.unsafe_patterns:
        yield finding(
            "SX-F309",
            f"字段“{key}”的格式规则无法安全运行：{unsafe.reason_zh}",
            f"the pattern of field '{key}' cannot run safely: {unsafe.reason_en}",
        )
    for source in rules.unsupported_conditions:
        yield finding(
            "SX-F310",
            f"显示条件“{source}”服务端无法判断，将视为始终显示（必填项仍然必填）",
            f"the condition '{source}' cannot be evaluated on the server; the field is treated as "
            "always shown (required fields stay required)",
            warning=True,
        )


def _components(top: list[JsonValue], text: str) -> Iterator[Finding]:
    pending: list[tuple[list[JsonValue], str]] = [(top, "")]
    keys: set[tuple[str, str]] = set()
    lines = _LineIndex(text)
    while pending:
        components, scope = pending.pop()
        for component in components:
            yield from _component(component, scope, keys, lines)
            if isinstance(component, dict) and isinstance(component.get("components"), list):
                path = component.get("path")
                inner = f"{scope}.{path}" if isinstance(path, str) and path else scope
                pending.append((component["components"], inner))


def _component(
    component: JsonValue, scope: str, keys: set[tuple[str, str]], lines: _LineIndex
) -> Iterator[Finding]:
    if not isinstance(component, dict) or not isinstance(component.get("type"), str):
        yield finding(
            "SX-F306",
            "组件必须是带 type 的 JSON 对象",
            "a component must be a JSON object with a type",
            line=lines.of(component),
        )
        return
    ident = component.get("id") if isinstance(component.get("id"), str) else None
    kind = component["type"]
    if kind not in FIELD_TYPES:
        return
    key = component.get("key")
    if not isinstance(key, str) or not key.strip():
        yield finding(
            "SX-F305",
            f"{kind} 字段缺少 key（提交的数据存入这个变量）；请在 Camunda Modeler 中填写",
            f"{kind} field without a key (the variable its value is stored in); set it in Camunda Modeler",
            element_id=ident,
            line=lines.of(component),
        )
    elif (scope, key) in keys:
        yield finding(
            "SX-F307",
            f"字段 key“{key}”重复，后一个会覆盖前一个；请改名",
            f"field key '{key}' is used twice and the later value overwrites the earlier; rename one",
            element_id=ident,
            line=lines.of(component),
            warning=True,
        )
    else:
        keys.add((scope, key))


class _LineIndex:
    """The line where each ``"id": "…"`` and ``"key": "…"`` first appears in the source text, found in one
    pass over the text when a finding first needs a line (searching the text once per component made
    the linter quadratic: minutes for a 10 MB form)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._first: dict[tuple[str, str], int] | None = None

    def of(self, component: JsonValue) -> int | None:
        """The line of a component, by its id (or else its key); None if not found."""
        if not isinstance(component, dict):
            return None
        first = self._index()
        for name in ("id", "key"):
            value = component.get(name)
            if isinstance(value, str) and value and (name, value) in first:
                return first[(name, value)]
        return None

    def _index(self) -> dict[tuple[str, str], int]:
        if self._first is None:
            self._first = {}
            line, counted = 1, 0
            for match in _NAMED.finditer(self._text):
                line += self._text.count("\n", counted, match.start())
                counted = match.start()
                literal = match.group(2)
                try:
                    value = json.loads(literal) if "\\" in literal else literal[1:-1]
                except ValueError:
                    continue
                self._first.setdefault((match.group(1), value), line)
        return self._first
