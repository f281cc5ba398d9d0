"""Called procedures (``sanxiang.kind=procedure``, ``engine.kernel.process_kinds``): a process that runs only
as the child case of a call activity, e.g. 送达. It is not an approval item, so the item-level rules that need
a decision or a service guide do not apply to it (SX-C219 no decision, SX-C215 guide): the calling item
holds the decision, its legal review and the guide. Every other rule still holds on its own steps (records
capture before every end SX-C210, days sane SX-C216 when it gives any, roles, evidence, performers, forms).

- SX-C220  a procedure holding a decision (``sanxiang.role=decision``): a decision would escape the caller's
  major-check and legal review; draw the decision in the calling item, or make the process an item;
- SX-C221  an unknown ``sanxiang.kind`` (only ``item`` and ``procedure``).
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.compliance.catalogue import finding
from engine.compliance.document.bpmn_view import ProcessModel
from engine.compliance.document.graph import FlowGraph
from engine.compliance.findings import Finding
from engine.kernel.process_kinds import KIND_PROPERTY, KINDS, is_procedure, kind_of


def kind_is_known(process: ProcessModel, graph: FlowGraph) -> Iterator[Finding]:
    kind = kind_of(process.properties)
    if kind not in KINDS:
        yield finding(
            "SX-C221",
            f"{KIND_PROPERTY}=“{kind}”未知：只能是 item（审批事项，默认）或 procedure（被调用程序）",
            f"{KIND_PROPERTY} '{kind}' is unknown: only item (an approval item, the default) or procedure "
            "(a called procedure)",
            element_id=process.id,
            line=process.line,
        )


def procedure_has_no_decision(process: ProcessModel, graph: FlowGraph) -> Iterator[Finding]:
    if not is_procedure(process.properties):
        return
    for decision in process.with_role("decision"):
        yield finding(
            "SX-C220",
            "被调用程序（sanxiang.kind=procedure）不得作出决定：决定及其法制审核属于调用它的审批事项；"
            "请把决定画在调用方流程中，或去掉 sanxiang.kind=procedure 使其成为审批事项",
            "a called procedure (sanxiang.kind=procedure) must not hold a decision: the decision and its "
            "legal review belong to the approval item that calls it; draw the decision in the caller, or "
            "remove sanxiang.kind=procedure to make the process an approval item",
            element_id=decision.id,
            line=decision.line,
        )


CHECKS = (kind_is_known, procedure_has_no_decision)
