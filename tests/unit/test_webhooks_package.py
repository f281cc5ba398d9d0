"""The package's public surface, and the rule that it never imports the engine."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import webhooks

ROOT = Path(__file__).resolve().parents[2]


def test_the_public_api_is_pinned() -> None:
    assert sorted(webhooks.__all__) == sorted(
        [
            "EVENT_TYPES",
            "MAX_ATTEMPTS",
            "Attempt",
            "PayloadInvalid",
            "SignatureError",
            "Target",
            "TargetRefused",
            "TargetUnresolved",
            "UnknownEventType",
            "WebhookError",
            "application_schema",
            "check_event_type",
            "check_target",
            "encode_payload",
            "is_dead",
            "is_event_type",
            "make_event",
            "new_secret",
            "next_delay",
            "parse_application",
            "resolve_target",
            "send",
            "sign",
            "verify",
        ]
    )
    assert all(hasattr(webhooks, name) for name in webhooks.__all__)


def test_every_error_is_a_webhook_error_with_both_languages() -> None:
    for error in (
        webhooks.SignatureError("bad_signature", "签名不匹配", "no signature matches"),
        webhooks.TargetRefused("拒绝", "refused"),
        webhooks.TargetUnresolved("无法解析", "cannot resolve"),
        webhooks.PayloadInvalid(["$: x"], "无效", "invalid"),
        webhooks.UnknownEventType("未知", "unknown"),
    ):
        assert isinstance(error, webhooks.WebhookError)
        assert error.message_zh and error.message_en and error.code.startswith("webhook.")


def test_importing_the_package_does_not_import_the_engine() -> None:
    probe = (
        "import sys, webhooks; "
        "leaked = [m for m in sys.modules if m == 'engine' or m.startswith('engine.')]; "
        "sys.exit(f'engine imported: {leaked}' if leaked else 0)"
    )

    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )

    assert result.returncode == 0, result.stderr
