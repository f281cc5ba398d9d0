"""Which tasks need audio/video, and which sites are flagged (pure parts of the media guard)."""

from __future__ import annotations

import pytest

from engine.record.evidence.rules import media_needed, site_flags
from engine.runner.types import ElementInfo


def element(role: str | None = None, media: str | None = None) -> ElementInfo:
    properties = {k: v for k, v in (("sanxiang.role", role), ("sanxiang.requiresMedia", media)) if v}
    return ElementInfo("Task_X", "userTask", "任务", properties=properties)


@pytest.mark.parametrize(
    ("role", "media", "needed"),
    [
        ("on-site", None, "audio-video"),
        ("hearing", None, "audio-video"),
        ("delivery", None, "audio-video"),
        ("on-site", "video", "video"),
        (None, "video", "video"),
        (None, "audio-video", "audio-video"),
        ("decision", None, None),
        (None, None, None),
        ("acceptance", "none", None),
    ],
)
def test_media_needed_by_role_and_property(role: str | None, media: str | None, needed: str | None) -> None:
    assert media_needed(element(role, media)) == needed


def test_site_flags_come_from_the_form_or_the_case() -> None:
    assert site_flags({"lifeHealth": True}, {}) == ["lifeHealth"]
    assert site_flags({}, {"majorProperty": "true", "lifeHealth": False}) == ["majorProperty"]
    assert site_flags({"lifeHealth": False}, {"lifeHealth": True}) == []
    assert site_flags({}, {}) == []
