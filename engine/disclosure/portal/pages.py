"""The public portal (公示平台): server-rendered pages, no login, no script needed.

/                    the list of approval items (行政执法事项清单)
/items/<key>         an item's service guide with its flowchart (inline SVG)
/catalogue           the major-decision catalogue (重大执法决定法制审核目录清单)
/staff               staff on duty with post and certificate (事中公示)
/decisions           published decisions, searchable, paginated; /decisions/<id> one of them
/query               the result query by case number + query code (rate limited per client)
/statistics          执法数据网上统计, with bar charts
/open                the open-data formats (``engine.disclosure.portal.open_data``)
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from apiflask import APIBlueprint
from flask import Response, current_app, render_template, request, url_for
from markupsafe import Markup

from engine.diagram import render_svg
from engine.disclosure import query_codes
from engine.disclosure.draft import local_day
from engine.disclosure.portal import reads as portal_service
from engine.disclosure.portal.charts import Series, bar_chart
from engine.disclosure.portal.i18n import explicit_language, language, word
from engine.disclosure.portal.limits import RateLimiter
from engine.disclosure.rows import DecisionQuery
from engine.disclosure.statistics import compute_statistics
from engine.kernel.context import AppContext
from engine.kernel.json_types import JsonObject, JsonValue
from engine.people.rules import client_key
from engine.web.permissions import PUBLIC, requires

portal = APIBlueprint(
    "portal",
    __name__,
    template_folder="../templates",
    static_folder="../static/portal",
    static_url_path="/portal-assets",
    enable_openapi=False,
)

QUERY_LIMIT, QUERY_WINDOW_SECONDS = 10, 60.0
PER_PAGE = 20


def _ctx() -> AppContext:
    ctx: AppContext = current_app.extensions["sanxiang"]
    return ctx


def purl(endpoint: str, **values: JsonValue) -> str:
    """A portal link that keeps an explicitly chosen language."""
    lang = explicit_language()
    if lang and "lang" not in values:
        values["lang"] = lang
    return url_for(endpoint, **{k: v for k, v in values.items() if v not in (None, "")})


def _switch_url(lang: str) -> str:
    values: JsonObject = {**(request.view_args or {}), **request.args}
    values["lang"] = "en" if lang == "zh" else "zh"
    return url_for(request.endpoint or "portal.home", **values)


def _day(value: dt.date | dt.datetime | None, lang: str) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = local_day(value)
    return f"{value.year}年{value.month}月{value.day}日" if lang == "zh" else value.isoformat()


def render(template: str, status: int = 200, **values: JsonValue) -> Response:
    lang = language()
    html = render_template(
        f"portal/{template}",
        lang=lang,
        purl=purl,
        switch_url=_switch_url(lang),
        t=lambda key, **v: word(key, lang, **v),
        day=lambda v: _day(v, lang),
        **values,
    )
    response = Response(html, status=status, mimetype="text/html")
    response.headers["Content-Language"] = "zh-CN" if lang == "zh" else "en"
    response.headers["Vary"] = "Accept-Language"
    return response


@lru_cache(maxsize=64)
def _flowchart(xml: str, lang: str) -> Markup:
    return Markup(render_svg(xml.encode("utf-8"), lang="zh" if lang == "zh" else "en"))


@portal.get("/")
def home() -> Response:
    return render("home.html", items=portal_service.list_items(_ctx()))


@portal.get("/items/<key>")
def item(key: str) -> Response:
    guide = portal_service.item_guide(_ctx(), key)
    if guide is None:
        return render("message.html", status=404, message_key="item.notfound")
    return render(
        "item.html",
        guide=guide,
        flowchart=_flowchart(guide.xml, language()),
        day_fields=portal_service.DAY_FIELDS,
    )


@portal.get("/items/<key>/flowchart.svg")
def flowchart(key: str) -> Response:
    """The flowchart alone, at its own size (the browser zooms and scrolls it)."""
    guide = portal_service.item_guide(_ctx(), key)
    if guide is None:
        return render("message.html", status=404, message_key="item.notfound")
    return Response(str(_flowchart(guide.xml, language())), mimetype="image/svg+xml")


@portal.get("/catalogue")
def catalogue() -> Response:
    return render("catalogue.html", items=portal_service.list_items(_ctx()))


@portal.get("/staff")
def staff() -> Response:
    return render("staff.html", staff=portal_service.staff_on_duty(_ctx()))


def _date_arg(name: str) -> tuple[dt.date | None, bool]:
    text = request.args.get(name, "").strip()
    if not text:
        return None, True
    try:
        return dt.date.fromisoformat(text), True
    except ValueError:
        return None, False


def decision_query(per_page: int = PER_PAGE, most: int = 100) -> tuple[DecisionQuery, bool]:
    """The search from the query string (item, from, to, q, page, per_page up to ``most``), and whether
    its dates were readable."""
    asked = request.args.get("per_page", "")
    if asked.isdigit() and len(asked) <= 4 and int(asked) > 0:
        per_page = min(int(asked), most)
    decided_from, ok_from = _date_arg("from")
    decided_to, ok_to = _date_arg("to")
    page = request.args.get("page", "1")
    return DecisionQuery(
        process_key=request.args.get("item") or None,
        decided_from=decided_from,
        decided_to=decided_to,
        text=request.args.get("q", "").strip()[:100],
        page=max(1, int(page)) if page.isdigit() and len(page) < 7 else 1,
        per_page=per_page,
    ), ok_from and ok_to


@portal.get("/decisions")
def decisions() -> Response:
    query, dates_ok = decision_query()
    return render(
        "decisions.html",
        page=portal_service.search_decisions(_ctx(), query),
        query=query,
        dates_ok=dates_ok,
        items=portal_service.list_items(_ctx()),
    )


@portal.get("/decisions/<int:disclosure_id>")
def decision(disclosure_id: int) -> Response:
    found = portal_service.public_decision(_ctx(), disclosure_id)
    if found is None:
        return render("message.html", status=404, message_key="d.notfound")
    return render("decision.html", d=found)


def _limiter() -> RateLimiter:
    limiter: RateLimiter = current_app.extensions.setdefault(
        "sanxiang.portal.query_limiter", RateLimiter(QUERY_LIMIT, QUERY_WINDOW_SECONDS, _ctx().clock)
    )
    return limiter


@portal.route("/query", methods=["GET", "POST"])
@requires(PUBLIC)
def query() -> Response:
    if request.method == "GET":
        return render("query.html")
    case_id = request.form.get("case", "").strip()[:40]
    code = request.form.get("code", "")[:40]
    wait = _limiter().hit(client_key(request.remote_addr or ""))  # IPv6: per /64, as the login throttle
    if wait is not None:
        response = render("query.html", status=429, case_id=case_id, error_key="query.limited", wait=wait)
        response.headers["Retry-After"] = str(wait)
        return response
    if not case_id or not code.strip():
        return render("query.html", status=400, case_id=case_id, error_key="query.missing")
    result = query_codes.query_result(_ctx(), case_id, code)
    if result is None:
        return render("query.html", status=404, case_id=case_id, error_key="query.wrong")
    return render("query.html", case_id=case_id, result=result)


@portal.get("/statistics")
def statistics() -> Response:
    lang = language()
    months = request.args.get("months", "12")
    stats = compute_statistics(
        _ctx(), int(months) if months.isdigit() and len(months) < 3 else 12, request.args.get("item") or None
    )
    labels = list(stats.months)
    volume = bar_chart(
        labels,
        [
            Series(word("stats.applications", lang), [f.applications for f in stats.total]),
            Series(word("stats.grants", lang), [f.grants for f in stats.total]),
            Series(word("stats.denials", lang), [f.denials for f in stats.total]),
        ],
        title=word("stats.chart", lang),
    )
    on_time = bar_chart(
        labels,
        [Series(word("stats.ontime", lang), [f.on_time_rate for f in stats.total], "#3c9a5f")],
        title=word("stats.chart_ontime", lang),
        percent=True,
    )
    return render(
        "statistics.html",
        stats=stats,
        volume_chart=volume,
        on_time_chart=on_time,
        items=portal_service.list_items(_ctx()),
        item_key=request.args.get("item", ""),
    )


@portal.get("/open")
def open_data_index() -> Response:
    return render("open.html")
