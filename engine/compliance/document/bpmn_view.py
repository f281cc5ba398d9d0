"""The read-only view of a BPMN file: its processes, their flow nodes (``Element``), sequence flows
(``Flow``) and timers, as ``engine.compliance.document.bpmn_document`` builds them from the XML."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

TIMER_KINDS = ("timeDate", "timeDuration", "timeCycle")


@dataclass(frozen=True, slots=True)
class Timer:
    kind: str | None  # timeDate | timeDuration | timeCycle, None when the definition is empty
    value: str  # stripped text, "" when empty
    line: int | None


@dataclass(slots=True)
class Element:
    id: str
    tag: str  # BPMN local name: userTask, exclusiveGateway, …
    name: str | None
    line: int | None
    parent: str | None  # id of the enclosing embedded subprocess, None at top level
    camunda: dict[str, str]  # camunda:* attributes by local name (assignee, formKey, …)
    properties: dict[str, str]  # camunda:properties, name -> value
    event_definitions: tuple[str, ...] = ()  # e.g. ("timerEventDefinition",)
    timer: Timer | None = None
    attached_to: str | None = None  # boundary events: attachedToRef
    cancel_activity: bool = True  # boundary events: interrupting?
    default_flow: str | None = None  # gateways and activities: the default flow id
    triggered_by_event: bool = False  # event subprocesses
    incoming: list[str] = field(default_factory=list)
    outgoing: list[str] = field(default_factory=list)
    boundaries: list[str] = field(default_factory=list)
    node: etree._Element | None = field(default=None, repr=False, compare=False)

    @property
    def role(self) -> str | None:
        return self.properties.get("sanxiang.role") or None

    @property
    def candidate_groups(self) -> list[str]:
        return _csv(self.camunda.get("candidateGroups"))

    @property
    def candidate_users(self) -> list[str]:
        return _csv(self.camunda.get("candidateUsers"))

    @property
    def assignee(self) -> str | None:
        return self.camunda.get("assignee") or None

    @property
    def form_ref(self) -> str | None:
        return self.camunda.get("formRef") or None

    @property
    def form_key(self) -> str | None:
        return self.camunda.get("formKey") or None

    @property
    def form(self) -> str | None:
        """``camunda:formRef`` or, failing that, ``camunda:formKey``."""
        return self.form_ref or self.form_key


@dataclass(slots=True)
class Flow:
    id: str
    source: str
    target: str
    line: int | None
    name: str | None
    parent: str | None
    condition: str | None  # conditionExpression text; None when absent or empty
    condition_language: str | None
    properties: dict[str, str]
    node: etree._Element | None = field(default=None, repr=False, compare=False)


@dataclass(slots=True)
class ProcessModel:
    id: str
    name: str | None
    line: int | None
    executable: bool  # isExecutable, "true" when absent (as Camunda 7 and Spiff)
    properties: dict[str, str]  # process-level camunda:properties: the service guide
    elements: dict[str, Element] = field(default_factory=dict)
    flows: dict[str, Flow] = field(default_factory=dict)
    node: etree._Element | None = field(default=None, repr=False, compare=False)

    def with_role(self, role: str) -> list[Element]:
        return [el for el in self.elements.values() if el.role == role]

    def with_tag(self, *tags: str) -> list[Element]:
        return [el for el in self.elements.values() if el.tag in tags]

    def items(self) -> list[Element | Flow]:
        """Every flow node and sequence flow."""
        return [*self.elements.values(), *self.flows.values()]

    @property
    def starts(self) -> list[Element]:
        return [el for el in self.with_tag("startEvent") if el.parent is None]

    @property
    def ends(self) -> list[Element]:
        return [el for el in self.with_tag("endEvent") if el.parent is None]


@dataclass(slots=True)
class BpmnDocument:
    root: etree._Element = field(repr=False)
    processes: list[ProcessModel]
    diagram_refs: set[str]  # bpmnElement of every BPMNShape / BPMNEdge
    has_diagram: bool

    @property
    def executable(self) -> list[ProcessModel]:
        return [p for p in self.processes if p.executable]

    @property
    def checked(self) -> list[ProcessModel]:
        """The processes the rules look at: the executable ones, or all when none is executable."""
        return self.executable or self.processes


def _csv(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]
