"""POST one signed event to one target and report what happened, without ever raising for
network trouble.

The body is JSON in UTF-8, compact, keys sorted, non-ASCII kept as is, so the same event always
gives the same bytes. The three Standard Webhooks headers sign exactly those bytes.

Connections go through ``http.client`` with a connection class pinned to the addresses that
``targets.resolve_target`` vetted on this very attempt: the socket connects to a vetted IP
address, while the Host header and (for https) the TLS server name and certificate check use the
URL's host name. The host is never resolved a second time, so DNS rebinding cannot slip in. No
proxy from the environment is used; redirects are reported, never followed; the response body
is not read. ``timeout`` bounds each connect, TLS handshake and socket read, not their sum.
"""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from webhooks.errors import TargetUnresolved
from webhooks.payloads import check_event_type
from webhooks.signing import sign
from webhooks.targets import Resolver, Target, resolve_target, system_resolve

USER_AGENT = "Sanxiang-Webhooks/0.1"
CONTENT_TYPE = "application/json; charset=utf-8"


@dataclass(frozen=True)
class Attempt:
    """The outcome of one delivery attempt; ``ok`` only for a 2xx answer."""

    status: int | None
    latency_ms: float
    error: str | None
    ok: bool


def encode_payload(payload: Mapping[str, Any]) -> bytes:
    """The canonical body bytes: compact UTF-8 JSON with sorted keys and no NaN/Infinity."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False)
    return text.encode("utf-8")


def send(
    target_url: str,
    event_type: str,
    payload: Mapping[str, Any],
    *,
    message_id: str,
    secret: str,
    timeout: float = 10.0,
    allow: Sequence[str] = (),
    timestamp: datetime | None = None,
    tls_context: ssl.SSLContext | None = None,
    resolver: Resolver = system_resolve,
) -> Attempt:
    """POST ``payload`` (an envelope from ``payloads.make_event``) to ``target_url``.

    Network failures (DNS, refused, reset, timeout, TLS) come back as ``Attempt(ok=False)``.
    Raises ``targets``' :class:`TargetRefused` when the URL or its address is refused (do not
    retry: the subscription needs fixing), :class:`UnknownEventType` or ``ValueError`` when
    ``payload`` is not an envelope of ``event_type``, and ``ValueError`` for a bad secret or id.
    ``timestamp`` is the signing time (default: now); ``tls_context`` replaces the default
    certificate checks (e.g. to trust a private CA).
    """
    check_event_type(event_type)
    if payload.get("type") != event_type:
        raise ValueError("payload['type'] must equal event_type")
    body = encode_payload(payload)
    signed_at = timestamp or datetime.now(UTC)
    headers = sign(body, secret, message_id=message_id, timestamp=signed_at)
    started = time.perf_counter()
    try:
        target = resolve_target(target_url, allow=allow, resolver=resolver)
    except TargetUnresolved as exc:
        return Attempt(None, _elapsed_ms(started), f"DNS failure: {exc.message_en}", False)
    return _post(target, body, headers, timeout, tls_context, started)


def _post(
    target: Target,
    body: bytes,
    signature_headers: Mapping[str, str],
    timeout: float,
    tls_context: ssl.SSLContext | None,
    started: float,
) -> Attempt:
    connection = _connection(target, timeout, tls_context)
    headers = {"Content-Type": CONTENT_TYPE, "User-Agent": USER_AGENT, **signature_headers}
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        status, reason, location = response.status, response.reason, response.getheader("Location")
    except (OSError, http.client.HTTPException) as exc:
        return Attempt(None, _elapsed_ms(started), _describe(exc, timeout), False)
    finally:
        connection.close()
    latency = _elapsed_ms(started)
    if 200 <= status < 300:
        return Attempt(status, latency, None, True)
    if 300 <= status < 400:
        error = f"HTTP {status}: redirect to {(location or '?')[:200]} not followed"
        return Attempt(status, latency, error, False)
    return Attempt(status, latency, f"HTTP {status} {reason}".rstrip(), False)


def _connection(
    target: Target, timeout: float, tls_context: ssl.SSLContext | None
) -> http.client.HTTPConnection:
    if target.scheme == "https":
        return _PinnedHTTPSConnection(target, timeout, tls_context or ssl.create_default_context())
    return _PinnedHTTPConnection(target, timeout)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Plain HTTP to the vetted addresses of ``target``; the Host header names ``target.host``."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._addresses = target.addresses

    def connect(self) -> None:
        self.sock = _open_socket(self._addresses, self.port, self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to the vetted addresses of ``target``, checking the certificate for ``target.host``."""

    def __init__(self, target: Target, timeout: float, tls_context: ssl.SSLContext) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=tls_context)
        self._addresses = target.addresses
        self._tls_context = tls_context

    def connect(self) -> None:
        raw = _open_socket(self._addresses, self.port, self.timeout)
        try:
            self.sock = self._tls_context.wrap_socket(raw, server_hostname=self.host)
        except BaseException:
            raw.close()
            raise


def _open_socket(addresses: Sequence[str], port: int, timeout: float | None) -> socket.socket:
    """A TCP connection to the first of ``addresses`` that accepts one."""
    last_error: OSError = ConnectionError("no address to connect to")
    for address in addresses:
        try:
            return socket.create_connection((address, port), timeout=timeout)
        except OSError as exc:
            last_error = exc
    raise last_error


def _describe(exc: BaseException, timeout: float) -> str:
    """A short English description of a network failure (no secrets, no body)."""
    if isinstance(exc, TimeoutError):
        return f"timed out after {timeout:g} s"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"TLS certificate not trusted: {exc.verify_message}"
    if isinstance(exc, ssl.SSLError):
        return f"TLS error: {exc.reason or exc}"
    if isinstance(exc, http.client.HTTPException):
        return f"bad HTTP response: {type(exc).__name__}"
    return f"network error: {exc.strerror or exc}" if isinstance(exc, OSError) else str(exc)


def _elapsed_ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000.0
