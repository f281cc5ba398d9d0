"""THE JSON seam: the one place where the engine says "this value came from or goes to JSON".

Payloads of the record, form data, webhook bodies, API bodies and problem details are JSON: their
shape is checked by the rules that read them (form schemas, JSON Schema, the record's canonical
form), not by the type checker. Everything else in the engine is typed; ``Any`` outside
``engine.runner`` (the SpiffWorkflow seam) appears only through these two aliases.
scripts/measure_layout.py counts their uses next to the literal ``Any`` tokens.
"""

from __future__ import annotations

from typing import Any

JsonObject = dict[str, Any]
"""A JSON object: the decoded body of a request, a record payload, a form's data."""

JsonValue = Any
"""Any JSON value: object, array, string, number, boolean or null."""
