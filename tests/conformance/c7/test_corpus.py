"""Every Camunda 7 file of the shared corpus (``../shared/corpus/c7/``, written by others: Camunda's own
engine tests and examples, Camunda Modeler fixtures, a study project) either deploys and runs every path
with generated data, or is refused at deploy with specific SX codes only — never a run-time failure.

``EXPECTED`` pins the outcome of each file: "runs", or the exact set of error codes that refuse it
(warnings do not refuse). ``PENDING`` listed files refused without a code while a part of issue 15 was
missing; none is left (the last, ``mainProcess.bpmn``, is refused by SX-D171 now that call activities
run): a file put there again must still be refused at deploy, never at run time."""

from __future__ import annotations

from typing import Any

import pytest

from engine.compliance import RULES
from engine.errors import InvalidDiagram
from engine.kernel.ports import Actor
from engine.processes.deploy import deploy
from tests.conformance.c7.corpus_driver import MAX_STEPS, Corpus
from tests.support import CORPUS, MovableClock

C7 = CORPUS / "c7"
FILES = sorted(p.name for p in C7.iterdir())
DESIGNER = Actor("li", frozenset({"designer"}))
COMPANIONS = {  # what a file needs deployed with it (the form it binds, the process it calls)
    "RetrieveCamundaFormRefTest.taskFormBindingVersion1.bpmn": [CORPUS / "forms" / "task.form"],
    "mainProcess.bpmn": [C7 / "subProcess.bpmn"],
}
RUNS = "runs"
EXPECTED: dict[str, Any] = {
    "BoundaryTimerNonInterruptingEventTest.testUpdateTimerRepeat.bpmn20.xml": RUNS,  # a repeating boundary
    "FormServiceTest.testSubmitStartFormWithFormFieldMarkedAsBusinessKey.bpmn20.xml": RUNS,  # start form
    "RetrieveCamundaFormRefTest.taskFormBindingVersion1.bpmn": RUNS,  # formRef by version
    "c7-user-task-form.bpmn": RUNS,  # generated task form
    "subProcess.bpmn": RUNS,
    "timer_event_test2.bpmn": RUNS,  # initiator, assignees
    "FormDataTest.testMissingFormVariables.bpmn": {"SX-D126", "SX-D148"},  # inputOutput; enum without values
    "ProcessEngineTests-findTest.bpmn": {"SX-D116", "SX-D117"},  # receiveTask, message end event
    "ProcessInstanceAssert-jobEventSubprocess.bpmn": {"SX-D111", "SX-D116", "SX-D117"},
    "Process_call_activity_subprocess.bpmn": {"SX-D143", "SX-D144"},  # Spring beans; a take listener
    "Process_errorboundaryevent.bpmn": {"SX-D111", "SX-D126", "SX-D143"},  # its error end event runs
    "SkipOutputMappingOnCanceledActitivitesTest.oneSubprocessWithOutputMappingAndCatchingErrorBoundaryEvent"
    ".bpmn": {"SX-D126"},  # inputOutput
    "TaskListenerTest.testTimeoutTaskListenerCycle.bpmn20.xml": {"SX-D144"},  # a timeout task listener
    "TwitterDemoProcess.bpmn": {"SX-D113", "SX-D149"},  # #{bean}; an embedded HTML form
    "camunda-bpm-examples_json-variables_process.bpmn": {"SX-D110", "SX-D149"},
    "camunda-bpm-examples_parse-bpmn_process.bpmn": {"SX-D109", "SX-D111", "SX-D115"},
    "eventbasedgateway_test.bpmn": {"SX-D117"},  # signal catch event
    "Process_call_activity_test.bpmn": {"SX-D160"},  # a multi-instance call activity
    "mainProcess.bpmn": {"SX-D171"},  # calls subProcess as a child case, but names a tenant-id bean
    "exclusive_test.bpmn": {"SX-D144"},  # take listeners (a Spring bean)
    "invokeRestService.bpmn": {"SX-D112"},  # http-connector
    # (their external topics wait for workers now: no SX-D143 for them)
    "loan-granting.bpmn": {"SX-D105", "SX-D122", "SX-D126", "SX-D160"},  # cron start, MI body
    "order-handling.bpmn": {"SX-D105", "SX-D117", "SX-D122"},
    "timer-start-event-process.bpmn": {"SX-D105", "SX-D122"},
    "timer_start_event_test.bpmn": {"SX-D105", "SX-D129", "SX-D143"},
}
PENDING: dict[str, str] = {}  # refused by the parser without a code: none left (issue 15)


def outcome(ctx: Any, clock: MovableClock, name: str) -> tuple[str, Any]:
    files = [(p.name, p.read_bytes()) for p in [*COMPANIONS.get(name, []), C7 / name]]
    try:
        deployed = deploy(ctx, files, DESIGNER)
    except InvalidDiagram as refused:
        return "refused", refused
    key = [item.key for item in deployed.items if item.kind == "process"][-1]  # the file itself comes last
    return "runs", Corpus(ctx, clock, key).walk_all()


def test_every_corpus_file_has_an_expected_outcome() -> None:
    assert sorted([*EXPECTED, *PENDING]) == FILES
    assert all(code in RULES for codes in EXPECTED.values() if codes != RUNS for code in codes)


@pytest.mark.parametrize("name", [n for n in FILES if n in EXPECTED])
def test_each_file_runs_every_path_or_is_refused_with_specific_codes(
    ctx: Any, clock: MovableClock, name: str
) -> None:
    kind, result = outcome(ctx, clock, name)
    if EXPECTED[name] == RUNS:
        assert kind == "runs", [str(f) for f in getattr(result, "findings", [])] or result.message_en
        ended = [walk.status == "completed" or len(walk.actions) >= MAX_STEPS for walk in result]
        assert result and all(ended), [(w.actions, w.status) for w in result]
        return
    assert kind == "refused", f"{name} deployed; expected a refusal with {EXPECTED[name]}"
    errors = {f.code for f in result.findings if getattr(f, "severity", None) and f.severity.value == "error"}
    assert errors == EXPECTED[name], [str(f) for f in result.findings]
    assert all(RULES[code].family == "dialect" for code in errors)
