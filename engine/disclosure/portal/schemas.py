"""The published JSON Schemas (draft 2020-12) of the open data: /open/decisions.schema.json and
/open/statistics.schema.json. Tests validate the feeds against exactly these."""

from __future__ import annotations

from engine.kernel.json_types import JsonObject

_DATE = {"type": "string", "format": "date"}
_MOMENT = {"type": "string", "format": "date-time"}
_NULLABLE_TEXT = {"type": ["string", "null"]}

DECISION: JsonObject = {
    "type": "object",
    "required": [
        "id",
        "caseId",
        "item",
        "decision",
        "decisionNo",
        "decidedOn",
        "publishedAt",
        "status",
        "text",
        "withdrawal",
        "url",
    ],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "integer"},
        "caseId": {"type": "string"},
        "item": {
            "type": "object",
            "required": ["key", "name", "code"],
            "additionalProperties": False,
            "properties": {name: {"type": "string"} for name in ("key", "name", "code")},
        },
        "decision": {"type": "string", "description": "grant | deny"},
        "decisionNo": {"type": "string"},
        "decidedOn": _DATE,
        "publishedAt": _MOMENT,
        "status": {"enum": ["published", "withdrawn"]},
        "text": {**_NULLABLE_TEXT, "description": "the redacted text; null once withdrawn"},
        "withdrawal": {
            "oneOf": [
                {"type": "null"},
                {
                    "type": "object",
                    "required": ["at", "kind", "reason"],
                    "additionalProperties": False,
                    "properties": {
                        "at": _MOMENT,
                        "kind": {"enum": ["revoked", "unlawful", "redo"]},
                        "reason": _NULLABLE_TEXT,
                    },
                },
            ]
        },
        "url": {"type": "string"},
    },
}

DECISIONS_SCHEMA: JsonObject = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "/open/decisions.schema.json",
    "title": "行政许可决定公示 / Published licensing decisions",
    "type": "object",
    "required": ["generatedAt", "page", "pages", "total", "items"],
    "properties": {
        "$schema": {"type": "string"},
        "generatedAt": _MOMENT,
        "page": {"type": "integer", "minimum": 1},
        "pages": {"type": "integer", "minimum": 1},
        "total": {"type": "integer", "minimum": 0},
        "items": {"type": "array", "items": DECISION},
    },
}

_FIGURES: JsonObject = {
    "type": "object",
    "required": [
        "period",
        "applications",
        "grants",
        "denials",
        "decisions",
        "averageWorkingDays",
        "onTimeRate",
    ],
    "additionalProperties": False,
    "properties": {
        "period": {"type": "string"},
        "applications": {"type": "integer", "minimum": 0},
        "grants": {"type": "integer", "minimum": 0},
        "denials": {"type": "integer", "minimum": 0},
        "decisions": {"type": "integer", "minimum": 0},
        "averageWorkingDays": {"type": ["number", "null"]},
        "onTimeRate": {"type": ["number", "null"], "minimum": 0, "maximum": 1},
    },
}

STATISTICS_SCHEMA: JsonObject = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "/open/statistics.schema.json",
    "title": "执法数据网上统计 / Statistics per item and month",
    "type": "object",
    "required": ["generatedAt", "months", "items", "total", "overall"],
    "properties": {
        "$schema": {"type": "string"},
        "generatedAt": _MOMENT,
        "months": {"type": "array", "items": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"}},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["key", "name", "months", "total"],
                "properties": {
                    "key": {"type": "string"},
                    "name": {"type": "string"},
                    "months": {"type": "array", "items": _FIGURES},
                    "total": _FIGURES,
                },
            },
        },
        "total": {"type": "array", "items": _FIGURES},
        "overall": _FIGURES,
    },
}
