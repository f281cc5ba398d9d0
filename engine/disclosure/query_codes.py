"""Query codes (查询码): what the applicant needs, with the case number, to read a case's result online.

A code is issued on request (``POST /api/v1/cases/<id>/query-code``): by a window clerk at acceptance —
it goes on the acceptance notice (受理通知书) — by the user or system that opened the case (e.g. the
provincial platform's inbound account, which hands it on to the applicant), or by an admin. The plain
code is returned that once and never stored: the table keeps a salted HMAC-SHA256. Issuing again
replaces the code (a lost code is re-issued; the old one stops working). Each issue is recorded
(``query-code.issued``, without the code).

The public check (``query_result``) hashes the given code even when the case or its code does not
exist and compares with ``hmac.compare_digest``, so neither the timing nor the answer tells a
wrong case number from a wrong code. Rate limiting per client is the web edge's job.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.kernel.repositories.disclosure import DisclosureRepositoryPort

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from engine.disclosure.draft import local_day
from engine.disclosure.rows import PublicDecision, QueryCodeRow
from engine.errors import NotFound
from engine.kernel.context import AppContext
from engine.kernel.ports import Actor, RecordDraft, UnitOfWork
from engine.people.permissions import Permission, authorize
from engine.record.append import record
from engine.record.refusals.record_refusal import refusals_on_record

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed from paper
CODE_LENGTH = 8  # 31^8 ≈ 8.5e11
_DUMMY_SALT = "0" * 32


@dataclass(frozen=True, slots=True)
class IssuedCode:
    case_id: str
    code: str
    issued_at: dt.datetime
    replaced: bool


@dataclass(frozen=True, slots=True)
class CaseResult:
    """What the applicant sees with a right code: where the case is, and its decision once made."""

    case_id: str
    item_name: str
    status: str  # "running" | "completed" | …
    started_on: dt.date
    ended_on: dt.date | None
    waiting_at: tuple[str, ...]  # the names of the steps now waiting
    decisions: tuple[PublicDecision, ...]


def _hash(salt: str, code: str) -> str:
    return hmac.new(bytes.fromhex(salt), code.encode("ascii"), hashlib.sha256).hexdigest()


def _codes(uow: UnitOfWork) -> DisclosureRepositoryPort:
    return uow.disclosures


def normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").upper()


@refusals_on_record("case.query-code")
def issue_query_code(ctx: AppContext, case_id: str, actor: Actor) -> IssuedCode:
    now = ctx.clock()
    with ctx.uow() as uow:
        case = uow.cases.get(case_id)
        if case is None:
            raise NotFound("办件不存在", f"No case {case_id}", code="case-not-found")
        authorize(uow, Permission.CASE_QUERY_CODE, actor, case=case)
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        salt = secrets.token_hex(16)
        replaced = _codes(uow).put_code(QueryCodeRow(case_id, salt, _hash(salt, code), now, actor.user_id))
        record(
            ctx,
            uow,
            RecordDraft(
                action="query-code.issued",
                actor=actor.user_id,
                case_id=case_id,
                payload={"replaced": replaced},
            ),
            now,
        )
        uow.commit()
    return IssuedCode(case_id, code, now, replaced)


def _code_matches(uow: UnitOfWork, case_id: str, code: str) -> bool:
    stored: QueryCodeRow | None = _codes(uow).code(case_id)
    given = normalise(code)
    if not given.isascii():
        given = ""
    salt, expected = (stored.salt, stored.code_hash) if stored else (_DUMMY_SALT, "")
    actual = _hash(salt, given)
    return hmac.compare_digest(actual, expected or "x" * 64) and stored is not None


def query_result(ctx: AppContext, case_id: str, code: str) -> CaseResult | None:
    """The case's public result for a right (case number, code) pair; None for any wrong pair."""
    case_id = case_id.strip()[:32]
    with ctx.uow(readonly=True) as uow:
        if not _code_matches(uow, case_id, code):
            return None
        case = uow.cases.get(case_id)
        if case is None:
            return None
        process = uow.processes.get(case.process_id)
        waiting = tuple(t.name for t in uow.tasks.for_case(case_id, status="ready"))
        decisions = tuple(_codes(uow).public_for_case(case_id))
    name = (process.properties.get("sanxiang.itemName") or process.name) if process else case.process_key
    ended = local_day(case.ended_at) if case.ended_at else None
    return CaseResult(case.id, name, case.status, local_day(case.started_at), ended, waiting, decisions)
