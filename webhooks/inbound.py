"""Accept an application pushed by the provincial online-service platform.

:func:`parse_application` checks, in this order, and stops at the first failure:

1. size (at most ``max_bytes``) -> :class:`PayloadInvalid`;
2. the Standard Webhooks signature on the **raw** bytes, before anything parses them
   (``signing.verify``) -> :class:`SignatureError`;
3. strict JSON: UTF-8, an object, no duplicate keys, no NaN/Infinity -> :class:`PayloadInvalid`;
4. the JSON Schema ``schemas/application.schema.json`` (draft 2020-12, via ``jsonschema``), then
   what a schema cannot say: the identity number's check digit and a parseable ``submittedAt``.

Error texts name the place (``$.applicant.idNumber``) and the rule, never the submitted value,
so they can be logged and returned without leaking personal data. Dropping replays (the same
``webhook-id`` or ``applicationId`` twice) is the caller's job; the signature's time window only
bounds how old a replay can be.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError

from cnid import is_valid_credit_code, is_valid_resident_id
from webhooks.errors import PayloadInvalid
from webhooks.signing import DEFAULT_TOLERANCE, verify

MAX_BODY_BYTES = 1024 * 1024
_INVALID_ZH = "申请数据无效"
_INVALID_EN = "the application is invalid"


@functools.cache
def application_schema() -> dict[str, Any]:
    """The JSON Schema of an inbound application (loaded once from the package)."""
    text = resources.files("webhooks").joinpath("schemas/application.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


# ``submittedAt`` is checked by its pattern and by parsing it (``parse_application``); jsonschema's own
# "date-time" check would add a second message for the same fault — or none, depending on whether the
# optional rfc3339-validator happens to be installed (a test dependency brings it). Left out, so the
# answer is the same on every installation.
FORMATS = FormatChecker(
    formats=[name for name in Draft202012Validator.FORMAT_CHECKER.checkers if name != "date-time"]
)


@functools.cache
def _validator() -> Draft202012Validator:
    schema = application_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FORMATS)


def parse_application(
    raw_body: bytes,
    headers: Mapping[str, str],
    secret: str,
    *,
    now: datetime | None = None,
    tolerance: timedelta = DEFAULT_TOLERANCE,
    max_bytes: int = MAX_BODY_BYTES,
) -> dict[str, Any]:
    """The verified, schema-valid application in ``raw_body``, as parsed JSON.

    Raises :class:`SignatureError` (from ``signing.verify``) or :class:`PayloadInvalid`.
    """
    if len(raw_body) > max_bytes:
        raise PayloadInvalid([f"$: body larger than {max_bytes} bytes"], _INVALID_ZH, _INVALID_EN)
    verify(raw_body, headers, secret, now=now, tolerance=tolerance)
    document = _parse_json(raw_body)
    errors = application_errors(document)
    if errors:
        raise PayloadInvalid(errors, _INVALID_ZH, _INVALID_EN)
    result: dict[str, Any] = document
    return result


def application_errors(document: Any) -> list[str]:
    """Every reason ``document`` is not a valid application (empty when it is)."""
    found = sorted(_validator().iter_errors(document), key=lambda error: (error.json_path, error.validator))
    if found:
        return [_describe(error) for error in found]
    return _semantic_errors(document)


def _semantic_errors(document: dict[str, Any]) -> list[str]:
    errors: list[str] = []
    applicant = document.get("applicant")
    if applicant is not None:
        number = applicant["idNumber"]
        check = is_valid_resident_id if applicant["type"] == "person" else is_valid_credit_code
        if not check(number):
            errors.append("$.applicant.idNumber: wrong check digit or birth date")
    submitted = document.get("submittedAt")
    if submitted is not None:
        try:
            datetime.fromisoformat(submitted.replace("z", "Z"))
        except ValueError:
            errors.append("$.submittedAt: not a real date and time")
    return errors


def _parse_json(raw_body: bytes) -> Any:
    try:
        return json.loads(
            raw_body.decode("utf-8"), object_pairs_hook=_unique_keys, parse_constant=_refuse_constant
        )
    except UnicodeDecodeError as exc:
        raise PayloadInvalid(["$: body is not UTF-8"], _INVALID_ZH, _INVALID_EN) from exc
    except (ValueError, RecursionError) as exc:
        raise PayloadInvalid([f"$: not valid JSON ({_short(exc)})"], _INVALID_ZH, _INVALID_EN) from exc


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def _describe(error: ValidationError) -> str:
    """``$.where: what rule``, quoting the schema's rule and never the submitted value."""
    if error.validator in ("required", "additionalProperties", "unevaluatedProperties"):
        return f"{error.json_path}: {error.message}"
    rule = json.dumps(error.validator_value, ensure_ascii=False)
    return f"{error.json_path}: fails {error.validator} {_short(rule)}"


def _short(text: object, limit: int = 200) -> str:
    value = str(text)
    return value if len(value) <= limit else value[: limit - 1] + "…"
