"""The supervisor console (督查台): which cases are overdue, near due, stuck or failed, and why.

``dashboard`` is what the console page and ``GET /api/v1/console`` show: counts of cases by status and
item, and the findings (``supervision_detect``) filtered by item, department (a lane or candidate group),
assignee, age and status — each with its reason code and a sentence in Chinese and English.
``scan_for_alerts`` is the periodic job: it records each NEW stuck or failed condition once
(``case.stuck`` / ``case.failed``, which the outbox turns into webhooks); overdue cases already get
``deadline.overdue`` from the deadlines area.

Actions are in ``supervision_actions`` (reassign, suspend, resume, cancel, retry), ``case_moves`` and
``migration``. Everything takes the injected clock.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from datetime import datetime
from typing import TYPE_CHECKING

from engine.deadlines.tracking import CALENDAR_MAX_AGE
from engine.kernel.json_types import JsonObject
from engine.kernel.ports import SYSTEM, Actor, RecordDraft
from engine.record.append import record
from engine.supervision.access import require_supervisor
from engine.supervision.detect import Detection
from engine.supervision.rows import FAILED, STATUSES, STUCK, Dashboard, Finding, SupervisionFilter

if TYPE_CHECKING:
    from engine.kernel.context import AppContext

log = logging.getLogger(__name__)
ALERTS = {STUCK: "case.stuck", FAILED: "case.failed"}
ORDER = {status: rank for rank, status in enumerate((FAILED, "overdue", STUCK, "near-due"))}


def detect(ctx: AppContext, now: datetime | None = None) -> list[Finding]:
    """Every finding at ``now`` (default: the injected clock), unfiltered: for jobs and metrics."""
    moment = now or ctx.clock()
    with ctx.uow(readonly=True) as uow:
        calendar = ctx.calendar.refresh(uow, max_age=CALENDAR_MAX_AGE)
        return Detection(ctx, uow, moment, calendar).all()


def keep(finding: Finding, query: SupervisionFilter, now: datetime) -> bool:
    if query.status and finding.status != query.status:
        return False
    if query.process_key and finding.process_key != query.process_key:
        return False
    if query.case_id and finding.case_id != query.case_id:
        return False
    if query.department and query.department != finding.lane and query.department not in finding.groups:
        return False
    if query.assignee == "-" and finding.assignee is not None:
        return False
    if query.assignee not in (None, "", "-") and finding.assignee != query.assignee:
        return False
    # in seconds, as floats: any number a filter holds compares (a timedelta of 1e17 days would overflow)
    return not (query.min_age_days and finding.age(now).total_seconds() < query.min_age_days * 86400.0)


def dashboard(ctx: AppContext, actor: Actor, query: SupervisionFilter | None = None) -> Dashboard:
    require_supervisor(actor)
    query = query or SupervisionFilter()
    now = ctx.clock()
    with ctx.uow(readonly=True) as uow:
        calendar = ctx.calendar.refresh(uow, max_age=CALENDAR_MAX_AGE)
        findings = Detection(ctx, uow, now, calendar).all()
        counts = uow.supervision.case_counts()
        items = {row.key: row.name or row.key for row in uow.processes.list_latest()}
    shown = sorted(
        (f for f in findings if keep(f, query, now)),
        key=lambda f: (ORDER.get(f.status, 9), f.since, f.case_id or ""),
    )
    by_status: Counter[str] = Counter()
    by_item: dict[str, dict[str, int]] = defaultdict(dict)
    for key, status, number in counts:
        by_status[status] += number
        by_item[key][status] = by_item[key].get(status, 0) + number
    found_by_item: dict[str, dict[str, int]] = defaultdict(dict)
    for finding in shown:
        item = finding.process_key or "-"
        found_by_item[item][finding.status] = found_by_item[item].get(finding.status, 0) + 1
    found_by_status = {status: sum(1 for f in shown if f.status == status) for status in STATUSES}
    return Dashboard(now, shown, dict(by_status), dict(by_item), found_by_status, dict(found_by_item), items)


def scan_alerts_now(ctx: AppContext, actor: Actor) -> int:
    """A supervisor runs the alert scan at once (the scheduler runs ``scan_for_alerts`` every minute)."""
    require_supervisor(actor)
    return scan_for_alerts(ctx)


def scan_for_alerts(ctx: AppContext) -> int:
    """The periodic job: record each new stuck or failed condition once; returns how many were recorded.

    A condition is new when no alert record of its case has the same key (code + task / due item /
    event) since the condition began — so a task that is reassigned and later stuck again alerts again."""
    now = ctx.clock()
    findings = [
        f
        for f in detect(ctx, now)
        if f.status in ALERTS and f.case_id is not None and f.subject not in ALERTS.values()
    ]  # a dead alert webhook raises no new alert (no loop)
    if not findings:
        return 0
    recorded = 0
    with ctx.uow() as uow:
        seen: dict[tuple[str, str], datetime] = {}
        for case_id, key, at in uow.supervision.alerts_since(
            {f.case_id for f in findings if f.case_id is not None}, tuple(ALERTS.values())
        ):
            seen[(case_id, key)] = max(at, seen.get((case_id, key), at))
        for finding in findings:
            last = seen.get((finding.case_id or "", finding.key))
            if last is not None and last >= finding.since:
                continue
            record(
                ctx,
                uow,
                RecordDraft(
                    action=ALERTS[finding.status],
                    actor=SYSTEM.user_id,
                    case_id=finding.case_id,
                    element_id=finding.element_id,
                    payload=alert_payload(finding),
                ),
                now,
            )
            seen[(finding.case_id or "", finding.key)] = now
            recorded += 1
        uow.commit()
    if recorded:
        log.info("supervision: %d new stuck or failed condition(s) recorded", recorded)
    return recorded


def alert_payload(finding: Finding) -> JsonObject:
    return {
        "key": finding.key,
        "code": finding.code,
        "status": finding.status,
        "reason_zh": finding.reason_zh,
        "reason_en": finding.reason_en,
        "element": finding.element_id,
        "elementName": finding.element_name,
        "since": finding.since.isoformat(),
        "ref": finding.ref,
        "message": finding.message,
        "processKey": finding.process_key,
    }
