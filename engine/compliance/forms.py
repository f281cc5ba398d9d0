"""Lint a Camunda Forms (form-js) JSON file: a JSON object with an ``id`` and ``components``,
every input field with a ``key`` (unique within its data scope). Never raises on input."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from engine.compliance.catalogue import finding
from engine.compliance.findings import Finding
from engine.compliance.xmlsafe import check_size
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
_MAX_COMPONENTS = 20_000


def form_findings(data: bytes, max_bytes: int) -> list[Finding]:
    refused = check_size(data, max_bytes)
    if refused is not None:
        return [refused]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return [
            finding(
                "SX-F301",
                f"第 {line} 行不是 UTF-8 编码；请用 Camunda Modeler 重新保存表单",
                f"not UTF-8 at line {line}; save the form again from Camunda Modeler",
                line=line,
            )
        ]
    try:
        form = json.loads(text)
    except json.JSONDecodeError as exc:
        return [
            finding(
                "SX-F301",
                f"第 {exc.lineno} 行 JSON 格式不正确：{exc.msg}；请用 Camunda Modeler 重新保存表单",
                f"not valid JSON at line {exc.lineno}: {exc.msg}; save the form again from Camunda Modeler",
                line=exc.lineno,
            )
        ]
    except (ValueError, RecursionError) as exc:
        reason = str(exc)[:120]
        return [finding("SX-F301", f"JSON 无法解析：{reason}", f"JSON cannot be parsed: {reason}")]
    if not isinstance(form, dict):
        return [
            finding(
                "SX-F302",
                "表单文件必须是一个 JSON 对象；这是 Camunda 表单 (.form) 吗？",
                "a form file must be one JSON object; is this a Camunda Form (.form)?",
                line=1,
            )
        ]
    return list(_form_object(form, text))


def _form_object(form: dict[str, Any], text: str) -> Iterator[Finding]:
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


def _server_side_rules(form: dict[str, Any]) -> Iterator[Finding]:
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


def _components(top: list[Any], text: str) -> Iterator[Finding]:
    pending: list[tuple[list[Any], str]] = [(top, "")]
    keys: set[tuple[str, str]] = set()
    count = 0
    while pending:
        components, scope = pending.pop()
        for component in components:
            count += 1
            if count > _MAX_COMPONENTS:
                yield finding(
                    "SX-F306", f"组件超过 {_MAX_COMPONENTS} 个", f"more than {_MAX_COMPONENTS} components"
                )
                return
            yield from _component(component, scope, keys, text)
            if isinstance(component, dict) and isinstance(component.get("components"), list):
                path = component.get("path")
                inner = f"{scope}.{path}" if isinstance(path, str) and path else scope
                pending.append((component["components"], inner))


def _component(component: Any, scope: str, keys: set[tuple[str, str]], text: str) -> Iterator[Finding]:
    if not isinstance(component, dict) or not isinstance(component.get("type"), str):
        yield finding(
            "SX-F306",
            "组件必须是带 type 的 JSON 对象",
            "a component must be a JSON object with a type",
            line=_line_of(text, component),
        )
        return
    ident = component.get("id") if isinstance(component.get("id"), str) else None
    kind = component["type"]
    if kind not in FIELD_TYPES:
        return
    key = component.get("key")
    line = _line_of(text, component)
    if not isinstance(key, str) or not key.strip():
        yield finding(
            "SX-F305",
            f"{kind} 字段缺少 key（提交的数据存入这个变量）；请在 Camunda Modeler 中填写",
            f"{kind} field without a key (the variable its value is stored in); set it in Camunda Modeler",
            element_id=ident,
            line=line,
        )
    elif (scope, key) in keys:
        yield finding(
            "SX-F307",
            f"字段 key“{key}”重复，后一个会覆盖前一个；请改名",
            f"field key '{key}' is used twice and the later value overwrites the earlier; rename one",
            element_id=ident,
            line=line,
            warning=True,
        )
    else:
        keys.add((scope, key))


def _line_of(text: str, component: Any) -> int | None:
    """The line of a component, found by its id (or key) in the source text; None if not found."""
    if not isinstance(component, dict):
        return None
    for name in ("id", "key"):
        value = component.get(name)
        if isinstance(value, str) and value:
            match = re.search(f'"{name}"\\s*:\\s*{re.escape(json.dumps(value, ensure_ascii=False))}', text)
            if match:
                return text.count("\n", 0, match.start()) + 1
    return None
