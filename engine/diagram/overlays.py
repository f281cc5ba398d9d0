"""Case state drawn over a diagram: the path taken, where the case waits, what failed, short badges."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from lxml import etree

from engine.diagram.captions import word
from engine.diagram.drawing import Bounds
from engine.diagram.svg import STATE_ORDER, Point, add
from engine.diagram.text_wrap import ellipsize, text_width

BADGE_FONT = 10.0
BADGE_HEIGHT = 16.0
BADGE_MAX_WIDTH = 160.0
_BADGE_COLOURS = {"failed": "#c62828", "current": "#1565c0", "completed": "#2e7d32", None: "#37474f"}


@dataclass(frozen=True)
class Overlays:
    completed: frozenset[str] = frozenset()  # element ids on the path taken
    current: frozenset[str] = frozenset()  # where the case waits now
    failed: frozenset[str] = frozenset()
    badges: Mapping[str, str] = field(default_factory=dict)  # element id -> short text

    def __post_init__(self) -> None:  # accept any iterables/mappings, keep them immutable
        for name in STATE_ORDER:
            object.__setattr__(self, name, frozenset(getattr(self, name)))
        object.__setattr__(self, "badges", MappingProxyType(dict(self.badges)))

    def states(self, element_id: str) -> list[str]:
        """The overlay classes of an element, strongest first (failed, current, completed)."""
        return [name for name in STATE_ORDER if element_id in getattr(self, name)]

    def badge(self, element_id: str, lang: str) -> str | None:
        """The caller's badge text; else a word for current and failed, so colour is never the only sign."""
        text = self.badges.get(element_id)
        if text:
            return text
        for state in ("failed", "current"):
            if element_id in getattr(self, state):
                return word(state, lang)
        return None


@dataclass(frozen=True, slots=True)
class Badge:
    element_id: str
    text: str
    anchor: Point  # the badge's top-right corner sits around here
    state: str | None

    def box(self) -> Bounds:
        width = min(text_width(self.text, BADGE_FONT), BADGE_MAX_WIDTH) + 12
        return Bounds(self.anchor[0] - width + 10, self.anchor[1] - 10, width, BADGE_HEIGHT)


def _badge_pill(g: etree._Element, box: Bounds, fill: str) -> None:
    add(
        g,
        "rect",
        {
            "x": box.x,
            "y": box.y,
            "width": box.width,
            "height": box.height,
            "rx": BADGE_HEIGHT / 2,
            "ry": BADGE_HEIGHT / 2,
            "fill": fill,
            "stroke": "#ffffff",
            "stroke-width": 1,
        },
    )


def draw_badge(layer: etree._Element, badge: Badge) -> None:
    box = badge.box()
    classes = " ".join(["bpmn-badge", *([badge.state] if badge.state else [])])
    g = add(layer, "g", {"class": classes, "data-element-id": badge.element_id})
    _badge_pill(g, box, _BADGE_COLOURS.get(badge.state, "#37474f"))
    text = badge.text
    if text_width(text, BADGE_FONT) > BADGE_MAX_WIDTH:
        text = ellipsize(text, BADGE_MAX_WIDTH, BADGE_FONT)
    add(
        g,
        "text",
        {
            "x": box.cx,
            "y": box.y + BADGE_HEIGHT / 2 + BADGE_FONT * 0.36,
            "font-size": BADGE_FONT,
            "text-anchor": "middle",
            "fill": "#ffffff",
        },
        text,
    )


def draw_halo(g: etree._Element, bounds: Bounds, colour: str) -> None:
    """A soft outline around a shape where the case waits."""
    outline: dict[str, str | float] = {
        "fill": "none",
        "stroke": colour,
        "stroke-width": 4,
        "stroke-opacity": 0.35,
    }
    add(g, "rect", {**_halo_box(bounds, pad=6.0), **outline})


def _halo_box(bounds: Bounds, pad: float) -> dict[str, float]:
    width, height = bounds.width + 2 * pad, bounds.height + 2 * pad
    radius = min(14.0, width / 2, height / 2)
    return {
        "x": bounds.x - pad,
        "y": bounds.y - pad,
        "width": width,
        "height": height,
        "rx": radius,
        "ry": radius,
    }
