"""What the public portal reads (no login): the item list and service guides (事前), the major-decision
catalogue, the staff on duty (事中), published decisions (事后). Only public data leaves here: guides
come from the deployed process properties, decisions from the public columns of ``disclosures``, staff
from the register's public fields (name, post, department, window, certificate number)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from engine.disclosure.draft import local_day
from engine.disclosure.rows import DecisionPage, DecisionQuery, PublicDecision
from engine.kernel.context import AppContext
from engine.kernel.ports import ProcessRow, UnitOfWork
from engine.kernel.process_kinds import is_procedure

# (field, process property, default when the property is empty): the guide of DOMAIN.md §1, in order.
GUIDE_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("itemName", "sanxiang.itemName", ""),
    ("itemCode", "sanxiang.itemCode", ""),
    ("itemType", "sanxiang.itemType", "行政许可"),
    ("body", "sanxiang.body", ""),
    ("acceptingBody", "sanxiang.acceptingBody", ""),
    ("decidingBody", "sanxiang.decidingBody", ""),
    ("legalBasis", "sanxiang.legalBasis", ""),
    ("conditions", "sanxiang.conditions", ""),
    ("preferential", "sanxiang.preferential", "无"),
    ("materials", "sanxiang.materials", ""),
    ("statutoryDays", "sanxiang.statutoryDays", ""),
    ("promisedDays", "sanxiang.promisedDays", ""),
    ("specialProcedures", "sanxiang.specialProcedures", "无"),
    ("fees", "sanxiang.fees", ""),
    ("office", "sanxiang.office", ""),
    ("hours", "sanxiang.hours", ""),
    ("phone", "sanxiang.phone", ""),
    ("supervision", "sanxiang.supervision", ""),
    (
        "accountability",
        "sanxiang.accountability",
        "违法实施行政许可的，依照《中华人民共和国行政许可法》第七章“法律责任”的规定追究责任",
    ),
    ("remedy", "sanxiang.remedy", ""),
    ("disclosureDays", "sanxiang.disclosureDays", "7"),
    ("majorCatalogue", "sanxiang.majorCatalogue", ""),
)
LIST_FIELDS = frozenset({"materials", "conditions", "majorCatalogue", "legalBasis"})
DAY_FIELDS = frozenset({"statutoryDays", "promisedDays", "disclosureDays"})
WORK_GROUPS = ("window-clerk", "handler", "legal-reviewer", "approver")


@dataclass(frozen=True, slots=True)
class GuideField:
    name: str
    value: str
    parts: tuple[str, ...]  # a list field split at 。/；/;


@dataclass(frozen=True, slots=True)
class ItemGuide:
    key: str
    version: int
    name: str
    code: str
    body: str
    deployed_at: dt.datetime
    fields: tuple[GuideField, ...]
    xml: str

    def field(self, name: str) -> GuideField | None:
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True, slots=True)
class StaffOnDuty:
    name: str
    groups: tuple[str, ...]
    post: str
    department: str
    window: str
    certificate_no: str
    certificate_valid: bool


def _split(value: str) -> tuple[str, ...]:
    for mark in ("；", ";"):
        value = value.replace(mark, "\n")
    return tuple(part.strip(" 。") for part in value.splitlines() if part.strip(" 。"))


def _guide(row: ProcessRow) -> ItemGuide:
    props: Mapping[str, str] = row.properties
    body = props.get("sanxiang.body", "").strip()
    fields = []
    for name, key, default in GUIDE_FIELDS:
        value = props.get(key, "").strip() or default or (body if name.endswith("Body") else "")
        fields.append(GuideField(name, value, _split(value) if name in LIST_FIELDS else ()))
    return ItemGuide(
        row.key,
        row.version,
        props.get("sanxiang.itemName") or row.name or row.key,
        props.get("sanxiang.itemCode", ""),
        body,
        row.deployed_at,
        tuple(fields),
        row.xml,
    )


def list_items(ctx: AppContext) -> list[ItemGuide]:
    """The list of approval items (行政执法事项清单): the latest version of every deployed process that is an
    item (a called procedure, ``sanxiang.kind=procedure``, is a step of the items that call it)."""
    with ctx.uow(readonly=True) as uow:
        rows = [r for r in uow.processes.list_latest() if not is_procedure(r.properties)]
    return sorted((_guide(r) for r in rows), key=lambda g: (g.code or "~", g.key))


def item_guide(ctx: AppContext, key: str) -> ItemGuide | None:
    with ctx.uow(readonly=True) as uow:
        row = uow.processes.latest(key)
    return _guide(row) if row and not is_procedure(row.properties) else None


def _register(uow: UnitOfWork, today: dt.date) -> list[StaffOnDuty] | None:
    people = getattr(uow, "people", None)
    if people is None:
        return None
    return [
        StaffOnDuty(
            e.name,
            tuple(g for g in e.groups if g in WORK_GROUPS),
            e.post,
            e.department,
            e.window,
            e.certificate_no,
            e.certificate_valid_on(today),
        )
        for e in people.register()
        if e.active and set(e.groups) & set(WORK_GROUPS)
    ]


def staff_on_duty(ctx: AppContext) -> list[StaffOnDuty]:
    """事中公示: who works on the cases, with post and enforcement certificate (the staff register)."""
    with ctx.uow(readonly=True) as uow:
        staff = _register(uow, local_day(ctx.clock()))
        if staff is None:  # no register: the user list, without posts or certificates
            staff = [
                StaffOnDuty(
                    a.display_name or a.user_id,
                    tuple(g for g in sorted(a.groups) if g in WORK_GROUPS),
                    "",
                    "",
                    "",
                    "",
                    False,
                )
                for a in uow.users.list()
                if a.groups & set(WORK_GROUPS)
            ]
    return sorted(staff, key=lambda s: (WORK_GROUPS.index(s.groups[0]) if s.groups else 9, s.name))


def search_decisions(ctx: AppContext, query: DecisionQuery) -> DecisionPage:
    with ctx.uow(readonly=True) as uow:
        page: DecisionPage = uow.disclosures.public_page(query)
    return page


def public_decision(ctx: AppContext, disclosure_id: int) -> PublicDecision | None:
    with ctx.uow(readonly=True) as uow:
        found: PublicDecision | None = uow.disclosures.public(disclosure_id)
    return found
