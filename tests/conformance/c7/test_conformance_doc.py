"""``docs/camunda7-conformance.md`` stays true: every row of its tables names a test that exists or an SX
code the linter emits (each dialect code has a case in ``tests/unit/test_lint_dialect.py`` asserting that the
linter reports exactly it)."""

from __future__ import annotations

import re

from engine.compliance import RULES
from tests.support import ROOT
from tests.unit.test_lint_dialect import CASES as DIALECT_CASES

DOC = ROOT / "docs" / "camunda7-conformance.md"
TEST_NAME = re.compile(r"`(test_\w+)`")
CODE = re.compile(r"`(SX-[A-Z]\d{3})`")


def _rows() -> list[str]:
    return [
        line
        for line in DOC.read_text(encoding="utf-8").splitlines()
        if line.startswith("| ") and not line.startswith("| ---") and not line.startswith("| element")
    ]


def _defined_tests() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "tests").rglob("test_*.py"):
        found |= set(re.findall(r"^def (test_\w+)\(", path.read_text(encoding="utf-8"), re.MULTILINE))
    return found


def test_every_row_names_an_existing_test_or_an_emitted_code() -> None:
    rows = _rows()
    assert len(rows) >= 30
    defined = _defined_tests()
    emitted = {code for code, _what, _mutation in DIALECT_CASES}
    for row in rows:
        sanxiang = row.rsplit("|", 2)[-2]
        tests, codes = TEST_NAME.findall(sanxiang), CODE.findall(sanxiang)
        assert tests or codes, row
        assert set(tests) <= defined, (row, set(tests) - defined)
        assert all(code in RULES and code in emitted for code in codes), row


def test_every_refusal_names_its_code_and_every_code_of_the_user_task_part_is_on_the_page() -> None:
    """A refused row says by which code; the codes of user tasks, expressions, forms and listeners
    (SX-D140…SX-D159) each appear on the page."""
    for row in _rows():
        sanxiang = row.rsplit("|", 2)[-2].strip()
        if sanxiang.startswith("refused:"):
            assert CODE.findall(sanxiang), row
    text = DOC.read_text(encoding="utf-8")
    mine = [code for code in RULES if "SX-D140" <= code <= "SX-D159"]
    assert mine and [code for code in mine if f"`{code}`" not in text] == []
