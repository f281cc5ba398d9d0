"""Every file of the shared corpus (real BPMN and forms from Camunda 7, Camunda 8, SpiffWorkflow and
the BPMN MIWG suite) lints to findings, never to an exception; none of them meets the three systems."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.compliance import RULES, Finding, Severity, lint_path

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
FILES = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name != "MANIFEST.tsv")
BPMN_FILES = [p for p in FILES if p.name.endswith((".bpmn", ".bpmn20.xml"))]
FORM_FILES = [p for p in FILES if p.name.endswith((".form", ".json"))]
CAMUNDA_8 = {"miwg/C.8.0.bpmn", "miwg/C.8.1.bpmn", "miwg/C.9.0.bpmn", "miwg/C.9.1.bpmn", "miwg/C.9.2.bpmn"}

# Exact dialect codes for files whose defects are known (see MANIFEST.tsv for what each exercises).
DIALECT = {
    "c7/camunda-bpm-examples_parse-bpmn_process.bpmn":  # Groovy script, camunda:expression, async
    {"SX-D109", "SX-D111", "SX-D115", "SX-D119", "SX-D127"},
    "c7/camunda-bpm-examples_json-variables_process.bpmn": {"SX-D110", "SX-D119", "SX-D149"},  # class, HTML
    "c7/invokeRestService.bpmn": {"SX-D112", "SX-D119", "SX-D142"},  # connector; tasks offered to nobody
    "c7/timer_start_event_test.bpmn": {"SX-D105", "SX-D129"},  # a timer starts the case, every 5 s
    # cron timer start, inputOutput, a multi-instance subprocess
    "c7/loan-granting.bpmn": {"SX-D105", "SX-D119", "SX-D122", "SX-D126", "SX-D160"},
    "c7/TaskListenerTest.testTimeoutTaskListenerCycle.bpmn20.xml": {"SX-D144", "SX-D125", "SX-D142"},
    "c7/TwitterDemoProcess.bpmn": {"SX-D113", "SX-D119", "SX-D149"},  # #{…}; an embedded HTML start form
    "c7/ProcessEngineTests-findTest.bpmn": {"SX-D116", "SX-D117", "SX-D142"},  # receiveTask, message end
    "c7/order-handling.bpmn": {"SX-D105", "SX-D117", "SX-D122"},  # cron start, conditional boundary
    "c7/Process_call_activity_subprocess.bpmn": {"SX-D144"},  # a take listener (in JavaScript)
    "spiff/timer.bpmn": {"SX-D122"},  # quoted "PT0.25S"
    "spiff/timer-date-start.bpmn": {"SX-D109", "SX-D122"},  # Python script, timeDate is a variable name
    "spiff/transaction.bpmn": {"SX-D109", "SX-D116", "SX-D117", "SX-D142", "SX-D150"},  # formKey + formData
    "spiff/timer-cycle-start.bpmn": {"SX-D103", "SX-D105", "SX-D109", "SX-D122"},
    "spiff/exclusive_gateway_no_default.bpmn": {"SX-D119"},  # its abstract tasks pass through
    "miwg/A.1.0.bpmn": {"SX-D102"},  # nothing executable (its abstract tasks would pass through)
    "miwg/C.1.1.bpmn": {"SX-D113", "SX-D119", "SX-D124", "SX-D149"},  # XPath, activiti namespace, app: forms
    "c8/twitter.bpmn": {"SX-D101", "SX-D110", "SX-D113", "SX-D119", "SX-D123", "SX-D142"},
    "c7/mainProcess.bpmn": {"SX-D171"},  # camunda:calledElementTenantId (a Java bean)
}


def rel(path: Path) -> str:
    return path.relative_to(CORPUS).as_posix()


def codes(findings: list[Finding]) -> set[str]:
    return {f.code for f in findings}


def test_the_corpus_is_there() -> None:
    assert len(BPMN_FILES) >= 60 and len(FORM_FILES) >= 9


@pytest.mark.parametrize("path", FILES, ids=rel)
def test_every_file_lints_to_located_findings(path: Path) -> None:
    findings = lint_path(path)
    assert isinstance(findings, list) and all(isinstance(f, Finding) for f in findings)
    assert all(f.code in RULES and f.file == str(path) for f in findings)
    assert "SX-X009" not in codes(findings)
    assert all(f.line for f in findings if f.element_id), "every element finding has a line"


@pytest.mark.parametrize("path", BPMN_FILES, ids=rel)
def test_no_corpus_diagram_meets_the_three_systems(path: Path) -> None:
    findings = lint_path(path, rules="compliance")
    errors = {f.code for f in findings if f.severity is Severity.ERROR}
    assert {code for code in errors if code.startswith("SX-C")}, errors
    assert not {
        code for code in codes(findings) if code.startswith("SX-D1") and code not in ("SX-D118", "SX-D119")
    }, "a compliance run reports no dialect findings but the shared gateway rules"


@pytest.mark.parametrize("path", BPMN_FILES, ids=rel)
def test_camunda_8_files_are_told_so(path: Path) -> None:
    camunda8 = rel(path).startswith("c8/") or rel(path) in CAMUNDA_8
    assert ("SX-D101" in codes(lint_path(path, rules="dialect"))) == camunda8


@pytest.mark.parametrize(("name", "expected"), DIALECT.items())
def test_known_dialect_defects_get_exact_codes(name: str, expected: set[str]) -> None:
    assert codes(lint_path(CORPUS / name, rules="dialect")) == expected


def test_every_finding_says_what_to_change() -> None:
    findings = [f for path in BPMN_FILES for f in lint_path(path, rules="dialect")]
    assert findings and all(
        "；" in f.message_zh and ";" in f.message_en for f in findings if f.code not in ("SX-D117", "SX-D116")
    )


@pytest.mark.parametrize("path", FORM_FILES, ids=rel)
def test_forms_lint_cleanly_or_say_what_is_missing(path: Path) -> None:
    expected = {"SX-F303"} if path.name == "form-js_viewer_form.json" else set()  # it has no id
    assert codes(lint_path(path)) == expected
