"""The form-js viewer (npm ``@bpmn-io/form-js``, pinned in package.json) served from the project's own
npm install: ``scripts/setup`` runs ``npm ci``; nothing is loaded from a CDN. Only the files the pages
need are served."""

from __future__ import annotations

from pathlib import Path

from flask import abort, send_from_directory
from flask.typing import ResponseReturnValue

from engine.tasks.pages import pages

ROOT = Path(__file__).resolve().parents[3]
FORM_JS = ROOT / "node_modules" / "@bpmn-io" / "form-js" / "dist"
FILES = {
    "form-viewer.umd.js": FORM_JS,
    "form-js.css": FORM_JS / "assets",
    "light.css": FORM_JS / "assets" / "flatpickr",
}
ONE_DAY = 24 * 3600


def form_js_installed() -> bool:
    return all((folder / name).is_file() for name, folder in FILES.items())


@pages.get("/static/vendor/form-js/<name>")
def vendor(name: str) -> ResponseReturnValue:
    folder = FILES.get(name)
    if folder is None or not (folder / name).is_file():
        abort(404)
    return send_from_directory(folder, name, max_age=ONE_DAY)
