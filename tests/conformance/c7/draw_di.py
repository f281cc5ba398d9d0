"""One-off drawing aid: gives the conformance diagrams a layout (DI) so Camunda Modeler can open them.

    .venv/bin/python -m tests.conformance.c7.draw_di tests/conformance/c7/diagrams/*.bpmn

A file that already has a ``bpmndi:BPMNDiagram`` is left alone. Layout: left to right by the longest
path from the start, the elements of one column stacked; boundary events on their host's lower edge;
edges as one elbow. The diagrams are small, so that is enough to read them.
"""

from __future__ import annotations

import sys
from pathlib import Path

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
DI = {
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
}
SIZES = {
    "startEvent": (36, 36),
    "endEvent": (36, 36),
    "intermediateCatchEvent": (36, 36),
    "intermediateThrowEvent": (36, 36),
    "boundaryEvent": (36, 36),
    "exclusiveGateway": (50, 50),
    "parallelGateway": (50, 50),
    "inclusiveGateway": (50, 50),
    "eventBasedGateway": (50, 50),
}
COLUMN, ROW = 170, 130


def _q(prefix: str, name: str) -> str:
    return f"{{{DI[prefix]}}}{name}"


def layout(path: Path) -> bool:
    tree = etree.parse(str(path))
    root = tree.getroot()
    if root.find(_q("bpmndi", "BPMNDiagram")) is not None:
        return False
    process = root.find(f"{{{BPMN}}}process")
    assert process is not None
    nodes = {
        n.get("id"): n
        for n in process
        if isinstance(n.tag, str)
        and n.get("id")
        and etree.QName(n).localname not in ("sequenceFlow", "extensionElements", "documentation")
    }
    flows = [n for n in process if isinstance(n.tag, str) and etree.QName(n).localname == "sequenceFlow"]
    column = {i: 0 for i, n in nodes.items() if etree.QName(n).localname != "boundaryEvent"}
    for _ in range(len(nodes)):  # longest path, without following loops back
        for flow in flows:
            source, target = flow.get("sourceRef"), flow.get("targetRef")
            host = nodes[source].get("attachedToRef") if source in nodes else None
            start = column.get(host or source, 0)
            if target in column and column[target] < start + 1 <= len(nodes):
                column[target] = start + 1
    bounds: dict[str, tuple[int, int, int, int]] = {}
    rows: dict[int, int] = {}
    for ident, col in sorted(column.items(), key=lambda item: item[1]):
        width, height = SIZES.get(etree.QName(nodes[ident]).localname, (100, 80))
        row = rows.get(col, 0)
        rows[col] = row + 1
        bounds[ident] = (
            160 + col * COLUMN + (100 - width) // 2,
            100 + row * ROW + (80 - height) // 2,
            width,
            height,
        )
    for ident, node in nodes.items():
        if etree.QName(node).localname == "boundaryEvent":
            x, y, w, h = bounds[node.get("attachedToRef") or ""]
            bounds[ident] = (x + w - 30, y + h - 18, 36, 36)
    _write(root, process.get("id") or "", bounds, flows)
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")
    return True


def _write(
    root: etree._Element,
    process_id: str,
    bounds: dict[str, tuple[int, int, int, int]],
    flows: list[etree._Element],
) -> None:
    diagram = etree.SubElement(root, _q("bpmndi", "BPMNDiagram"), id="BPMNDiagram_1", nsmap=DI)
    plane = etree.SubElement(diagram, _q("bpmndi", "BPMNPlane"), id="BPMNPlane_1", bpmnElement=process_id)
    for ident, (x, y, w, h) in bounds.items():
        shape = etree.SubElement(plane, _q("bpmndi", "BPMNShape"), id=f"{ident}_di", bpmnElement=ident)
        etree.SubElement(shape, _q("dc", "Bounds"), x=str(x), y=str(y), width=str(w), height=str(h))
    for flow in flows:
        sx, sy, sw, sh = bounds[flow.get("sourceRef") or ""]
        tx, ty, tw, th = bounds[flow.get("targetRef") or ""]
        edge = etree.SubElement(
            plane, _q("bpmndi", "BPMNEdge"), id=f"{flow.get('id')}_di", bpmnElement=flow.get("id")
        )
        start, end = (sx + sw, sy + sh // 2), (tx, ty + th // 2)
        middle = (start[0] + end[0]) // 2
        points = [start, end] if start[1] == end[1] else [start, (middle, start[1]), (middle, end[1]), end]
        for px, py in points:
            etree.SubElement(edge, _q("di", "waypoint"), x=str(px), y=str(py))
    etree.indent(diagram, space="  ", level=1)
    previous = diagram.getprevious()
    if previous is not None:
        previous.tail = "\n  "
    diagram.tail = "\n"


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(name, "drawn" if layout(Path(name)) else "has a layout already")
