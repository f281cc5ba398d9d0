"""Hostile diagrams for the evaluation budgets: each is a person's task, then the attack.

Every diagram starts with ``Task_Fill`` (the window clerk fills ``test-acceptance``), so that the
attack runs when a person completes a step; the attack then leads to ``Task_Next`` (and a default
flow to ``Task_Other`` where a gateway needs one).
"""

from __future__ import annotations

from xml.sax.saxutils import escape

FORM = "test-acceptance.form"

_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                  id="Definitions_{key}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="{key}" name="预算测试 {key}" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1"><bpmn:outgoing>Flow_Start</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Task_Fill" name="填写" camunda:candidateGroups="window-clerk"
                   camunda:formRef="test-acceptance" camunda:formRefBinding="latest">
      <bpmn:incoming>Flow_Start</bpmn:incoming><bpmn:outgoing>Flow_Filled</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="Flow_Start" sourceRef="StartEvent_1" targetRef="Task_Fill" />
"""
_NEXT = """
    <bpmn:userTask id="Task_Next" name="下一步" camunda:candidateGroups="window-clerk"
                   camunda:formRef="test-acceptance" camunda:formRefBinding="latest">
      <bpmn:incoming>{incoming}</bpmn:incoming><bpmn:outgoing>Flow_Done</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="End_Done"><bpmn:incoming>Flow_Done</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_Done" sourceRef="Task_Next" targetRef="End_Done" />
"""
_TAIL = """  </bpmn:process>
</bpmn:definitions>
"""


def _diagram(key: str, body: str, incoming: str) -> bytes:
    return (_HEAD.format(key=key) + body + _NEXT.format(incoming=incoming) + _TAIL).encode()


def gateway_condition(key: str, condition: str) -> bytes:
    """Task_Fill → a gateway whose flow to Task_Next has ``condition`` (default: Task_Other)."""
    body = f"""
    <bpmn:sequenceFlow id="Flow_Filled" sourceRef="Task_Fill" targetRef="Gateway_1" />
    <bpmn:exclusiveGateway id="Gateway_1" default="Flow_Other">
      <bpmn:incoming>Flow_Filled</bpmn:incoming>
      <bpmn:outgoing>Flow_Cond</bpmn:outgoing><bpmn:outgoing>Flow_Other</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="Flow_Cond" sourceRef="Gateway_1" targetRef="Task_Next">
      <bpmn:conditionExpression>{escape(condition)}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Flow_Other" sourceRef="Gateway_1" targetRef="Task_Other" />
    <bpmn:userTask id="Task_Other" name="其他" camunda:candidateGroups="window-clerk"
                   camunda:formRef="test-acceptance" camunda:formRefBinding="latest">
      <bpmn:incoming>Flow_Other</bpmn:incoming><bpmn:outgoing>Flow_OtherDone</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="End_Other"><bpmn:incoming>Flow_OtherDone</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_OtherDone" sourceRef="Task_Other" targetRef="End_Other" />
"""
    return _diagram(key, body, "Flow_Cond")


def script(key: str, lines: list[str]) -> bytes:
    """Task_Fill → a script task (our safe language, one ``name = expression`` a line) → Task_Next."""
    text = escape("\n".join(lines))
    body = f"""
    <bpmn:sequenceFlow id="Flow_Filled" sourceRef="Task_Fill" targetRef="Task_Script" />
    <bpmn:scriptTask id="Task_Script" name="计算" scriptFormat="sanxiang-expression">
      <bpmn:incoming>Flow_Filled</bpmn:incoming><bpmn:outgoing>Flow_Scripted</bpmn:outgoing>
      <bpmn:script>{text}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="Flow_Scripted" sourceRef="Task_Script" targetRef="Task_Next" />
"""
    return _diagram(key, body, "Flow_Scripted")


def endless_loop(key: str) -> bytes:
    """Task_Fill → a script that counts → a gateway that loops back while the count is small: no wait."""
    body = """
    <bpmn:sequenceFlow id="Flow_Filled" sourceRef="Task_Fill" targetRef="Task_Count" />
    <bpmn:scriptTask id="Task_Count" name="计数" scriptFormat="sanxiang-expression">
      <bpmn:incoming>Flow_Filled</bpmn:incoming><bpmn:incoming>Flow_Again</bpmn:incoming>
      <bpmn:outgoing>Flow_Counted</bpmn:outgoing>
      <bpmn:script>turns = turns + 1</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="Flow_Counted" sourceRef="Task_Count" targetRef="Gateway_Loop" />
    <bpmn:exclusiveGateway id="Gateway_Loop" default="Flow_Out">
      <bpmn:incoming>Flow_Counted</bpmn:incoming>
      <bpmn:outgoing>Flow_Again</bpmn:outgoing><bpmn:outgoing>Flow_Out</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="Flow_Again" sourceRef="Gateway_Loop" targetRef="Task_Count">
      <bpmn:conditionExpression>${turns &lt; 1000000000}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Flow_Out" sourceRef="Gateway_Loop" targetRef="Task_Next" />
"""
    return _diagram(key, body, "Flow_Out")


def boundary_timer(key: str, kind: str, value: str, on: str = "Task_Fill") -> bytes:
    """A non-interrupting boundary timer (``kind``: timeCycle, timeDuration, timeDate) on the task ``on``
    (Task_Fill or Task_Next) that leads to a reminder task each time it fires; Task_Fill leads to
    Task_Next."""
    body = f"""
    <bpmn:sequenceFlow id="Flow_Filled" sourceRef="Task_Fill" targetRef="Task_Next" />
    <bpmn:boundaryEvent id="Event_Remind" name="催办" attachedToRef="{on}" cancelActivity="false">
      <bpmn:outgoing>Flow_Remind</bpmn:outgoing>
      <bpmn:timerEventDefinition id="TimerDef_Remind">
        <bpmn:{kind} xsi:type="bpmn:tFormalExpression">{escape(value)}</bpmn:{kind}>
      </bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="Flow_Remind" sourceRef="Event_Remind" targetRef="Task_Remind" />
    <bpmn:userTask id="Task_Remind" name="催办提醒" camunda:candidateGroups="supervisor"
                   camunda:formRef="test-acceptance" camunda:formRefBinding="latest">
      <bpmn:incoming>Flow_Remind</bpmn:incoming><bpmn:outgoing>Flow_Reminded</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="End_Reminded"><bpmn:incoming>Flow_Reminded</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_Reminded" sourceRef="Task_Remind" targetRef="End_Reminded" />
"""
    return _diagram(key, body, "Flow_Filled")
