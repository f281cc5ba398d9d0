"""The diagram with the path taken, as vector graphics inside the PDF.

``engine.diagram.render_svg`` draws the picture; svglib turns the SVG into a ReportLab drawing
(no raster step, no system library), and every text is set in the PDF's CJK font so the Chinese
labels show without a font file.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable

from reportlab.graphics.shapes import Drawing, String
from svglib.svglib import svg2rlg

from engine.diagram import Overlays, render_svg
from engine.diagram.reading import load_definitions

_BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_FONT_FAMILY = re.compile(r'font-family="[^"]*"')


def flows_taken(bpmn_xml: bytes, path: set[str]) -> set[str]:
    """Sequence flows whose source and target are both on the path."""
    root = load_definitions(bpmn_xml)  # the diagram reader's hardened parse
    return {
        flow.get("id", "")
        for flow in root.iter(f"{{{_BPMN}}}sequenceFlow")
        if flow.get("sourceRef") in path and flow.get("targetRef") in path
    }


def _set_font(node: object, font: str) -> None:
    for child in getattr(node, "contents", ()):
        if isinstance(child, String):
            child.fontName = font
            child.text = child.text.replace("\u00b7", " ")  # no middle dot in the CID font
        else:
            _set_font(child, font)


def path_drawing(
    bpmn_xml: bytes,
    process_key: str,
    path: set[str],
    waiting: Iterable[str],
    *,
    font: str,
    width: float,
    height: float,
) -> Drawing | None:
    """The diagram scaled to fit ``width`` × ``height`` points; None if it cannot be drawn."""
    overlays = Overlays(completed=frozenset(path | flows_taken(bpmn_xml, path)), current=frozenset(waiting))
    svg = render_svg(bpmn_xml, process_id=process_key, overlays=overlays, lang="zh")
    svg = _FONT_FAMILY.sub('font-family="Helvetica"', svg, count=1)  # the real font is set below
    drawing = svg2rlg(io.BytesIO(svg.encode("utf-8")))
    if drawing is None or not drawing.width or not drawing.height:
        return None
    _set_font(drawing, font)
    scale = min(width / drawing.width, height / drawing.height, 1.0)
    drawing.scale(scale, scale)
    drawing.width, drawing.height = drawing.width * scale, drawing.height * scale
    return drawing
