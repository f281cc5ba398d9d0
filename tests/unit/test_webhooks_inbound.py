"""Applications pushed by the provincial platform: signature first, then strict JSON, then schema."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from webhooks import PayloadInvalid, SignatureError, application_schema, new_secret, parse_application, sign

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
PERSON_ID = "11010519491231002X"
CREDIT_CODE = "91350100M000100Y43"


def application(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "applicationId": "GD-2026-000123",
        "itemCode": "11440000007468637Q4440111002000",
        "applicant": {
            "type": "person",
            "name": "张三",
            "idNumber": PERSON_ID,
            "phone": "13800138000",
            "address": "广州市天河区某路 1 号",
        },
        "submittedAt": "2026-03-02T15:55:00+08:00",
        "materials": [
            {"name": "营业执照", "url": "https://platform.example/m/1.pdf", "sha256": "ab" * 32},
            {"name": "身份证复印件"},
        ],
        "formData": {"shopName": "张记小吃", "area": 36.5},
    }
    base.update(changes)
    return base


@pytest.fixture
def secret() -> str:
    return new_secret()


def deliver_raw(body: bytes, secret: str, *, at: datetime = NOW) -> tuple[bytes, dict[str, str]]:
    return body, sign(body, secret, message_id="evt_01", timestamp=at)


def parse(document: Any, secret: str) -> dict[str, Any]:
    body, headers = deliver_raw(json.dumps(document, ensure_ascii=False).encode(), secret)
    return parse_application(body, headers, secret, now=NOW)


def errors_of(document: Any, secret: str) -> list[str]:
    with pytest.raises(PayloadInvalid) as caught:
        parse(document, secret)
    assert caught.value.message_zh and caught.value.message_en
    return caught.value.errors


def test_a_signed_valid_application_is_returned_as_parsed(secret: str) -> None:
    assert parse(application(), secret) == application()


def test_an_organisation_applies_with_its_credit_code(secret: str) -> None:
    organisation = application(
        applicant={"type": "organisation", "name": "某某餐饮有限公司", "idNumber": CREDIT_CODE}
    )

    assert parse(organisation, secret)["applicant"]["idNumber"] == CREDIT_CODE


def test_only_application_id_and_item_code_are_required(secret: str) -> None:
    minimal = {"applicationId": "A1", "itemCode": "X1"}

    assert parse(minimal, secret) == minimal


def test_the_signature_is_checked_before_the_body_is_parsed(secret: str) -> None:
    body, headers = deliver_raw(b"{not json", new_secret())

    with pytest.raises(SignatureError) as caught:
        parse_application(body, headers, secret, now=NOW)

    assert caught.value.reason_code == "bad_signature"


def test_a_replayed_old_message_is_refused(secret: str) -> None:
    body, headers = deliver_raw(json.dumps(application()).encode(), secret, at=NOW - timedelta(hours=1))

    with pytest.raises(SignatureError) as caught:
        parse_application(body, headers, secret, now=NOW)

    assert caught.value.reason_code == "timestamp_too_old"


def test_an_unsigned_request_is_refused(secret: str) -> None:
    with pytest.raises(SignatureError) as caught:
        parse_application(json.dumps(application()).encode(), {}, secret, now=NOW)

    assert caught.value.reason_code == "missing_header"


@pytest.mark.parametrize(
    "raw, expected",
    [
        (b"{not json", "$: not valid JSON"),
        (b'{"applicationId": "A", "applicationId": "B", "itemCode": "X"}', "duplicate key"),
        (b'{"applicationId": "A", "itemCode": "X", "formData": {"area": NaN}}', "NaN is not allowed"),
        (b"[1, 2, 3]", "$: fails type"),
        (b"\xef\xbb\xbf{}", "$: not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "$: not valid JSON"),
    ],
)
def test_a_signed_body_that_is_not_a_strict_json_object_is_invalid(
    secret: str,
    raw: bytes,
    expected: str,
) -> None:
    body, headers = deliver_raw(raw, secret)

    with pytest.raises(PayloadInvalid) as caught:
        parse_application(body, headers, secret, now=NOW)

    assert any(expected in error for error in caught.value.errors), caught.value.errors


def test_a_body_over_the_size_limit_is_refused_before_verifying(secret: str) -> None:
    with pytest.raises(PayloadInvalid) as caught:
        parse_application(b" " * 2_000, {}, secret, now=NOW, max_bytes=1_000)

    assert caught.value.errors == ["$: body larger than 1000 bytes"]


def test_missing_required_fields_are_all_listed(secret: str) -> None:
    errors = errors_of({"formData": {}}, secret)

    assert errors == ["$: 'applicationId' is a required property", "$: 'itemCode' is a required property"]


def test_unknown_fields_are_refused_except_inside_the_form(secret: str) -> None:
    errors = errors_of(application(channel="app"), secret)

    assert errors == ["$: Additional properties are not allowed ('channel' was unexpected)"]
    assert parse(application(formData={"anything": {"nested": [1, 2]}}), secret)


def test_a_person_must_carry_a_resident_id_number(secret: str) -> None:
    person_with_code = application(applicant={"type": "person", "name": "张三", "idNumber": CREDIT_CODE})

    errors = errors_of(person_with_code, secret)

    assert len(errors) == 1 and errors[0].startswith("$.applicant.idNumber: fails pattern")
    assert CREDIT_CODE not in errors[0]


def test_an_organisation_must_carry_a_credit_code(secret: str) -> None:
    company = {"type": "organisation", "name": "某公司"}
    lowercase = application(applicant={**company, "idNumber": CREDIT_CODE.lower()})
    resident_id = application(applicant={**company, "idNumber": PERSON_ID})

    assert errors_of(lowercase, secret)[0].startswith("$.applicant.idNumber: fails pattern")
    # a resident id number fits the credit code alphabet; its check character gives it away
    assert errors_of(resident_id, secret) == ["$.applicant.idNumber: wrong check digit or birth date"]


@pytest.mark.parametrize(
    "kind, number",
    [
        ("person", "110105194912310021"),
        ("person", "110105194902300024"),
        ("organisation", "91350100M000100Y44"),
    ],
)
def test_an_identity_number_with_a_wrong_check_digit_or_date_is_refused(
    secret: str,
    kind: str,
    number: str,
) -> None:
    errors = errors_of(application(applicant={"type": kind, "name": "张三", "idNumber": number}), secret)

    assert errors == ["$.applicant.idNumber: wrong check digit or birth date"]


def test_an_applicant_needs_type_name_and_id_number(secret: str) -> None:
    errors = errors_of(application(applicant={"type": "robot", "name": ""}), secret)

    assert "$.applicant: 'idNumber' is a required property" in errors
    assert any(error.startswith("$.applicant.type: fails enum") for error in errors)
    assert any(error.startswith("$.applicant.name: fails minLength") for error in errors)


@pytest.mark.parametrize(
    "submitted_at, expected",
    [
        ("yesterday", "$.submittedAt: fails pattern"),
        ("2026-03-02", "$.submittedAt: fails pattern"),
        ("2026-03-02T15:55:00", "$.submittedAt: fails pattern"),
        ("2026-02-30T15:55:00+08:00", "$.submittedAt: not a real date and time"),
    ],
)
def test_the_submission_time_must_be_a_real_moment_with_an_offset(
    secret: str,
    submitted_at: str,
    expected: str,
) -> None:
    errors = errors_of(application(submittedAt=submitted_at), secret)

    assert len(errors) == 1 and errors[0].startswith(expected), errors


@pytest.mark.parametrize(
    "material, expected",
    [
        ({"url": "https://platform.example/m/1.pdf"}, "$.materials[0]: 'name' is a required property"),
        ({"name": "x", "url": "file:///etc/passwd"}, "$.materials[0].url: fails pattern"),
        ({"name": "x", "sha256": "not-a-hash"}, "$.materials[0].sha256: fails pattern"),
        ({"name": "x", "size": 10}, "$.materials[0]: Additional properties are not allowed"),
    ],
)
def test_materials_are_checked(secret: str, material: dict[str, Any], expected: str) -> None:
    errors = errors_of(application(materials=[material]), secret)

    assert len(errors) == 1 and errors[0].startswith(expected), errors


def test_error_texts_never_quote_submitted_values(secret: str) -> None:
    secret_value = "13800138000-private"
    errors = errors_of(
        application(
            applicationId=12345,
            itemCode=["x"],
            applicant={"type": "person", "name": "张三", "idNumber": PERSON_ID, "phone": secret_value},
        ),
        secret,
    )

    assert len(errors) == 3
    assert not any(secret_value in error or "12345" in error for error in errors)


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = application_schema()

    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["required"] == ["applicationId", "itemCode"]


def test_a_resident_id_of_no_province_is_refused_as_the_engine_refuses_it(secret: str) -> None:
    errors = errors_of(
        application(applicant={"type": "person", "name": "张三", "idNumber": "107737196104226679"}), secret
    )

    assert errors == ["$.applicant.idNumber: wrong check digit or birth date"]
