"""Delivering signed events to a real local receiver on 127.0.0.1 (plain HTTP and TLS).

Nothing here connects outside 127.0.0.0/8: names other than IP literals are answered by a fake
resolver that points at the local receiver."""

from __future__ import annotations

import datetime as dt
import json
import socket
import ssl
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from webhooks import TargetRefused, UnknownEventType, encode_payload, make_event, new_secret, send, verify

LOOPBACK = ("127.0.0.0/8",)
SENT_AT = dt.datetime(2026, 3, 2, 8, 0, 5, tzinfo=dt.UTC)
EVENT = make_event(
    "decision.made",
    {"决定": "准予许可", "applicant": "张三"},
    occurred_at=dt.datetime(2026, 3, 2, 16, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))),
    case_id="2026-0815",
)
TLS_NAME = "receiver.sanxiang.test"


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """A local webhook receiver; the path picks the answer: /ok, /created, /fail, /slow, /moved."""

    server: ThreadingHTTPServer
    scheme: str
    requests: list[Received] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"


def handler_for(receiver: Callable[[], Receiver]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            me = receiver()
            me.requests.append(Received(self.path, dict(self.headers.items()), body))
            if self.path == "/slow":
                me.release.wait(timeout=5)
            status = {"/ok": 200, "/created": 204, "/fail": 500, "/moved": 302}.get(self.path, 200)
            self.send_response(status)
            if status == 302:
                self.send_header("Location", me.url("/ok"))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


def start_receiver(tls: ssl.SSLContext | None = None) -> Receiver:
    holder: list[Receiver] = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(lambda: holder[0]))
    server.daemon_threads = True
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    holder.append(Receiver(server, "https" if tls else "http"))
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    return holder[0]


def stop_receiver(receiver: Receiver) -> None:
    receiver.release.set()
    receiver.server.shutdown()
    receiver.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = start_receiver()
    yield running
    stop_receiver(running)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for ``receiver.sanxiang.test`` only (cert, key) as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, TLS_NAME)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(TLS_NAME)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return folder / "cert.pem", folder / "key.pem"


@pytest.fixture
def tls_receiver(certificate: tuple[Path, Path]) -> Iterator[Receiver]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    running = start_receiver(context)
    yield running
    stop_receiver(running)


@pytest.fixture
def trusting(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(certificate[0]))


def to_loopback(host: str, port: int) -> Sequence[str]:
    """A fake DNS that sends every *.sanxiang.test name to the local receiver."""
    if not host.endswith(".sanxiang.test"):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    return ["127.0.0.1"]


def test_a_2xx_answer_is_a_successful_attempt_with_a_verifiable_signature(receiver: Receiver) -> None:
    secret = new_secret()

    attempt = send(
        receiver.url("/ok"),
        "decision.made",
        EVENT,
        message_id="msg_0001",
        secret=secret,
        allow=LOOPBACK,
        timestamp=SENT_AT,
    )

    assert (attempt.status, attempt.ok, attempt.error) == (200, True, None)
    assert attempt.latency_ms > 0
    [request] = receiver.requests
    verify(request.body, request.headers, secret, now=SENT_AT + dt.timedelta(seconds=1))
    assert request.headers["webhook-id"] == "msg_0001"
    assert request.headers["Content-Type"] == "application/json; charset=utf-8"
    assert request.headers["Host"] == f"127.0.0.1:{receiver.port}"
    assert json.loads(request.body) == EVENT


def test_the_body_is_compact_sorted_utf8_json(receiver: Receiver) -> None:
    send(
        receiver.url("/ok"),
        "decision.made",
        EVENT,
        message_id="msg_0001",
        secret=new_secret(),
        allow=LOOPBACK,
        timestamp=SENT_AT,
    )

    body = receiver.requests[0].body
    assert body == encode_payload(EVENT)
    assert "准予许可".encode() in body
    assert body.startswith(b'{"data":{"applicant":"') and b", " not in body and b": " not in body


def test_a_204_answer_is_also_ok(receiver: Receiver) -> None:
    attempt = send(
        receiver.url("/created"),
        "decision.made",
        EVENT,
        message_id="msg_1",
        secret=new_secret(),
        allow=LOOPBACK,
    )

    assert attempt.ok and attempt.status == 204


def test_a_500_answer_is_a_failed_attempt_with_its_status(receiver: Receiver) -> None:
    attempt = send(
        receiver.url("/fail"), "decision.made", EVENT, message_id="msg_1", secret=new_secret(), allow=LOOPBACK
    )

    assert (attempt.status, attempt.ok) == (500, False)
    assert attempt.error is not None and attempt.error.startswith("HTTP 500")


def test_a_receiver_slower_than_the_timeout_is_a_failed_attempt_without_status(receiver: Receiver) -> None:
    attempt = send(
        receiver.url("/slow"),
        "decision.made",
        EVENT,
        message_id="msg_1",
        secret=new_secret(),
        allow=LOOPBACK,
        timeout=0.3,
    )

    assert (attempt.status, attempt.ok) == (None, False)
    assert attempt.error == "timed out after 0.3 s"
    assert 250 <= attempt.latency_ms < 3000


def test_a_closed_port_is_a_failed_attempt_not_an_exception() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]

    attempt = send(
        f"http://127.0.0.1:{closed_port}/hook",
        "decision.made",
        EVENT,
        message_id="msg_1",
        secret=new_secret(),
        allow=LOOPBACK,
    )

    assert (attempt.status, attempt.ok, attempt.error) == (None, False, "connection refused")


def test_a_redirect_is_reported_and_not_followed(receiver: Receiver) -> None:
    attempt = send(
        receiver.url("/moved"),
        "decision.made",
        EVENT,
        message_id="msg_1",
        secret=new_secret(),
        allow=LOOPBACK,
    )

    assert (attempt.status, attempt.ok) == (302, False)
    assert attempt.error is not None and "not followed" in attempt.error
    assert [request.path for request in receiver.requests] == ["/moved"]


def test_a_name_that_does_not_resolve_is_a_failed_attempt() -> None:
    attempt = send(
        "http://gone.partner.test/hook",
        "decision.made",
        EVENT,
        message_id="msg_1",
        secret=new_secret(),
        resolver=to_loopback,
    )

    assert (attempt.status, attempt.ok) == (None, False)
    assert attempt.error is not None and attempt.error.startswith("DNS failure")


def test_a_refused_target_raises_and_nothing_is_sent(receiver: Receiver) -> None:
    with pytest.raises(TargetRefused):
        send(receiver.url("/ok"), "decision.made", EVENT, message_id="msg_1", secret=new_secret())

    assert receiver.requests == []


def test_a_name_rebound_to_loopback_at_send_time_is_refused(receiver: Receiver) -> None:
    with pytest.raises(TargetRefused):
        send(
            receiver.url("/ok", host="rebound.sanxiang.test"),
            "decision.made",
            EVENT,
            message_id="msg_1",
            secret=new_secret(),
            resolver=to_loopback,
        )

    assert receiver.requests == []


def test_the_sender_connects_to_the_checked_address_and_names_the_host(receiver: Receiver) -> None:
    attempt = send(
        receiver.url("/ok", host="hooks.sanxiang.test"),
        "decision.made",
        EVENT,
        message_id="msg_1",
        secret=new_secret(),
        allow=LOOPBACK,
        resolver=to_loopback,
    )

    assert attempt.ok
    assert receiver.requests[0].headers["Host"] == f"hooks.sanxiang.test:{receiver.port}"


def test_the_event_type_must_be_known_and_match_the_payload(receiver: Receiver) -> None:
    with pytest.raises(UnknownEventType):
        send(
            receiver.url("/ok"),
            "case.exploded",
            {**EVENT, "type": "case.exploded"},
            message_id="msg_1",
            secret=new_secret(),
            allow=LOOPBACK,
        )
    with pytest.raises(ValueError):
        send(
            receiver.url("/ok"),
            "case.started",
            EVENT,
            message_id="msg_1",
            secret=new_secret(),
            allow=LOOPBACK,
        )

    assert receiver.requests == []


def test_tls_to_a_pinned_address_checks_the_certificate_for_the_host_name(
    tls_receiver: Receiver,
    trusting: ssl.SSLContext,
) -> None:
    secret = new_secret()

    attempt = send(
        tls_receiver.url("/ok", host=TLS_NAME),
        "decision.made",
        EVENT,
        message_id="msg_1",
        secret=secret,
        allow=LOOPBACK,
        resolver=to_loopback,
        tls_context=trusting,
        timestamp=SENT_AT,
    )

    assert (attempt.status, attempt.ok) == (200, True)
    [request] = tls_receiver.requests
    assert request.headers["Host"] == f"{TLS_NAME}:{tls_receiver.port}"
    verify(request.body, request.headers, secret, now=SENT_AT)


def test_tls_with_an_untrusted_certificate_is_a_failed_attempt(tls_receiver: Receiver) -> None:
    attempt = send(
        tls_receiver.url("/ok", host=TLS_NAME),
        "decision.made",
        EVENT,
        message_id="msg_1",
        secret=new_secret(),
        allow=LOOPBACK,
        resolver=to_loopback,
    )

    assert (attempt.status, attempt.ok) == (None, False)
    assert attempt.error is not None and attempt.error.startswith("TLS certificate not trusted")
    assert tls_receiver.requests == []


def test_tls_to_a_name_the_certificate_does_not_cover_is_a_failed_attempt(
    tls_receiver: Receiver,
    trusting: ssl.SSLContext,
) -> None:
    attempt = send(
        tls_receiver.url("/ok", host="other.sanxiang.test"),
        "decision.made",
        EVENT,
        message_id="msg_1",
        secret=new_secret(),
        allow=LOOPBACK,
        resolver=to_loopback,
        tls_context=trusting,
    )

    assert (attempt.status, attempt.ok) == (None, False)
    assert attempt.error is not None and "TLS" in attempt.error
    assert tls_receiver.requests == []


def test_https_to_a_plain_http_receiver_is_a_failed_attempt(receiver: Receiver) -> None:
    attempt = send(
        f"https://127.0.0.1:{receiver.port}/ok",
        "decision.made",
        EVENT,
        message_id="msg_1",
        secret=new_secret(),
        allow=LOOPBACK,
        timeout=2.0,
    )

    assert (attempt.status, attempt.ok) == (None, False)
    assert attempt.error is not None
