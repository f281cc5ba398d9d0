"""The sequence-flow graph of one process, and the one search the path rules are built on.

How the BPMN is read as a graph (documented limitations are in ``__init__``):
- an embedded subprocess with start events is entered: subprocess -> its start events, and its
  exits (inner nodes without outgoing flows, e.g. end events) -> the subprocess's outgoing targets;
  a subprocess without inner start events is one opaque node; so is a call activity;
- a boundary event can fire at any moment while its activity runs: the activity, and every node
  inside it when it is a subprocess, has an edge to the boundary event; a node the search must
  not complete ("blocked") still lets its boundary events fire;
- event subprocesses are never entered (nothing leads to them);
- a parallel gateway with several incoming flows synchronises: a search passes it only once every
  incoming branch that the same search could reach unblocked has arrived. So "avoid X" searches
  do not report a path that merely runs beside the branch that does X.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from engine.compliance.document.bpmn_view import Element, ProcessModel
from engine.compliance.document.namespaces import CONTAINERS

Edge = tuple[str, str | None]  # (target node id, the sequence flow id it came by, if any)


@dataclass(slots=True)
class FlowGraph:
    edges: dict[str, list[Edge]] = field(default_factory=dict)
    joins: set[str] = field(default_factory=set)  # synchronising (parallel) joins
    boundaries: dict[str, bool] = field(default_factory=dict)  # boundary event id -> interrupting?

    def add(self, source: str, target: str, via: str | None) -> None:
        self.edges.setdefault(source, []).append((target, via))

    def successors(self, node: str) -> list[str]:
        """Where a token can go from `node`, including its boundary events."""
        return [target for target, _ in self.edges.get(node, ())]

    def completion_successors(self, node: str) -> list[str]:
        """Where a token goes when `node` completes normally (its sequence flows, no boundary events)."""
        return [target for target, via in self.edges.get(node, ()) if via is not None]


def build_graph(model: ProcessModel) -> FlowGraph:
    graph = FlowGraph()
    children: dict[str, list[Element]] = {}
    for element in model.elements.values():
        if element.parent is not None:
            children.setdefault(element.parent, []).append(element)
    entered = _entered_containers(model, children)
    for cid in entered:
        for start in _starts(children[cid]):
            graph.add(cid, start.id, None)
    for flow in model.flows.values():
        if flow.source in model.elements and flow.target in model.elements:
            sources = _exits(children[flow.source]) if flow.source in entered else [flow.source]
            for source in sources:
                graph.add(source, flow.target, flow.id)
    for element in model.elements.values():
        _add_boundaries_and_joins(graph, model, element)
    return graph


def _entered_containers(model: ProcessModel, children: dict[str, list[Element]]) -> set[str]:
    """Embedded subprocesses the walk goes into: those with inner start events."""
    return {
        cid
        for cid, kids in children.items()
        if _starts(kids)
        and cid in model.elements
        and model.elements[cid].tag in CONTAINERS
        and not model.elements[cid].triggered_by_event
    }


def _add_boundaries_and_joins(graph: FlowGraph, model: ProcessModel, element: Element) -> None:
    if element.tag == "boundaryEvent":
        graph.boundaries[element.id] = element.cancel_activity
    for container in _self_and_ancestors(model, element):
        for boundary in container.boundaries:
            graph.add(element.id, boundary, None)
    if element.tag == "parallelGateway" and len(element.incoming) > 1:
        graph.joins.add(element.id)


def reachable(
    graph: FlowGraph, sources: Iterable[str], blocked: Iterable[str] = (), *, spawned: bool = True
) -> set[str]:
    """Every node reachable from `sources` without completing a node of `blocked`.

    A blocked node is never completed: the walk stops there, except that its boundary events can
    still fire (a review that times out was not passed). With ``spawned=False`` non-interrupting
    boundary events are not followed: the tokens they spawn do not end the case, so searches for
    "the case ends without X" leave them out. Blocked nodes are not in the result.
    """
    starts = list(sources)
    barrier = frozenset(blocked)
    if not barrier or not graph.joins:
        return _search(graph, starts, barrier, None, spawned)[0]
    _, arrivals = _search(graph, starts, frozenset(), None, spawned)
    return _search(graph, starts, barrier, arrivals, spawned)[0]


def _search(
    graph: FlowGraph,
    sources: list[str],
    blocked: frozenset[str],
    required: dict[str, set[str]] | None,
    spawned: bool,
) -> tuple[set[str], dict[str, set[str]]]:
    visited: set[str] = set()
    arrived: dict[str, set[str]] = {}
    stack = list(sources)
    while stack:
        node = stack.pop()
        if node in visited:
            continue
        visited.add(node)
        for target, via in graph.edges.get(node, ()):
            interrupting = graph.boundaries.get(target)
            if (node in blocked and interrupting is None) or (interrupting is False and not spawned):
                continue
            if target in graph.joins and via is not None:
                arrived.setdefault(target, set()).add(via)
                if required is not None and not required.get(target, set()) <= arrived[target]:
                    continue
            if target not in visited:
                stack.append(target)
    return visited - blocked, arrived


def _starts(elements: list[Element]) -> list[Element]:
    return [el for el in elements if el.tag == "startEvent"]


def _exits(elements: list[Element]) -> list[str]:
    return [
        el.id for el in elements if not el.outgoing and el.tag != "startEvent" and not el.triggered_by_event
    ]


def _self_and_ancestors(model: ProcessModel, element: Element) -> list[Element]:
    chain = [element]
    seen = {element.id}
    parent = element.parent
    while parent is not None and parent in model.elements and parent not in seen:
        seen.add(parent)
        chain.append(model.elements[parent])
        parent = model.elements[parent].parent
    return chain
