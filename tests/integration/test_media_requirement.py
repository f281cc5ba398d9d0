"""On-site, hearing and delivery tasks need audio/video recorded on them; flagged sites a whole video."""

from __future__ import annotations

import pytest

from engine.errors import ProcedureViolation
from engine.kernel.context import AppContext
from engine.kernel.ports import TaskRow
from engine.record.evidence.receive import UploadInfo, add_evidence, receive
from engine.tasks import claim_and_complete as tasks
from tests.integration.evidence_cases import ON_SITE, actor, case_at_on_site, mp4_bytes

MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" + b"\x00" * 400


def upload(
    ctx: AppContext, case_id: str, content: bytes, name: str, task_id: str | None, covers_whole: bool = False
) -> str:
    writer = receive(ctx)
    writer.write(content)
    row = add_evidence(
        ctx, case_id, writer.finish(), UploadInfo(name, None, task_id, covers_whole), actor(ctx, "zhao")
    )
    return row.sha256


def complete(ctx: AppContext, task: TaskRow) -> None:
    tasks.complete_task(ctx, task.id, ON_SITE, actor(ctx, "zhao"))


def completion_entry(ctx: AppContext, case_id: str, task: TaskRow):  # type: ignore[no-untyped-def]
    with ctx.uow(readonly=True) as uow:
        return [
            e
            for e in uow.records.for_case(case_id)
            if e.content.action == "task.completed" and e.content.task_id == task.id
        ]


def test_an_on_site_task_cannot_complete_without_video(ctx: AppContext) -> None:
    case_id, task = case_at_on_site(ctx)
    with pytest.raises(ProcedureViolation) as refused:
        complete(ctx, task)
    assert refused.value.code == "media-required"
    assert "录像" in refused.value.message_zh and "without a video" in refused.value.message_en
    upload(ctx, case_id, MP3, "录音.mp3", task.id)  # audio is not enough: requiresMedia=video
    upload(ctx, case_id, mp4_bytes(b"elsewhere"), "其他.mp4", None)  # a video not recorded on the task
    with pytest.raises(ProcedureViolation):
        complete(ctx, task)
    assert completion_entry(ctx, case_id, task) == []


def test_with_a_video_the_completion_record_holds_its_hash(ctx: AppContext) -> None:
    case_id, task = case_at_on_site(ctx)
    audio = upload(ctx, case_id, MP3, "录音.mp3", task.id)
    video = upload(ctx, case_id, mp4_bytes(b"site"), "现场.mp4", task.id)
    complete(ctx, task)
    [entry] = completion_entry(ctx, case_id, task)
    assert entry.content.evidence == (audio, video)


def test_a_life_health_site_needs_a_video_covering_the_whole_verification(ctx: AppContext) -> None:
    case_id, task = case_at_on_site(ctx, lifeHealth=True)
    upload(ctx, case_id, mp4_bytes(b"part"), "片段.mp4", task.id)
    with pytest.raises(ProcedureViolation) as refused:
        complete(ctx, task)
    assert refused.value.code == "whole-video-required" and "涉及生命健康" in refused.value.message_zh
    whole = upload(ctx, case_id, mp4_bytes(b"whole"), "全程.mp4", task.id, covers_whole=True)
    complete(ctx, task)
    [entry] = completion_entry(ctx, case_id, task)
    assert whole in entry.content.evidence
    with ctx.uow(readonly=True) as uow:
        rows = uow.evidence.for_task(task.id)
    assert [(r.name, r.covers_whole, r.flags) for r in rows] == [
        ("片段.mp4", False, {"coversWhole": False}),
        ("全程.mp4", True, {"coversWhole": True}),
    ]


def test_a_major_property_site_needs_the_whole_video_too(ctx: AppContext) -> None:
    case_id, task = case_at_on_site(ctx, majorProperty="true")
    upload(ctx, case_id, mp4_bytes(b"part"), "片段.mp4", task.id)
    with pytest.raises(ProcedureViolation) as refused:
        complete(ctx, task)
    assert refused.value.code == "whole-video-required" and "majorProperty" in refused.value.message_en
    assert "涉及重大财产权益" in refused.value.message_zh
