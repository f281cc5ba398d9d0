"""Who may supervise, and what every supervisor's action needs: a reason, a case that exists."""

from __future__ import annotations

from engine.errors import InvalidInput, NotFound
from engine.kernel.ports import Actor, CaseRow, UnitOfWork
from engine.people.permissions import OVERSEERS, Permission, authorize

MAX_REASON = 500


def is_supervisor(actor: Actor) -> bool:
    return actor.in_any(OVERSEERS)


def require_supervisor(actor: Actor) -> None:
    """``Permission.CASE_SUPERVISE``: supervisors and administrators (who read every case)."""
    authorize(None, Permission.CASE_SUPERVISE, actor)


def require_reason(reason: object) -> str:
    """Every action of the console states why: 2 to 500 characters."""
    text = reason.strip() if isinstance(reason, str) else ""
    if len(text) < 2:
        raise InvalidInput(
            "请填写操作理由（至少 2 个字）",
            "Give a reason for this action (at least 2 characters)",
            code="reason-required",
        )
    if len(text) > MAX_REASON:
        raise InvalidInput(
            f"理由过长（最多 {MAX_REASON} 字）",
            f"The reason is too long (at most {MAX_REASON})",
            code="reason-too-long",
        )
    return text


def load_case(uow: UnitOfWork, case_id: str) -> CaseRow:
    case: CaseRow | None = uow.cases.get(case_id)
    if case is None:
        raise NotFound("办件不存在", f"No case {case_id}", code="case-not-found")
    return case
