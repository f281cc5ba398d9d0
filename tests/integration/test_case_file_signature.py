"""The case file's manifest is signed with the record-head key and linked to a signed head of the
whole record: `sanxiang case verify-export F.zip --head H` names every change (issue 13, item 9)."""

from __future__ import annotations

import base64
import json
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from engine.app import create_app
from engine.config import Settings
from engine.kernel.context import AppContext
from engine.record.casefile.verify import Anchor, verify_case_file
from engine.record.head_signature import SignedHead
from engine.store.schema.heads import record_heads
from engine.tasks import claim_and_complete as tasks
from tests.integration.case_file_tampering import (
    edited_pdf,
    manifest,
    member,
    rehash,
    resigned_by_another_key,
    tampered,
)
from tests.integration.evidence_cases import ON_SITE, actor, case_at_on_site, mp4_bytes
from tests.integration.record_tampering import rewrite_consistently, sanxiang, tamperer
from tests.integration.test_media_requirement import upload
from tests.support import auth


@pytest.fixture
def case_id(ctx: AppContext) -> str:
    case_id, task = case_at_on_site(ctx)
    upload(ctx, case_id, mp4_bytes(b"\x07" * 1024), "现场核查录像.mp4", task.id, covers_whole=True)
    tasks.complete_task(ctx, task.id, ON_SITE, actor(ctx, "zhao"))
    return case_id


def export_head(settings: Settings) -> Path:
    """`sanxiang audit export-head`, as the daily job does; the file an inspector keeps."""
    result = sanxiang(settings, "audit", "export-head")
    assert result.exit_code == 0, result.output
    [path] = (settings.var_dir / "heads").glob("2*.json")
    kept = path.with_name(f"held-{SignedHead.from_json(path.read_bytes()).global_seq}.json")
    kept.write_bytes(path.read_bytes())
    return kept


@pytest.fixture
def held(case_id: str, settings: Settings) -> Path:
    return export_head(settings)


@pytest.fixture
def exported(held: Path, case_id: str, settings: Settings, tmp_path: Path) -> Path:
    out = tmp_path / "case.zip"
    result = sanxiang(settings, "case", "export", case_id, "--out", str(out))
    assert result.exit_code == 0, result.output
    return out


def verify(settings: Settings, path: Path, *options: str) -> tuple[int, str]:
    result = sanxiang(settings, "case", "verify-export", str(path), *options)
    return result.exit_code, result.output


def test_an_index_pdf_edited_and_rehashed_in_the_manifest_is_named(
    exported: Path, held: Path, settings: Settings, tmp_path: Path
) -> None:
    """The attack of item 9: before, verify-export said intact."""
    pdf = edited_pdf(exported)
    forged = tampered(
        exported, tmp_path / "forged.zip", rehash(manifest(exported), "index.pdf", pdf), {"index.pdf": pdf}
    )
    code, output = verify(settings, forged, "--head", str(held))
    assert code == 1, output
    assert "index.pdf：清单中此文件的条目被改动或加入（签名不符）" in output
    assert "its manifest entry was altered or added (the signature does not verify)" in output
    assert "manifest.json：清单签名不符" in output
    assert "the manifest was altered or the signature forged" in output
    assert "records.json" not in output, "the records still verify against the head"


def test_a_manifest_signed_again_with_another_key_is_refused(
    exported: Path, held: Path, settings: Settings, tmp_path: Path
) -> None:
    pdf = edited_pdf(exported)
    document = resigned_by_another_key(rehash(manifest(exported), "index.pdf", pdf))
    forged = tampered(exported, tmp_path / "forged.zip", document, {"index.pdf": pdf})
    code, output = verify(settings, forged, "--head", str(held))
    assert code == 3, output
    assert "清单由其他密钥签名" in output and "the manifest is signed with another key" in output
    assert "refused" in output
    report = verify_case_file(forged, Anchor(head=SignedHead.from_json(held.read_bytes())))
    assert report.held_seq is not None, "the records themselves still link to the head the inspector holds"


def test_a_manifest_stripped_of_its_signatures_is_refused(
    exported: Path, held: Path, settings: Settings, tmp_path: Path
) -> None:
    document = {k: v for k, v in manifest(exported).items() if k not in ("signature", "key")}
    document["files"] = [{k: v for k, v in item.items() if k != "signature"} for item in document["files"]]
    code, output = verify(settings, tampered(exported, tmp_path / "bare.zip", document), "--head", str(held))
    assert code == 3, output
    assert "清单未签名" in output and "the manifest is not signed" in output


def test_a_forged_signature_is_refused(
    exported: Path, held: Path, settings: Settings, tmp_path: Path
) -> None:
    document = manifest(exported)
    document["signature"] = base64.b64encode(bytes(64)).decode()
    forged = tampered(exported, tmp_path / "forged.zip", document)
    code, output = verify(settings, forged, "--head", str(held))
    assert code == 1, output
    assert "manifest.json：清单签名不符" in output and "signature forged" in output


def test_added_and_removed_files_are_named_even_when_the_manifest_lists_them(
    exported: Path, held: Path, settings: Settings, tmp_path: Path
) -> None:
    extra = b"%PDF-1.4 a document slipped in"
    document = rehash(rehash(manifest(exported), "evidence/extra.pdf", extra), "index.pdf", None)
    forged = tampered(
        exported, tmp_path / "forged.zip", document, {"evidence/extra.pdf": extra, "index.pdf": None}
    )
    code, output = verify(settings, forged, "--head", str(held))
    assert code == 1, output
    assert "evidence/extra.pdf：清单中此文件的条目被改动或加入" in output
    assert "index.pdf：缺失（压缩包与清单中都被删去）" in output
    assert "removed from the ZIP and the manifest" in output


def test_without_an_anchor_a_case_file_is_not_called_authentic(exported: Path, settings: Settings) -> None:
    code, output = verify(settings, exported)
    assert code == 3, output
    assert "未给出可信依据" in output and "no anchor given" in output
    assert manifest(exported)["key"]["fingerprint"] in output


def test_the_published_key_fingerprint_is_an_anchor(
    exported: Path, settings: Settings, tmp_path: Path
) -> None:
    published = sanxiang(settings, "audit", "public-key", "--out", str(tmp_path / "key.pem"))
    fingerprint = published.output.split(": ")[1].split()[0]
    assert len(fingerprint) == 64 and fingerprint in published.output
    assert verify(settings, exported, "--fingerprint", fingerprint)[0] == 0
    assert verify(settings, exported, "--public-key", str(tmp_path / "key.pem"))[0] == 0
    assert verify(settings, exported, "--fingerprint", "0" * 64)[0] == 3
    assert verify(settings, exported, "--fingerprint", "not-hex")[0] == 2


def test_a_head_from_before_the_last_entry_does_not_cover_the_case(
    ctx: AppContext, case_id: str, settings: Settings, tmp_path: Path
) -> None:
    early = export_head(settings)  # then the case goes on
    upload(ctx, case_id, mp4_bytes(b"\x09" * 512), "补充录像.mp4", None)
    out = tmp_path / "case.zip"
    assert sanxiang(settings, "case", "export", case_id, "--out", str(out)).exit_code == 0
    code, output = verify(settings, out, "--head", str(early))
    assert code == 4, output
    assert "未被它覆盖" in output and "the head you hold" in output and "does not vouch for them" in output


def test_a_head_newer_than_the_export_is_linked_by_exporting_against_it(
    exported: Path, case_id: str, settings: Settings, tmp_path: Path
) -> None:
    later = export_head(settings)  # the next day's head, signed after the export
    code, output = verify(settings, exported, "--head", str(later))
    assert code == 4, output
    assert "离线无法连接" in output and "cannot be linked offline" in output
    again = tmp_path / "again.zip"
    result = sanxiang(settings, "case", "export", case_id, "--out", str(again), "--head", str(later))
    assert result.exit_code == 0, result.output
    assert verify(settings, again, "--head", str(later))[0] == 0


def test_an_insider_who_rewrites_the_record_and_exports_again_does_not_match_the_held_head(
    ctx: AppContext, held: Path, case_id: str, settings: Settings, tmp_path: Path
) -> None:
    with ctx.uow(readonly=True) as uow:
        [*_, decisive] = [e for e in uow.records.for_case(case_id) if e.content.action == "task.completed"]
    rewrite_consistently(ctx, forge_seq=decisive.global_seq)  # every link recomputed ...
    with tamperer(ctx) as conn:
        conn.execute(record_heads.delete())  # ... and the kept heads thrown away
    out = tmp_path / "case.zip"
    assert sanxiang(settings, "case", "export", case_id, "--out", str(out)).exit_code == 0
    fingerprint = SignedHead.from_json(held.read_bytes()).key_fingerprint
    assert verify(settings, out, "--fingerprint", fingerprint)[0] == 0, "the bureau's key signed the forgery"
    code, output = verify(settings, out, "--head", str(held))
    assert code == 1, output
    assert "records.json：记录与你持有的签名链头" in output and "they were rewritten" in output


@pytest.fixture
def server(ctx: AppContext) -> Iterator[str]:
    httpd = make_server("127.0.0.1", 0, create_app(ctx), threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join()


def test_a_case_file_downloaded_over_http_verifies_and_its_alteration_is_named(
    server: str, held: Path, case_id: str, settings: Settings, tmp_path: Path
) -> None:
    request = urllib.request.Request(f"{server}/api/v1/cases/{case_id}/export", headers=auth("zhou"))
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 200 and response.headers["Content-Type"] == "application/zip"
        downloaded = tmp_path / "download.zip"
        downloaded.write_bytes(response.read())
    code, output = verify(settings, downloaded, "--head", str(held))
    assert code == 0, output
    assert json.loads(member(downloaded, "manifest.json"))["exported_by"] == "zhou"
    pdf = edited_pdf(downloaded)
    forged = tampered(
        downloaded,
        tmp_path / "forged.zip",
        rehash(manifest(downloaded), "index.pdf", pdf),
        {"index.pdf": pdf},
    )
    code, output = verify(settings, forged, "--head", str(held))
    assert code == 1 and "index.pdf：" in output and "manifest.json：" in output, output
