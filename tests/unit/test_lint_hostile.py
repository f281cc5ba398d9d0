"""Hostile and broken input: every answer is a finding, nothing is resolved, fetched or expanded."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from engine.compliance import Finding, lint_bpmn, lint_form, lint_path, parse_model

DEFS = '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">'
BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">\n' for i in range(1, 10)
    )
    + f']>\n{DEFS}<process id="p" name="&lol9;"/></definitions>'
).encode()
XXE = (
    f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>{DEFS}'
    '<process id="p"><documentation>&x;</documentation></process></definitions>'
).encode()
EXTERNAL_DTD = f'<!DOCTYPE d SYSTEM "http://127.0.0.1:9/evil.dtd">{DEFS}</definitions>'.encode()
PARAMETER_ENTITY = (
    f'<!DOCTYPE d [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>{DEFS}</definitions>'
).encode()
INTERNAL_DTD = f"<!DOCTYPE definitions [<!ELEMENT definitions ANY>]>{DEFS}</definitions>".encode()
HIDDEN_XXE = (
    b'<?xml version="1.0"?><!--' + b"x" * (1 << 20) + b"--><!DOCTYPE d [<!ENTITY x SYSTEM "
    b'"file:///etc/passwd">]>' + DEFS.encode() + b'<process id="p">&x;</process></definitions>'
)
UTF16_DTD = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE d [<!ENTITY a "b">]><d/>'.encode("utf-16")
GBK_DIAGRAM = f'<?xml version="1.0" encoding="GBK"?>{DEFS}<process id="p" name="审批"/></definitions>'

HOSTILE: dict[str, tuple[bytes, str]] = {
    "billion laughs": (BILLION_LAUGHS, "SX-X002"),
    "XXE file:///etc/passwd": (XXE, "SX-X002"),
    "external DTD over the network": (EXTERNAL_DTD, "SX-X002"),
    "parameter entity": (PARAMETER_ENTITY, "SX-X002"),
    "internal DTD": (INTERNAL_DTD, "SX-X002"),
    "DOCTYPE after a 1 MB comment": (HIDDEN_XXE, "SX-X002"),
    "UTF-16 with a DTD": (UTF16_DTD, "SX-X010"),  # refused for its encoding before it is parsed
    "HTML page": (b"<!DOCTYPE html><html><body><p>hello</body></html>", "SX-X002"),
    "XHTML": (b'<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>', "SX-X005"),
    "DMN file": (b'<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="x"/>', "SX-X005"),
    "a form passed as BPMN": (b'{"id": "f", "components": [{"type": "textfield", "key": "a"}]}', "SX-X001"),
    "binary junk": (bytes(random.Random(7).randrange(256) for _ in range(4096)), "SX-X010"),
    "NUL bytes": (b"\x00" * 100, "SX-X010"),
    "empty": (b"", "SX-X004"),
    "only whitespace": (b" \n\t ", "SX-X004"),
    "over the size cap": (b"<a>" + b"x" * (10 * 1024 * 1024) + b"</a>", "SX-X003"),
    "not UTF-8": ("<definitions><process id='é'/></definitions>".encode("latin-1"), "SX-X010"),
    "UTF-16 BPMN": (
        f'<?xml version="1.0" encoding="UTF-16"?>{DEFS}</definitions>'.encode("utf-16"),
        "SX-X010",
    ),
    "UTF-16 without a BOM": (f"{DEFS}</definitions>".encode("utf-16-le"), "SX-X010"),
    "GBK": (GBK_DIAGRAM.encode("gbk"), "SX-X010"),
    "UTF-8 declared GBK": (GBK_DIAGRAM.encode(), "SX-X010"),
    "truncated": (f"{DEFS}<process id=".encode(), "SX-X001"),
    "too deep": (b"<a>" * 5000 + b"</a>" * 5000, "SX-X001"),
}


@pytest.mark.parametrize(("data", "code"), HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_bpmn_gets_one_input_finding(data: bytes, code: str) -> None:
    findings = lint_bpmn(data, filename="hostile.bpmn")
    assert [f.code for f in findings] == [code]
    assert findings[0].file == "hostile.bpmn" and findings[0].message_zh and findings[0].message_en
    assert not any("root:" in f.message_en or "lol" * 10 in f.message_en for f in findings)


NOT_FORMS = {name: data for name, (data, _) in HOSTILE.items() if name != "a form passed as BPMN"}


@pytest.mark.parametrize("data", NOT_FORMS.values(), ids=NOT_FORMS.keys())
def test_hostile_forms_get_findings(data: bytes) -> None:
    findings = lint_form(data, filename="hostile.form")
    assert findings and all(isinstance(f, Finding) and f.code.startswith(("SX-F", "SX-X")) for f in findings)
    assert "SX-X009" not in {f.code for f in findings}


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b'{"id": "f", "components": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "SX-F301"),
        (b"[1, 2]", "SX-F302"),
        (b'{"components": []}', "SX-F303"),
        (b'{"id": "f"}', "SX-F304"),
        (b'{"id": "f", "components": [{"type": "textfield", "label": "no key", "id": "c1"}]}', "SX-F305"),
        (b'{"id": "f", "components": [42]}', "SX-F306"),
        (
            b'{"id": "f", "components": [{"type": "number", "key": "a"}, {"type": "textfield", "key": "a"}]}',
            "SX-F307",
        ),
        (b'{"id": "f", "components": [' + b'{"type": "text"},' * 2_000 + b'{"type": "text"}]}', "SX-F311"),
        ('{"id": "f", "components": []}'.encode("utf-16"), "SX-X010"),
        (b'{"id": "f", "components": [{"type": "text", "text": "\xb2\xe2\xca\xd4"}]}', "SX-X010"),  # GBK
        (b'{"id": 1, "components": []}', "SX-F303"),
        (b'{"id": "f", "components": [], "big": ' + b"9" * 5000 + b"}", "SX-F301"),
    ],
)
def test_form_defects_get_their_code(data: bytes, code: str) -> None:
    assert code in {f.code for f in lint_form(data)}


def test_a_form_field_finding_points_at_its_line() -> None:
    data = b'{\n  "id": "f",\n  "components": [\n    {"type": "textfield", "id": "Field_1"}\n  ]\n}'
    (finding,) = lint_form(data)
    assert (finding.code, finding.element_id, finding.line) == ("SX-F305", "Field_1", 4)


def test_size_cap_is_configurable() -> None:
    assert [f.code for f in lint_bpmn(f"{DEFS}</definitions>".encode(), max_bytes=10)] == ["SX-X003"]


def test_declared_non_utf8_encoding_is_read() -> None:
    data = (
        f'<?xml version="1.0" encoding="GBK"?>{DEFS}<process id="p" name="户外广告审批">'
        '<startEvent id="s"/></process></definitions>'
    ).encode("gbk")
    model = parse_model(data)
    assert not isinstance(model, list) and model.name == "户外广告审批"


def test_random_damage_to_a_real_diagram_never_raises() -> None:
    corpus = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
    source = (corpus / "c7" / "loan-granting.bpmn").read_bytes()
    rng = random.Random(2026)
    for _ in range(300):
        data = bytearray(source)
        for _ in range(rng.randint(1, 20)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        cut = bytes(data[: rng.randrange(len(data) + 1)]) if rng.random() < 0.3 else bytes(data)
        findings = lint_bpmn(cut)
        assert findings and "SX-X009" not in {f.code for f in findings}


def test_paths_that_cannot_be_read(tmp_path: Path) -> None:
    sparse = tmp_path / "huge.bpmn"
    with sparse.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # 50 MB on paper, nothing to read
    assert [f.code for f in lint_path(sparse)] == ["SX-X003"]
    assert [f.code for f in lint_path(tmp_path / "missing.bpmn")] == ["SX-X006"]
    (tmp_path / "folder.bpmn").mkdir()
    assert [f.code for f in lint_path(tmp_path / "folder.bpmn")] == ["SX-X006"]
    (tmp_path / "notes.txt").write_text("hello")
    assert [f.code for f in lint_path(tmp_path / "notes.txt")] == ["SX-X007"]
    (tmp_path / "form.json").write_bytes(b"<xml/>")
    assert [f.code for f in lint_path(tmp_path / "form.json")] == ["SX-F301"]


def test_unknown_rule_family_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="rules must be one of"):
        lint_bpmn(b"<x/>", rules="everything")
