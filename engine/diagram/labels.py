"""External labels (events, gateways, data, flows, groups): at their BPMNLabel bounds, else nearby."""

from __future__ import annotations

import math
from dataclasses import dataclass

from lxml import etree

from engine.diagram.drawing import EXTERNAL_LABELS, Bounds, Edge, Shape
from engine.diagram.svg import Palette, Point, add, text_block
from engine.diagram.text_wrap import LINE_HEIGHT, text_width, wrap

FONT_SIZE = 11.0
WIDTH = 90.0  # bpmn-js wraps external labels at 90 px around the label centre
GAP = 5.0


@dataclass(frozen=True, slots=True)
class Label:
    element_id: str
    lines: tuple[str, ...]
    cx: float
    top: float

    def box(self) -> Bounds:
        width = max((text_width(line, FONT_SIZE) for line in self.lines), default=0.0)
        height = len(self.lines) * FONT_SIZE * LINE_HEIGHT
        return Bounds(self.cx - width / 2, self.top, width, height)


def _lines(name: str, hint: Bounds | None) -> tuple[str, ...]:
    width = max(WIDTH, hint.width) if hint is not None else WIDTH
    return tuple(wrap(name, width, FONT_SIZE))


def _in_bounds(element_id: str, lines: tuple[str, ...], hint: Bounds) -> Label:
    height = len(lines) * FONT_SIZE * LINE_HEIGHT
    top = hint.cy - height / 2 if height <= hint.height else hint.y
    return Label(element_id, lines, hint.cx, top)


def shape_label(shape: Shape) -> Label | None:
    is_group = shape.kind == "group"
    if not shape.name or (shape.kind not in EXTERNAL_LABELS and not is_group):
        return None
    lines = _lines(shape.name, shape.label)
    if shape.label is not None:
        return _in_bounds(shape.element_id, lines, shape.label)
    b = shape.bounds
    return Label(shape.element_id, lines, b.cx, b.y + GAP if is_group else b.bottom + GAP)


def _midpoint(pts: tuple[Point, ...]) -> Point:
    lengths = [math.dist(a, b) for a, b in zip(pts, pts[1:], strict=False)]
    remaining = sum(lengths) / 2
    for (a, b), length in zip(zip(pts, pts[1:], strict=False), lengths, strict=True):
        if length >= remaining and length > 0:
            t = remaining / length
            return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)
        remaining -= length
    return pts[0]


def edge_label(edge: Edge) -> Label | None:
    if not edge.name or edge.kind not in EXTERNAL_LABELS:
        return None
    lines = _lines(edge.name, edge.label)
    if edge.label is not None:
        return _in_bounds(edge.element_id, lines, edge.label)
    x, y = _midpoint(edge.points)
    height = len(lines) * FONT_SIZE * LINE_HEIGHT
    return Label(edge.element_id, lines, x, y - height - 3)


def edge_anchor(edge: Edge) -> Point:
    return _midpoint(edge.points)


def draw_label(layer: etree._Element, label: Label, pal: Palette) -> None:
    g = add(layer, "g", {"class": "bpmn-label", "data-element-id": label.element_id})
    text_block(g, list(label.lines), label.cx, label.top, FONT_SIZE, pal)
