"""Call activities: the runtime runs Camunda 7's semantics (``engine.runner.calls.call_activity``: a child
case of its own, ``calledElement`` by key with ``camunda:calledElementBinding`` latest/deployment/version,
``camunda:in``/``camunda:out``, ``camunda:in businessKey``). Everything else is refused here, by name:

- SX-D170  no ``calledElement``, or one written as an expression (the called process must be known at deploy);
- SX-D171  a setting not run here: ``camunda:calledElementTenantId``, ``camunda:calledElementVersionTag``,
  ``camunda:variableMappingClass``, ``camunda:variableMappingDelegateExpression``, CMMN ``camunda:caseRef``
  (and ``caseBinding``/``caseVersion``/``caseTenantId``);
- SX-D172  an unknown ``camunda:calledElementBinding`` (``versionTag`` included), or ``version`` without a
  whole-number ``camunda:calledElementVersion``;
- SX-D173  a ``camunda:in``/``camunda:out`` that cannot run (no target, both or neither of source and
  sourceExpression, a ``businessKey`` on an ``out``, an expression outside the language);
- SX-D174  a call activity carrying a legal role (``sanxiang.role``, e.g. ``delivery``, ``legal-review``)
  whose called process has no element of that role (at deploy): the caller's path rules count the call as
  that step, so the called process must do it — the linter follows the call;
- SX-D175  the called process is not deployed (at deploy: the runtime's facts say which processes exist;
  ``latest`` and ``version`` may name one deployed before or in the same deployment, ``deployment`` one of
  the same deployment).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from engine.compliance.catalogue import finding
from engine.compliance.document.bpmn_view import BpmnDocument, Element
from engine.compliance.document.namespaces import camunda_children, line_of
from engine.compliance.findings import Finding
from engine.compliance.runtime_facts import RuntimeFacts

_EXPRESSION = re.compile(r"[$#]\{")
_REFUSED = (
    "calledElementTenantId",
    "calledElementVersionTag",
    "variableMappingClass",
    "variableMappingDelegateExpression",
    "caseRef",
    "caseBinding",
    "caseVersion",
    "caseTenantId",
)
BINDINGS = frozenset({"latest", "deployment", "version"})


def _calls(doc: BpmnDocument) -> Iterator[tuple[Element, etree._Element]]:
    for process in doc.checked:
        for el in process.with_tag("callActivity"):
            if el.node is not None:
                yield el, el.node


def called_element_is_a_key(doc: BpmnDocument) -> Iterator[Finding]:
    for el, node in _calls(doc):
        called = (node.get("calledElement") or "").strip()
        if not called or _EXPRESSION.search(called):
            what_zh, what_en = (
                ("为空", "empty") if not called else (f"是表达式 {called}", f"an expression {called}")
            )
            yield finding(
                "SX-D170",
                f"调用活动的 calledElement {what_zh}：被调用的流程须在部署时可知；"
                "请写被调用流程的 id（流程键）",
                f"the call activity's calledElement is {what_en}: the called process must be known at "
                "deploy; write the called process's id (its key)",
                element_id=el.id,
                line=el.line,
            )


def no_refused_settings(doc: BpmnDocument) -> Iterator[Finding]:
    for el, _node in _calls(doc):
        for name in (n for n in _REFUSED if n in el.camunda):
            yield finding(
                "SX-D171",
                f"不支持调用活动的 camunda:{name}（无多租户、版本标签、Java 变量映射或 CMMN 案例）；"
                "请删除它，用 calledElement 与 camunda:in/camunda:out 表达",
                f"camunda:{name} on a call activity is not supported (no tenants, version tags, Java "
                "variable mappings or CMMN cases here); remove it and use calledElement with "
                "camunda:in/camunda:out",
                element_id=el.id,
                line=el.line,
            )


def binding_can_work(doc: BpmnDocument) -> Iterator[Finding]:
    for el, _node in _calls(doc):
        binding = el.camunda.get("calledElementBinding", "latest").strip()
        version = el.camunda.get("calledElementVersion", "").strip()
        if binding not in BINDINGS or (binding == "version" and not version.isdigit()):
            yield finding(
                "SX-D172",
                f"camunda:calledElementBinding=“{binding}”无法运行：只支持 latest、deployment、version，"
                "version 须配整数 camunda:calledElementVersion",
                f"camunda:calledElementBinding '{binding}' cannot work: only latest, deployment and version "
                "are supported, and version needs a whole-number camunda:calledElementVersion",
                element_id=el.id,
                line=el.line,
            )


def _mapping_problem(mapping: etree._Element, kind: str, facts: RuntimeFacts) -> tuple[str, str] | None:
    """Why a ``camunda:in``/``camunda:out`` cannot run (zh, en), or None."""
    attrs = {str(key): str(value) for key, value in mapping.attrib.items()}
    if "businessKey" in attrs:
        return ("out 不能带 businessKey", "an out cannot carry a businessKey") if kind == "out" else None
    if attrs.get("variables") == "all":
        return None
    has_source, has_expression = "source" in attrs, "sourceExpression" in attrs
    if not attrs.get("target") or has_source == has_expression:
        return (
            "须有 target，且 source 与 sourceExpression 二者恰有其一",
            "it needs a target and exactly one of source and sourceExpression",
        )
    expression = attrs.get("sourceExpression")
    if expression is not None and facts.text_check is not None:
        return facts.text_check(expression)
    return None


def mappings_can_run(doc: BpmnDocument, facts: RuntimeFacts) -> Iterator[Finding]:
    for el, node in _calls(doc):
        for kind in ("in", "out"):
            for mapping in camunda_children(node, kind):
                problem = _mapping_problem(mapping, kind, facts)
                if problem is not None:
                    yield finding(
                        "SX-D173",
                        f"camunda:{kind} 无法运行：{problem[0]}；"
                        "请给 target 及 source 或 sourceExpression 之一（表达式须在表达式语言之内），"
                        '或写 variables="all"',
                        f"camunda:{kind} cannot run ({problem[1]}): give a target and exactly one of source "
                        'and sourceExpression (an expression in the language), or variables="all"',
                        element_id=el.id,
                        line=line_of(mapping) or el.line,
                    )


def called_processes_exist(doc: BpmnDocument, facts: RuntimeFacts) -> Iterator[Finding]:
    """SX-D175, when the facts know the deployed processes (at deploy; a bare lint cannot know)."""
    exists = facts.called_process
    if exists is None:
        return
    for el, node in _calls(doc):
        target = _target(el, node)
        if target is None:
            continue
        called, binding, wanted = target
        if not exists(called, binding, wanted):
            how = binding if wanted is None else f"{binding} {wanted}"
            yield finding(
                "SX-D175",
                f"调用活动调用的流程 calledElement=“{called}”（{how}）未部署；请先部署被调用的流程，"
                "或与本流程一起部署",
                f"the process the call activity calls, calledElement '{called}' ({how}), is not deployed; "
                "deploy it first or in the same deployment",
                element_id=el.id,
                line=el.line,
            )


def _target(el: Element, node: etree._Element) -> tuple[str, str, int | None] | None:
    called = (node.get("calledElement") or "").strip()
    binding = el.camunda.get("calledElementBinding", "latest").strip()
    version = el.camunda.get("calledElementVersion", "").strip()
    if not called or _EXPRESSION.search(called) or binding not in BINDINGS:
        return None  # SX-D170 / SX-D172
    return called, binding, int(version) if binding == "version" and version.isdigit() else None


def called_processes_do_the_role(doc: BpmnDocument, facts: RuntimeFacts) -> Iterator[Finding]:
    """SX-D174, when the facts know the called processes' roles (at deploy)."""
    roles_of = facts.called_roles
    if roles_of is None:
        return
    for el, node in _calls(doc):
        target, role = _target(el, node), el.role
        roles = roles_of(*target) if target is not None and role else None
        if roles is not None and role not in roles and target is not None:
            called = target[0]
            yield finding(
                "SX-D174",
                f"调用活动标为“{role}”环节，但被调用的流程 {called} 中没有该角色的环节；"
                f"请在被调用流程中画出 sanxiang.role={role} 的环节，或去掉调用活动上的角色",
                f"the call activity is marked {role}, but the process it calls ({called}) "
                f"has no element of that role; draw a sanxiang.role={role} step in the called process or "
                "remove the role from the call activity",
                element_id=el.id,
                line=el.line,
            )


CHECKS = (called_element_is_a_key, no_refused_settings, binding_can_work)


def call_findings(doc: BpmnDocument, facts: RuntimeFacts) -> Iterator[Finding]:
    yield from mappings_can_run(doc, facts)
    yield from called_processes_exist(doc, facts)
    yield from called_processes_do_the_role(doc, facts)
