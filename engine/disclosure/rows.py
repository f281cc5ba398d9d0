"""Plain rows of the disclosure area (公示) as the services see them (``uow.disclosures``,
``engine.disclosure.store``).

``DisclosureRow`` is the staff's view (it carries the unredacted draft); ``PublicDecision`` is all the
public ever gets: the store builds it from the public columns only, so no portal page can leak a draft.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from engine.kernel.json_types import JsonObject

PENDING, PUBLISHED, WITHDRAWN = "pending", "published", "withdrawn"
STATUSES = (PENDING, PUBLISHED, WITHDRAWN)


@dataclass(frozen=True, slots=True)
class NewDisclosure:
    """What the ``disclosure.schedule`` effect knows when a case passes its 公示 task."""

    case_id: str
    process_key: str
    item_name: str
    item_code: str
    decision: str
    decision_no: str
    decided_at: dt.datetime
    decided_on: dt.date
    due_on: dt.date
    due_provenance: str
    draft_text: str
    preview_text: str
    preview_rules: list[JsonObject]
    accepted_on: dt.date | None
    working_days: int | None
    limit_days: int | None
    on_time: bool | None
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class DisclosureRow:
    id: int
    case_id: str
    process_key: str
    item_name: str
    item_code: str
    decision: str
    decision_no: str
    decided_at: dt.datetime
    decided_on: dt.date
    due_on: dt.date
    due_provenance: str
    status: str
    draft_text: str
    preview_text: str
    preview_rules: list[JsonObject]
    published_text: str | None
    published_rules: list[JsonObject]
    published_at: dt.datetime | None
    published_by: str | None
    withdrawn_at: dt.datetime | None
    withdrawn_by: str | None
    withdrawal_kind: str | None
    withdrawal_reason: str | None
    withdrawal_due_on: dt.date | None
    withdrawal_late: bool | None
    accepted_on: dt.date | None
    working_days: int | None
    limit_days: int | None
    on_time: bool | None
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Publication:
    text: str
    rules: list[JsonObject]
    at: dt.datetime
    by: str


@dataclass(frozen=True, slots=True)
class Withdrawal:
    at: dt.datetime
    by: str
    kind: str
    reason: str  # redacted: the public page shows it
    due_on: dt.date
    late: bool


@dataclass(frozen=True, slots=True)
class PublicDecision:
    """A published decision as the public sees it; a withdrawn one has no text any more."""

    id: int
    case_id: str
    process_key: str
    item_name: str
    item_code: str
    decision: str
    decision_no: str
    decided_on: dt.date
    published_at: dt.datetime
    text: str | None
    withdrawn_at: dt.datetime | None = None
    withdrawal_kind: str | None = None
    withdrawal_reason: str | None = None

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None


@dataclass(frozen=True, slots=True)
class DecisionQuery:
    """The public search: by item, decision day range and text; newest publication first."""

    process_key: str | None = None
    decided_from: dt.date | None = None
    decided_to: dt.date | None = None
    text: str = ""
    page: int = 1
    per_page: int = 20


@dataclass(frozen=True, slots=True)
class DecisionPage:
    items: list[PublicDecision]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True, slots=True)
class DecisionTally:
    """The decisions of one item, day and outcome, summed for the statistics (withdrawn ones count:
    the decision was made)."""

    process_key: str
    decided_on: dt.date
    decision: str
    count: int
    days_sum: int  # working days from acceptance to decision, over the decisions that have them
    days_count: int
    on_time: int  # decisions within the limit, of ``timed`` decisions with a limit
    timed: int


@dataclass(frozen=True, slots=True)
class QueryCodeRow:
    case_id: str
    salt: str
    code_hash: str
    issued_at: dt.datetime
    issued_by: str
