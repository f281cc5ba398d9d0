"""Small path glyphs inside events and gateways, drawn around a centre at scale ``s`` (1 = bpmn-js size)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from lxml import etree

from engine.diagram.svg import PAPER, Palette, Point, add, num, path_d, points, stroke

Glyph = Callable[[etree._Element, float, float, float, Palette, bool], None]


def _poly(g: etree._Element, pts: Sequence[Point], pal: Palette, filled: bool) -> None:
    add(
        g,
        "polygon",
        {"points": points(pts), **stroke(pal, 1, pal.stroke if filled else PAPER, stroke_linejoin="round")},
    )


def _cross(cx: float, cy: float, d: float) -> str:
    return (
        f"M {num(cx - d)} {num(cy - d)} L {num(cx + d)} {num(cy + d)} "
        f"M {num(cx + d)} {num(cy - d)} L {num(cx - d)} {num(cy + d)}"
    )


def _rel(cx: float, cy: float, s: float, coords: Sequence[Point]) -> list[Point]:
    return [(cx + x * s, cy + y * s) for x, y in coords]


def message(g: etree._Element, cx: float, cy: float, s: float, pal: Palette, filled: bool) -> None:
    x, y, w, h = cx - 10 * s, cy - 7 * s, 20 * s, 14 * s
    add(
        g,
        "rect",
        {"x": x, "y": y, "width": w, "height": h, **stroke(pal, 1, pal.stroke if filled else PAPER)},
    )
    flap = PAPER if filled else pal.stroke
    add(
        g,
        "path",
        {
            "d": path_d([(x, y), (cx, cy + 1 * s), (x + w, y)]),
            "fill": "none",
            "stroke": flap,
            "stroke-width": 1,
        },
    )


def timer(g: etree._Element, cx: float, cy: float, s: float, pal: Palette, filled: bool) -> None:
    r = 11 * s
    add(g, "circle", {"cx": cx, "cy": cy, "r": r, **stroke(pal, 1.5, PAPER)})
    ticks = []
    for k in range(12):
        a = math.pi * k / 6
        ticks.append(
            f"M {cx + math.cos(a) * r * 0.78:.2f} {cy + math.sin(a) * r * 0.78:.2f} "
            f"L {cx + math.cos(a) * r * 0.95:.2f} {cy + math.sin(a) * r * 0.95:.2f}"
        )
    add(g, "path", {"d": " ".join(ticks), "stroke": pal.stroke, "stroke-width": 1, "fill": "none"})
    hands = path_d([(cx + 1 * s, cy - 7 * s), (cx, cy), (cx + 5 * s, cy + 2 * s)])
    add(
        g,
        "path",
        {"d": hands, "stroke": pal.stroke, "stroke-width": 1.5, "fill": "none", "stroke-linecap": "round"},
    )


def error(g: etree._Element, cx: float, cy: float, s: float, pal: Palette, filled: bool) -> None:
    _poly(g, _rel(cx, cy, s, [(-7, 8), (-3, -7), (2, 1), (7, -8), (3, 7), (-2, -1)]), pal, filled)


def signal(g: etree._Element, cx: float, cy: float, s: float, pal: Palette, filled: bool) -> None:
    _poly(g, _rel(cx, cy, s, [(0, -9), (8, 5), (-8, 5)]), pal, filled)


def escalation(g: etree._Element, cx: float, cy: float, s: float, pal: Palette, filled: bool) -> None:
    _poly(g, _rel(cx, cy, s, [(0, -9), (6, 7), (0, 1), (-6, 7)]), pal, filled)


def conditional(g: etree._Element, cx: float, cy: float, s: float, pal: Palette, filled: bool) -> None:
    add(
        g,
        "rect",
        {"x": cx - 6 * s, "y": cy - 8 * s, "width": 12 * s, "height": 16 * s, **stroke(pal, 1, PAPER)},
    )
    rows = (-5, -1.7, 1.7, 5)
    lines = " ".join(f"M {num(cx - 4 * s)} {num(cy + dy * s)} H {num(cx + 4 * s)}" for dy in rows)
    add(g, "path", {"d": lines, "stroke": pal.stroke, "stroke-width": 1, "fill": "none"})


def link(g: etree._Element, cx: float, cy: float, s: float, pal: Palette, filled: bool) -> None:
    _poly(g, _rel(cx, cy, s, [(-8, -3), (1, -3), (1, -7), (8, 0), (1, 7), (1, 3), (-8, 3)]), pal, filled)


def compensate(g: etree._Element, cx: float, cy: float, s: float, pal: Palette, filled: bool) -> None:
    _poly(g, _rel(cx, cy, s, [(-9, 0), (-1, -6), (-1, 6)]), pal, filled)
    _poly(g, _rel(cx, cy, s, [(-1, 0), (7, -6), (7, 6)]), pal, filled)


def cancel(g: etree._Element, cx: float, cy: float, s: float, pal: Palette, filled: bool) -> None:
    add(g, "path", {"d": _cross(cx, cy, 6 * s), "stroke": pal.stroke, "stroke-width": 3 * s, "fill": "none"})


def terminate(g: etree._Element, cx: float, cy: float, s: float, pal: Palette, filled: bool) -> None:
    add(g, "circle", {"cx": cx, "cy": cy, "r": 11 * s, "fill": pal.stroke, "stroke": pal.stroke})


def multiple(g: etree._Element, cx: float, cy: float, s: float, pal: Palette, filled: bool) -> None:
    angles = [math.radians(-90 + 72 * k) for k in range(5)]
    _poly(g, [(cx + math.cos(a) * 9 * s, cy + math.sin(a) * 9 * s) for a in angles], pal, filled)


def parallel_multiple(g: etree._Element, cx: float, cy: float, s: float, pal: Palette, filled: bool) -> None:
    arm: list[Point] = [
        (-2, -8),
        (2, -8),
        (2, -2),
        (8, -2),
        (8, 2),
        (2, 2),
        (2, 8),
        (-2, 8),
        (-2, 2),
        (-8, 2),
        (-8, -2),
        (-2, -2),
    ]
    _poly(g, _rel(cx, cy, s, arm), pal, filled)


EVENT_GLYPHS: dict[str, Glyph] = {
    "message": message,
    "timer": timer,
    "error": error,
    "signal": signal,
    "escalation": escalation,
    "conditional": conditional,
    "link": link,
    "compensate": compensate,
    "cancel": cancel,
    "terminate": terminate,
    "multiple": multiple,
    "parallelMultiple": parallel_multiple,
}


def gateway_marker(
    g: etree._Element, kind: str, cx: float, cy: float, s: float, pal: Palette, show_x: bool
) -> None:
    """X (exclusive, when the DI asks for it), + (parallel), O (inclusive), * (complex), event-based."""
    bar: dict[str, str | float] = {"stroke": pal.stroke, "stroke-width": 4 * s, "fill": "none"}
    d, p = 8.5 * s, 12 * s
    plus = f"M {num(cx)} {num(cy - p)} V {num(cy + p)} M {num(cx - p)} {num(cy)} H {num(cx + p)}"
    if kind == "exclusiveGateway" and show_x:
        add(g, "path", {"d": _cross(cx, cy, d), **bar})
    elif kind == "parallelGateway":
        add(g, "path", {"d": plus, **bar})
    elif kind == "complexGateway":
        add(g, "path", {"d": plus + " " + _cross(cx, cy, d), **bar})
    elif kind == "inclusiveGateway":
        add(g, "circle", {"cx": cx, "cy": cy, "r": 11 * s, **bar, "stroke-width": 2.5 * s})
    elif kind == "eventBasedGateway":
        add(g, "circle", {"cx": cx, "cy": cy, "r": 13 * s, **stroke(pal, 1, "none")})
        add(g, "circle", {"cx": cx, "cy": cy, "r": 10.5 * s, **stroke(pal, 1, "none")})
        multiple(g, cx, cy, s * 0.78, pal, False)
