"""THE JSON seam: the one place where the engine says "this value came from or goes to JSON".

Payloads of the record, form data, webhook bodies, API bodies and problem details are JSON: their
shape is checked by the rules that read them (form schemas, JSON Schema, the record's canonical
form), not by the type checker. Everything else in the engine is typed, except the SpiffWorkflow seam
(``engine.runner`` and the parsed processes it hands out). scripts/measure_layout.py counts the
aliases' uses as well as the literal tokens, so that the figure stays honest.
"""

from __future__ import annotations

from typing import Any

JsonObject = dict[str, Any]
"""A JSON object: the decoded body of a request, a record payload, a form's data."""

JsonValue = Any
"""A JSON value of whatever kind: object, array, string, number, boolean or null."""
