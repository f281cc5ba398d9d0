"""Dialect rules on the forms a diagram asks for: generated forms (``camunda:formData``) and form keys.

What runs (``engine.tasks.forms.generated_rules``): form fields of type string, long, boolean, date and
enum with the constraints required, readonly, minlength, maxlength, min and max, a default value, a
label; on user tasks and on the process's start event (with ``businessKey``). Refused, the field named:
- SX-D146: a constraint we do not check (a custom ``validator`` or an unknown name);
- SX-D147: a custom field type, or the legacy ``camunda:formProperty``;
- SX-D148: a field that cannot work: no id or a repeated one, no type, an enum without values, a limit that
  is not a number (a whole one for a long field or a length), a default that is not a value of the type;
- SX-D149: a ``camunda:formKey`` naming an embedded or external (HTML) form, which is never rendered here;
- SX-D150: a generated form and a Camunda Form (``formRef``/``formKey``) on one task;
- SX-D151: a ``camunda:formRefBinding`` other than deployment, latest or version, or ``version`` without a
  whole ``camunda:formRefVersion``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from engine.compliance.catalogue import finding
from engine.compliance.document.bpmn_view import BpmnDocument, Element
from engine.compliance.document.namespaces import camunda_children, line_of, split
from engine.compliance.findings import Finding
from engine.compliance.runtime_facts import RuntimeFacts

TYPES = frozenset({"string", "long", "boolean", "date", "enum"})
CONSTRAINTS = frozenset({"required", "readonly", "minlength", "maxlength", "min", "max"})
_EXPRESSION = re.compile(r"[$#]\{")
_INTEGER = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_DATE = re.compile(r"\d{2}/\d{2}/\d{4}|\d{4}-\d{2}-\d{2}(?:T[\d:.]+(?:Z|[+-]\d{2}:\d{2})?)?")
_EXTERNAL_KEYS = ("embedded:", "app:", "deployment:", "http:", "https:")
Problem = tuple[str, str, str]


def generated_form_findings(doc: BpmnDocument, facts: RuntimeFacts) -> Iterator[Finding]:
    for process in doc.checked:
        for el in process.with_tag("userTask", "startEvent"):
            if el.node is None:
                continue
            yield from _external_form(el)
            yield from _element_findings(el, facts)
            problem = binding_problem(el.camunda) if el.camunda.get("formRef") else None
            if problem is not None:
                yield finding("SX-D151", problem[0], problem[1], element_id=el.id, line=el.line)


def _external_form(el: Element) -> Iterator[Finding]:
    key = el.camunda.get("formKey") or ""
    lowered = key.strip().lower()
    if lowered.startswith(_EXTERNAL_KEYS) or lowered.endswith((".html", ".htm")):
        yield finding(
            "SX-D149",
            f"camunda:formKey“{key}”是嵌入式或外部表单，本系统不显示；请改用 "
            "Camunda 表单（camunda:formRef）或生成表单（camunda:formData）",
            f"camunda:formKey '{key}' is an embedded or external form, which is never "
            "shown here; use a Camunda Form (camunda:formRef) or a generated form "
            "(camunda:formData)",
            element_id=el.id,
            line=el.line,
        )


def binding_problem(attributes: dict[str, str]) -> tuple[str, str] | None:
    binding = (attributes.get("formRefBinding") or "latest").strip()
    version = (attributes.get("formRefVersion") or "").strip()
    if binding not in ("deployment", "latest", "version"):
        return (
            f"camunda:formRefBinding“{binding}”无效；请写 deployment、latest 或 version",
            f"camunda:formRefBinding '{binding}' is not valid; write deployment, latest or version",
        )
    if binding == "version" and not (version.isdigit() and int(version) >= 1):
        return (
            f"按版本绑定表单时 camunda:formRefVersion 应为正整数，却是“{version}”",
            f"a form bound by version needs a positive whole camunda:formRefVersion, got '{version}'",
        )
    return None


def _element_findings(el: Element, facts: RuntimeFacts) -> Iterator[Finding]:
    assert el.node is not None
    for legacy in camunda_children(el.node, "formProperty"):
        ident = legacy.get("id")
        yield finding(
            "SX-D147",
            f"旧式 camunda:formProperty“{ident}”不支持；请改用 camunda:formData",
            f"the legacy camunda:formProperty '{ident}' is not supported; use camunda:formData",
            element_id=el.id,
            line=line_of(legacy) or el.line,
        )
    for form in camunda_children(el.node, "formData"):
        yield from _form_data_findings(el, form, facts)


def _form_data_findings(el: Element, form: etree._Element, facts: RuntimeFacts) -> Iterator[Finding]:
    if el.tag == "userTask" and (el.camunda.get("formRef") or el.camunda.get("formKey")):
        yield finding(
            "SX-D150",
            "同一任务既有生成表单（camunda:formData）又有 formRef/formKey；请只保留一种",
            "the task has both a generated form (camunda:formData) and a formRef/formKey; keep one",
            element_id=el.id,
            line=line_of(form) or el.line,
        )
    yield from _field_findings(el, form, facts)


def _field_findings(el: Element, form: etree._Element, facts: RuntimeFacts) -> Iterator[Finding]:
    seen: set[str] = set()
    for field in _children(form, "formField"):
        ident = field.get("id") or ""
        problem = ("SX-D148", "字段 id 重复", "the field id is repeated") if ident in seen else None
        seen.add(ident)
        problem = problem or field_problem(field, facts)
        if problem is not None:
            code, zh, en = problem
            yield finding(
                code,
                f"表单字段“{ident or '(无 id)'}”：{zh}",
                f"form field '{ident or '(no id)'}': {en}",
                element_id=el.id,
                line=line_of(field) or el.line,
            )


def field_problem(field: etree._Element, facts: RuntimeFacts) -> Problem | None:
    kind = field.get("type") or ""
    if not field.get("id"):
        return (
            "SX-D148",
            "缺少 id；请填写字段 id（即变量名）",
            "it has no id; give the field an id (the variable's name)",
        )
    if not kind:
        return (
            "SX-D148",
            "缺少类型；请选择 string、long、boolean、date 或 enum",
            "it has no type; choose string, long, boolean, date or enum",
        )
    if kind not in TYPES:
        return (
            "SX-D147",
            f"自定义类型“{kind}”不支持；请用 string、long、boolean、date 或 enum",
            f"the custom type '{kind}' is not supported; use string, long, boolean, date or enum",
        )
    values = [value.get("id") for value in _children(field, "value")]
    if kind == "enum" and not values:
        return "SX-D148", "枚举没有可选值；请添加 camunda:value", "the enum has no values; add camunda:value"
    constraints = (c for group in _children(field, "validation") for c in _children(group, "constraint"))
    for constraint in constraints:
        problem = _constraint_problem(constraint.get("name") or "", constraint.get("config"), kind)
        if problem is not None:
            return problem
    return _default_problem(field.get("defaultValue"), kind, values, facts) or _label_problem(field, facts)


def _unsupported_constraint(name: str, config: str | None) -> Problem:
    shown = f"{name}({config})" if config else name
    return (
        "SX-D146",
        f"校验规则“{shown}”不支持（自定义校验器不运行）；可用：required、readonly、"
        "minlength、maxlength、min、max",
        f"the constraint '{shown}' is not supported (custom validators are not run); use required, "
        "readonly, minlength, maxlength, min or max",
    )


def _constraint_problem(name: str, config: str | None, kind: str) -> Problem | None:
    if name not in CONSTRAINTS:
        return _unsupported_constraint(name, config)
    text = (config or "").strip()
    whole = name in ("minlength", "maxlength") or kind == "long"
    pattern = _INTEGER if whole else _NUMBER
    if name in ("minlength", "maxlength", "min", "max") and not pattern.fullmatch(text):
        need_zh, need_en = ("整数", "a whole number") if whole else ("数字", "a number")
        return (
            "SX-D148",
            f"规则 {name} 的配置“{config}”不是{need_zh}",
            f"the {name} limit '{config}' is not {need_en}",
        )
    return None


def _default_problem(
    default: str | None, kind: str, values: list[str | None], facts: RuntimeFacts
) -> Problem | None:
    if default is None:
        return None
    if _EXPRESSION.search(default):
        why = facts.text_check(default) if facts.text_check is not None else None
        return (
            None
            if why is None
            else (
                "SX-D148",
                f"默认值表达式无法运行：{why[0]}",
                f"the default value's expression cannot be run: {why[1]}",
            )
        )
    fits = {
        "long": bool(_INTEGER.fullmatch(default.strip())),
        "date": bool(_DATE.fullmatch(default.strip())),
        "enum": default in values,
    }.get(kind, True)
    if fits:
        return None
    return (
        "SX-D148",
        f"默认值“{default}”不是 {kind} 类型的值",
        f"the default value '{default}' is not a {kind} value",
    )


def _label_problem(field: etree._Element, facts: RuntimeFacts) -> Problem | None:
    label = field.get("label") or ""
    if not _EXPRESSION.search(label) or facts.text_check is None:
        return None
    why = facts.text_check(label)
    if why is None:
        return None
    return "SX-D148", f"标签表达式无法运行：{why[0]}", f"the label's expression cannot be run: {why[1]}"


def _children(node: etree._Element, tag: str) -> Iterator[etree._Element]:
    for child in node:
        if isinstance(child.tag, str) and split(child)[1] == tag:
            yield child
