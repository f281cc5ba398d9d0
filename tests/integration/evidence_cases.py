"""A food business licence case brought to its on-site inspection, for the evidence and case file tests."""

from __future__ import annotations

import struct
from typing import Any

from engine.cases import opening as cases
from engine.kernel.context import AppContext
from engine.kernel.ports import Actor, TaskRow
from engine.processes import deploy
from engine.tasks import claim_and_complete as tasks
from tests.support import ROOT

PROCESS = "food_business_licence"
AT = "2026-11-27T10:00+08:00"
ACCEPTANCE = {
    "applicantName": "济南泉城餐饮管理有限公司",
    "applicantType": "organisation",
    "applicantId": "91370102MA3C8G2K1X",
    "applicantPhone": "0531-86001234",
    "applicantAddress": "济南市历下区泉城路188号",
    "materialsComplete": True,
    "accepted": True,
    "acceptanceNote": "材料齐全，当场受理",
}
REVIEW = {
    "materialsAuthentic": True,
    "conditionsMet": "met",
    "reviewFindings": "申请材料真实、齐全，符合法定形式",
}
ON_SITE = {
    "inspectedAt": AT,
    "siteAddress": "济南市历下区泉城路188号",
    "inspectors": "赵承办、刘执法",
    "certificateNumbers": "鲁济执0102001、鲁济执0102002",
    "certificateShown": True,
    "presentParty": "申请人法定代表人",
    "findings": "经营场所布局合理，设施设备齐全，符合要求",
    "inspectionResult": "conform",
    "videoRecorded": True,
}


def actor(ctx: AppContext, user: str) -> Actor:
    with ctx.uow(readonly=True) as uow:
        found = uow.users.get(user)
    assert isinstance(found, Actor)
    return found


def deploy_food(ctx: AppContext) -> None:
    files = [(p.name, p.read_bytes()) for p in sorted((ROOT / "forms").glob("*.form"))]
    files.append((f"{PROCESS}.bpmn", (ROOT / "processes" / f"{PROCESS}.bpmn").read_bytes()))
    deploy.deploy(ctx, files, Actor("li", frozenset({"designer"})))


def waiting(ctx: AppContext, case_id: str, element: str) -> TaskRow:
    with ctx.uow(readonly=True) as uow:
        found = [t for t in uow.tasks.for_case(case_id) if t.status == "ready" and t.element_id == element]
    assert found, f"case {case_id} does not wait at {element}"
    return found[0]


def case_at_on_site(ctx: AppContext, **variables: Any) -> tuple[str, TaskRow]:
    """A case whose on-site inspection waits (deploys the process first)."""
    deploy_food(ctx)
    view = cases.open_case(
        ctx,
        PROCESS,
        variables,
        actor(ctx, "wang"),
        applicant={"name": "济南泉城餐饮管理有限公司", "creditCode": "91370102MA3C8G2K1X"},
    )
    case_id = view.case.id
    tasks.complete_task(ctx, waiting(ctx, case_id, "Task_Acceptance").id, ACCEPTANCE, actor(ctx, "wang"))
    tasks.complete_task(ctx, waiting(ctx, case_id, "Task_Review").id, REVIEW, actor(ctx, "zhao"))
    return case_id, waiting(ctx, case_id, "Task_OnSite")


def mp4_bytes(payload: bytes = b"", brand: bytes = b"isom") -> bytes:
    """A real MP4 start (ftyp box) followed by an mdat box holding ``payload``."""
    ftyp = struct.pack(">I", 24) + b"ftyp" + brand + b"\x00\x00\x02\x00" + brand + b"mp41"
    return ftyp + struct.pack(">I", 8 + len(payload)) + b"mdat" + payload


def png_bytes() -> bytes:
    header = b"\x00\x00\x00\rIHDR" + b"\x00\x00\x00\x01" * 2 + b"\x08\x02\x00\x00\x00"
    return b"\x89PNG\r\n\x1a\n" + header + b"\x00" * 64


def pdf_bytes(text: str = "hello") -> bytes:
    body = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + text.encode() + b"\n"
    xref = len(body)
    table = b"xref\n0 1\n0000000000 65535 f \ntrailer << /Size 1 >>\n"
    return body + table + b"startxref\n" + str(xref).encode() + b"\n%%EOF\n"
