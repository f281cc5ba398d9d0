"""Connections: sequence flows (arrow, default slash, conditional diamond), message flows, associations.

Arrow heads are drawn as plain polygons rather than ``<marker>``s, so several diagrams can sit in one
HTML page without id clashes and every SVG consumer (browsers, rsvg, PDF tools) draws them alike.
"""

from __future__ import annotations

import math

from lxml import etree

from engine.diagram.drawing import Edge
from engine.diagram.svg import PAPER, Palette, Point, add, path_d, points, stroke

ARROW_LENGTH = 11.0
ARROW_HALF_WIDTH = 4.0


def _unit(a: Point, b: Point) -> Point | None:
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = math.hypot(dx, dy)
    return (dx / length, dy / length) if length > 1e-6 else None


def _direction_into(pts: tuple[Point, ...]) -> Point | None:
    """Direction of the last segment with any length, pointing at the last point."""
    end = pts[-1]
    for before in reversed(pts[:-1]):
        direction = _unit(before, end)
        if direction is not None:
            return direction
    return None


def _head(tip: Point, d: Point, length: float, half: float) -> list[Point]:
    base = (tip[0] - d[0] * length, tip[1] - d[1] * length)
    normal = (-d[1], d[0])
    return [
        tip,
        (base[0] + normal[0] * half, base[1] + normal[1] * half),
        (base[0] - normal[0] * half, base[1] - normal[1] * half),
    ]


def _arrow(g: etree._Element, pts: tuple[Point, ...], pal: Palette, fill: str | None, scale: float) -> None:
    """A closed head filled with ``fill``, or an open line head when ``fill`` is None."""
    direction = _direction_into(pts)
    if direction is None:
        return
    head = _head(pts[-1], direction, ARROW_LENGTH * scale, ARROW_HALF_WIDTH * scale)
    if fill is None:
        add(
            g,
            "path",
            {"d": path_d([head[1], head[0], head[2]]), **stroke(pal, 1.5, "none", stroke_linejoin="round")},
        )
    else:
        add(g, "polygon", {"points": points(head), **stroke(pal, 1, fill, stroke_linejoin="round")})


def _shortened(pts: tuple[Point, ...], by: float) -> tuple[Point, ...]:
    """The polyline with its end pulled back by ``by`` so a thick line does not poke through the head."""
    direction = _direction_into(pts)
    if direction is None:
        return pts
    end = pts[-1]
    return (*pts[:-1], (end[0] - direction[0] * by, end[1] - direction[1] * by))


def _diamond(
    sx: float, sy: float, d: tuple[float, float], n: tuple[float, float]
) -> list[tuple[float, float]]:
    """The conditional flow's diamond at its source, along the direction ``d`` (normal ``n``)."""
    return [
        (sx, sy),
        (sx + d[0] * 8 + n[0] * 5, sy + d[1] * 8 + n[1] * 5),
        (sx + d[0] * 16, sy + d[1] * 16),
        (sx + d[0] * 8 - n[0] * 5, sy + d[1] * 8 - n[1] * 5),
    ]


def _source_marks(g: etree._Element, edge: Edge, pal: Palette) -> None:
    d = _unit(edge.points[0], edge.points[1])
    if d is None:
        return
    sx, sy = edge.points[0]
    n = (-d[1], d[0])
    if edge.is_conditional:
        add(g, "polygon", {"points": points(_diamond(sx, sy, d, n)), **stroke(pal, 1, PAPER)})
    if edge.is_default:
        at = 20.0 if edge.is_conditional else 10.0
        cx, cy = sx + d[0] * at, sy + d[1] * at
        slash = [
            (cx - d[0] * 4 + n[0] * 6, cy - d[1] * 4 + n[1] * 6),
            (cx + d[0] * 4 - n[0] * 6, cy + d[1] * 4 - n[1] * 6),
        ]
        add(g, "path", {"d": path_d(slash), **stroke(pal, 1.5, "none")})


def _line(g: etree._Element, pts: tuple[Point, ...], pal: Palette, width: float, dash: str | None) -> None:
    add(
        g,
        "polyline",
        {
            "points": points(pts),
            "stroke-dasharray": dash,
            "stroke-linecap": "round" if dash else None,
            **stroke(pal, width, "none", stroke_linejoin="round"),
        },
    )


def draw_edge(g: etree._Element, edge: Edge, pal: Palette) -> None:
    pts = edge.points
    scale = min(pal.weight, 1.4)
    if edge.kind == "sequenceFlow":
        _line(g, _shortened(pts, ARROW_LENGTH * scale * 0.6), pal, 1.5, None)
        _arrow(g, pts, pal, pal.stroke, scale)
        _source_marks(g, edge, pal)
    elif edge.kind == "messageFlow":
        _line(g, _shortened(pts, ARROW_LENGTH * scale), pal, 1.5, "10,6")
        add(g, "circle", {"cx": pts[0][0], "cy": pts[0][1], "r": 4, **stroke(pal, 1, PAPER)})
        _arrow(g, pts, pal, PAPER, scale)
    else:
        _line(g, pts, pal, 1.5, "0.5,5")
        if edge.arrow_end:
            _arrow(g, pts, pal, None, scale)
        if edge.arrow_start:
            _arrow(g, tuple(reversed(pts)), pal, None, scale)
