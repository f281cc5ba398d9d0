"""JUEL (``${...}``) under the EL 2.2 coercion rules, value by value, as Camunda 7 evaluates it.

Reference: JSR-245 (EL 2.2) §1.6–1.9 and §1.18, and Camunda 7's implementation of them:
``juel/src/main/java/org/camunda/bpm/impl/juel/BooleanOperations.java`` (comparisons, equality),
``NumberOperations.java`` (arithmetic) and ``TypeConverterImpl.java`` (coercions). Each expected value
below is what those classes compute for the Java value the Python one stands for (int → Long,
float → Double, str → String, bool → Boolean, None → null)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from engine.runner.expressions import ExpressionError, compile_expression
from engine.runner.expressions.el.coercion import java_double_text, to_string


def el(source: str, **variables: Any) -> Any:
    return compile_expression(source).evaluate(variables)


HOLDS = [  # (expression, variables, value) — the three cases first
    ("${amount > 1000}", {"amount": "1500"}, True),  # String vs Long: the text becomes a Long
    ("${'1500' > 1000}", {}, True),
    ("${approved == true}", {"approved": "true"}, True),  # String vs Boolean: Boolean.valueOf
    ("${'TRUE' == true}", {}, True),
    ("${'yes' == true}", {}, False),  # any other text is false, not an error
    ("${day < 3}", {"day": "2"}, True),  # a form's text against a number
    ("${'1' == 1}", {}, True),
    ("${'01' == 1}", {}, True),
    ("${'1.5' == 1.5}", {}, True),  # Double wins: Double.valueOf("1.5")
    ("${'10' < '9'}", {}, True),  # two Strings compare as text
    ("${10 < 9}", {}, False),
    ("${x == null}", {"x": None}, True),
    ("${x != null}", {"x": 0}, True),
    ("${x < 1}", {"x": None}, False),  # null on either side of < > is false
    ("${x <= y}", {"x": None, "y": None}, True),  # … but null <= null holds (A == B)
    ("${x >= 1}", {"x": None}, False),
    ("${1 + '2'}", {}, 3),  # arithmetic coerces too
    ("${'1.5' + 1}", {}, 2.5),  # text with '.' is a Double
    ("${x + 1}", {"x": None}, 1),  # null is 0
    ("${7 / 2}", {}, 3.5),  # / always divides as Double
    ("${-7 % 3}", {}, -1),  # % keeps the dividend's sign (Java)
    ("${-'5'}", {}, -5),
    ("${amount * 2}", {"amount": Decimal("1.25")}, Decimal("2.50")),
    ("${flag && true}", {"flag": "true"}, True),  # logic coerces text to Boolean
    ("${!flag}", {"flag": "false"}, True),
    ("${flag || false}", {"flag": None}, False),
    ("${flag ? 'a' : 'b'}", {"flag": ""}, "b"),
    ("${applicant.kind}", {"applicant": {}}, None),  # a map's missing key is null
    ("${applicant.kind == null}", {"applicant": None}, True),  # so is any property of null
    ("${items[5]}", {"items": [1, 2]}, None),  # an index out of range is null
    ("${items['1']}", {"items": [1, 2]}, 2),  # the index is coerced to a Long
    ("${amount == 1000}", {"amount": 1000.0}, True),
    ("${amount > 999.5}", {"amount": 1000}, True),
]


@pytest.mark.parametrize(("source", "variables", "expected"), HOLDS)
def test_el_coerces_mixed_types_as_camunda_7_does(
    source: str, variables: dict[str, Any], expected: Any
) -> None:
    result = el(source, **variables)
    assert result == expected and type(result) is type(expected)


FAILS = [  # where EL itself raises ELException: the step fails with the reason
    ("${'abc' > 1}", {}, "Cannot coerce str 'abc' to Long"),
    ("${'1.5' > 1}", {}, "Cannot coerce str '1.5' to Long"),  # Long.valueOf takes no fraction
    ("${true == 1}", {}, "Cannot coerce bool True to Long"),  # a Boolean is not a Number
    ("${true < 1}", {}, "Cannot coerce bool True to Long"),
    ("${'a' + 'b'}", {}, "Cannot coerce str 'a' to Long"),  # EL 2.2 has no text concatenation
    ("${1 && true}", {}, "Cannot coerce int 1 to Boolean"),
    ("${items < 1}", {"items": [1]}, "Cannot coerce list"),
    ("${items < other}", {"items": [1], "other": [2]}, "Cannot compare"),  # a List is not Comparable
    ("${name.length}", {"name": "abc"}, "has no property"),
    ("${1 / 0}", {}, "Division by zero"),
    ("${9223372036854775807 + 1}", {}, "outside 64 bits"),
]


@pytest.mark.parametrize(("source", "variables", "fragment"), FAILS)
def test_el_refuses_what_cannot_be_coerced_with_the_reason(
    source: str, variables: dict[str, Any], fragment: str
) -> None:
    with pytest.raises(ExpressionError) as caught:
        el(source, **variables)
    assert fragment in caught.value.message_en
    assert caught.value.message_zh and caught.value.source == source


def test_the_python_form_keeps_python_semantics() -> None:
    """Only JUEL follows EL: the unwrapped (SpiffWorkflow) form is Python, where '1500' > 1000 is an error."""
    with pytest.raises(ExpressionError, match="Cannot compare"):
        el("amount > 1000", amount="1500")
    assert el("'a' + 'b'") == "ab"


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (1500.0, "1500.0"),
        (0.001, "0.001"),
        (1e7, "1.0E7"),
        (1.5e-4, "1.5E-4"),
        (-2.5, "-2.5"),
        (123.456, "123.456"),
        (2e22, "2.0E22"),
        (0.0, "0.0"),
        (float("nan"), "NaN"),
        (float("-inf"), "-Infinity"),
    ],
)
def test_a_double_as_text_is_what_java_prints(number: float, text: str) -> None:
    assert java_double_text(number) == text == to_string(number)


def test_a_double_compared_with_text_uses_java_text() -> None:
    assert el("${x == '1500.0'}", x=1500.0) is True  # Double wins: Double.valueOf('1500.0')
    assert el("${x == 'a'}", x=None) is False
