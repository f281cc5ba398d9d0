"""Compliance path rules: the order the law imposes on the steps of a case (三项制度).

Each rule is a graph search over the process's sequence flows (see `graph`): "X is behind Y"
means X cannot be reached from the start without completing Y. Searches for "the case ends
without Y" ignore branches spawned by non-interrupting boundary events (their end does not end
the case). Elements get their legal meaning from the ``sanxiang.role`` property.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from engine.compliance.catalogue import finding
from engine.compliance.document.bpmn_view import Element, Flow, ProcessModel
from engine.compliance.document.graph import FlowGraph, reachable
from engine.compliance.findings import Finding
from engine.kernel.process_kinds import is_procedure

OUTCOMES = ("pass", "return", "reject")
_CONCLUSION = re.compile(r"reviewConclusion\s*(?:==|\beq\b)\s*['\"]([A-Za-z-]+)['\"]")


def ids(elements: list[Element]) -> set[str]:
    return {el.id for el in elements}


def outcome_of(flow: Flow) -> str | None:
    """The review outcome a flow out of a review-outcome gateway stands for, if it says."""
    value = flow.properties.get("sanxiang.outcome")
    if value:
        return value.strip().lower()
    match = _CONCLUSION.search(flow.condition or "")
    return match.group(1).lower() if match else None


def terminals(process: ProcessModel) -> list[Element]:
    """Where a case can finish: top-level end events and other top-level nodes without outgoing flows."""
    return [
        el
        for el in process.elements.values()
        if el.parent is None and not el.outgoing and el.tag != "startEvent" and not el.triggered_by_event
    ]


def process_has_decision(process: ProcessModel, graph: FlowGraph) -> Iterator[Finding]:
    """SX-C219 on an approval item; a called procedure has none (``procedures``: SX-C220 if it has one)."""
    if not process.with_role("decision") and not is_procedure(process.properties):
        yield finding(
            "SX-C219",
            "流程没有决定环节；请用“作出决定”模板（sanxiang.role=decision）画出决定任务",
            "the process has no decision; add a decision task (sanxiang.role=decision) from the "
            "bureau's templates",
            element_id=process.id,
            line=process.line,
        )


def decisions_are_behind_major_check(process: ProcessModel, graph: FlowGraph) -> Iterator[Finding]:
    starts = [start.id for start in process.starts]
    hit = reachable(graph, starts, ids(process.with_role("major-check")))
    for decision in process.with_role("decision"):
        if decision.id in hit:
            yield finding(
                "SX-C201",
                "从开始到决定的某条路径没有经过重大判断；"
                "请在决定之前加“重大判断”网关（sanxiang.role=major-check）",
                "a path from the start reaches this decision without a major-check; add a major-check "
                "gateway before it",
                element_id=decision.id,
                line=decision.line,
            )


def _unreviewed_decision(flow: Flow, decision: Element) -> Finding:
    return finding(
        "SX-C202",
        f"重大分支 {flow.id} 可不经法制审核到达决定；未经法制审核不得作出决定——请在决定之前加“法制审核”任务",
        f"the major branch {flow.id} reaches this decision without a legal review; no major "
        "decision without one — add a legal-review task before it",
        element_id=decision.id,
        line=decision.line,
    )


def major_decisions_are_behind_legal_review(process: ProcessModel, graph: FlowGraph) -> Iterator[Finding]:
    reviews = ids(process.with_role("legal-review"))
    decisions = ids(process.with_role("decision"))
    reported: set[str] = set()
    if not decisions:
        return
    for gateway in process.with_role("major-check"):
        for flow in _outgoing(process, gateway):
            if flow.properties.get("sanxiang.major", "").strip().lower() != "true":
                continue
            for decision_id in sorted((reachable(graph, [flow.target], reviews) & decisions) - reported):
                reported.add(decision_id)
                yield _unreviewed_decision(flow, process.elements[decision_id])


def legal_reviews_conclude(process: ProcessModel, graph: FlowGraph) -> Iterator[Finding]:
    outcomes = ids(process.with_role("review-outcome"))
    decisions = ids(process.with_role("decision"))
    if not decisions:
        return
    for review in process.with_role("legal-review"):
        if reachable(graph, graph.successors(review.id), outcomes) & decisions:
            yield finding(
                "SX-C203",
                "法制审核之后可不经审核结论网关到达决定；请在审核后加“审核结论”网关（通过/退回/不通过）",
                "after this legal review a decision is reachable without a review-outcome gateway; add "
                "one (pass / return / reject) after the review",
                element_id=review.id,
                line=review.line,
            )


def _decision_without_pass(flow: Flow, outcome: str, rejected: bool) -> Finding:
    zh = "先经协调决策（集体讨论）" if rejected else "先回到法制审核"
    en = "go through coordination (collective decision)" if rejected else "go back to the review"
    return finding(
        "SX-C204",
        f"审核结论“{outcome}”可直接到达决定；审核未通过不得作出决定——必须{zh}",
        f"review outcome '{outcome}' reaches a decision; no decision when the review did not "
        f"pass — it must {en} first",
        element_id=flow.id,
        line=flow.line,
    )


def only_pass_leads_to_decision(process: ProcessModel, graph: FlowGraph) -> Iterator[Finding]:
    reviews = ids(process.with_role("legal-review"))
    coordination = ids(process.with_role("coordination"))
    decisions = ids(process.with_role("decision"))
    for gateway in process.with_role("review-outcome"):
        for flow in _outgoing(process, gateway):
            outcome = outcome_of(flow)
            if outcome not in ("return", "reject"):
                continue
            rejected = outcome == "reject"
            if reachable(graph, [flow.target], reviews | coordination if rejected else reviews) & decisions:
                yield _decision_without_pass(flow, outcome, rejected)


def _no_outcome(flow: Flow) -> Finding:
    return finding(
        "SX-C205",
        "审核结论网关的出口必须标明结论：sanxiang.outcome=pass/return/reject，"
        "或在条件中引用 reviewConclusion",
        "a flow out of a review-outcome gateway must say its outcome: sanxiang.outcome = "
        "pass / return / reject, or a condition on reviewConclusion",
        element_id=flow.id,
        line=flow.line,
    )


def review_outcomes_are_clear(process: ProcessModel, graph: FlowGraph) -> Iterator[Finding]:
    for gateway in process.with_role("review-outcome"):
        flows = _outgoing(process, gateway)
        yield from (_no_outcome(flow) for flow in flows if outcome_of(flow) not in OUTCOMES)
        if not any(outcome_of(flow) == "pass" for flow in flows):
            yield finding(
                "SX-C205",
                "审核结论网关没有“通过”(pass) 出口",
                "the review-outcome gateway has no 'pass' flow",
                element_id=gateway.id,
                line=gateway.line,
            )


def returns_loop_back_to_review(process: ProcessModel, graph: FlowGraph) -> Iterator[Finding]:
    reviews = ids(process.with_role("legal-review"))
    decisions = ids(process.with_role("decision"))
    for gateway in process.with_role("review-outcome"):
        for flow in _outgoing(process, gateway):
            if outcome_of(flow) == "return" and not reachable(graph, [flow.target], decisions) & reviews:
                yield finding(
                    "SX-C206",
                    "“退回”出口没有回到法制审核之前；请把它连回补正/审核之前的步骤",
                    "the 'return' flow does not loop back to before the legal review; connect it to the "
                    "step before the review",
                    element_id=flow.id,
                    line=flow.line,
                )


def _unmarked_branch(flow: Flow) -> Finding:
    return finding(
        "SX-C208",
        "重大判断网关的出口必须标明 sanxiang.major=true（重大）或 false（非重大）",
        "a flow out of a major-check must carry sanxiang.major = true (major) or false (not major)",
        element_id=flow.id,
        line=flow.line,
    )


def major_check_marks_branches(process: ProcessModel, graph: FlowGraph) -> Iterator[Finding]:
    for gateway in process.with_role("major-check"):
        marks = set()
        for flow in _outgoing(process, gateway):
            mark = flow.properties.get("sanxiang.major", "").strip().lower()
            marks.add(mark)
            if mark not in ("true", "false"):
                yield _unmarked_branch(flow)
        for mark, zh, en in (("true", "重大", "major"), ("false", "非重大", "non-major")):
            if mark not in marks:
                yield finding(
                    "SX-C208",
                    f"重大判断网关没有{zh}分支（sanxiang.major={mark}）",
                    f"the major-check has no {en} branch (sanxiang.major={mark})",
                    element_id=gateway.id,
                    line=gateway.line,
                )


def ends_are_behind_records_capture(process: ProcessModel, graph: FlowGraph) -> Iterator[Finding]:
    starts = [start.id for start in process.starts]
    hit = reachable(graph, starts, ids(process.with_role("records-capture")), spawned=False)
    for end in terminals(process):
        if end.id in hit:
            yield finding(
                "SX-C210",
                "有路径不经“归档记录”就到达结束；"
                "请在每个结束之前加归档记录任务（sanxiang.role=records-capture）",
                "a path reaches this end without records capture; add a records-capture task before "
                "every end",
                element_id=end.id,
                line=end.line,
            )


_AFTER_DECISION = (("delivery", "SX-C211", "送达"), ("disclosure", "SX-C212", "公示"))


def decisions_reach_delivery_and_disclosure(process: ProcessModel, graph: FlowGraph) -> Iterator[Finding]:
    ends = ids(terminals(process))
    required = {role: ids(process.with_role(role)) for role, _, _ in _AFTER_DECISION}
    for decision in process.with_role("decision"):
        after = graph.completion_successors(decision.id)
        for role, code, zh in _AFTER_DECISION:
            if not after or reachable(graph, after, required[role], spawned=False) & ends:
                yield finding(
                    code,
                    f"决定之后有路径不经“{zh}”就结束；请在决定之后加{zh}任务（sanxiang.role={role}）",
                    f"a path from this decision ends without {role}; add a {role} task after the decision",
                    element_id=decision.id,
                    line=decision.line,
                )


def _outgoing(process: ProcessModel, element: Element) -> list[Flow]:
    return [process.flows[flow_id] for flow_id in element.outgoing]


CHECKS = (
    process_has_decision,
    decisions_are_behind_major_check,
    major_decisions_are_behind_legal_review,
    legal_reviews_conclude,
    only_pass_leads_to_decision,
    review_outcomes_are_clear,
    returns_loop_back_to_review,
    major_check_marks_branches,
    ends_are_behind_records_capture,
    decisions_reach_delivery_and_disclosure,
)
