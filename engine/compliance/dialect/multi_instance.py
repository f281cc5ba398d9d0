"""Dialect rules on task markers: multi-instance (会签/或签/票签) and loops.

The runtime runs Camunda 7's multi-instance semantics on user tasks
(``engine.runner.user_tasks.multi_instance``):
``loopCardinality``, ``camunda:collection``/``loopDataInputRef`` with ``camunda:elementVariable``/
``inputDataItem``, ``completionCondition``, parallel and sequential. Everything else Camunda Modeler can
write on a marker is refused here, by name (Camunda 7's own parse errors included):

- SX-D160  multi-instance on anything but a user task (subprocess, call activity, service task…);
- SX-D161  neither ``loopCardinality`` nor a collection, or an empty ``loopCardinality``;
- SX-D162  an element variable without a collection;
- SX-D163  ``loopDataOutputRef``/``outputDataItem``: an output collection Camunda 7 does not have;
- SX-D164  ``camunda:asyncBefore``/``asyncAfter`` on the multi-instance body (no job executor here);
- SX-D165  a cardinality, collection or completion condition our runtime cannot evaluate as Camunda does;
- SX-D166  the loop marker (``standardLoopCharacteristics``): Camunda 7 does not run it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from engine.compliance.catalogue import finding
from engine.compliance.dialect.expressions import condition_problem
from engine.compliance.document.bpmn_view import BpmnDocument, Element
from engine.compliance.document.namespaces import (
    bpmn_children,
    camunda_attributes,
    camunda_children,
    line_of,
    text_of,
)
from engine.compliance.findings import Finding

_WHOLE = re.compile(r"\s*[$#]\{.*\}\s*", re.DOTALL)
_NUMBER = re.compile(r"\s*[+-]?\d+\s*")
_MARKER = "multiInstanceLoopCharacteristics"


def _loops(doc: BpmnDocument) -> Iterator[tuple[Element, etree._Element]]:
    for process in doc.checked:
        for el in process.elements.values():
            if el.node is None:
                continue
            for loop in bpmn_children(el.node, _MARKER):
                yield el, loop


def _child_text(loop: etree._Element, tag: str) -> tuple[etree._Element | None, str | None]:
    node = next(bpmn_children(loop, tag), None)
    return node, (text_of(node) if node is not None else None)


def _line(el: Element, node: etree._Element | None) -> int | None:
    return (line_of(node) if node is not None else None) or el.line


def only_user_tasks_are_multi_instance(doc: BpmnDocument) -> Iterator[Finding]:
    for el, loop in _loops(doc):
        if el.tag != "userTask":
            yield finding(
                "SX-D160",
                f"{el.tag} 上的多实例不受支持：只有人工任务(userTask)可以多实例（会签/或签/票签）；"
                "请改为多实例人工任务，或把重复的工作画成普通流程",
                f"multi-instance on a {el.tag} is not supported: only a userTask may be multi-instance "
                "(co-signing); make it a multi-instance userTask or model the repetition with flows",
                element_id=el.id,
                line=_line(el, loop),
            )


def multi_instance_has_a_count(doc: BpmnDocument) -> Iterator[Finding]:
    for el, loop in _loops(doc):
        cardinality_node, cardinality = _child_text(loop, "loopCardinality")
        collection = _collection(loop)
        if cardinality_node is not None and not cardinality:
            yield finding(
                "SX-D161",
                "loopCardinality 为空；请填写实例数（数字或 ${表达式}）",
                "loopCardinality is empty; give the number of instances (a number or ${expression})",
                element_id=el.id,
                line=_line(el, cardinality_node),
            )
        elif cardinality_node is None and not collection:
            yield finding(
                "SX-D161",
                "多实例既没有 loopCardinality 也没有 collection；请填写其一（Camunda 7 拒绝部署）",
                "multi-instance has neither loopCardinality nor a collection; set one (Camunda 7 "
                "refuses to deploy it)",
                element_id=el.id,
                line=_line(el, loop),
            )
        if _element_variable(loop) and not collection:
            yield finding(
                "SX-D162",
                "设置了元素变量(elementVariable)却没有 collection；请填写 collection",
                "an element variable is set without a collection; set camunda:collection",
                element_id=el.id,
                line=_line(el, loop),
            )


def multi_instance_has_no_output_collection(doc: BpmnDocument) -> Iterator[Finding]:
    for el, loop in _loops(doc):
        for tag in ("loopDataOutputRef", "outputDataItem"):
            node = next(bpmn_children(loop, tag), None)
            if node is not None:
                yield finding(
                    "SX-D163",
                    f"Camunda 7 没有多实例输出集合（{tag}），会被忽略；请删除它，用 camunda:outputParameter "
                    "或表单字段记录每个实例的结果",
                    f"Camunda 7 has no multi-instance output collection ({tag}): it would be ignored; remove "
                    "it and record each instance's result with a camunda:outputParameter or form fields",
                    element_id=el.id,
                    line=_line(el, node),
                )


def multi_instance_body_is_not_async(doc: BpmnDocument) -> Iterator[Finding]:
    for el, loop in _loops(doc):
        attrs = camunda_attributes(loop)
        retry = next(camunda_children(loop, "failedJobRetryTimeCycle"), None)
        if (
            any(attrs.get(key, "").strip() == "true" for key in ("asyncBefore", "asyncAfter", "async"))
            or retry is not None
        ):
            yield finding(
                "SX-D164",
                "多实例体上的异步延续（asyncBefore/asyncAfter、重试周期）不受支持：本引擎每一步在一个事务中完成，"
                "没有作业执行器；请删除这些设置",
                "asynchronous continuations on the multi-instance body (asyncBefore/asyncAfter, retry time "
                "cycle) are not supported: every step runs in one transaction, there is no job executor; "
                "remove them",
                element_id=el.id,
                line=_line(el, loop),
            )


def multi_instance_expressions_run(doc: BpmnDocument) -> Iterator[Finding]:
    for el, loop in _loops(doc):
        for what, text, problem in _expression_problems(loop):
            yield finding(
                "SX-D165",
                f"多实例的 {what}“{_short(text)}”无法运行：{problem[0]}",
                f"the multi-instance {what} '{_short(text)}' cannot run: {problem[1]}",
                element_id=el.id,
                line=_line(el, loop),
            )


def _expression_problems(loop: etree._Element) -> Iterator[tuple[str, str, tuple[str, str]]]:
    _node, cardinality = _child_text(loop, "loopCardinality")
    if cardinality and not (_NUMBER.fullmatch(cardinality) or _WHOLE.fullmatch(cardinality)):
        yield (
            "loopCardinality",
            cardinality,
            ("请写整数或一个 ${表达式}", "write an integer or one ${expression}"),
        )
    collection = _collection(loop)
    if collection and "{" in collection and not _WHOLE.fullmatch(collection):
        yield (
            "collection",
            collection,
            ("请写变量名或一个 ${表达式}", "write a variable name or one ${expression}"),
        )
    _node, condition = _child_text(loop, "completionCondition")
    if condition and not _WHOLE.fullmatch(condition):
        yield (
            "completionCondition",
            condition,
            (
                "Camunda 7 把不带 ${ } 的完成条件当作文本，永远不是 true/false；"
                "请写成 ${nrOfCompletedInstances >= 1}",
                "Camunda 7 reads a completion condition without ${ } as text, never true/false; write "
                "${nrOfCompletedInstances >= 1}",
            ),
        )
    named = (("loopCardinality", cardinality), ("collection", collection), ("completionCondition", condition))
    for what, text in named:
        if text and _WHOLE.fullmatch(text):
            problem = condition_problem(text.strip(), None)
            if problem is not None:
                yield what, text, (problem[1], problem[2])


def loops_are_not_used(doc: BpmnDocument) -> Iterator[Finding]:
    for process in doc.checked:
        for el in process.elements.values():
            if el.node is None:
                continue
            node = next(bpmn_children(el.node, "standardLoopCharacteristics"), None)
            if node is not None:
                yield finding(
                    "SX-D166",
                    "循环标记(standardLoopCharacteristics)不受支持：Camunda 7 不运行循环（只执行一次）；"
                    "请改为多实例，或用网关画出循环",
                    "the loop marker (standardLoopCharacteristics) is not supported: Camunda 7 does not run "
                    "loops (the activity runs once); use multi-instance, or draw the loop with a gateway",
                    element_id=el.id,
                    line=line_of(node) or el.line,
                )


def _collection(loop: etree._Element) -> str | None:
    _node, ref = _child_text(loop, "loopDataInputRef")
    return ref or (camunda_attributes(loop).get("collection") or "").strip() or None


def _element_variable(loop: etree._Element) -> str | None:
    item = next(bpmn_children(loop, "inputDataItem"), None)
    name = item.get("name") if item is not None else None
    return name or (camunda_attributes(loop).get("elementVariable") or "").strip() or None


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= 60 else flat[:57] + "..."


CHECKS = (
    only_user_tasks_are_multi_instance,
    multi_instance_has_a_count,
    multi_instance_has_no_output_collection,
    multi_instance_body_is_not_async,
    multi_instance_expressions_run,
    loops_are_not_used,
)
