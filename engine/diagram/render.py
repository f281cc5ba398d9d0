"""Render a BPMN 2.0 diagram (its DI) to a standalone SVG string, the way bpmn-js draws it.

No browser, no scripts, no external references: the same picture serves the docs, the public
service guide, the PDF case file and ``sanxiang render``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from lxml import etree

from engine.diagram.captions import is_english, type_name, word
from engine.diagram.drawing import CONTAINERS, Bounds, Diagram, Edge, Shape
from engine.diagram.edges import draw_edge
from engine.diagram.labels import Label, draw_label, edge_anchor, edge_label, shape_label
from engine.diagram.overlays import Badge, Overlays, draw_badge, draw_halo
from engine.diagram.reading import read_diagram
from engine.diagram.shapes import draw_shape
from engine.diagram.svg import DEFAULT, FONT_FAMILY, STATE_PALETTES, SVG_NS, Palette, add, num

MARGIN = 20.0
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_LANG_TAG = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")

__all__ = ["Overlays", "render_svg"]


def render_svg(
    bpmn_xml: bytes, *, process_id: str | None = None, overlays: Overlays | None = None, lang: str = "zh"
) -> str:
    """The SVG picture of the first diagram (or the one showing ``process_id``) with case overlays.

    Raises ``InvalidDiagram`` for input that is not safe, well-formed BPMN and ``NotFound`` when
    ``process_id`` names no process in the file. Elements without DI are left out.
    """
    diagram = read_diagram(bpmn_xml, process_id)
    return compose(diagram, overlays or Overlays(), lang if _LANG_TAG.match(lang) else "zh")


def _palette(states: list[str]) -> Palette:
    return STATE_PALETTES[states[0]] if states else DEFAULT


def _layer_order(shape: Shape) -> tuple[int, int]:
    """Pools, then lanes, then nodes with open sub-processes below their contents, then groups."""
    if shape.kind == "participant":
        return 0, 0
    if shape.kind == "lane":
        return 1, shape.depth
    if shape.kind == "group":
        return 3, 0
    is_open_container = shape.expanded and shape.kind in CONTAINERS
    return 2, shape.depth * 2 + (0 if is_open_container else 1)


def _group(
    layer: etree._Element, cls: str, element_id: str, kind: str, states: list[str], title: str
) -> etree._Element:
    g = add(
        layer,
        "g",
        {
            "class": " ".join([cls, f"bpmn-{kind}", *states]),
            "data-element-id": element_id,
            "data-element-type": kind,
        },
    )
    add(g, "title", text=title)
    return g


def _draw_shapes(layer: etree._Element, shapes: Iterable[Shape], overlays: Overlays, lang: str) -> None:
    for shape in shapes:
        states = overlays.states(shape.element_id)
        g = _group(
            layer,
            "bpmn-shape",
            shape.element_id,
            shape.kind,
            states,
            shape.name or type_name(shape.kind, lang),
        )
        if "current" in states:
            draw_halo(g, shape.bounds, STATE_PALETTES["current"].stroke)
        draw_shape(g, shape, _palette(states))


def _draw_edges(layer: etree._Element, edges: Iterable[Edge], overlays: Overlays, lang: str) -> None:
    for edge in edges:
        states = overlays.states(edge.element_id)
        title = edge.name or type_name(edge.kind, lang)
        g = _group(layer, "bpmn-edge", edge.element_id, edge.kind, states, title)
        draw_edge(g, edge, _palette(states))


def _labels(diagram: Diagram) -> list[Label]:
    found = [shape_label(s) for s in diagram.shapes] + [edge_label(e) for e in diagram.edges]
    return [label for label in found if label is not None]


def _badges(diagram: Diagram, overlays: Overlays, lang: str) -> list[Badge]:
    anchors = {s.element_id: (s.bounds.right, s.bounds.y) for s in diagram.shapes}
    anchors.update({e.element_id: edge_anchor(e) for e in diagram.edges})
    badges: list[Badge] = []
    for element_id, anchor in anchors.items():
        text = overlays.badge(element_id, lang)
        if text:
            states = overlays.states(element_id)
            badges.append(Badge(element_id, text, anchor, states[0] if states else None))
    return badges


def _view_box(diagram: Diagram, labels: list[Label], badges: list[Badge]) -> Bounds:
    boxes = [s.bounds for s in diagram.shapes] + [e.bounds() for e in diagram.edges]
    boxes += [label.box() for label in labels] + [badge.box() for badge in badges]
    if not boxes:
        return Bounds(0, 0, 360, 60)
    total = boxes[0]
    for box in boxes[1:]:
        total = total.union(box)
    x, y = math.floor(total.x - MARGIN), math.floor(total.y - MARGIN)
    return Bounds(x, y, math.ceil(total.right + MARGIN) - x, math.ceil(total.bottom + MARGIN) - y)


def _svg_root(view: Bounds, title: str, lang: str) -> etree._Element:
    svg = etree.fromstring(f'<svg xmlns="{SVG_NS}"/>')
    for key, value in (
        ("version", "1.1"),
        ("class", "sanxiang-bpmn"),
        ("role", "img"),
        ("aria-label", title),
        ("viewBox", f"{num(view.x)} {num(view.y)} {num(view.width)} {num(view.height)}"),
        ("width", num(view.width)),
        ("height", num(view.height)),
        ("font-family", FONT_FAMILY),
        (_XML_LANG, "en" if is_english(lang) else "zh-CN"),
    ):
        svg.set(key, value)
    add(svg, "title", text=title)
    return svg


def compose(diagram: Diagram, overlays: Overlays, lang: str = "zh") -> str:
    """Draw an already-read diagram: pools and nodes, flows, boundary events, labels, then badges."""
    labels = _labels(diagram)
    badges = _badges(diagram, overlays, lang)
    svg = _svg_root(_view_box(diagram, labels, badges), diagram.title, lang)
    body = [s for s in diagram.shapes if s.kind != "boundaryEvent"]
    _draw_shapes(add(svg, "g", {"class": "layer-shapes"}), sorted(body, key=_layer_order), overlays, lang)
    _draw_edges(add(svg, "g", {"class": "layer-edges"}), diagram.edges, overlays, lang)
    attached = [s for s in diagram.shapes if s.kind == "boundaryEvent"]
    _draw_shapes(add(svg, "g", {"class": "layer-attached"}), attached, overlays, lang)
    label_layer = add(svg, "g", {"class": "layer-labels"})
    for label in labels:
        draw_label(label_layer, label, DEFAULT)
    badge_layer = add(svg, "g", {"class": "layer-badges"})
    for badge in badges:
        draw_badge(badge_layer, badge)
    if not diagram.shapes and not diagram.edges:
        note = word("no_layout", lang)
        add(svg, "text", {"x": MARGIN, "y": 35, "font-size": 13, "fill": DEFAULT.text}, note)
    return etree.tostring(svg, encoding="unicode")
