"""Evidence uploads through the API: stored by content, typed by content, linked to the record."""

from __future__ import annotations

import hashlib
import io
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from engine.app import create_app
from engine.config import Settings
from engine.kernel.context import AppContext
from tests.conftest import make_context
from tests.integration.evidence_cases import case_at_on_site, mp4_bytes, pdf_bytes, png_bytes
from tests.support import MovableClock, auth


@pytest.fixture
def on_site(ctx: AppContext) -> tuple[str, str]:
    case_id, task = case_at_on_site(ctx)
    return case_id, task.id


def _raw(
    client: Any,
    case_id: str,
    body: bytes,
    name: str,
    user: str = "zhao",
    query: str = "",
    content_type: str = "application/octet-stream",
) -> Any:
    headers = {**auth(user), "X-Filename": name, "Content-Type": content_type}
    return client.post(f"/api/v1/cases/{case_id}/evidence{query}", data=body, headers=headers)


def _stored(settings: Settings) -> list[Path]:
    root = settings.evidence_root
    return sorted(p for p in root.rglob("*") if p.is_file() and ".incoming" not in p.parts)


def test_a_video_on_a_task_is_stored_by_its_hash_and_recorded(
    client: Any, ctx: AppContext, settings: Settings, on_site: tuple[str, str]
) -> None:
    case_id, task_id = on_site
    video = mp4_bytes(b"\x01" * 4096)
    response = _raw(
        client, case_id, video, "%E7%8E%B0%E5%9C%BA%E6%A0%B8%E6%9F%A5.mp4", query=f"?task={task_id}"
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    sha = hashlib.sha256(video).hexdigest()
    assert (
        body["sha256"],
        body["name"],
        body["media_type"],
        body["kind"],
        body["size"],
        body["task_id"],
    ) == (sha, "现场核查.mp4", "video/mp4", "video", len(video), task_id)
    path = settings.evidence_root / sha[:2] / sha[2:4] / sha
    assert path.read_bytes() == video
    assert not stat.S_IMODE(path.stat().st_mode) & 0o222, "a stored file is read-only"
    with ctx.uow(readonly=True) as uow:
        entry = [e for e in uow.records.for_case(case_id) if e.content.action == "evidence.added"][-1]
    assert entry.global_seq == body["record_seq"]
    assert entry.content.evidence == (sha,) and entry.content.task_id == task_id
    assert entry.content.payload == {
        "name": "现场核查.mp4",
        "type": "video/mp4",
        "size": len(video),
        "kind": "video",
        "task_id": task_id,
        "flags": {"coversWhole": False},
    }


def test_multipart_upload_with_task_and_covers_whole_fields(client: Any, on_site: tuple[str, str]) -> None:
    case_id, task_id = on_site
    data = {
        "taskId": task_id,
        "coversWhole": "true",
        "file": (io.BytesIO(mp4_bytes(b"\x02" * 100)), "全程.mp4"),
    }
    response = client.post(
        f"/api/v1/cases/{case_id}/evidence",
        data=data,
        headers=auth("zhao"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["name"], body["task_id"], body["covers_whole"], body["kind"]) == (
        "全程.mp4",
        task_id,
        True,
        "video",
    )


def test_identical_content_is_stored_once_and_never_overwritten(
    client: Any, settings: Settings, on_site: tuple[str, str]
) -> None:
    case_id, _ = on_site
    document = pdf_bytes("决定书")
    first = _raw(client, case_id, document, "a.pdf").get_json()
    [stored] = _stored(settings)
    before = os.stat(stored)
    second = _raw(client, case_id, document, "b.pdf").get_json()
    assert first["sha256"] == second["sha256"] and first["record_seq"] != second["record_seq"]
    assert _stored(settings) == [stored]
    after = os.stat(stored)
    assert (after.st_ino, after.st_mtime_ns, after.st_size) == (
        before.st_ino,
        before.st_mtime_ns,
        before.st_size,
    )
    assert list((settings.evidence_root / ".incoming").iterdir()) == []


REFUSED = [
    (
        "fake.pdf",
        b"%PDF-1.4\nthis is only text pretending to be a PDF\n",
        "application/octet-stream",
        "evidence-type-mismatch",
        "not one",
    ),
    (
        "inspection.mp4",
        png_bytes(),
        "application/octet-stream",
        "evidence-type-mismatch",
        "not the claimed video/mp4",
    ),
    ("recording", png_bytes(), "video/mp4", "evidence-type-mismatch", "its content is image/png"),
    ("notes.txt", "现场情况说明".encode(), "text/plain", "evidence-type-unknown", "no known type"),
    (
        "tool.gz",
        b"\x1f\x8b\x08\x00" + b"\x00" * 60,
        "application/gzip",
        "evidence-type-not-allowed",
        "application/gzip is not an allowed type",
    ),
]


@pytest.mark.parametrize(("name", "content", "declared", "code", "english"), REFUSED)
def test_a_file_whose_bytes_are_not_the_type_it_claims_is_refused(
    client: Any,
    ctx: AppContext,
    settings: Settings,
    on_site: tuple[str, str],
    name: str,
    content: bytes,
    declared: str,
    code: str,
    english: str,
) -> None:
    case_id, _ = on_site
    response = _raw(client, case_id, content, name, content_type=declared)
    assert response.status_code == 415
    problem = response.get_json()
    assert response.mimetype == "application/problem+json"
    assert problem["code"] == code and english in problem["detail_en"] and "被拒收" in problem["detail_zh"]
    assert _stored(settings) == []
    assert list((settings.evidence_root / ".incoming").iterdir()) == []
    with ctx.uow(readonly=True) as uow:
        assert all(e.content.action != "evidence.added" for e in uow.records.for_case(case_id))


def test_an_upload_over_the_size_limit_is_refused_with_413(settings: Settings, clock: MovableClock) -> None:
    small = make_context(settings.with_(max_upload_bytes=2048), clock, rules="dialect")
    try:
        case_id, _ = case_at_on_site(small)
        client = create_app(small).test_client()
        streamed = _raw(client, case_id, mp4_bytes(b"\x00" * 4096), "big.mp4")  # found while streaming
        declared = _raw(client, case_id, mp4_bytes(b"\x00" * 200_000), "bigger.mp4")  # refused by its length
        for response in (streamed, declared):
            assert response.status_code == 413
            problem = response.get_json()
            assert problem["code"] == "evidence-too-large" and "2048" in problem["detail_en"]
        assert _stored(small.settings) == []
    finally:
        small.database.dispose()


def test_staff_who_may_read_the_case_list_and_download(client: Any, on_site: tuple[str, str]) -> None:
    case_id, task_id = on_site
    video = mp4_bytes(b"\x03" * 64)
    sha = _raw(client, case_id, video, "v.mp4", query=f"?task={task_id}").get_json()["sha256"]
    listed = client.get(f"/api/v1/cases/{case_id}/evidence", headers=auth("zhou"))
    assert [e["sha256"] for e in listed.get_json()] == [sha]
    download = client.get(f"/api/v1/cases/{case_id}/evidence/{sha}", headers=auth("zhou"))
    assert download.status_code == 200 and download.data == video and download.mimetype == "video/mp4"
    assert client.get(f"/api/v1/cases/{case_id}/evidence", headers=auth("qian")).status_code == 403
    assert client.get(f"/api/v1/cases/{case_id}/evidence/{'0' * 64}", headers=auth("zhou")).status_code == 404
    refused = _raw(client, case_id, video, "v.mp4", user="qian")
    assert refused.status_code == 403
