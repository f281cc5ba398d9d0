"""The electronic case file: exported by CLI and API, it opens, and verify-export catches any change
(the signatures and the signed heads: ``test_case_file_signature``)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from engine.config import Settings
from engine.kernel.context import AppContext
from engine.record.casefile.verify import Anchor, verify_case_file
from engine.record.head_signature import SignedHead
from engine.tasks import claim_and_complete as tasks
from tests.integration.case_file_tampering import rewrite_zip
from tests.integration.evidence_cases import ON_SITE, actor, case_at_on_site, mp4_bytes, pdf_bytes
from tests.integration.record_tampering import sanxiang
from tests.integration.test_media_requirement import upload
from tests.support import auth


@pytest.fixture
def case_id(ctx: AppContext) -> str:
    """A case past its on-site inspection, with a video, a document, and an audio-less evidence."""
    case_id, task = case_at_on_site(ctx)
    upload(ctx, case_id, mp4_bytes(b"\x05" * 2048), "现场核查录像.mp4", task.id, covers_whole=True)
    upload(ctx, case_id, pdf_bytes("inspection record"), "现场核查笔录.pdf", task.id)
    tasks.complete_task(ctx, task.id, ON_SITE, actor(ctx, "zhao"))
    return case_id


@pytest.fixture
def head_file(case_id: str, settings: Settings) -> Path:
    """The day's head, exported after the case's last entry: the head an inspector holds."""
    result = sanxiang(settings, "audit", "export-head")
    assert result.exit_code == 0, result.output
    [path] = (settings.var_dir / "heads").glob("*.json")
    return path


@pytest.fixture
def anchor(head_file: Path) -> Anchor:
    return Anchor(head=SignedHead.from_json(head_file.read_bytes()))


@pytest.fixture
def exported(case_id: str, head_file: Path, settings: Settings, tmp_path: Path) -> Path:
    out = tmp_path / "case.zip"
    result = sanxiang(settings, "case", "export", case_id, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "电子卷宗已导出" in result.output
    return out


def test_the_exported_case_file_opens_with_a_chinese_index(
    exported: Path, case_id: str, ctx: AppContext
) -> None:
    with zipfile.ZipFile(exported) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(archive.read("index.pdf"))).pages)
        records = json.loads(archive.read("records.json"))
        evidence = {n: archive.read(n) for n in names if n.startswith("evidence/")}
    for words in (
        "电子卷宗",
        "食品经营许可",
        case_id,
        "济南泉城餐饮管理有限公司",
        "办理路径",
        "全过程记录时间线",
        "现场核查",
        "法制审核",
        "办理时限",
        "公示",
        "证据清单",
        "现场核查录像.mp4",
    ):
        assert words in text, words
    assert names == {"index.pdf", "records.json", "chain-proof.json", "manifest.json", *evidence}
    assert len(evidence) == 2 and {Path(n).suffix for n in evidence} == {".mp4", ".pdf"}
    listed = {item["path"]: item["sha256"] for item in manifest["files"]}
    for name, content in evidence.items():
        assert hashlib.sha256(content).hexdigest() == listed[name] == Path(name).stem
    with ctx.uow(readonly=True) as uow:
        entries = [e for e in uow.records.for_case(case_id)]
    assert [e["content"]["action"] for e in records["entries"]] == [e.content.action for e in entries[:-1]]
    assert entries[-1].content.action == "case.exported"
    assert manifest["case_head"] == {"seq": entries[-2].case_seq, "hash": entries[-2].case_hash}


def test_an_untouched_case_file_verifies_offline(
    exported: Path, settings: Settings, case_id: str, head_file: Path
) -> None:
    result = sanxiang(settings, "case", "verify-export", str(exported), "--head", str(head_file))
    assert result.exit_code == 0, result.output
    assert f"办件 {case_id} 记录链" in result.output and "均由你持有的链头" in result.output
    assert "every entry is vouched for by the head you hold" in result.output


def test_altering_one_byte_is_caught(
    exported: Path, settings: Settings, tmp_path: Path, head_file: Path
) -> None:
    with zipfile.ZipFile(exported) as archive:
        member = next(i for i in archive.infolist() if i.filename.endswith(".mp4"))
    data = bytearray(exported.read_bytes())
    offset = member.header_offset + 30 + len(member.filename.encode()) + len(member.extra) + 100
    data[offset] ^= 0x01  # one bit of one byte of the video
    altered = tmp_path / "altered.zip"
    altered.write_bytes(bytes(data))
    result = sanxiang(settings, "case", "verify-export", str(altered), "--head", str(head_file))
    assert result.exit_code == 1
    assert member.filename in result.output and "altered" in result.output and "已被改动" in result.output


@pytest.mark.parametrize("target", ["index.pdf", "evidence"])
def test_a_file_replaced_inside_a_well_formed_zip_is_named(
    exported: Path, tmp_path: Path, anchor: Anchor, target: str
) -> None:
    with zipfile.ZipFile(exported) as archive:
        name = next(n for n in archive.namelist() if n.startswith(target))
        content = bytearray(archive.read(name))
    content[len(content) // 2] ^= 0xFF
    altered = tmp_path / "altered.zip"
    rewrite_zip(exported, altered, {name: bytes(content)})
    report = verify_case_file(altered, anchor)
    assert [(p.name, p.en) for p in report.problems] == [
        (name, "altered (SHA-256 differs from the manifest)")
    ]


def test_a_missing_evidence_file_is_named(exported: Path, tmp_path: Path, anchor: Anchor) -> None:
    with zipfile.ZipFile(exported) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".pdf") and n.startswith("evidence/"))
    altered = tmp_path / "missing.zip"
    rewrite_zip(exported, altered, {name: None})
    problems = {(p.name, p.en) for p in verify_case_file(altered, anchor).problems}
    assert (name, "missing (listed in the manifest, not in the ZIP)") in problems
    assert any("evidence of entry" in en for _, en in problems)


def test_records_rewritten_with_a_matching_manifest_fail_the_chain(
    exported: Path, tmp_path: Path, anchor: Anchor
) -> None:
    with zipfile.ZipFile(exported) as archive:
        records = json.loads(archive.read("records.json"))
        manifest = json.loads(archive.read("manifest.json"))
    records["entries"][2]["content"]["actor"] = "mallory"
    forged = json.dumps(records, ensure_ascii=False).encode()
    for item in manifest["files"]:
        if item["path"] == "records.json":
            item.update(sha256=hashlib.sha256(forged).hexdigest(), size=len(forged))
    altered = tmp_path / "forged.zip"
    rewrite_zip(exported, altered, {"records.json": forged, "manifest.json": json.dumps(manifest).encode()})
    problems = verify_case_file(altered, anchor).problems
    assert [(p.name, p.kind) for p in problems] == [
        ("manifest.json", "altered"),
        ("records.json", "altered"),
        ("records.json", "altered"),
    ]
    assert "signature does not verify" in problems[0].en and "manifest entry was altered" in problems[1].en
    assert "fails at entry 3" in problems[2].en


def test_the_api_exports_the_case_file_for_staff_who_may_read_it(client: Any, case_id: str) -> None:
    response = client.get(f"/api/v1/cases/{case_id}/export", headers=auth("zhou"))
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert f"case-{case_id}.zip" in response.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert {"index.pdf", "records.json", "manifest.json"} <= set(archive.namelist())
    assert client.get(f"/api/v1/cases/{case_id}/export", headers=auth("qian")).status_code == 403
