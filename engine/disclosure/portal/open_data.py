"""Open data (网上公开): the published decisions as JSON, CSV and an Atom feed, and the statistics as
JSON; the JSON Schemas they follow are published next to them. Only redacted, published data; a
withdrawn decision stays listed, marked, without its text. No login; the same search arguments as
/decisions (item, from, to, q, page)."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from dataclasses import replace

from apiflask import APIBlueprint
from flask import Response, current_app, request, url_for

from engine.disclosure.portal import reads as portal_service
from engine.disclosure.portal.pages import decision_query
from engine.disclosure.portal.schemas import DECISIONS_SCHEMA, STATISTICS_SCHEMA
from engine.disclosure.rows import DecisionPage, PublicDecision
from engine.disclosure.statistics import Figures, compute_statistics
from engine.kernel.context import AppContext
from engine.kernel.json_types import JsonObject, JsonValue

open_data = APIBlueprint("open_data", __name__, url_prefix="/open", enable_openapi=False)

ATOM = "http://www.w3.org/2005/Atom"
FEED_ENTRIES = 50
CSV_PAGE, CSV_MAX_PAGES = 500, 20
CSV_COLUMNS = (
    "id",
    "case_id",
    "item_key",
    "item_code",
    "item_name",
    "decision",
    "decision_no",
    "decided_on",
    "published_at",
    "status",
    "withdrawn_at",
    "withdrawal_kind",
    "withdrawal_reason",
    "text",
)


def _ctx() -> AppContext:
    ctx: AppContext = current_app.extensions["sanxiang"]
    return ctx


def _json(body: JsonValue, schema_endpoint: str | None = None) -> Response:
    if schema_endpoint:
        body = {"$schema": url_for(schema_endpoint, _external=True), **body}
    response = Response(json.dumps(body, ensure_ascii=False, indent=1), mimetype="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def decision_json(d: PublicDecision) -> JsonObject:
    withdrawal = (
        None
        if d.withdrawn_at is None
        else {"at": d.withdrawn_at.isoformat(), "kind": d.withdrawal_kind, "reason": d.withdrawal_reason}
    )
    item = {"key": d.process_key, "name": d.item_name, "code": d.item_code}
    return {
        "id": d.id,
        "caseId": d.case_id,
        "item": item,
        "decision": d.decision,
        "decisionNo": d.decision_no,
        "decidedOn": d.decided_on.isoformat(),
        "publishedAt": d.published_at.isoformat(),
        "status": "withdrawn" if d.withdrawn else "published",
        "text": d.text,
        "withdrawal": withdrawal,
        "url": url_for("portal.decision", disclosure_id=d.id, _external=True),
    }


@open_data.get("/decisions.json")
def decisions_json() -> Response:
    query, _ = decision_query(per_page=100, most=500)
    page: DecisionPage = portal_service.search_decisions(_ctx(), query)
    return _json(
        {
            "generatedAt": _ctx().clock().isoformat(),
            "page": page.page,
            "pages": page.pages,
            "total": page.total,
            "items": [decision_json(d) for d in page.items],
        },
        "open_data.decisions_schema",
    )


@open_data.get("/decisions.schema.json")
def decisions_schema() -> Response:
    return _json(DECISIONS_SCHEMA)


def _csv_safe(value: JsonValue) -> str:
    """Text as a spreadsheet shows it, never as a formula (=, +, -, @ at the start)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv_row(d: PublicDecision) -> list[str]:
    values = [
        d.id,
        d.case_id,
        d.process_key,
        d.item_code,
        d.item_name,
        d.decision,
        d.decision_no,
        d.decided_on.isoformat(),
        d.published_at.isoformat(),
        "withdrawn" if d.withdrawn else "published",
        d.withdrawn_at.isoformat() if d.withdrawn_at else "",
        d.withdrawal_kind,
        d.withdrawal_reason,
        d.text,
    ]
    return [_csv_safe(v) for v in values]


@open_data.get("/decisions.csv")
def decisions_csv() -> Response:
    """Every matching decision (up to 10,000), UTF-8 with a byte-order mark so spreadsheets read Chinese."""
    query, _ = decision_query(per_page=CSV_PAGE, most=CSV_PAGE)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for number in range(1, CSV_MAX_PAGES + 1):
        page = portal_service.search_decisions(_ctx(), replace(query, page=number))
        writer.writerows(_csv_row(d) for d in page.items)
        if number >= page.pages:
            break
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = "attachment; filename=decisions.csv"
    return response


def _entry(feed: ET.Element, d: PublicDecision) -> None:
    entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
    url = url_for("portal.decision", disclosure_id=d.id, _external=True)
    word = {"grant": "准予许可", "deny": "不予许可"}.get(d.decision, d.decision)
    title = f"{'【已撤回】' if d.withdrawn else ''}{d.item_name} {d.decision_no} {word}".strip()
    ET.SubElement(entry, f"{{{ATOM}}}id").text = url
    ET.SubElement(entry, f"{{{ATOM}}}title").text = title
    ET.SubElement(entry, f"{{{ATOM}}}updated").text = (d.withdrawn_at or d.published_at).isoformat()
    ET.SubElement(entry, f"{{{ATOM}}}published").text = d.published_at.isoformat()
    ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html", "href": url})
    ET.SubElement(entry, f"{{{ATOM}}}category", {"term": "withdrawn" if d.withdrawn else "published"})
    content = ET.SubElement(entry, f"{{{ATOM}}}content", {"type": "text"})
    content.text = d.text if not d.withdrawn else f"该决定已于 {d.withdrawn_at:%Y-%m-%d} 撤回公示。"


@open_data.get("/decisions.atom")
def decisions_atom() -> Response:
    query, _ = decision_query(per_page=FEED_ENTRIES, most=FEED_ENTRIES)
    page = portal_service.search_decisions(_ctx(), query)
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "zh-CN"})
    self_url = url_for("open_data.decisions_atom", _external=True)
    ET.SubElement(feed, f"{{{ATOM}}}id").text = self_url
    ET.SubElement(feed, f"{{{ATOM}}}title").text = "行政许可决定公示"
    newest = max(((d.withdrawn_at or d.published_at) for d in page.items), default=_ctx().clock())
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = newest.isoformat()
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "type": "application/atom+xml", "href": self_url})
    ET.SubElement(
        feed,
        f"{{{ATOM}}}link",
        {"rel": "alternate", "type": "text/html", "href": url_for("portal.decisions", _external=True)},
    )
    ET.SubElement(ET.SubElement(feed, f"{{{ATOM}}}author"), f"{{{ATOM}}}name").text = "行政审批服务局"
    for d in page.items:
        _entry(feed, d)
    body = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return Response(body, mimetype="application/atom+xml")


def _figures(f: Figures) -> JsonObject:
    return {
        "period": f.period,
        "applications": f.applications,
        "grants": f.grants,
        "denials": f.denials,
        "decisions": f.decisions,
        "averageWorkingDays": f.average_days,
        "onTimeRate": f.on_time_rate,
    }


@open_data.get("/statistics.json")
def statistics_json() -> Response:
    months = request.args.get("months", 12, type=int) or 12
    stats = compute_statistics(_ctx(), months, request.args.get("item") or None)
    return _json(
        {
            "generatedAt": stats.generated_at.isoformat(),
            "months": list(stats.months),
            "items": [
                {
                    "key": i.key,
                    "name": i.name,
                    "months": [_figures(f) for f in i.months],
                    "total": _figures(i.total),
                }
                for i in stats.items
            ],
            "total": [_figures(f) for f in stats.total],
            "overall": _figures(stats.overall),
        },
        "open_data.statistics_schema",
    )


@open_data.get("/statistics.schema.json")
def statistics_schema() -> Response:
    return _json(STATISTICS_SCHEMA)
