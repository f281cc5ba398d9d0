"""Standard Webhooks signing and verification, with an injected clock."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta, timezone

import pytest
from standardwebhooks import Webhook

from webhooks import SignatureError, new_secret, sign, verify
from webhooks.signing import REASONS

SENT_AT = datetime(2026, 3, 2, 8, 0, 0, tzinfo=UTC)
BODY = '{"data":{"caseId":"2026-0815","决定":"准予许可"},"type":"decision.made"}'.encode()


@pytest.fixture
def secret() -> str:
    return new_secret()


def signed_headers(secret: str, body: bytes = BODY, at: datetime = SENT_AT) -> dict[str, str]:
    return sign(body, secret, message_id="msg_0001", timestamp=at)


def reason_of(body: bytes, headers: dict[str, str], secret: str, now: datetime = SENT_AT) -> str:
    with pytest.raises(SignatureError) as caught:
        verify(body, headers, secret, now=now)
    assert caught.value.message_zh and caught.value.message_en
    return caught.value.reason_code


def test_a_signed_message_verifies_with_the_same_secret(secret: str) -> None:
    headers = signed_headers(secret)

    assert headers["webhook-id"] == "msg_0001"
    assert headers["webhook-timestamp"] == str(int(SENT_AT.timestamp()))
    assert headers["webhook-signature"].startswith("v1,")
    verify(BODY, headers, secret, now=SENT_AT + timedelta(seconds=3))


def test_header_names_are_matched_in_any_case(secret: str) -> None:
    headers = {name.title(): value for name, value in signed_headers(secret).items()}

    verify(BODY, headers, secret, now=SENT_AT)


def test_the_library_itself_accepts_what_we_sign(secret: str) -> None:
    now = datetime.now(UTC)

    parsed = Webhook(secret).verify(BODY, signed_headers(secret, at=now))

    assert parsed["type"] == "decision.made"


def test_we_accept_what_the_library_signs(secret: str) -> None:
    signature = Webhook(secret).sign("msg_lib", SENT_AT, BODY.decode())
    headers = {
        "webhook-id": "msg_lib",
        "webhook-timestamp": str(int(SENT_AT.timestamp())),
        "webhook-signature": signature,
    }

    verify(BODY, headers, secret, now=SENT_AT)


def test_a_signature_made_with_another_secret_is_refused(secret: str) -> None:
    forged = signed_headers(new_secret())

    assert reason_of(BODY, forged, secret) == "bad_signature"


def test_a_tampered_body_is_refused(secret: str) -> None:
    headers = signed_headers(secret)

    assert reason_of(BODY.replace("准予".encode(), "不予".encode()), headers, secret) == "bad_signature"


def test_a_changed_message_id_is_refused(secret: str) -> None:
    headers = {**signed_headers(secret), "webhook-id": "msg_0002"}

    assert reason_of(BODY, headers, secret) == "bad_signature"


def test_a_message_older_than_the_tolerance_is_refused(secret: str) -> None:
    headers = signed_headers(secret)

    late = SENT_AT + timedelta(minutes=5, seconds=1)

    assert reason_of(BODY, headers, secret, now=late) == "timestamp_too_old"


def test_a_message_from_the_future_is_refused(secret: str) -> None:
    headers = signed_headers(secret)

    assert reason_of(BODY, headers, secret, now=SENT_AT - timedelta(minutes=6)) == "timestamp_too_new"


def test_the_tolerance_is_inclusive_and_configurable(secret: str) -> None:
    headers = signed_headers(secret)

    verify(BODY, headers, secret, now=SENT_AT + timedelta(minutes=5))
    verify(BODY, headers, secret, now=SENT_AT - timedelta(minutes=5))
    verify(BODY, headers, secret, now=SENT_AT + timedelta(hours=1), tolerance=timedelta(hours=2))
    with pytest.raises(SignatureError):
        verify(BODY, headers, secret, now=SENT_AT + timedelta(seconds=31), tolerance=timedelta(seconds=30))


@pytest.mark.parametrize("missing", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_a_missing_header_is_refused(secret: str, missing: str) -> None:
    headers = signed_headers(secret)
    del headers[missing]

    assert reason_of(BODY, headers, secret) == "missing_header"


def test_an_empty_header_counts_as_missing(secret: str) -> None:
    headers = {**signed_headers(secret), "webhook-signature": ""}

    assert reason_of(BODY, headers, secret) == "missing_header"


@pytest.mark.parametrize(
    "header, value",
    [
        ("webhook-signature", "no-comma-here"),
        ("webhook-signature", "v1,not*base64!"),
        ("webhook-signature", "v1,"),
        ("webhook-signature", "   "),
        ("webhook-timestamp", "yesterday"),
        ("webhook-timestamp", "1772438400.5"),
        ("webhook-timestamp", "-1772438400"),
    ],
)
def test_a_malformed_header_is_refused_not_crashed_on(secret: str, header: str, value: str) -> None:
    headers = {**signed_headers(secret), header: value}

    assert reason_of(BODY, headers, secret) == "malformed_header"


def test_one_good_signature_among_several_is_enough_for_key_rotation(secret: str) -> None:
    good = signed_headers(secret)["webhook-signature"]
    old = signed_headers(new_secret())["webhook-signature"]
    headers = {**signed_headers(secret), "webhook-signature": f"{old} v1a,c29tZXRoaW5n {good}"}

    verify(BODY, headers, secret, now=SENT_AT)


def test_only_unknown_signature_versions_do_not_verify(secret: str) -> None:
    headers = {**signed_headers(secret), "webhook-signature": "v1a,c29tZXRoaW5n"}

    assert reason_of(BODY, headers, secret) == "bad_signature"


def test_a_body_that_is_not_utf8_is_refused(secret: str) -> None:
    headers = signed_headers(secret)

    assert reason_of(b"\xff\xfe", headers, secret) == "malformed_body"


def test_every_refusal_has_its_own_reason_code(secret: str) -> None:
    good = signed_headers(secret)
    seen = {
        reason_of(BODY, signed_headers(new_secret()), secret),
        reason_of(BODY, good, secret, now=SENT_AT + timedelta(hours=1)),
        reason_of(BODY, good, secret, now=SENT_AT - timedelta(hours=1)),
        reason_of(BODY, {"webhook-id": "x"}, secret),
        reason_of(BODY, {**good, "webhook-signature": "abc"}, secret),
        reason_of(b"\xff", good, secret),
    }

    assert seen == REASONS


def test_new_secrets_are_random_32_byte_whsec_strings() -> None:
    first, second = new_secret(), new_secret()

    assert first.startswith("whsec_") and first != second
    assert len(base64.b64decode(first.removeprefix("whsec_"))) == 32


@pytest.mark.parametrize("bad_secret", ["", "c2VjcmV0", "whsec_", "whsec_c2hvcnQ=", "whsec_not base64!"])
def test_a_malformed_secret_is_a_value_error(bad_secret: str) -> None:
    with pytest.raises(ValueError):
        sign(BODY, bad_secret, message_id="msg_1", timestamp=SENT_AT)
    with pytest.raises(ValueError):
        verify(BODY, {}, bad_secret, now=SENT_AT)


def test_signing_needs_an_aware_timestamp_and_a_plain_message_id(secret: str) -> None:
    with pytest.raises(ValueError):
        sign(BODY, secret, message_id="msg_1", timestamp=datetime(2026, 3, 2, 8, 0))
    with pytest.raises(ValueError):
        sign(BODY, secret, message_id="msg 1\r\nX-Injected: yes", timestamp=SENT_AT)


def test_a_timestamp_in_another_zone_signs_the_same_instant(secret: str) -> None:
    beijing = SENT_AT.astimezone(timezone(timedelta(hours=8)))

    assert signed_headers(secret, at=beijing) == signed_headers(secret, at=SENT_AT)


def test_verify_needs_an_aware_now(secret: str) -> None:
    with pytest.raises(ValueError):
        verify(BODY, signed_headers(secret), secret, now=datetime(2026, 3, 2, 8, 0))
