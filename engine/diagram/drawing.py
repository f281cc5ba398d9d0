"""What the renderer draws: shapes and edges read from BPMN DI, with the semantic bits they show."""

from __future__ import annotations

from dataclasses import dataclass

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"

ACTIVITIES = frozenset(
    {
        "task",
        "userTask",
        "serviceTask",
        "scriptTask",
        "sendTask",
        "receiveTask",
        "manualTask",
        "businessRuleTask",
        "subProcess",
        "transaction",
        "adHocSubProcess",
        "callActivity",
    }
)
CONTAINERS = frozenset({"subProcess", "transaction", "adHocSubProcess", "callActivity"})
EVENTS = frozenset(
    {
        "startEvent",
        "endEvent",
        "intermediateCatchEvent",
        "intermediateThrowEvent",
        "boundaryEvent",
        "implicitThrowEvent",
    }
)
GATEWAYS = frozenset(
    {
        "exclusiveGateway",
        "parallelGateway",
        "inclusiveGateway",
        "eventBasedGateway",
        "complexGateway",
        "gateway",
    }
)
DATA_OBJECTS = frozenset({"dataObjectReference", "dataObject", "dataInput", "dataOutput"})
EXTERNAL_LABELS = EVENTS | GATEWAYS | DATA_OBJECTS | {"dataStoreReference", "sequenceFlow", "messageFlow"}


@dataclass(frozen=True, slots=True)
class Bounds:
    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    @property
    def cx(self) -> float:
        return self.x + self.width / 2

    @property
    def cy(self) -> float:
        return self.y + self.height / 2

    def union(self, other: Bounds) -> Bounds:
        x, y = min(self.x, other.x), min(self.y, other.y)
        return Bounds(x, y, max(self.right, other.right) - x, max(self.bottom, other.bottom) - y)


@dataclass(frozen=True, slots=True)
class Shape:
    element_id: str
    kind: str  # local name of the BPMN element: "userTask", "lane", …
    name: str
    bounds: Bounds
    label: Bounds | None = None  # BPMNLabel bounds, when the modeler stored them
    expanded: bool = False  # sub-processes drawn open, participants with a process
    horizontal: bool = True  # pools and lanes: name band on the left (else on top)
    marker_visible: bool = False  # exclusive gateways: draw the X
    event_definition: str | None = None  # "timer", "message", …, "multiple"
    interrupting: bool = True  # boundary and event sub-process start events
    loop: str | None = None  # "parallel", "sequential", "loop"
    event_subprocess: bool = False
    compensation: bool = False
    instantiate: bool = False  # event-based gateways that start the process
    depth: int = 0  # nesting inside sub-processes (and lanes inside lanes)


@dataclass(frozen=True, slots=True)
class Edge:
    element_id: str
    kind: str  # "sequenceFlow", "messageFlow", "association", …
    name: str
    points: tuple[tuple[float, float], ...]
    label: Bounds | None = None
    is_default: bool = False  # the source's default flow: slash at the source
    is_conditional: bool = False  # conditional flow out of an activity: diamond at the source
    arrow_end: bool = False  # associations and data associations pointing at the target
    arrow_start: bool = False

    def bounds(self) -> Bounds:
        xs = [x for x, _ in self.points]
        ys = [y for _, y in self.points]
        return Bounds(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))


@dataclass(frozen=True, slots=True)
class Diagram:
    title: str
    shapes: tuple[Shape, ...]
    edges: tuple[Edge, ...]
