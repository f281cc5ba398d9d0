"""One drawing function per kind of shape: pools, lanes, activities, events, gateways, data, notes."""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from engine.diagram.drawing import ACTIVITIES, DATA_OBJECTS, EVENTS, GATEWAYS, Bounds, Shape
from engine.diagram.glyphs import EVENT_GLYPHS, gateway_marker
from engine.diagram.markers import TASK_ICONS, bottom_markers, draw_bottom_markers, draw_task_icon
from engine.diagram.svg import PAPER, Palette, add, centred_top, num, path_d, stroke, text_block
from engine.diagram.text_wrap import LINE_HEIGHT, wrap

FONT_SIZE = 12.0
BAND = 30.0  # the name band of pools and lanes
PADDING = 5.0
ICON_HEIGHT = 24.0  # task-type icons sit in the top-left 30×26

Drawer = Callable[[etree._Element, Shape, Palette], None]


def _rotated_name(g: etree._Element, shape: Shape, pal: Palette, band: Bounds) -> None:
    """A pool or lane name along its band: rotated for horizontal pools, level for vertical ones."""
    if shape.horizontal:
        lines = wrap(shape.name, band.height - 2 * PADDING, FONT_SIZE)
        cx, cy = band.cx, band.cy
        block = text_block(g, lines, cx, centred_top(cy, len(lines), FONT_SIZE), FONT_SIZE, pal)
        if block is not None:
            block.set("transform", f"rotate(-90 {num(cx)} {num(cy)})")
    else:
        lines = wrap(shape.name, band.width - 2 * PADDING, FONT_SIZE)
        text_block(g, lines, band.cx, centred_top(band.cy, len(lines), FONT_SIZE), FONT_SIZE, pal)


def _band(b: Bounds, horizontal: bool) -> Bounds:
    return Bounds(b.x, b.y, BAND, b.height) if horizontal else Bounds(b.x, b.y, b.width, BAND)


def draw_participant(g: etree._Element, shape: Shape, pal: Palette) -> None:
    b = shape.bounds
    add(g, "rect", {"x": b.x, "y": b.y, "width": b.width, "height": b.height, **stroke(pal, 1.5)})
    if not shape.expanded:  # a black-box pool: the name in the middle
        lines = wrap(shape.name, b.width - 2 * PADDING, FONT_SIZE)
        text_block(g, lines, b.cx, centred_top(b.cy, len(lines), FONT_SIZE), FONT_SIZE, pal)
        return
    band = _band(b, shape.horizontal)
    edge = path_d(
        [(band.right, b.y), (band.right, b.bottom)]
        if shape.horizontal
        else [(b.x, band.bottom), (b.right, band.bottom)]
    )
    add(g, "path", {"d": edge, **stroke(pal, 1.5, "none")})
    _rotated_name(g, shape, pal, band)


def draw_lane(g: etree._Element, shape: Shape, pal: Palette) -> None:
    b = shape.bounds
    add(
        g,
        "rect",
        {
            "x": b.x,
            "y": b.y,
            "width": b.width,
            "height": b.height,
            **stroke(pal, 1.5, "none" if pal.fill == PAPER else pal.fill, fill_opacity=0.5),
        },
    )
    _rotated_name(g, shape, pal, _band(b, shape.horizontal))


def _activity_outline(g: etree._Element, shape: Shape, pal: Palette) -> None:
    b = shape.bounds
    width = 5.0 if shape.kind == "callActivity" else (1.5 if shape.expanded else 2.0)
    dash = "2,3" if shape.event_subprocess else None
    add(
        g,
        "rect",
        {
            "x": b.x,
            "y": b.y,
            "width": b.width,
            "height": b.height,
            "rx": 10,
            "ry": 10,
            "stroke-dasharray": dash,
            **stroke(pal, width),
        },
    )
    if shape.kind == "transaction":
        inner = {"x": b.x + 3, "y": b.y + 3, "width": max(b.width - 6, 0), "height": max(b.height - 6, 0)}
        add(g, "rect", {**inner, "rx": 8, "ry": 8, **stroke(pal, 1.5, "none")})


def draw_activity(g: etree._Element, shape: Shape, pal: Palette) -> None:
    b = shape.bounds
    _activity_outline(g, shape, pal)
    draw_task_icon(g, shape, pal)
    if shape.expanded:
        lines = wrap(shape.name, b.width - 2 * PADDING - 10, FONT_SIZE, max_lines=3)
        text_block(g, lines, b.x + PADDING + 5, b.y + PADDING, FONT_SIZE, pal, anchor="start")
    else:
        _task_label(g, shape, pal)
    draw_bottom_markers(g, shape, pal)


def _task_label(g: etree._Element, shape: Shape, pal: Palette) -> None:
    """Centred and wrapped; nudged below the type icon when there is room, cut with … when too long."""
    b = shape.bounds
    floor = b.bottom - PADDING - (18 if bottom_markers(shape) else 0)
    step = FONT_SIZE * LINE_HEIGHT
    room = max(int((floor - b.y - PADDING) // step), 1)
    lines = wrap(shape.name, b.width - 2 * PADDING, FONT_SIZE, max_lines=room)
    top = centred_top(b.cy, len(lines), FONT_SIZE)
    if shape.kind in TASK_ICONS:
        top = max(min(max(top, b.y + ICON_HEIGHT), floor - len(lines) * step), b.y + PADDING)
    text_block(g, lines, b.cx, top, FONT_SIZE, pal)


def _event_style(shape: Shape) -> tuple[float, bool]:
    """Outline width and whether the event is drawn with a double ring."""
    if shape.kind == "startEvent":
        return 2.0, False
    if shape.kind == "endEvent":
        return 4.0, False
    return 1.5, True


def draw_event(g: etree._Element, shape: Shape, pal: Palette) -> None:
    b = shape.bounds
    r = min(b.width, b.height) / 2
    width, double = _event_style(shape)
    dash = None if shape.interrupting else "5.5,3"
    add(g, "circle", {"cx": b.cx, "cy": b.cy, "r": r, "stroke-dasharray": dash, **stroke(pal, width)})
    if double:
        inner = {"cx": b.cx, "cy": b.cy, "r": max(r - 3, 1), "stroke-dasharray": dash}
        add(g, "circle", {**inner, **stroke(pal, width, "none")})
    glyph = EVENT_GLYPHS.get(shape.event_definition or "")
    if glyph is not None:
        filled = shape.kind in ("endEvent", "intermediateThrowEvent", "implicitThrowEvent")
        glyph(g, b.cx, b.cy, r / 18, pal, filled)


def draw_gateway(g: etree._Element, shape: Shape, pal: Palette) -> None:
    b = shape.bounds
    diamond = [(b.cx, b.y), (b.right, b.cy), (b.cx, b.bottom), (b.x, b.cy)]
    add(g, "path", {"d": path_d(diamond, closed=True), **stroke(pal, 2, stroke_linejoin="round")})
    gateway_marker(g, shape.kind, b.cx, b.cy, min(b.width, b.height) / 50, pal, shape.marker_visible)


def draw_data_object(g: etree._Element, shape: Shape, pal: Palette) -> None:
    b = shape.bounds
    fold = min(b.width, b.height) * 0.3
    page = [(b.x, b.y), (b.right - fold, b.y), (b.right, b.y + fold), (b.right, b.bottom), (b.x, b.bottom)]
    add(g, "path", {"d": path_d(page, closed=True), **stroke(pal, 1.5, stroke_linejoin="round")})
    corner = [(b.right - fold, b.y), (b.right - fold, b.y + fold), (b.right, b.y + fold)]
    add(g, "path", {"d": path_d(corner), **stroke(pal, 1.5, "none", stroke_linejoin="round")})
    if shape.kind in ("dataInput", "dataOutput"):
        fill = pal.stroke if shape.kind == "dataOutput" else PAPER
        add(g, "path", {"d": path_d(_data_arrow(b.x, b.y), closed=True), **stroke(pal, 1, fill)})


def _data_arrow(x: float, y: float) -> list[tuple[float, float]]:
    """The arrow of a data input (white) or output (filled) at the top left of a data object."""
    return [
        (x + 4, y + 7),
        (x + 10, y + 7),
        (x + 10, y + 4),
        (x + 16, y + 9.5),
        (x + 10, y + 15),
        (x + 10, y + 12),
        (x + 4, y + 12),
    ]


def draw_data_store(g: etree._Element, shape: Shape, pal: Palette) -> None:
    b = shape.bounds
    ry = min(b.height * 0.12, 8.0)
    rx = b.width / 2
    body = (
        f"M {num(b.x)} {num(b.y + ry)} V {num(b.bottom - ry)} A {num(rx)} {num(ry)} 0 0 0 {num(b.right)} "
        f"{num(b.bottom - ry)} V {num(b.y + ry)}"
    )
    add(g, "path", {"d": body, **stroke(pal, 2)})
    add(g, "ellipse", {"cx": b.cx, "cy": b.y + ry, "rx": rx, "ry": ry, **stroke(pal, 2)})
    for dy in (6.0, 12.0):
        rim = (
            f"M {num(b.x)} {num(b.y + ry + dy)} A {num(rx)} {num(ry)} 0 0 0 "
            f"{num(b.right)} {num(b.y + ry + dy)}"
        )
        add(g, "path", {"d": rim, **stroke(pal, 2, "none")})


def draw_text_annotation(g: etree._Element, shape: Shape, pal: Palette) -> None:
    b = shape.bounds
    bracket = [(b.x + 10, b.y), (b.x, b.y), (b.x, b.bottom), (b.x + 10, b.bottom)]
    add(g, "path", {"d": path_d(bracket), **stroke(pal, 1, "none")})
    lines = wrap(shape.name, b.width - 2 * PADDING, FONT_SIZE)
    text_block(g, lines, b.x + PADDING, b.y + PADDING, FONT_SIZE, pal, anchor="start")


def draw_group(g: etree._Element, shape: Shape, pal: Palette) -> None:
    b = shape.bounds
    add(
        g,
        "rect",
        {
            "x": b.x,
            "y": b.y,
            "width": b.width,
            "height": b.height,
            "rx": 10,
            "ry": 10,
            "stroke-dasharray": "10,5,2,5",
            **stroke(pal, 1.5, "none"),
        },
    )


def draw_unknown(g: etree._Element, shape: Shape, pal: Palette) -> None:
    b = shape.bounds
    add(
        g,
        "rect",
        {
            "x": b.x,
            "y": b.y,
            "width": b.width,
            "height": b.height,
            "stroke-dasharray": "4,3",
            **stroke(pal, 1),
        },
    )
    lines = wrap(shape.name, b.width - 2 * PADDING, FONT_SIZE, max_lines=3)
    text_block(g, lines, b.cx, centred_top(b.cy, len(lines), FONT_SIZE), FONT_SIZE, pal)


_BY_KIND: dict[str, Drawer] = {
    "participant": draw_participant,
    "lane": draw_lane,
    "dataStoreReference": draw_data_store,
    "textAnnotation": draw_text_annotation,
    "group": draw_group,
}
_BY_FAMILY: tuple[tuple[frozenset[str], Drawer], ...] = (
    (ACTIVITIES, draw_activity),
    (EVENTS, draw_event),
    (GATEWAYS, draw_gateway),
    (DATA_OBJECTS, draw_data_object),
)


def draw_shape(g: etree._Element, shape: Shape, pal: Palette) -> None:
    drawer = _BY_KIND.get(shape.kind)
    if drawer is None:
        drawer = next((d for family, d in _BY_FAMILY if shape.kind in family), draw_unknown)
    drawer(g, shape, pal)
