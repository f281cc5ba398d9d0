"""Refused attempts on a case, as the record names them, and how many go onto it: the bound.

Every refused attempt on a case is recorded on that case
(``engine.record.refusals.record_refusal``): its entry's
action is ``refused_action(attempt, task role)``, and ``ATTEMPTS`` names every attempt in both languages.

Nobody may flood the permanent record by repeating a refused request. Per actor and case, refusals are
counted in fixed windows of ``Bound.span`` that start at the first refusal:

- the first ``Bound.limit`` refusals of a window are appended one by one, each with what was attempted,
  why it was refused and its code;
- further ones in the same window are only counted (per attempt and code), not appended;
- when the window is over, one summary entry (``refusals.suppressed``) says how many were counted and
  of which kind — written by the next refusal of that actor on that case, or by the scheduler's sweep
  (``close_refusal_windows``), whichever comes first.

So one actor adds at most ``limit + 1`` entries to one case's record per window, whatever they send.
Pure: no clock of its own, no storage; the store keeps one ``RefusalWindow`` per actor and case.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

# attempt -> (Chinese, English): every use case that records its refusals names one of these
ATTEMPTS: dict[str, tuple[str, str]] = {
    "task.claim": ("认领任务", "Claim"),
    "task.unclaim": ("退回认领", "Unclaim"),
    "task.complete": ("办理", "Completion"),
    "task.error": ("抛出业务错误", "BPMN error"),
    "task.draft": ("保存草稿", "Draft"),
    "task.transfer": ("转办", "Transfer"),
    "task.delegate": ("委派", "Delegation"),
    "task.resolve": ("交还", "Give back"),
    "task.urge": ("催办", "Urging"),
    "task.reassign": ("改派", "Reassignment"),
    "case.withdraw": ("撤回申请", "Withdrawal"),
    "case.extend": ("延长时限", "Extension"),
    "case.query-code": ("生成查询码", "Query code"),
    "case.suspend": ("暂停办件", "Suspension"),
    "case.resume": ("恢复办件", "Resumption"),
    "case.cancel": ("终止办件", "Cancellation"),
    "case.move": ("移动办件", "Move"),
    "fact.correction": ("更正事实", "Fact correction"),
    "evidence.add": ("上传证据", "Evidence upload"),
    "message.correlate": ("投递消息", "Message correlation"),
    "external-task.complete": ("完成外部任务", "External task completion"),
    "external-task.bpmn-error": ("外部任务报告业务错误", "External task BPMN error"),
    "timer.retry": ("重试定时", "Timer retry"),
    "disclosure.publish": ("发布公示", "Publication"),
    "disclosure.withdraw": ("撤回公示", "Disclosure withdrawal"),
}
COMPLETION_REFUSALS = {"decision": "decision.refused", "legal-review": "review.refused"}
SUMMARY = "refusals.suppressed"


def refused_action(attempt: str, task_role: str | None) -> str:
    """The record's action for a refused attempt: ``<attempt>-refused``; a refused completion keeps the
    law's words, ``decision.refused`` / ``review.refused``, else ``task.refused``."""
    if attempt == "task.complete":
        return COMPLETION_REFUSALS.get(task_role or "", "task.refused")
    return f"{attempt}-refused"


def refused_attempt(action: str) -> str | None:
    """The attempt a refusal entry's action names (None if it is not one)."""
    if action in ("task.refused", *COMPLETION_REFUSALS.values()):
        return "task.complete"
    attempt = action.removesuffix("-refused")
    return attempt if attempt != action and attempt in ATTEMPTS else None


@dataclass(frozen=True)
class Bound:
    limit: int = 10  # refusals appended one by one per window
    span: timedelta = timedelta(minutes=10)  # a window's length, from its first refusal


@dataclass(frozen=True)
class RefusalWindow:
    started_at: datetime
    recorded: int = 0  # refusals appended in this window
    suppressed: int = 0  # refusals only counted
    last_at: datetime | None = None  # the last counted one
    tally: Mapping[str, int] = field(default_factory=dict)  # "<attempt> <code>" -> how many counted


@dataclass(frozen=True)
class Counted:
    window: RefusalWindow  # the window after this refusal
    record: bool  # append this refusal to the record
    closed: RefusalWindow | None  # an ended window with counted refusals: append its summary first


def window_is_over(window: RefusalWindow, now: datetime, bound: Bound) -> bool:
    return now >= window.started_at + bound.span


def count_refusal(window: RefusalWindow | None, now: datetime, bound: Bound, kind: str) -> Counted:
    """The next refusal (of ``kind``, "<attempt> <code>") of one actor on one case, at ``now``."""
    if window is None or window_is_over(window, now, bound):
        closed = window if window is not None and window.suppressed else None
        return Counted(RefusalWindow(started_at=now, recorded=1), True, closed)
    if window.recorded < bound.limit:
        return Counted(replace(window, recorded=window.recorded + 1), True, None)
    tally = {**window.tally, kind: window.tally.get(kind, 0) + 1}
    return Counted(replace(window, suppressed=window.suppressed + 1, last_at=now, tally=tally), False, None)


def summary_of(window: RefusalWindow, bound: Bound) -> dict[str, object]:
    """The payload of the ``refusals.suppressed`` entry closing a window."""
    return {
        "suppressed": window.suppressed,
        "recorded": window.recorded,
        "windowStart": window.started_at.isoformat(),
        "windowEnd": (window.started_at + bound.span).isoformat(),
        "lastAt": window.last_at.isoformat() if window.last_at else None,
        "limit": bound.limit,
        "tally": dict(sorted(window.tally.items())),
    }
