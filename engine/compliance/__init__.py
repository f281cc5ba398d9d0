"""The compliance linter: reads BPMN XML and Camunda Forms JSON, never runs them.

Public API::

    lint_bpmn(data, *, filename=None, rules="all", max_bytes=10 MB) -> list[Finding]
        rules: "dialect" (SX-D1xx), "compliance" (SX-C2xx) or "all"; SX-X input findings always.
    lint_form(data, *, filename=None, limits=FormLimits()) -> list[Finding]    codes SX-F3xx
    lint_path(path, *, rules="all", max_bytes=10 MB, form_limits=FormLimits()) -> list[Finding]
        by suffix: .bpmn/.bpmn20.xml/.xml -> BPMN, .form/.json -> form; unreadable -> SX-X006
    RULES: dict[str, RuleInfo]          code -> (family, title_zh, title_en)
    parse_model(data) -> ProcessModel | list[Finding]     the one executable process (see `model`)
    parse_document(data) -> BpmnDocument | Finding        every process of the file

Whatever the bytes (empty, binary, HTML, DMN, JSON, Camunda 8, billion laughs, XXE, 50 MB, UTF-16,
GBK), the answer is findings: both kinds of file must be UTF-8 (a UTF-8 BOM is a warning, removed on
deploy: ``xmlsafe``); XML is parsed by lxml with entities, DTDs and network off, any DOCTYPE is
refused, and the size is capped. Findings are sorted by line, carry the element id and, when a
filename is given, the file.

Families: input (SX-X: the file), dialect (SX-D1xx: what our Camunda-7-over-SpiffWorkflow runtime
cannot run or would run wrongly), compliance (SX-C2xx: the three systems, driven by the
``sanxiang.role`` property of elements and the ``sanxiang.*`` properties of the process), form
(SX-F3xx). The gateway rules SX-D118/SX-D119 belong to both dialect and compliance and run once.

A user task's performer may be a candidate group, candidate users or an assignee; its form is a
``camunda:formRef`` (Camunda Forms) or a ``camunda:formKey``.

Known limitations (path rules, see `graph`):
- a path is a walk over sequence flows; conditions are not evaluated, so an infeasible path (e.g.
  one that needs two contradictory conditions) still counts;
- parallel joins synchronise: a search passes one only after every incoming branch it could reach
  has arrived; inclusive joins are treated like exclusive merges (any branch passes);
- embedded subprocesses are inlined (entered at their start events, left from their exits);
  call activities are opaque (the called process is linted on its own); event subprocesses are
  refused (SX-D116) and not walked;
- a boundary event may fire from its activity or anything inside it; "after a decision" starts from
  the decision's sequence flows only (an interrupting boundary means no decision was made);
- processes with more than 2,000 flow nodes get SX-X008 and no path rules;
- when no process is executable, the rules look at every process; a multi-process file gets
  SX-D103 and each executable process is checked;
- a finding's line is where libxml2 saw the element's start tag end (the next line for a tag
  split over two lines); form lines are found by searching the component's id/key in the text.
"""

from engine.compliance.catalogue import RULES, RuleInfo
from engine.compliance.document.bpmn_document import parse_document, parse_model
from engine.compliance.document.bpmn_view import BpmnDocument, Element, Flow, ProcessModel, Timer
from engine.compliance.document.xmlsafe import DEFAULT_MAX_BYTES
from engine.compliance.findings import Finding, Severity, has_errors
from engine.compliance.lint import lint_bpmn, lint_form, lint_path

__all__ = [
    "DEFAULT_MAX_BYTES",
    "RULES",
    "BpmnDocument",
    "Element",
    "Finding",
    "Flow",
    "ProcessModel",
    "RuleInfo",
    "Severity",
    "Timer",
    "has_errors",
    "lint_bpmn",
    "lint_form",
    "lint_path",
    "parse_document",
    "parse_model",
]
