"""On-site work only by staff holding a valid enforcement certificate (行政执法证件).

A task needs one when its element's role is ``on-site`` or it carries ``sanxiang.requiresCertificate``
= true. The guard runs before every completion (``ctx.guards``); the certificate must be valid on the
day of the completion in Asia/Shanghai."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.tasks.claim_and_complete import Completion

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from engine.errors import ProcedureViolation
from engine.kernel.bureau import ZONE
from engine.kernel.ports import Clock
from engine.people.rows import StaffEntry

CERTIFICATE_ROLES = frozenset({"on-site"})


def needs_certificate(element: Any) -> bool:
    properties = getattr(element, "properties", {}) or {}
    flagged = str(properties.get("sanxiang.requiresCertificate", "")).strip().lower() in ("true", "1", "yes")
    return flagged or getattr(element, "role", None) in CERTIFICATE_ROLES


def bureau_day(now: datetime) -> date:
    return now.astimezone(ZONE).date()


def certificate_problem(entry: StaffEntry | None, day: date) -> ProcedureViolation | None:
    """None when the staff member may work on site on ``day``; else why not."""
    if entry is None or not entry.certificate_no:
        return ProcedureViolation(
            "现场核查须由持有效行政执法证件的工作人员办理，您未登记执法证件",
            "On-site work needs a valid enforcement certificate; you have none registered",
            code="certificate-missing",
        )
    if not entry.certificate_valid_on(day):
        return ProcedureViolation(
            f"您的行政执法证件（{entry.certificate_no}）已过有效期",
            f"Your enforcement certificate ({entry.certificate_no}) has expired",
            code="certificate-expired",
        )
    return None


def certificate_guard(clock: Clock) -> Callable[[Completion], None]:
    """The guard for ``ctx.guards``: refuses completing an on-site task without a valid certificate."""

    def on_site_needs_valid_certificate(completion: Completion) -> None:
        if not needs_certificate(completion.element):
            return
        entry = completion.uow.people.staff(completion.actor.user_id)
        problem = certificate_problem(entry, bureau_day(clock()))
        if problem is not None:
            raise problem

    return on_site_needs_valid_certificate
