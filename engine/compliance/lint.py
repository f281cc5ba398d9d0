"""The linter's entry points: bytes or a path in, a sorted list of findings out, never an exception
caused by the input (a bug of ours becomes an SX-X009 finding rather than a traceback)."""

from __future__ import annotations

import dataclasses
import pathlib
import stat
from collections.abc import Callable, Iterable

from engine.compliance import guide, procedures, three_systems
from engine.compliance.calls import call_activities
from engine.compliance.calls.call_activities import call_findings
from engine.compliance.catalogue import finding
from engine.compliance.dialect import code as dialect_code
from engine.compliance.dialect import expressions
from engine.compliance.dialect import multi_instance as dialect_multi_instance
from engine.compliance.dialect import structure as dialect_structure
from engine.compliance.dialect.budget import ConstantCheck, budget_findings
from engine.compliance.dialect.forms import generated_form_findings
from engine.compliance.dialect.listeners import handler_findings, listener_findings
from engine.compliance.dialect.tasks import task_findings
from engine.compliance.document.bpmn_document import parse_document
from engine.compliance.document.bpmn_view import BpmnDocument, ProcessModel
from engine.compliance.document.graph import FlowGraph, build_graph
from engine.compliance.document.namespaces import line_of
from engine.compliance.document.xmlsafe import DEFAULT_MAX_BYTES, check_size, read_utf8
from engine.compliance.findings import Finding
from engine.compliance.forms import form_findings
from engine.compliance.runtime_facts import RuntimeFacts
from engine.kernel.budgets import DEFAULT_BUDGET, EvaluationBudget
from engine.tasks.forms.limits import DEFAULT_FORM_LIMITS, FormLimits

DocumentCheck = Callable[[BpmnDocument], Iterable[Finding]]
ProcessCheck = Callable[[ProcessModel, FlowGraph], Iterable[Finding]]

DIALECT_CHECKS: tuple[DocumentCheck, ...] = (
    *dialect_structure.CHECKS,
    *dialect_code.CHECKS,
    *expressions.CHECKS,
    *dialect_multi_instance.CHECKS,
    *call_activities.CHECKS,
)
# One rule, one code: the gateway rules belong to both families and run once.
SHARED_CHECKS: tuple[DocumentCheck, ...] = (
    expressions.gateway_flows_have_conditions,
    expressions.exclusive_gateways_have_default,
)
PROPERTY_CHECKS: tuple[ProcessCheck, ...] = (*guide.CHECKS, *procedures.CHECKS)
PATH_CHECKS: tuple[ProcessCheck, ...] = three_systems.CHECKS
RULE_SETS = {"dialect": ("dialect",), "compliance": ("compliance",), "all": ("dialect", "compliance")}
MAX_PATH_ELEMENTS = 2000
BPMN_SUFFIXES = (".bpmn", ".bpmn20.xml", ".xml")
FORM_SUFFIXES = (".form", ".json")


def lint_bpmn(
    data: bytes,
    *,
    filename: str | None = None,
    rules: str = "all",
    max_bytes: int = DEFAULT_MAX_BYTES,
    budget: EvaluationBudget = DEFAULT_BUDGET,
    constant_check: ConstantCheck | None = None,
    facts: RuntimeFacts | None = None,
) -> list[Finding]:
    """Lint BPMN XML bytes. `rules` is "dialect", "compliance" or "all" (ValueError otherwise);
    input findings (SX-X…) are always reported. `budget` sets the limits of SX-D129…SX-D132; SX-D132
    needs `constant_check` (``engine.compliance.dialect.budget``: the caller's evaluator); `facts` is what the
    runtime knows (``runtime_facts``: expressions it compiles, handlers it has)."""
    families = _families(rules)
    try:
        found = _bpmn_findings(
            _as_bytes(data), families, max_bytes, (budget, constant_check), facts or RuntimeFacts()
        )
    except Exception as exc:  # noqa: BLE001 - whatever the input, answer with findings
        found = [_internal_error(exc)]
    return _finish(found, filename)


def lint_form(
    data: bytes, *, filename: str | None = None, limits: FormLimits = DEFAULT_FORM_LIMITS
) -> list[Finding]:
    """Lint a Camunda Forms JSON file (codes SX-F…; SX-X003 over ``limits.max_bytes``)."""
    try:
        found = form_findings(_as_bytes(data), limits)
    except Exception as exc:  # noqa: BLE001 - whatever the input, answer with findings
        found = [_internal_error(exc)]
    return _finish(found, filename)


def lint_path(
    path: pathlib.Path,
    *,
    rules: str = "all",
    max_bytes: int = DEFAULT_MAX_BYTES,
    budget: EvaluationBudget = DEFAULT_BUDGET,
    constant_check: ConstantCheck | None = None,
    form_limits: FormLimits = DEFAULT_FORM_LIMITS,
    facts: RuntimeFacts | None = None,
) -> list[Finding]:
    """Lint a file by its suffix: .bpmn/.bpmn20.xml/.xml as BPMN (at most ``max_bytes``), .form/.json as
    a form (within ``form_limits``)."""
    _families(rules)
    name = str(path)
    lowered = path.name.lower()
    if not lowered.endswith(BPMN_SUFFIXES + FORM_SUFFIXES):
        return _finish(
            [
                finding(
                    "SX-X007",
                    f"不认识的文件类型“{path.suffix}”：只检查 .bpmn、.bpmn20.xml、.xml、.form、.json",
                    f"unknown file type '{path.suffix}': "
                    "only .bpmn, .bpmn20.xml, .xml, .form and .json are linted",
                )
            ],
            name,
        )
    is_form = lowered.endswith(FORM_SUFFIXES)
    data = _read(path, form_limits.max_bytes if is_form else max_bytes)
    if isinstance(data, Finding):
        return _finish([data], name)
    if is_form:
        return lint_form(data, filename=name, limits=form_limits)
    return lint_bpmn(
        data,
        filename=name,
        rules=rules,
        max_bytes=max_bytes,
        budget=budget,
        constant_check=constant_check,
        facts=facts,
    )


def _read(path: pathlib.Path, max_bytes: int) -> bytes | Finding:
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return finding(
                "SX-X006",
                "不是普通文件（目录、设备或管道），无法读取",
                "not a regular file (a directory, device or pipe); it cannot be read",
            )
        if info.st_size > max_bytes:
            return finding(
                "SX-X003",
                f"文件有 {info.st_size} 字节，超过上限 {max_bytes} 字节",
                f"file has {info.st_size} bytes, over the limit of {max_bytes}",
            )
        with path.open("rb") as handle:
            return handle.read(max_bytes + 1)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return finding("SX-X006", f"文件无法读取：{reason}", f"the file cannot be read: {reason}")


def _bpmn_findings(
    data: bytes,
    families: tuple[str, ...],
    max_bytes: int,
    budget: tuple[EvaluationBudget, ConstantCheck | None],
    facts: RuntimeFacts,
) -> list[Finding]:
    refused = check_size(data, max_bytes)
    if refused is not None:
        return [refused]
    text, encoding = read_utf8(data)
    if text is None:
        return encoding
    document = parse_document(data, max_bytes=max_bytes)
    if isinstance(document, Finding):
        return [*encoding, document]
    checks = DIALECT_CHECKS if "dialect" in families else SHARED_CHECKS
    found = [item for check in checks for item in check(document)]
    if "dialect" in families:
        found.extend(budget_findings(document, *budget))
        found.extend(task_findings(document, facts))
        found.extend(listener_findings(document, facts))
        found.extend(handler_findings(document, facts))
        found.extend(generated_form_findings(document, facts))
        found.extend(call_findings(document, facts))
    if "compliance" in families:
        found.extend(compliance_findings(document))
        unassigned = {f.element_id for f in found if f.code == "SX-C217"}  # the same rule, as an error
        found = [f for f in found if not (f.code == "SX-D142" and f.element_id in unassigned)]
    return [*encoding, *found]


def compliance_findings(document: BpmnDocument) -> list[Finding]:
    """The three-systems rules on every checked process of a parsed document."""
    if not document.checked:
        return [
            finding(
                "SX-C219",
                "文件中没有流程，也就没有决定环节",
                "the file holds no process, hence no decision",
                line=line_of(document.root),
            )
        ]
    found: list[Finding] = []
    for process in document.checked:
        too_big = len(process.elements) > MAX_PATH_ELEMENTS
        graph = FlowGraph() if too_big else build_graph(process)
        found.extend(item for check in PROPERTY_CHECKS for item in check(process, graph))
        if too_big:
            count = len(process.elements)
            found.append(
                finding(
                    "SX-X008",
                    f"流程有 {count} 个元素，超过 {MAX_PATH_ELEMENTS} 个，未做路径检查；请拆分为调用子流程",
                    f"the process has {count} elements, over {MAX_PATH_ELEMENTS}: path rules not run; split "
                    "it into called processes",
                    element_id=process.id,
                    line=process.line,
                )
            )
            continue
        found.extend(item for check in PATH_CHECKS for item in check(process, graph))
    return found


def _families(rules: str) -> tuple[str, ...]:
    if rules not in RULE_SETS:
        raise ValueError(f"rules must be one of {', '.join(RULE_SETS)}, not {rules!r}")
    return RULE_SETS[rules]


def _as_bytes(data: bytes | bytearray | memoryview | str) -> bytes:
    if isinstance(data, str):
        return data.encode("utf-8")
    return bytes(data)


def _internal_error(exc: BaseException) -> Finding:
    what = f"{type(exc).__name__}: {str(exc)[:160]}"
    return finding(
        "SX-X009",
        f"检查器内部错误（{what}）；请把文件交给开发人员",
        f"internal linter error ({what}); please report it with the file",
    )


def _finish(found: list[Finding], filename: str | None) -> list[Finding]:
    if filename is not None:
        found = [dataclasses.replace(item, file=filename) for item in found]
    return sorted(found, key=lambda item: (item.line or 0, item.code, item.element_id or ""))
