"""Read a BPMN file (hardened lxml) into the shapes and edges of one of its diagrams."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from lxml import etree

from engine.diagram.drawing import BPMN_NS, Bounds, Diagram, Edge, Shape
from engine.diagram.semantics import edge_traits, shape_traits
from engine.errors import InvalidDiagram, NotFound

MAX_BYTES = 20 * 1024 * 1024
_PROLOG_SCAN = 1 << 20
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_FIRST_ELEMENT = re.compile(rb"<[A-Za-z_]")
_DEFINITIONS = f"{{{BPMN_NS}}}definitions"

Index = dict[str, etree._Element]
Pair = tuple[etree._Element, etree._Element]  # (DI element, BPMN element)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def _has_doctype_in_prolog(head: bytes) -> bool:
    """A DOCTYPE before the root element (8-bit encodings; the parsed docinfo catches the rest)."""
    root_start = _FIRST_ELEMENT.search(head)
    return _DOCTYPE.search(head[: root_start.start() if root_start else len(head)]) is not None


def _doctype_refused() -> InvalidDiagram:
    return InvalidDiagram(
        "BPMN 文件不得包含 DOCTYPE 声明。",
        "The BPMN file must not contain a DOCTYPE declaration.",
        findings=[],
    )


def _parse(bpmn_xml: bytes) -> etree._Element:
    try:
        return etree.fromstring(bytes(bpmn_xml), _parser())
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise InvalidDiagram(
            f"BPMN 文件不是合法的 XML：{exc}", f"The BPMN file is not well-formed XML: {exc}", findings=[]
        ) from exc


def load_definitions(bpmn_xml: bytes) -> etree._Element:
    """The ``definitions`` root; refuses DOCTYPEs, entities, oversize and non-BPMN input."""
    if len(bpmn_xml) > MAX_BYTES:
        raise InvalidDiagram("BPMN 文件过大，无法绘制。", "The BPMN file is too large to draw.", findings=[])
    if _has_doctype_in_prolog(bytes(bpmn_xml[:_PROLOG_SCAN])):  # refused before libxml2 reads any DTD
        raise _doctype_refused()
    root = _parse(bpmn_xml)
    docinfo = root.getroottree().docinfo
    doctype: str = getattr(docinfo, "doctype", "")
    if doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise _doctype_refused()
    if root.tag != _DEFINITIONS:
        raise InvalidDiagram(
            "文件不是 BPMN 2.0 定义（根元素应为 bpmn:definitions）。",
            "Not a BPMN 2.0 file (the root must be bpmn:definitions).",
            findings=[],
        )
    return root


def index_elements(root: etree._Element) -> Index:
    """BPMN model elements by id (first wins; extension elements in other namespaces are ignored)."""
    index: Index = {}
    for element in root.iter(f"{{{BPMN_NS}}}*"):
        element_id = element.get("id")
        if element_id:
            index.setdefault(element_id, element)
    return index


def _planes(root: etree._Element) -> list[etree._Element]:
    return [plane for diagram in root.iter("{*}BPMNDiagram") for plane in diagram.iterfind("{*}BPMNPlane")]


def _belongs_to(element: etree._Element, process_id: str) -> bool:
    if element.get("processRef") == process_id:
        return True
    return any(p.get("id") == process_id for p in element.iterancestors(f"{{{BPMN_NS}}}process"))


def _plane_covers(plane: etree._Element, process_id: str, index: Index) -> bool:
    ref = index.get(plane.get("bpmnElement") or "")
    if ref is not None and ref.get("id") == process_id:
        return True
    if ref is not None and etree.QName(ref).localname == "collaboration":
        return any(p.get("processRef") == process_id for p in ref.iter(f"{{{BPMN_NS}}}participant"))
    refs = (index.get(di.get("bpmnElement") or "") for di in plane)
    return any(el is not None and _belongs_to(el, process_id) for el in refs)


def choose_plane(root: etree._Element, index: Index, process_id: str | None) -> etree._Element | None:
    """The first diagram, or the first one showing ``process_id``; None when that process has no DI."""
    planes = _planes(root)
    if process_id is None:
        return planes[0] if planes else None
    process = index.get(process_id)
    if process is None or etree.QName(process).localname != "process":
        raise NotFound(f"文件中没有流程 {process_id}。", f"No process {process_id} in this file.")
    return next((plane for plane in planes if _plane_covers(plane, process_id, index)), None)


def _bounds(element: etree._Element | None) -> Bounds | None:
    if element is None:
        return None
    try:
        values = [float(element.get(k, "")) for k in ("x", "y", "width", "height")]
    except ValueError:
        return None
    if not all(math.isfinite(v) for v in values) or values[2] < 0 or values[3] < 0:
        return None
    return Bounds(*values)


def _label_bounds(di: etree._Element) -> Bounds | None:
    label = di.find("{*}BPMNLabel")
    return _bounds(label.find("{*}Bounds")) if label is not None else None


def _waypoints(di: etree._Element) -> tuple[tuple[float, float], ...]:
    points: list[tuple[float, float]] = []
    for point in di.iterfind("{*}waypoint"):
        try:
            x, y = float(point.get("x", "")), float(point.get("y", ""))
        except ValueError:
            continue
        if math.isfinite(x) and math.isfinite(y):
            points.append((x, y))
    return tuple(points)


def _name(element: etree._Element, index: Index) -> str:
    kind = etree.QName(element).localname
    if kind == "textAnnotation":
        return (element.findtext(f"{{{BPMN_NS}}}text") or "").strip()
    if kind == "group":
        value = index.get(element.get("categoryValueRef") or "")
        return (value.get("value") or "") if value is not None else ""
    return (element.get("name") or "").strip()


def _shape(di: etree._Element, element: etree._Element, index: Index, shown: frozenset[str]) -> Shape | None:
    bounds = _bounds(di.find("{*}Bounds"))
    if bounds is None:
        return None
    return Shape(
        element_id=element.get("id") or "",
        kind=etree.QName(element).localname,
        name=_name(element, index),
        bounds=bounds,
        label=_label_bounds(di),
        **shape_traits(di, element, shown),
    )


def _edge(di: etree._Element, element: etree._Element, index: Index) -> Edge | None:
    points = _waypoints(di)
    if len(points) < 2:
        return None
    return Edge(
        element_id=element.get("id") or "",
        kind=etree.QName(element).localname,
        name=_name(element, index),
        points=points,
        label=_label_bounds(di),
        **edge_traits(element, index),
    )


def _resolved(plane: etree._Element, index: Index, tag: str) -> Iterable[Pair]:
    for di in plane.iterfind(f"{{*}}{tag}"):
        element = index.get(di.get("bpmnElement") or "")
        if element is not None:
            yield di, element


def _title(root: etree._Element, plane: etree._Element | None, index: Index, process_id: str | None) -> str:
    for ref in (process_id, plane.get("bpmnElement") if plane is not None else None):
        element = index.get(ref or "")
        if element is not None and element.get("name"):
            return str(element.get("name"))
    plane_ref = plane.get("bpmnElement") if plane is not None else None
    return str(root.get("name") or process_id or plane_ref or "BPMN")


def read_diagram(bpmn_xml: bytes, process_id: str | None = None) -> Diagram:
    """Shapes and edges with DI in the chosen diagram; elements without DI are simply absent."""
    root = load_definitions(bpmn_xml)
    index = index_elements(root)
    plane = choose_plane(root, index, process_id)
    if plane is None:
        return Diagram(title=_title(root, None, index, process_id), shapes=(), edges=())
    shown = frozenset(el.get("id") or "" for _, el in _resolved(plane, index, "BPMNShape"))
    shapes = (_shape(di, el, index, shown) for di, el in _resolved(plane, index, "BPMNShape"))
    edges = (_edge(di, el, index) for di, el in _resolved(plane, index, "BPMNEdge"))
    return Diagram(
        title=_title(root, plane, index, process_id),
        shapes=tuple(s for s in shapes if s is not None),
        edges=tuple(e for e in edges if e is not None),
    )
