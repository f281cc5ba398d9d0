"""``GET /metrics``: Prometheus text format (``prometheus-client``), for the bureau's monitoring.

Who may read it: with ``SANXIANG_METRICS_TOKEN`` set, only requests carrying
``Authorization: Bearer <that token>``; without it, only requests from this machine (127.0.0.1 / ::1).
Behind a reverse proxy on the same machine every request looks local: set the token there.

Metrics (gauges read from the database at scrape time, so every node answers the same):

=====================================  ===========================================================
sanxiang_cases{process,status}          cases by item and status (running, suspended, completed…)
sanxiang_task_waiting_seconds{process}  how long the waiting tasks have waited: a histogram of
                                        their current ages (buckets 1 h … 30 d), with _sum, _count
sanxiang_task_waiting_seconds_max       the longest current wait, per item
sanxiang_timers_overdue{kind}           pending due rows already past their time
sanxiang_timer_lag_seconds{kind}        how far past its time the most overdue pending row is
sanxiang_webhook_events{status}         outbox events by status: pending is the backlog, dead failed
sanxiang_webhook_oldest_pending_seconds age of the oldest event still to deliver
sanxiang_findings{status,code}          the console's findings (overdue, near-due, stuck, failed)
=====================================  ===========================================================
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator

from apiflask import APIBlueprint
from flask import Response, current_app, request
from flask.typing import ResponseReturnValue
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily, Metric

from engine.kernel.context import AppContext
from engine.supervision.metrics import MetricsSnapshot, collect_metrics
from engine.web.problems import problem

metrics = APIBlueprint("metrics", __name__, enable_openapi=False)  # Prometheus text, not the JSON API
LOOPBACK = frozenset({"127.0.0.1", "::1", "::ffff:127.0.0.1"})
WAIT_BUCKETS = (3600.0, 4 * 3600.0, 86400.0, 3 * 86400.0, 7 * 86400.0, 30 * 86400.0)


class SnapshotCollector:
    def __init__(self, snapshot: MetricsSnapshot) -> None:
        self.snapshot = snapshot

    def collect(self) -> Iterator[Metric]:
        s = self.snapshot
        cases = GaugeMetricFamily(
            "sanxiang_cases", "Cases by approval item and status", labels=["process", "status"]
        )
        for key, status, count in s.cases:
            cases.add_metric([key, status], count)
        yield cases
        yield from self._waits()
        overdue = GaugeMetricFamily(
            "sanxiang_timers_overdue", "Pending due rows past their time", labels=["kind"]
        )
        lag = GaugeMetricFamily(
            "sanxiang_timer_lag_seconds", "Lateness of the most overdue pending row", labels=["kind"]
        )
        for kind, lags in sorted(s.timer_lag.items()):
            overdue.add_metric([kind], len(lags))
            lag.add_metric([kind], max(lags))
        yield overdue
        yield lag
        events = GaugeMetricFamily(
            "sanxiang_webhook_events", "Webhook outbox events by status", labels=["status"]
        )
        for status in ("pending", "delivered", "dead"):
            events.add_metric([status], s.outbox.get(status, (0, 0.0))[0])
        yield events
        yield GaugeMetricFamily(
            "sanxiang_webhook_oldest_pending_seconds",
            "Age of the oldest undelivered event",
            value=s.outbox.get("pending", (0, 0.0))[1],
        )
        found = GaugeMetricFamily(
            "sanxiang_findings", "Console findings by status and reason", labels=["status", "code"]
        )
        for (status, code), count in sorted(s.findings.items()):
            found.add_metric([status, code], count)
        yield found

    def _waits(self) -> Iterator[Metric]:
        waits = HistogramMetricFamily(
            "sanxiang_task_waiting_seconds", "Current waiting times of ready tasks", labels=["process"]
        )
        longest = GaugeMetricFamily(
            "sanxiang_task_waiting_seconds_max",
            "The longest current wait of a ready task",
            labels=["process"],
        )
        for key, ages in sorted(self.snapshot.task_waits.items()):
            buckets = [(_bound(b), float(sum(1 for a in ages if a <= b))) for b in WAIT_BUCKETS]
            waits.add_metric([key], buckets + [("+Inf", float(len(ages)))], sum_value=sum(ages))
            longest.add_metric([key], max(ages))
        yield waits
        yield longest


def _bound(value: float) -> str:
    return f"{value:.1f}"


def _allowed(ctx: AppContext) -> bool:
    token = ctx.settings.metrics_token
    if token:
        given = request.headers.get("Authorization", "")
        return given.startswith("Bearer ") and hmac.compare_digest(given[7:].encode(), token.encode())
    return (request.remote_addr or "") in LOOPBACK


@metrics.get("/metrics")
def scrape() -> ResponseReturnValue:
    ctx: AppContext = current_app.extensions["sanxiang"]
    if not _allowed(ctx):
        return problem(
            403,
            "metrics-forbidden",
            "无权读取监控指标",
            "Not allowed to read the metrics",
            "需要监控令牌，或从本机访问",
            "A metrics token is required, or ask from this machine",
        )
    registry = CollectorRegistry(auto_describe=False)
    registry.register(SnapshotCollector(collect_metrics(ctx)))
    return Response(
        generate_latest(registry),
        mimetype=CONTENT_TYPE_LATEST.split(";")[0],
        headers={"Content-Type": CONTENT_TYPE_LATEST, "Cache-Control": "no-store"},
    )
