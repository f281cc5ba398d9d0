"""Diagrams and forms must be UTF-8 (SX-X010), a UTF-8 byte-order mark is a warning (SX-X011), and a form
is linted in one pass over its text, within its limits (SX-X003, SX-F311)."""

from __future__ import annotations

import json

from engine.compliance import Severity, lint_bpmn, lint_form
from engine.compliance.document.xmlsafe import read_utf8, without_bom
from engine.config import form_limits_from_env
from engine.tasks.forms.limits import DEFAULT_FORM_LIMITS, FormLimits
from tests.support import FIXTURES

BOM = b"\xef\xbb\xbf"
FORM = (FIXTURES / "test-acceptance.form").read_bytes()
DIAGRAM = (FIXTURES / "c7_review.bpmn").read_bytes()


def codes(findings: list) -> list[str]:  # type: ignore[type-arg]
    return [f.code for f in findings]


def test_a_bom_is_a_warning_on_forms_and_diagrams_and_nothing_else_changes() -> None:
    (form_warning,) = lint_form(BOM + FORM)
    assert (form_warning.code, form_warning.severity, form_warning.line) == ("SX-X011", Severity.WARNING, 1)
    assert lint_form(FORM) == []
    with_mark, without = lint_bpmn(BOM + DIAGRAM, rules="dialect"), lint_bpmn(DIAGRAM, rules="dialect")
    assert codes(with_mark) == sorted(["SX-X011", *codes(without)], key=lambda c: (c != "SX-X011", c))
    assert without_bom(BOM + FORM) == FORM and without_bom(FORM) == FORM


def test_what_is_not_utf8_is_refused_and_says_where() -> None:
    text, (refused,) = read_utf8('{\n"id": "审批"\n}'.encode("gbk"))
    assert text is None and (refused.code, refused.line) == ("SX-X010", 2) and "GBK" in refused.message_en
    for data, said in [
        (FORM.decode().encode("utf-16"), "UTF-16"),
        (FORM.decode().encode("utf-32"), "UTF-32"),
        (FORM.decode().encode("utf-16-le"), "NUL"),
    ]:
        (finding,) = lint_form(data)
        assert finding.code == "SX-X010" and said in finding.message_en, said


def test_a_declared_encoding_other_than_utf8_is_refused_unless_the_text_is_plain_ascii() -> None:
    declared = DIAGRAM.replace(b'encoding="UTF-8"', b'encoding="GB2312"')
    assert "SX-X010" in codes(lint_bpmn(declared, rules="dialect"))  # Chinese names: read differently
    ascii_only = b'<?xml version="1.0" encoding="ISO-8859-1"?><definitions/>'
    assert read_utf8(ascii_only) == (ascii_only.decode(), [])


def test_lines_of_form_findings_come_from_one_index_of_the_text() -> None:
    components = [{"type": "textfield", "key": f"k{i}", "id": f"Field_{i}"} for i in range(500)]
    components += [{"type": "textfield", "id": "F\\u0031x"}, {"type": "number", "key": "k7", "id": "Twice"}]
    text = json.dumps({"id": "f", "components": components}, indent=1).replace("\\\\u0031", "\\u0031")
    found = {f.code: f for f in lint_form(text.encode())}
    lines = text.splitlines()
    assert '"id": "F\\u0031x"' in lines[found["SX-F305"].line - 1]  # found through its escape
    assert '"id": "Twice"' in lines[found["SX-F307"].line - 1]


def test_form_limits_refuse_at_once_and_are_settings() -> None:
    many = json.dumps({"id": "f", "components": [{"type": "text", "text": "x"}] * 2001}).encode()
    (finding,) = lint_form(many)
    assert finding.code == "SX-F311" and "2000" in finding.message_zh
    assert lint_form(many, limits=FormLimits(max_components=2001)) == []
    assert codes(lint_form(FORM, limits=FormLimits(max_bytes=100))) == ["SX-X003"]
    nested = {"id": "f", "components": [{"type": "group", "components": [{"type": "text"}] * 3}] * 2}
    assert codes(lint_form(json.dumps(nested).encode(), limits=FormLimits(max_components=7))) == ["SX-F311"]
    assert form_limits_from_env({}) == DEFAULT_FORM_LIMITS
    assert form_limits_from_env(
        {"SANXIANG_MAX_FORM_BYTES": "5000", "SANXIANG_MAX_FORM_COMPONENTS": "9"}
    ) == FormLimits(5000, 9)
