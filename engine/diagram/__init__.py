"""Server-side pictures of BPMN diagrams: ``render_svg(bpmn_xml, overlays=…)`` → standalone SVG.

reading.py    hardened parse, choose the diagram, read DI into model.py's shapes and edges
semantics.py  what the picture shows beyond geometry (event kinds, loops, default flows)
render.py     render_svg: layers, overlays, viewBox
shapes.py · edges.py · labels.py · glyphs.py · markers.py · overlays.py   drawing
text.py       CJK-aware measuring and wrapping; svg.py  the lxml SVG builder and palettes
"""

from engine.diagram.overlays import Overlays
from engine.diagram.render import render_svg

__all__ = ["Overlays", "render_svg"]
