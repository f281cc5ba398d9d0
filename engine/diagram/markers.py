"""Activity markers: the task-type icon at the top left and the row of markers at the bottom centre.

Icons are drawn in local coordinates inside a ``<g transform="translate(…)">``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from lxml import etree

from engine.diagram.drawing import CONTAINERS, Shape
from engine.diagram.svg import PAPER, Palette, add, num, points

Icon = Callable[[etree._Element, Palette], None]

_BOX = 14.0  # bottom marker box
_GAP = 4.0


def _line(g: etree._Element, d: str, pal: Palette, width: float = 1.0) -> None:
    add(
        g,
        "path",
        {
            "d": d,
            "fill": "none",
            "stroke": pal.stroke,
            "stroke-width": width,
            "stroke-linecap": "round",
            "stroke-linejoin": "round",
        },
    )


def _outline(g: etree._Element, tag: str, pal: Palette, fill: str = PAPER, **attrs: float | str) -> None:
    add(g, tag, {**attrs, "fill": fill, "stroke": pal.stroke, "stroke-width": 1, "stroke-linejoin": "round"})


def user(g: etree._Element, pal: Palette) -> None:
    _outline(g, "path", pal, d="M 6 25 C 6 16.5 24 16.5 24 25 Z")
    _outline(g, "circle", pal, cx=15, cy=11.5, r=4.5)


def _gear_points(cx: float, cy: float, outer: float, inner: float, teeth: int) -> list[tuple[float, float]]:
    pts: list[tuple[float, float]] = []
    step = 2 * math.pi / teeth
    for k in range(teeth):
        for offset, radius in ((-0.42, inner), (-0.2, outer), (0.2, outer), (0.42, inner)):
            a = (k + offset) * step
            pts.append((cx + math.cos(a) * radius, cy + math.sin(a) * radius))
    return pts


def service(g: etree._Element, pal: Palette) -> None:
    _outline(g, "polygon", pal, points=points(_gear_points(15, 15, 9, 6.6, 8)))
    _outline(g, "circle", pal, cx=15, cy=15, r=3)


def script(g: etree._Element, pal: Palette) -> None:
    _outline(g, "path", pal, d="M 10 7 H 22 C 18 11 26 17 22 23 H 10 C 14 19 6 11 10 7 Z")
    _line(g, "M 12 11 H 19 M 13 15 H 20 M 13 19 H 20", pal)


def _envelope(g: etree._Element, pal: Palette, filled: bool) -> None:
    _outline(g, "rect", pal, fill=pal.stroke if filled else PAPER, x=7, y=9, width=17, height=12)
    add(
        g,
        "path",
        {
            "d": "M 7 9 L 15.5 15 L 24 9",
            "fill": "none",
            "stroke": PAPER if filled else pal.stroke,
            "stroke-width": 1,
        },
    )


def send(g: etree._Element, pal: Palette) -> None:
    _envelope(g, pal, True)


def receive(g: etree._Element, pal: Palette) -> None:
    _envelope(g, pal, False)


def manual(g: etree._Element, pal: Palette) -> None:
    _outline(g, "rect", pal, x=7, y=13, width=9, height=11, rx=2)
    _line(g, "M 16 14 H 25 M 16 17.5 H 26 M 16 21 H 24 M 9 13 L 13 8", pal)


def business_rule(g: etree._Element, pal: Palette) -> None:
    _outline(g, "rect", pal, x=7, y=9, width=18, height=13)
    _outline(g, "rect", pal, fill=pal.stroke, x=7, y=9, width=18, height=4)
    _line(g, "M 7 17.5 H 25 M 12 13 V 22", pal)


TASK_ICONS: dict[str, Icon] = {
    "userTask": user,
    "serviceTask": service,
    "scriptTask": script,
    "sendTask": send,
    "receiveTask": receive,
    "manualTask": manual,
    "businessRuleTask": business_rule,
}


def draw_task_icon(g: etree._Element, shape: Shape, pal: Palette) -> None:
    icon = TASK_ICONS.get(shape.kind)
    if icon is not None:
        icon(add(g, "g", {"transform": f"translate({num(shape.bounds.x)} {num(shape.bounds.y)})"}), pal)


def _bottom_marker(g: etree._Element, kind: str, pal: Palette) -> None:
    if kind == "collapsed":
        _outline(g, "rect", pal, x=0, y=0, width=_BOX, height=_BOX)
        _line(g, "M 3 7 H 11 M 7 3 V 11", pal, 1.5)
    elif kind == "parallel":
        _line(g, "M 3 2 V 12 M 7 2 V 12 M 11 2 V 12", pal, 2)
    elif kind == "sequential":
        _line(g, "M 1 3 H 13 M 1 7 H 13 M 1 11 H 13", pal, 2)
    elif kind == "loop":
        _line(g, "M 4 12 A 5.5 5.5 0 1 1 10 12", pal, 1.5)
        _line(g, "M 1 9 L 4 12 L 0 14", pal, 1.5)
    elif kind == "adhoc":
        _line(g, "M 0 8 Q 3.5 3 7 7 T 14 6", pal, 1.5)
    elif kind == "compensation":
        _outline(g, "polygon", pal, points="0,7 7,2 7,12")
        _outline(g, "polygon", pal, points="7,7 14,2 14,12")


def bottom_markers(shape: Shape) -> list[str]:
    kinds: list[str] = []
    if shape.loop:
        kinds.append(shape.loop)
    if shape.compensation:
        kinds.append("compensation")
    if shape.kind in CONTAINERS and not shape.expanded:
        kinds.append("collapsed")
    if shape.kind == "adHocSubProcess":
        kinds.append("adhoc")
    return kinds


def draw_bottom_markers(g: etree._Element, shape: Shape, pal: Palette) -> None:
    kinds = bottom_markers(shape)
    total = len(kinds) * _BOX + max(len(kinds) - 1, 0) * _GAP
    x = shape.bounds.cx - total / 2
    y = shape.bounds.bottom - _BOX - 4
    for kind in kinds:
        _bottom_marker(add(g, "g", {"transform": f"translate({num(x)} {num(y)})"}), kind, pal)
        x += _BOX + _GAP
