"""Signed webhooks for Sanxiang, both ways; a standalone library that never imports ``engine``.
The identity numbers of applicants are checked by ``cnid``, the one check the engine uses too.

Where things live:

==============  ==========================================================================
module          owns
==============  ==========================================================================
``signing``     Standard Webhooks headers: ``new_secret``, ``sign``, ``verify``
``targets``     SSRF-safe outbound URLs: ``check_target``, ``resolve_target`` (pinned addresses)
``delivery``    one signed POST, reported as an ``Attempt``: ``send``
``backoff``     retry timing and dead letters: ``next_delay``, ``is_dead``
``payloads``    the event envelope and the event type catalogue: ``make_event``, ``EVENT_TYPES``
``inbound``     applications from the provincial platform: ``parse_application``
``errors``      the package's exception tree (``WebhookError`` and below)
==============  ==========================================================================
"""

from webhooks.backoff import MAX_ATTEMPTS, is_dead, next_delay
from webhooks.delivery import Attempt, encode_payload, send
from webhooks.errors import (
    PayloadInvalid,
    SignatureError,
    TargetRefused,
    TargetUnresolved,
    UnknownEventType,
    WebhookError,
)
from webhooks.inbound import application_schema, parse_application
from webhooks.payloads import EVENT_TYPES, check_event_type, is_event_type, make_event
from webhooks.signing import new_secret, sign, verify
from webhooks.targets import Target, check_target, resolve_target

__all__ = [
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
