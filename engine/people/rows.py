"""Plain rows for people and the work on tasks: the staff register, delegations, notifications, the
work list. The store returns these; services and pages read them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from engine.kernel.json_types import JsonObject
from engine.kernel.ports import Actor, TaskRow

# The roles people have; each is also a BPMN candidate group.
ROLES: tuple[str, ...] = (
    "window-clerk",
    "handler",
    "legal-reviewer",
    "approver",
    "supervisor",
    "designer",
    "admin",
    "integration",  # an account of another system: correlates messages, throws signals (/engine-rest)
)


@dataclass(frozen=True, slots=True)
class StaffEntry:
    """One line of the staff register (执法人员名录): who they are and their enforcement certificate."""

    user_id: str
    name: str
    groups: tuple[str, ...] = ()
    active: bool = True
    post: str = ""
    department: str = ""
    window: str = ""
    certificate_no: str = ""
    certificate_issuer: str = ""
    certificate_valid_until: date | None = None

    def certificate_valid_on(self, day: date) -> bool:
        return (
            bool(self.certificate_no)
            and self.certificate_valid_until is not None
            and self.certificate_valid_until >= day
        )


@dataclass(frozen=True, slots=True)
class Delegation:
    task_id: str
    owner: str
    delegate: str
    state: str  # "pending" | "resolved"
    reason: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Notification:
    id: int
    user_id: str | None
    group_name: str | None
    case_id: str | None
    task_id: str | None
    kind: str  # "urge" | "transfer" | "delegate" | "resolve"
    message: str
    actor: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class WorkFilter:
    """The task list's query: whose tasks, which item, which status, which due state, a search text."""

    user: Actor
    now: datetime
    soon: datetime  # due before this (and not yet overdue) counts as "soon"
    scope: str = "all"  # "mine" | "groups" | "all"
    process_key: str | None = None
    status: str = "ready"  # "ready" | "completed"
    due: str = ""  # "" | "overdue" | "soon" | "none"
    search: str = ""  # case number, business key or applicant
    limit: int = 200


@dataclass(frozen=True, slots=True)
class CaseDue:
    """An open deadline of a case as the work list shows it (from the deadlines area's table)."""

    kind: str  # "acceptance-notice" | "decision" | "legal-review" | …
    ref: str | None  # the task a round belongs to, if any
    due_on: date
    level: str  # "green" | "yellow" | "red"
    basis: str = ""


@dataclass(frozen=True, slots=True)
class WorkItem:
    task: TaskRow
    case_status: str
    business_key: str | None
    applicant: JsonObject
    delegation: Delegation | None = None
    notifications: tuple[Notification, ...] = field(default_factory=tuple)
    deadline: CaseDue | None = None  # the case deadline that governs this task, when the case has one


@dataclass(frozen=True, slots=True)
class SecurityEvent:
    """One line of the security log (accounts and access, never cases): a login, a failed login, a logout."""

    kind: str  # "login" | "login-failed" | "logout"
    login: str  # what was typed (not necessarily a user) or the user id
    client: str  # the address it counts by (IPv6: its /64)
    remote: str = ""
    detail: JsonObject = field(default_factory=dict)
    at: datetime | None = None  # set by the store when read back


@dataclass(frozen=True, slots=True)
class TokenEntry:
    """An API token as the register shows it: never the token itself (only its hash is kept)."""

    id: str
    user_id: str
    label: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None

    def valid_at(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
