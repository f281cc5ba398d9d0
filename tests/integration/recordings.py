"""Attach an audio/video recording to a task, as the handler's phone would (on-site, hearing, delivery).

Goes through the evidence service (receive → add_evidence): the bytes are a real MP4 header, so the
type is detected from the content like any upload's.
"""

from __future__ import annotations

from typing import Any

from engine.record.evidence.receive import UploadInfo, add_evidence, receive

MEDIA_ROLES = frozenset({"on-site", "hearing", "delivery"})
_MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00\x00\x00\x08free"


def attach_recording(ctx: Any, case_id: str, task_id: str, user: str) -> None:
    """One distinct video (covering the whole activity) recorded on ``task_id`` by ``user``."""
    with ctx.uow(readonly=True) as uow:
        actor = uow.users.get(user)
    writer = receive(ctx)
    writer.write(_MP4_HEAD + b"\x00\x00\x00\x28mdat" + task_id.encode("ascii")[:32].ljust(32, b"0"))
    add_evidence(
        ctx,
        case_id,
        writer.finish(),
        UploadInfo(f"{task_id}.mp4", "video/mp4", task_id, covers_whole=True),
        actor,
    )
