"""The dialect rules: a small Camunda 7 diagram our runtime can run passes; each change that our
runtime cannot run (or would run wrongly) makes exactly its rule's code appear."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import partial

import pytest
from lxml import etree

from engine.bootstrap import lint_facts
from engine.compliance import RULES, Finding, Severity, lint_bpmn
from engine.kernel.budgets import DEFAULT_BUDGET
from engine.runner.expressions.static import constant_failures

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
ACTIVITI = "http://activiti.org/bpmn"

RUNNABLE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    id="defs" targetNamespace="http://sanxiang.example/bpmn">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f_start" sourceRef="start" targetRef="task"/>
    <bpmn:userTask id="task" name="审查" camunda:candidateGroups="handler" camunda:formRef="review_form"/>
    <bpmn:boundaryEvent id="timeout" attachedToRef="task" cancelActivity="false">
      <bpmn:timerEventDefinition><bpmn:timeDuration>P7D</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f_timeout" sourceRef="timeout" targetRef="remind"/>
    <bpmn:manualTask id="remind" name="催办"/>
    <bpmn:sequenceFlow id="f_reminded" sourceRef="remind" targetRef="reminded"/>
    <bpmn:endEvent id="reminded"/>
    <bpmn:sequenceFlow id="f_reviewed" sourceRef="task" targetRef="gw"/>
    <bpmn:exclusiveGateway id="gw" default="f_default"/>
    <bpmn:sequenceFlow id="f_cond" sourceRef="gw" targetRef="notify">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${amount > 1000}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_default" sourceRef="gw" targetRef="end"/>
    <bpmn:serviceTask id="notify" camunda:type="external" camunda:topic="notify"/>
    <bpmn:sequenceFlow id="f_notified" sourceRef="notify" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""

Mutation = Callable[[etree._Element], None]
# as the composition root wires them; the deploy adds which processes a call activity may call (SX-D175)
FACTS = dataclasses.replace(
    lint_facts({"workdays"}, {"notify", "bean", "n"}),
    called_process=lambda key, binding, version: key != "missing" and version in (None, 1),
    called_roles=lambda key, binding, version: frozenset({"delivery"}) if key == "other" else None,
)
ROLE = '<camunda:properties><camunda:property name="sanxiang.role" value="{}"/></camunda:properties>'


def node(root: etree._Element, ident: str) -> etree._Element:
    found = root.xpath("//*[@id=$ident]", ident=ident)
    assert isinstance(found, list) and found, ident
    return found[0]  # type: ignore[return-value]


def with_layout(root: etree._Element) -> None:
    diagram = etree.SubElement(root, f"{{{BPMNDI}}}BPMNDiagram", id="d")
    plane = etree.SubElement(diagram, f"{{{BPMNDI}}}BPMNPlane", id="plane")
    for item in root.iter(f"{{{BPMN}}}*"):
        if item.get("id") not in (None, "undrawn") and etree.QName(item).localname not in (
            "definitions",
            "process",
        ):
            kind = "BPMNEdge" if etree.QName(item).localname == "sequenceFlow" else "BPMNShape"
            ident = str(item.get("id"))
            etree.SubElement(plane, f"{{{BPMNDI}}}{kind}", id=f"{ident}_di", bpmnElement=ident)


def lint(mutate: Mutation | None = None, *, layout: bool = True) -> list[Finding]:
    root = etree.fromstring(RUNNABLE.encode())
    if mutate is not None:
        mutate(root)
    if layout:
        with_layout(root)
    return lint_bpmn(
        etree.tostring(root),
        filename="p.bpmn",
        rules="dialect",
        constant_check=partial(constant_failures, budget=DEFAULT_BUDGET),
        facts=FACTS,
    )


def put(ident: str, name: str, value: str | None) -> Mutation:
    """Set an attribute (``camunda:x`` for the Camunda namespace), or remove it with None."""
    qualified = f"{{{CAMUNDA}}}{name[8:]}" if name.startswith("camunda:") else name

    def mutate(root: etree._Element) -> None:
        element = node(root, ident)
        if value is None:
            element.attrib.pop(qualified, "")
        else:
            element.set(qualified, value)

    return mutate


def xml(ident: str, fragment: str, *, replace: bool = False) -> Mutation:
    """Append a BPMN/Camunda XML fragment to an element (or replace the element's children)."""

    def mutate(root: etree._Element) -> None:
        element = node(root, ident)
        if replace:
            element[:] = []
        wrapper = etree.fromstring(
            f'<w xmlns:bpmn="{BPMN}" xmlns:camunda="{CAMUNDA}" '
            f'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0">{fragment}</w>'
        )
        element.extend(list(wrapper))

    return mutate


def text(ident: str, path: str, value: str) -> Mutation:
    def mutate(root: etree._Element) -> None:
        found = node(root, ident).find(path.replace("bpmn:", f"{{{BPMN}}}"))
        assert found is not None
        found.text = value

    return mutate


def rename(old: str, new: str) -> Mutation:
    def mutate(root: etree._Element) -> None:
        for element in root.iter():
            for attribute in ("id", "sourceRef", "targetRef", "attachedToRef", "bpmnElement"):
                if element.get(attribute) == old:
                    element.set(attribute, new)

    return mutate


def retag(ident: str, tag: str) -> Mutation:
    return lambda root: setattr(node(root, ident), "tag", f"{{{BPMN}}}{tag}")


def both(*mutations: Mutation) -> Mutation:
    def mutate(root: etree._Element) -> None:
        for mutation in mutations:
            mutation(root)

    return mutate


CALL = both(retag("remind", "callActivity"), put("remind", "calledElement", "other"))


def drop(ident: str) -> Mutation:
    return lambda root: node(root, ident).getparent().remove(node(root, ident))  # type: ignore[union-attr]


def ext(ident: str, inner: str) -> Mutation:
    return xml(ident, f"<bpmn:extensionElements>{inner}</bpmn:extensionElements>")


def timer(kind: str, value: str) -> Mutation:
    definition = f"<bpmn:timerEventDefinition><bpmn:{kind}>{value}</bpmn:{kind}></bpmn:timerEventDefinition>"
    return xml("timeout", definition, replace=True)


def condition_language(language: str) -> Mutation:
    return lambda root: node(root, "f_cond")[0].set("language", language)


def constraint(name: str, config: str) -> str:
    return f'<camunda:validation><camunda:constraint name="{name}" config="{config}"/></camunda:validation>'


def form_field(attributes: str, body: str = "", *, on: str = "task") -> Mutation:
    """A ``camunda:formData`` with one field; the task's formRef is removed (a generated form replaces it)."""
    return both(
        put(on, "camunda:formRef", None),
        ext(
            on,
            f'<camunda:formData><camunda:formField id="days" label="天数" {attributes}>{body}'
            "</camunda:formField></camunda:formData>",
        ),
    )


def listener(kind: str, attr: str = "", body: str = "", *, event: str = "", on: str = "task") -> Mutation:
    event = event or ("create" if kind == "taskListener" else "start")
    return ext(on, f'<camunda:{kind} event="{event}" {attr}>{body}</camunda:{kind}>')


WARNINGS = {"SX-D119", "SX-D125", "SX-D127", "SX-D142"}
TIMER = "bpmn:timerEventDefinition/bpmn:timeDuration"
CONDITION = "bpmn:conditionExpression"
MODELER = "{http://camunda.org/schema/modeler/1.0}executionPlatform"
NOT_EXTERNAL = put("notify", "camunda:type", None)
AS_SCRIPT = both(retag("notify", "scriptTask"), NOT_EXTERNAL)
TWO = "<bpmn:loopCardinality>2</bpmn:loopCardinality>"
OUTPUT_REF = "<bpmn:loopDataOutputRef>r</bpmn:loopDataOutputRef>"
MI_TWO = f"<bpmn:multiInstanceLoopCharacteristics>{TWO}</bpmn:multiInstanceLoopCharacteristics>"


def mi(body: str, attrs: str = "") -> str:
    return f"<bpmn:multiInstanceLoopCharacteristics{attrs}>{body}</bpmn:multiInstanceLoopCharacteristics>"


CASES: list[tuple[str, str, Mutation]] = [
    ("SX-D101", "modeler says Camunda Cloud", put("defs", MODELER, "Camunda Cloud")),
    ("SX-D101", "a zeebe extension", ext("task", "<zeebe:userTask/>")),
    ("SX-D102", "not executable", put("p", "isExecutable", "false")),
    (
        "SX-D103",
        "two executable processes",
        lambda root: root.append(
            etree.fromstring(f'<process xmlns="{BPMN}" id="p2"><startEvent id="s2"/></process>')
        ),
    ),
    ("SX-D104", "no start event", both(drop("start"), drop("f_start"))),
    (
        "SX-D105",
        "timer start",
        xml(
            "start",
            "<bpmn:timerEventDefinition><bpmn:timeCycle>R3/P1D</bpmn:timeCycle></bpmn:timerEventDefinition>",
        ),
    ),
    ("SX-D106", "id Start", rename("task", "Start")),
    ("SX-D106", "id *.EndJoin", rename("end", "p.EndJoin")),
    ("SX-D107", "duplicate id", xml("p", '<bpmn:textAnnotation id="task"/>')),
    ("SX-D108", "flow to nowhere", put("f_notified", "targetRef", "nowhere")),
    ("SX-D108", "default flow not outgoing", put("task", "default", "f_start")),
    ("SX-D109", "Groovy script task", both(AS_SCRIPT, put("notify", "scriptFormat", "groovy"))),
    ("SX-D109", "script task without a format", AS_SCRIPT),
    ("SX-D110", "camunda:class", both(NOT_EXTERNAL, put("notify", "camunda:class", "a.B"))),
    ("SX-D111", "camunda:expression", both(NOT_EXTERNAL, put("notify", "camunda:expression", "${b.run()}"))),
    (
        "SX-D112",
        "connector",
        ext(
            "notify",
            "<camunda:connector><camunda:connectorId>http-connector"
            "</camunda:connectorId></camunda:connector>",
        ),
    ),
    ("SX-D113", "external task without a topic", put("notify", "camunda:topic", None)),
    (
        "SX-D113",
        "delegateExpression with #{}",
        both(NOT_EXTERNAL, put("notify", "camunda:delegateExpression", "#{bean}")),
    ),
    ("SX-D114", "listener class", listener("taskListener", attr='class="a.B"')),
    (
        "SX-D114",
        "listener script",
        listener(
            "executionListener", body='<camunda:script scriptFormat="groovy">println 1</camunda:script>'
        ),
    ),
    (
        "SX-D114",
        "listener script resource",
        listener(
            "executionListener", body='<camunda:script scriptFormat="sanxiang-expression" resource="x.txt"/>'
        ),
    ),
    ("SX-D115", "expression listener", listener("taskListener", attr='expression="${x}"')),
    (
        "SX-D115",
        "expression listener calling a method",
        listener(
            "executionListener", attr="expression=\"${execution.setVariable('finished', true)}\"", on="end"
        ),
    ),
    ("SX-D116", "business rule task", retag("remind", "businessRuleTask")),
    ("SX-D116", "event subprocess", xml("p", '<bpmn:subProcess id="esp" triggeredByEvent="true"/>')),
    ("SX-D117", "signal end event", xml("end", '<bpmn:signalEventDefinition id="sig"/>')),
    ("SX-D117", "escalation boundary", xml("timeout", "<bpmn:escalationEventDefinition/>", replace=True)),
    (
        "SX-D118",
        "gateway flow without condition",
        lambda root: node(root, "f_cond").remove(node(root, "f_cond")[0]),
    ),
    (
        "SX-D119",
        "gateway without default",
        both(
            put("gw", "default", None),
            xml("f_default", "<bpmn:conditionExpression>${amount &lt;= 1000}</bpmn:conditionExpression>"),
        ),
    ),
    ("SX-D120", "empty timer", xml("timeout", "<bpmn:timerEventDefinition/>", replace=True)),
    ("SX-D121", "naive timeDate", timer("timeDate", "2026-05-01T09:00:00")),
    ("SX-D121", "naive start of a cycle", timer("timeCycle", "R3/2026-05-01T09:00:00/P1D")),
    ("SX-D122", "quoted duration (Spiff)", text("timeout", TIMER, '"P7D"')),
    ("SX-D122", "FEEL duration", text("timeout", TIMER, "=duration(days)")),
    ("SX-D122", "cron cycle", timer("timeCycle", "0 0/5 * * * ?")),
    ("SX-D123", "FEEL condition", text("f_cond", CONDITION, "=amount > 1000")),
    ("SX-D123", "FEEL language", condition_language("https://www.omg.org/spec/DMN/20191111/FEEL/")),
    ("SX-D124", "broken condition", text("f_cond", CONDITION, "amount >")),
    ("SX-D124", "unbalanced JUEL", text("f_cond", CONDITION, "${(amount > 1000}")),
    ("SX-D124", "Groovy condition", condition_language("groovy")),
    ("SX-D125", "an element without a shape", rename("remind", "undrawn")),
    (
        "SX-D126",
        "an input parameter",
        ext(
            "task",
            '<camunda:inputOutput><camunda:inputParameter name="x">1'
            "</camunda:inputParameter></camunda:inputOutput>",
        ),
    ),
    (
        "SX-D126",
        "a script output parameter",
        ext(
            "task",
            "<camunda:inputOutput><camunda:outputParameter "
            'name="x"><camunda:script scriptFormat="groovy">1'
            "</camunda:script></camunda:outputParameter>"
            "</camunda:inputOutput>",
        ),
    ),
    ("SX-D127", "asyncBefore", put("task", "camunda:asyncBefore", "true")),
    (
        "SX-D128",
        "two none start events",
        lambda root: node(root, "p").append(etree.fromstring(f'<startEvent xmlns="{BPMN}" id="start2"/>')),
    ),
    ("SX-D129", "a cycle every second", timer("timeCycle", "R3/PT1S")),
    ("SX-D129", "a cycle every millisecond", timer("timeCycle", "R5/PT0.001S")),
    ("SX-D129", "a cycle from a start date", timer("timeCycle", "R3/2026-05-01T09:00:00+08:00/PT30S")),
    ("SX-D130", "a cycle without end", timer("timeCycle", "R/P1D")),
    ("SX-D130", "a billion repeats", timer("timeCycle", "R999999999/P1D")),
    ("SX-D131", "a duration of 99999999 years", timer("timeDuration", "P99999999Y")),
    ("SX-D131", "a cycle of 200 years", timer("timeCycle", "R2/P200Y")),
    (
        "SX-D132",
        "nested list repetition",
        text("f_cond", CONDITION, "amount > 1 and [[[1]*1000]*1000]*1000 == [[[1]*1000]*1000]"),
    ),
    ("SX-D132", "a power of a power", text("f_cond", CONDITION, "amount > 10**10**10")),
    (
        "SX-D132",
        "string repetition in a script",
        both(
            AS_SCRIPT,
            put("notify", "scriptFormat", "sanxiang-expression"),
            xml("notify", "<bpmn:script>x = 'a' * 100000 * 100000</bpmn:script>"),
        ),
    ),
    ("SX-D133", "a dueDate that is no date", put("task", "camunda:dueDate", "next week")),
    ("SX-D133", "a followUpDate that is no period", put("task", "camunda:followUpDate", "P2X")),
    (
        "SX-D140",
        "a dueDate with method calls",
        put("task", "camunda:dueDate", "${dateTime().plusDays(3).toDate()}"),
    ),
    (
        "SX-D140",
        "an assignee calling a bean",
        put("task", "camunda:assignee", "${ldapService.findManager(x)}"),
    ),
    ("SX-D140", "an unclosed candidate expression", put("task", "camunda:candidateGroups", "${group")),
    ("SX-D141", "a priority in words", put("task", "camunda:priority", "high")),
    ("SX-D142", "a user task offered to nobody", put("task", "camunda:candidateGroups", None)),
    (
        "SX-D143",
        "a listener naming an unregistered handler",
        listener("taskListener", attr='delegateExpression="${addLeadersService}"'),
    ),
    (
        "SX-D143",
        "a listener delegate that is no name",
        listener("taskListener", attr='delegateExpression="${beans.lookup(1)}"'),
    ),
    (
        "SX-D180",
        "an external task at the decision (a worker would decide)",
        xml(
            "notify",
            "<bpmn:extensionElements><camunda:properties>"
            '<camunda:property name="sanxiang.role" value="decision"/>'
            "</camunda:properties></bpmn:extensionElements>",
        ),
    ),
    (
        "SX-D144",
        "a timeout task listener",
        listener("taskListener", attr='delegateExpression="${bean}"', event="timeout"),
    ),
    (
        "SX-D144",
        "an assignment task listener",
        listener("taskListener", attr='delegateExpression="${bean}"', event="assignment"),
    ),
    (
        "SX-D144",
        "a take listener on a task",
        listener("executionListener", attr='delegateExpression="${bean}"', event="take"),
    ),
    (
        "SX-D144",
        "a take listener on a sequence flow",
        listener("executionListener", attr='delegateExpression="${bean}"', event="take", on="f_cond"),
    ),
    ("SX-D146", "a custom validator", form_field('type="long"', constraint("validator", "com.acme.Even"))),
    ("SX-D146", "an unknown constraint", form_field('type="string"', constraint("pattern", "[0-9]+"))),
    ("SX-D147", "a custom field type", form_field('type="money"')),
    ("SX-D147", "the legacy formProperty", ext("task", '<camunda:formProperty id="x" type="string"/>')),
    ("SX-D148", "a field without a type", form_field("")),
    ("SX-D148", "an enum without values", form_field('type="enum"')),
    ("SX-D148", "a min that is no number", form_field('type="long"', constraint("min", "ten"))),
    ("SX-D148", "a default that is no long", form_field('type="long" defaultValue="many"')),
    (
        "SX-D148",
        "a default expression outside the language",
        form_field('type="string" defaultValue="${user.getName()}"'),
    ),
    ("SX-D149", "an embedded HTML form", put("task", "camunda:formKey", "embedded:app:forms/review.html")),
    (
        "SX-D150",
        "a generated form beside a Camunda Form",
        both(form_field('type="string"'), put("task", "camunda:formRef", "review_form")),
    ),
    ("SX-D151", "a form bound to no version", both(put("task", "camunda:formRefBinding", "version"))),
    ("SX-D151", "an unknown form binding", put("task", "camunda:formRefBinding", "newest")),
    (
        "SX-D145",
        "field injection into a listener",
        listener(
            "taskListener",
            attr='delegateExpression="${bean}"',
            body='<camunda:field name="to"><camunda:string>x</camunda:string></camunda:field>',
        ),
    ),
    ("SX-D160", "a multi-instance service task", xml("notify", MI_TWO)),
    ("SX-D170", "a call activity without calledElement", retag("remind", "callActivity")),
    ("SX-D170", "a calledElement expression", both(CALL, put("remind", "calledElement", "${which}"))),
    ("SX-D171", "a tenant id", both(CALL, put("remind", "camunda:calledElementTenantId", "t1"))),
    ("SX-D171", "a variable mapping class", both(CALL, put("remind", "camunda:variableMappingClass", "a.B"))),
    ("SX-D171", "a CMMN case", both(CALL, put("remind", "camunda:caseRef", "case"))),
    (
        "SX-D172",
        "a version tag binding",
        both(CALL, put("remind", "camunda:calledElementBinding", "versionTag")),
    ),
    (
        "SX-D172",
        "a version binding without a version",
        both(CALL, put("remind", "camunda:calledElementBinding", "version")),
    ),
    ("SX-D173", "an in without a target", both(CALL, ext("remind", '<camunda:in source="a"/>'))),
    (
        "SX-D173",
        "an out with source and sourceExpression",
        both(CALL, ext("remind", '<camunda:out source="a" sourceExpression="${b}" target="c"/>')),
    ),
    ("SX-D173", "an out business key", both(CALL, ext("remind", '<camunda:out businessKey="${k}"/>'))),
    (
        "SX-D174",
        "a call marked legal review calling no review",
        both(CALL, ext("remind", ROLE.format("legal-review"))),
    ),
    ("SX-D175", "a called process not deployed", both(CALL, put("remind", "calledElement", "missing"))),
    (
        "SX-D175",
        "a called version not deployed",
        both(
            CALL,
            put("remind", "camunda:calledElementBinding", "version"),
            put("remind", "camunda:calledElementVersion", "7"),
        ),
    ),
    ("SX-D161", "multi-instance without a count", xml("task", mi(""))),
    ("SX-D162", "an element variable alone", xml("task", mi(TWO, ' camunda:elementVariable="x"'))),
    ("SX-D163", "an output collection", xml("task", mi(TWO + OUTPUT_REF))),
    ("SX-D164", "an asynchronous multi-instance body", xml("task", mi(TWO, ' camunda:asyncBefore="true"'))),
    (
        "SX-D165",
        "a completion condition without ${}",
        xml(
            "task",
            mi(TWO + "<bpmn:completionCondition>nrOfCompletedInstances == 1</bpmn:completionCondition>"),
        ),
    ),
    ("SX-D166", "the loop marker", xml("task", '<bpmn:standardLoopCharacteristics loopMaximum="3"/>')),
]
RUNNABLE_VARIANTS: list[tuple[str, Mutation]] = [
    (
        "multi-instance user task (会签)",
        xml(
            "task",
            mi(
                "<bpmn:completionCondition>${nrOfCompletedInstances &gt;= 1}</bpmn:completionCondition>",
                ' camunda:collection="${signers}" camunda:elementVariable="signer"',
            ),
        ),
    ),
    (
        "a text output parameter on a user task",
        ext(
            "task",
            "<camunda:inputOutput><camunda:outputParameter "
            'name="n">${n + 1}</camunda:outputParameter>'
            "</camunda:inputOutput>",
        ),
    ),
    (
        "delegateExpression ${bean}",
        both(NOT_EXTERNAL, put("notify", "camunda:delegateExpression", "${bean}")),
    ),
    ("sanxiang-expression script", both(AS_SCRIPT, put("notify", "scriptFormat", "sanxiang-expression"))),
    ("JUEL with method calls", text("f_cond", CONDITION, '${customer.prop("age").numberValue() >= 21}')),
    ("Python condition", text("f_cond", CONDITION, "amount > 1000 and not urgent")),
    ("timeDate with offset", timer("timeDate", "2026-05-01T09:00:00+08:00")),
    ("timeDate in UTC", timer("timeDate", "2026-05-01T01:00:00Z")),
    ("cycle", timer("timeCycle", "R3/PT1H")),
    ("cycle at the budget's floor and count", timer("timeCycle", "R100/PT60S")),
    ("cycle from a variable", timer("timeCycle", "${reminders}")),
    ("condition with a small constant list", text("f_cond", CONDITION, "result in ['pass'] * 3")),
    ("dueDate with an offset", put("task", "camunda:dueDate", "2026-12-01T17:00:00+08:00")),
    (
        "create and complete task listeners of a handler",
        both(
            listener("taskListener", attr='delegateExpression="${bean}"'),
            listener("taskListener", attr='delegateExpression="${ bean }"', event="complete"),
        ),
    ),
    (
        "start and end execution listeners",
        both(
            listener("executionListener", attr='delegateExpression="${bean}"', on="notify"),
            listener("executionListener", attr='delegateExpression="${bean}"', event="end", on="gw"),
            listener("executionListener", attr='delegateExpression="${bean}"', event="end", on="p"),
        ),
    ),
    (
        "a generated form with every type and constraint",
        form_field(
            'type="long" defaultValue="3"',
            '<camunda:validation><camunda:constraint name="required"/>'
            '<camunda:constraint name="min" config="1"/><camunda:constraint name="max" config="30"/>'
            "</camunda:validation>",
        ),
    ),
    (
        "a generated enum with a default",
        form_field(
            'type="enum" defaultValue="agree"',
            '<camunda:value id="agree" name="同意"/><camunda:value id="no"/>',
        ),
    ),
    ("a generated date with a default from a variable", form_field('type="date" defaultValue="${applied}"')),
    (
        "a generated start form with a business key",
        both(
            ext(
                "start",
                (
                    '<camunda:formData businessKey="no"><camunda:formField id="no" type="string">'
                    "<camunda:validation>"
                    '<camunda:constraint name="required"/><camunda:constraint name="maxlength" config="20"/>'
                    "</camunda:validation></camunda:formField></camunda:formData>"
                ),
            )
        ),
    ),
    (
        "a sanxiang-expression script listener",
        listener(
            "executionListener",
            body='<camunda:script scriptFormat="sanxiang-expression">seen = True</camunda:script>',
        ),
    ),
    ("dueDate without a zone (the bureau's)", put("task", "camunda:dueDate", "2026-12-01T17:00:00")),
    ("dueDate as a period", put("task", "camunda:dueDate", "P2DT4H")),
    (
        "dueDate and followUpDate from variables",
        both(put("task", "camunda:dueDate", "${due}"), put("task", "camunda:followUpDate", "${followUp}")),
    ),
    ("priority", put("task", "camunda:priority", "80")),
    (
        "a form bound to version 2",
        both(put("task", "camunda:formRefBinding", "version"), put("task", "camunda:formRefVersion", "2")),
    ),
    ("priority from a variable", put("task", "camunda:priority", "${urgency}")),
    ("assignee from the initiator", put("task", "camunda:assignee", "${starter}")),
    (
        "candidate groups mixing text and an expression",
        put("task", "camunda:candidateGroups", "handler, ${region}-handler"),
    ),
    (
        "a potential owner instead of candidate groups",
        both(
            put("task", "camunda:candidateGroups", None),
            xml(
                "task",
                "<bpmn:potentialOwner><bpmn:resourceAssignmentExpression><bpmn:formalExpression>"
                "group(handler)</bpmn:formalExpression></bpmn:resourceAssignmentExpression></bpmn:potentialOwner>",
            ),
        ),
    ),
    ("timer from a variable", timer("timeDuration", "${reminderDelay}")),
    ("message boundary", xml("timeout", '<bpmn:messageEventDefinition messageRef="m"/>', replace=True)),
    ("terminate end", xml("end", "<bpmn:terminateEventDefinition/>")),
    ("call activity", CALL),
    (
        "call activity doing the delivery of its called process",
        both(CALL, ext("remind", ROLE.format("delivery"))),
    ),
    (
        "call activity with mappings, business key and a version binding",
        both(
            CALL,
            put("remind", "camunda:calledElementBinding", "version"),
            put("remind", "camunda:calledElementVersion", "1"),
            ext(
                "remind",
                '<camunda:in businessKey="${execution.processBusinessKey}"/><camunda:in variables="all"/>'
                '<camunda:in source="a" target="b" local="true"/>'
                '<camunda:in sourceExpression="${amount + 1}" target="c"/>'
                '<camunda:out source="r" target="receipt"/><camunda:out variables="all"/>',
            ),
        ),
    ),
    (
        "call activity bound to its deployment",
        both(CALL, put("remind", "camunda:calledElementBinding", "deployment")),
    ),
    (
        "legacy activiti namespace",
        both(
            NOT_EXTERNAL,
            put("notify", "camunda:topic", None),
            lambda root: node(root, "notify").attrib.update(
                {f"{{{ACTIVITI}}}type": "external", f"{{{ACTIVITI}}}topic": "n"}
            ),
        ),
    ),
]


def test_runnable_diagram_has_no_dialect_findings() -> None:
    assert lint() == []


@pytest.mark.parametrize(("code", "mutate"), [pytest.param(c, m, id=f"{c} {d}") for c, d, m in CASES])
def test_each_unrunnable_construct_reports_exactly_its_code(code: str, mutate: Mutation) -> None:
    findings = lint(mutate)
    assert {f.code for f in findings} == {code}, [str(f) for f in findings]
    assert all(f.line and f.file == "p.bpmn" and f.message_zh and f.message_en for f in findings)
    assert all((f.severity is Severity.WARNING) == (f.code in WARNINGS) for f in findings)


@pytest.mark.parametrize("mutate", [pytest.param(m, id=d) for d, m in RUNNABLE_VARIANTS])
def test_runnable_variants_stay_clean(mutate: Mutation) -> None:
    assert lint(mutate) == []


def test_every_dialect_rule_has_a_case() -> None:
    assert {code for code, info in RULES.items() if info.family == "dialect"} <= {c for c, _, _ in CASES}


def test_a_file_without_any_layout_gets_one_warning() -> None:
    findings = lint(layout=False)
    assert [(f.code, f.severity.value) for f in findings] == [("SX-D125", "warning")]
