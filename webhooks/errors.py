"""The one exception tree of the ``webhooks`` package.

    WebhookError                 base; carries a stable ``code`` and zh/en messages
    ├── SignatureError           an inbound message whose signature we refuse (``reason_code`` says why)
    ├── TargetRefused            an outbound URL we will not call (scheme, private address, ...)
    │   └── TargetUnresolved     the host name does not resolve (DNS failure)
    ├── PayloadInvalid           an inbound body that is not the JSON we expect (``errors`` lists why)
    └── UnknownEventType         an event type name outside the catalogue

The package never imports ``engine``; the engine's adapters translate these into its own tree
(``raise ... from exc``). Messages never quote secrets, signatures or personal data.
"""

from __future__ import annotations

from collections.abc import Sequence


class WebhookError(Exception):
    """Base of every error raised on purpose by this package."""

    code = "webhook.error"

    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_zh = message_zh
        self.message_en = message_en


class SignatureError(WebhookError):
    """A signed message failed verification; ``reason_code`` is one of ``signing.REASONS``."""

    code = "webhook.signature"

    def __init__(self, reason_code: str, message_zh: str, message_en: str) -> None:
        super().__init__(message_zh, message_en)
        self.reason_code = reason_code

    def __str__(self) -> str:
        return f"{self.reason_code}: {self.message_en}"


class TargetRefused(WebhookError):
    """An outbound target URL is not allowed (SSRF protection) or not usable."""

    code = "webhook.target-refused"


class TargetUnresolved(TargetRefused):
    """The target's host name could not be resolved (a network condition, may heal by itself)."""

    code = "webhook.target-unresolved"


class PayloadInvalid(WebhookError):
    """An inbound body is not valid JSON or does not match its schema."""

    code = "webhook.payload-invalid"

    def __init__(self, errors: Sequence[str], message_zh: str, message_en: str) -> None:
        super().__init__(message_zh, message_en)
        self.errors: list[str] = list(errors)

    def __str__(self) -> str:
        return f"{self.message_en}: " + "; ".join(self.errors)


class UnknownEventType(WebhookError):
    """An event type name that is not in ``payloads.EVENT_TYPES``."""

    code = "webhook.unknown-event-type"
