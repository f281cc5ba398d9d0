"""The repositories of disclosure, as the use cases see them (implemented in the area's store).

The SQL classes named in each docstring fit these shapes; ``engine.kernel.ports.UnitOfWork``
names one of each.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from engine.disclosure.rows import (
        DecisionPage,
        DecisionQuery,
        DecisionTally,
        DisclosureRow,
        NewDisclosure,
        Publication,
        PublicDecision,
        QueryCodeRow,
        Withdrawal,
    )


class DisclosureRepositoryPort(Protocol):
    """DisclosureRepository (``engine.disclosure.store.DisclosureRepository``)."""

    def add(self, new: NewDisclosure) -> DisclosureRow: ...
    def get(self, disclosure_id: int) -> DisclosureRow | None: ...
    def for_case(self, case_id: str) -> list[DisclosureRow]: ...
    def publish(self, disclosure_id: int, p: Publication) -> bool: ...
    def withdraw(self, disclosure_id: int, w: Withdrawal) -> bool: ...
    def due(self, on: dt.date, limit: int = ...) -> list[DisclosureRow]: ...
    def listing(
        self,
        *,
        status: str | None = ...,
        overdue_on: dt.date | None = ...,
        limit: int = ...,
        offset: int = ...,
    ) -> list[DisclosureRow]: ...
    def public(self, disclosure_id: int) -> PublicDecision | None: ...
    def public_page(self, f: DecisionQuery) -> DecisionPage: ...
    def public_for_case(self, case_id: str) -> list[PublicDecision]: ...
    def tallies(self, since: dt.date) -> list[DecisionTally]: ...
    def applications(self, bounds: list[dt.datetime]) -> dict[tuple[str, int], int]: ...
    def put_code(self, row: QueryCodeRow) -> bool: ...
    def code(self, case_id: str) -> QueryCodeRow | None: ...
