"""The bpmn-js viewer (npm ``bpmn-js``, pinned in package.json) served from the project's own npm install,
like the work pages' form-js: nothing comes from a CDN. Only the viewer bundle and its stylesheets and
font are served; the bpmn.io watermark the licence asks for stays on every diagram."""

from __future__ import annotations

from pathlib import Path

from flask import abort, send_from_directory
from flask.typing import ResponseReturnValue

from engine.supervision.console import console

ROOT = Path(__file__).resolve().parents[3]
DIST = ROOT / "node_modules" / "bpmn-js" / "dist"
FILES = frozenset(
    {
        "bpmn-navigated-viewer.production.min.js",
        "assets/diagram-js.css",
        "assets/bpmn-js.css",
        "assets/bpmn-font/css/bpmn.css",
        "assets/bpmn-font/css/bpmn-embedded.css",
    }
)
FONT_SUFFIXES = (".woff", ".woff2", ".ttf", ".eot", ".svg")
ONE_DAY = 24 * 3600


def bpmn_js_installed() -> bool:
    return all((DIST / name).is_file() for name in FILES)


def _served(name: str) -> bool:
    return name in FILES or (name.startswith("assets/bpmn-font/font/") and name.endswith(FONT_SUFFIXES))


@console.get("/vendor/bpmn-js/<path:name>")
def vendor(name: str) -> ResponseReturnValue:
    if not _served(name) or not (DIST / name).is_file():
        abort(404)
    return send_from_directory(DIST, name, max_age=ONE_DAY)
