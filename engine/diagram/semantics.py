"""The semantic details a picture shows: event kinds, loop markers, default and conditional flows."""

from __future__ import annotations

from typing import TypedDict

from lxml import etree

from engine.diagram.drawing import ACTIVITIES, BPMN_NS, CONTAINERS

_SUFFIX = "EventDefinition"


class ShapeTraits(TypedDict):
    expanded: bool
    horizontal: bool
    marker_visible: bool
    event_definition: str | None
    interrupting: bool
    loop: str | None
    event_subprocess: bool
    compensation: bool
    instantiate: bool
    depth: int


class EdgeTraits(TypedDict):
    is_default: bool
    is_conditional: bool
    arrow_end: bool
    arrow_start: bool


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def event_definition(element: etree._Element) -> str | None:
    children = [_local(c) for c in element if isinstance(c.tag, str)]
    kinds = [name[: -len(_SUFFIX)] for name in children if name.endswith(_SUFFIX)]
    kinds += ["unknown" for _ in element.iterfind(f"{{{BPMN_NS}}}eventDefinitionRef")]
    if not kinds:
        return None
    if len(kinds) == 1:
        return kinds[0] if kinds[0] != "unknown" else None
    return "parallelMultiple" if element.get("parallelMultiple") == "true" else "multiple"


def loop_marker(element: etree._Element) -> str | None:
    multi = element.find(f"{{{BPMN_NS}}}multiInstanceLoopCharacteristics")
    if multi is not None:
        return "sequential" if multi.get("isSequential") == "true" else "parallel"
    if element.find(f"{{{BPMN_NS}}}standardLoopCharacteristics") is not None:
        return "loop"
    return None


def _depth(element: etree._Element) -> int:
    nesting = {"subProcess", "transaction", "adHocSubProcess", "lane"}
    return sum(1 for a in element.iterancestors() if isinstance(a.tag, str) and _local(a) in nesting)


def _expanded(di: etree._Element, element: etree._Element, shown: frozenset[str]) -> bool:
    kind = _local(element)
    if kind == "participant":
        return element.get("processRef") is not None
    if kind not in CONTAINERS:
        return False
    flag = di.get("isExpanded")
    if flag is not None:
        return flag == "true"
    return any(child.get("id") in shown for child in element if isinstance(child.tag, str))


def _interrupting(element: etree._Element) -> bool:
    return element.get("cancelActivity") != "false" and element.get("isInterrupting") != "false"


def shape_traits(di: etree._Element, element: etree._Element, shown: frozenset[str]) -> ShapeTraits:
    return ShapeTraits(
        expanded=_expanded(di, element, shown),
        horizontal=di.get("isHorizontal") != "false",
        marker_visible=di.get("isMarkerVisible") == "true",
        event_definition=event_definition(element),
        interrupting=_interrupting(element),
        loop=loop_marker(element),
        event_subprocess=element.get("triggeredByEvent") == "true",
        compensation=element.get("isForCompensation") == "true",
        instantiate=element.get("instantiate") == "true",
        depth=_depth(element),
    )


def edge_traits(element: etree._Element, index: dict[str, etree._Element]) -> EdgeTraits:
    kind = _local(element)
    source = index.get(element.get("sourceRef") or "")
    source_kind = _local(source) if source is not None else ""
    has_condition = element.find(f"{{{BPMN_NS}}}conditionExpression") is not None
    direction = element.get("associationDirection", "None")
    return EdgeTraits(
        is_default=source is not None and source.get("default") == element.get("id"),
        is_conditional=kind == "sequenceFlow" and has_condition and source_kind in ACTIVITIES,
        arrow_end=kind in ("dataInputAssociation", "dataOutputAssociation") or direction in ("One", "Both"),
        arrow_start=direction == "Both",
    )
