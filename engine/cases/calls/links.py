"""What a case view shows of its call links: the parent that opened it, the children it opened."""

from __future__ import annotations

from typing import Any

from engine.kernel.ports import UnitOfWork


def call_links(uow: UnitOfWork, case_id: str) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """(parent, children) of ``case_id`` as plain values for the API and the console."""
    link = uow.calls.parent_of(case_id)
    parent = (
        {"id": link.parent_case_id, "element_id": link.element_id, "returned": link.returned_at is not None}
        if link is not None
        else None
    )
    children = []
    for child in uow.calls.children_of(case_id):
        row = uow.cases.get(child.child_case_id)
        children.append(
            {
                "id": child.child_case_id,
                "element_id": child.element_id,
                "process_key": row.process_key if row else None,
                "status": row.status if row else None,
                "returned": child.returned_at is not None,
            }
        )
    return parent, children
