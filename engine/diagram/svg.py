"""A tiny SVG builder on lxml (so every attribute and text node is escaped) and the colour palettes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from lxml import etree

from engine.diagram.text_wrap import LINE_HEIGHT, xml_safe

SVG_NS = "http://www.w3.org/2000/svg"
FONT_FAMILY = "'Noto Sans CJK SC','Microsoft YaHei','PingFang SC',sans-serif"
INK = "#22242a"
PAPER = "#ffffff"

Point = tuple[float, float]
Attrs = Mapping[str, str | float | int | None]


@dataclass(frozen=True, slots=True)
class Palette:
    stroke: str = INK
    fill: str = PAPER
    text: str = INK
    weight: float = 1.0  # multiplies stroke widths (flows on the path taken are thicker)


DEFAULT = Palette()
STATE_PALETTES: dict[str, Palette] = {
    "failed": Palette(stroke="#c62828", fill="#ffebee", text="#b71c1c", weight=1.5),
    "current": Palette(stroke="#1565c0", fill="#e3f2fd", text="#0d47a1", weight=1.5),
    "completed": Palette(stroke="#2e7d32", fill="#e8f5e9", text="#1b5e20", weight=1.8),
}
STATE_ORDER = ("failed", "current", "completed")  # the first that applies picks the colours


def num(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def add(
    parent: etree._Element, tag: str, attrs: Attrs | None = None, text: str | None = None
) -> etree._Element:
    element = etree.SubElement(parent, f"{{{SVG_NS}}}{tag}")
    for key, value in (attrs or {}).items():
        if value is not None:
            element.set(key, value if isinstance(value, str) else num(value))
    if text is not None:
        element.text = xml_safe(text)
    return element


def points(pts: Iterable[Point]) -> str:
    return " ".join(f"{num(x)},{num(y)}" for x, y in pts)


def path_d(pts: Iterable[Point], closed: bool = False) -> str:
    coords = [f"{num(x)} {num(y)}" for x, y in pts]
    return "M " + " L ".join(coords) + (" Z" if closed else "")


def stroke(
    pal: Palette, width: float, fill: str | None = None, **extra: str | float
) -> dict[str, str | float]:
    attrs: dict[str, str | float] = {
        "fill": fill if fill is not None else pal.fill,
        "stroke": pal.stroke,
        "stroke-width": width * pal.weight,
    }
    attrs.update({key.replace("_", "-"): value for key, value in extra.items()})
    return attrs


def text_block(
    parent: etree._Element,
    lines: list[str],
    x: float,
    top: float,
    size: float,
    pal: Palette,
    anchor: str = "middle",
) -> etree._Element | None:
    """One ``<text>`` with a ``<tspan>`` per line, the first line's box starting at ``top``."""
    if not lines:
        return None
    block = add(parent, "text", {"font-size": size, "text-anchor": anchor, "fill": pal.text})
    step = size * LINE_HEIGHT
    for i, line in enumerate(lines):
        add(block, "tspan", {"x": x, "y": top + i * step + size * 0.98}, line)
    return block


def centred_top(cy: float, lines: int, size: float) -> float:
    return cy - lines * size * LINE_HEIGHT / 2
