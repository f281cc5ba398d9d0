"""The FEEL subset of form conditions, and the bounded running of form patterns (JavaScript regexes)."""

from __future__ import annotations

import re
import time
from decimal import Decimal
from typing import Any

import pytest

from engine.tasks.forms.conditions import compile_condition, holds
from engine.tasks.forms.patterns import MAX_PATTERN_SUBJECT, SafePattern, UnsafePattern, compile_pattern

CJK = re.compile(r"[\u4e00-\u9fff]")

CONDITIONS: list[tuple[str, dict[str, Any], bool | None]] = [
    ("=flag", {"flag": True}, True),
    ("=flag", {"flag": False}, False),
    ("=flag", {}, None),
    ("=not(flag)", {"flag": False}, True),
    ("=not(flag)", {}, None),
    ("=x = false", {"x": False}, True),
    ('=decision = "grant"', {"decision": "grant"}, True),
    ('=decision != "grant"', {}, True),
    ('=decision != "grant"', {"decision": "grant"}, False),
    ("=amount <= 2", {"amount": 1}, True),
    ("=amount <= 2", {"amount": Decimal("2.5")}, False),
    ("=amount <= 2", {"amount": "1"}, None),
    ("=x = 1", {"x": True}, None),
    ("=a.b and c", {"a": {"b": True}, "c": True}, True),
    ("=a.b and c", {"a": {"b": True}, "c": False}, False),
    ("=(x = 1) or y", {"x": 2, "y": True}, True),
    ("=x = null", {}, True),
    ('="a\\"b" = s', {"s": 'a"b'}, True),
]


@pytest.mark.parametrize(("source", "data", "expected"), CONDITIONS)
def test_the_feel_subset_of_conditions(source: str, data: dict[str, Any], expected: bool | None) -> None:
    assert holds(compile_condition(source), data) is expected


@pytest.mark.parametrize(
    "source",
    [
        "=count(xs) > 1",
        "=a + b",
        "=x in [1, 2]",
        "x = 1",
        "=",
        "=a and",
        "=" + "(" * 30 + "a" + ")" * 30,
        "={a: 1}",
    ],
)
def test_conditions_outside_the_subset_are_not_understood(source: str) -> None:
    assert compile_condition(source) is None


REFUSED_PATTERNS = [
    "(a+)+$",
    "(a|ab)+$",
    "(a{1,2})+$",
    "^(\\d+)*$",
    ".*.*.*=.*",
    "(a{0,20}){20}x",
    "(a)\\1",
    "[",
    "x" * 501,
]
ACCEPTED_PATTERNS = {  # pattern: the text length it must at least be checkable on
    "^C-[0-9]+$": MAX_PATTERN_SUBJECT,
    "^(1[3-9]\\d{9}|0\\d{2,3}-?\\d{7,8})$": MAX_PATTERN_SUBJECT,
    "(\\d{1,3}\\.){3}\\d{1,3}": MAX_PATTERN_SUBJECT,
    "^\\S+@\\S+\\.\\S+$": 200,
    "(?:a|b)+$": 4000,
    "(?<year>\\d{4})-": MAX_PATTERN_SUBJECT,
}


@pytest.mark.parametrize("source", REFUSED_PATTERNS)
def test_patterns_that_may_backtrack_catastrophically_are_refused(source: str) -> None:
    refused = compile_pattern(source)
    assert isinstance(refused, UnsafePattern)
    assert CJK.search(refused.reason_zh) and refused.reason_en


def test_accepted_patterns_stay_fast_on_hostile_text_up_to_their_limit() -> None:
    started = time.perf_counter()
    for source, at_least in ACCEPTED_PATTERNS.items():
        pattern = compile_pattern(source)
        assert isinstance(pattern, SafePattern) and pattern.longest >= at_least, source
        for unit in ("a", "a@", "1", " ", "ab", "a@a."):
            text = (unit * pattern.longest)[: pattern.longest - 1] + "!"
            assert pattern.matches(text) in (True, False)
        assert pattern.matches("a" * (pattern.longest + 1)) is None or pattern.longest == MAX_PATTERN_SUBJECT
    assert time.perf_counter() - started < 2.0
