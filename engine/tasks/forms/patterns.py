"""Form ``validate.pattern`` (a JavaScript regular expression) checked safely on the server.

Python's ``re`` cannot be interrupted, so a pattern that backtracks catastrophically could hang a
worker on one submitted string. Instead of a timeout we *bound the work before matching*:

* from the parsed pattern we compute an upper bound on the ways a backtracking matcher can try
  to match a text of length n: a quantifier over one character of n possible counts gives n+1,
  a sequence multiplies, an alternation adds, a repeated group multiplies its own ways once per
  repetition (so ``(a+)+``, ``(a|ab)+`` and ``(a{0,20}){20}`` explode), and an unanchored pattern is
  tried at n+1 starting points;
* the pattern may be run on a text only while that bound stays under ``WORK_BUDGET`` (measured:
  about 7 ns a unit, so well under a second); ``SafePattern.longest`` is the longest such text
  (at most ``MAX_PATTERN_SUBJECT``); longer text is refused (``pattern-subject-too-long``);
* a pattern whose longest checkable text is shorter than ``MIN_CHECKABLE`` characters — nested
  quantifiers, alternations inside repeated groups — is refused when the form is read
  (``UnsafePattern``), as are back-references and patterns over ``MAX_PATTERN_CHARS``.

The bound is conservative: an anchored ``^\\S+@\\S+\\.\\S+$`` can be checked on about 270
characters, ``^C-[0-9]+$`` on the whole ``MAX_PATTERN_SUBJECT``; write anchors (``^…$``).

JavaScript to Python: ``$`` means the end of the input in JavaScript (Python's ``$`` also matches
before a final newline), so it becomes ``\\Z``; ``(?<name>`` becomes ``(?P<name>``; the pattern is
compiled with ``re.ASCII`` so ``\\d`` and ``\\w`` are ASCII as in JavaScript (``\\s`` is then ASCII
too: a deliberate, stricter difference). Matching uses ``search`` like JavaScript's ``test``.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from typing import Any

from engine.kernel.json_types import JsonValue

MAX_PATTERN_CHARS = 500
MAX_PATTERN_SUBJECT = 10_000
MIN_CHECKABLE = 32
WORK_BUDGET = 2e7

_parser: Any = importlib.import_module("re._parser")
_c: Any = importlib.import_module("re._constants")
_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)}
_ANCHORS = {_c.AT_BEGINNING, _c.AT_BEGINNING_STRING}
_INFINITE = float("inf")


@dataclass(frozen=True, slots=True)
class UnsafePattern:
    """A pattern we refuse to run, with the reason in Chinese and English."""

    source: str
    reason_zh: str
    reason_en: str


@dataclass(frozen=True, slots=True)
class SafePattern:
    source: str
    compiled: re.Pattern[str]
    longest: int  # the longest text the pattern may be run on

    def matches(self, text: str) -> bool | None:
        """Whether the text matches (JavaScript ``test``), or None when it is too long to check."""
        if len(text) > self.longest:
            return None
        return self.compiled.search(text) is not None


def _to_python(source: str) -> str:
    """Rewrite the JavaScript-only bits outside character classes: ``$`` and ``(?<name>``."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            out.append(source[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "$":
            ch = r"\Z"
        elif source.startswith("(?<", i) and source[i + 3 : i + 4] not in ("=", "!"):
            ch, i = "(?P<", i + 2
        out.append(ch)
        i += 1
    return "".join(out)


def _repeat_ways(low: int, high: int, inner: Any, n: int) -> float:
    ways = _ways(inner, n)
    width = inner.getwidth()[0]
    top = min(high, n if width == 0 else n // width)
    if top < low:
        return 1.0
    if ways <= 1:
        return float(top - low + 1)
    total, power = 0.0, ways**low if low < 64 else _INFINITE
    for _ in range(low, top + 1):
        total += power
        power *= ways
        if total > WORK_BUDGET:
            return _INFINITE
    return total


def _item_ways(op: Any, av: JsonValue, n: int) -> float:
    if op in _REPEATS:
        return _repeat_ways(av[0], av[1], av[2], n)
    if op == _c.BRANCH:
        return sum(_ways(alternative, n) for alternative in av[1])
    if op == _c.SUBPATTERN:
        return _ways(av[-1], n)
    if op in (_c.ASSERT, _c.ASSERT_NOT):
        return _ways(av[1], n)
    if op == getattr(_c, "ATOMIC_GROUP", None):
        return _ways(av, n)
    if op in (_c.GROUPREF, _c.GROUPREF_EXISTS):
        return _INFINITE
    return 1.0


def _ways(sub: Any, n: int) -> float:
    total = 1.0
    for op, av in sub:
        total *= _item_ways(op, av, n)
        if total > WORK_BUDGET:
            return _INFINITE
    return total


def _work(parsed: Any, n: int) -> float:
    anchored = bool(parsed.data) and parsed.data[0][0] == _c.AT and parsed.data[0][1] in _ANCHORS
    return _ways(parsed, n) * (1 if anchored else n + 1)


def _longest(parsed: Any) -> int:
    """The longest text whose bounded work stays within the budget (the work grows with n)."""
    low, high = -1, MAX_PATTERN_SUBJECT
    if _work(parsed, high) <= WORK_BUDGET:
        return high
    while high - low > 1:
        middle = (low + high) // 2
        if _work(parsed, middle) <= WORK_BUDGET:
            low = middle
        else:
            high = middle
    return low


def compile_pattern(source: str) -> SafePattern | UnsafePattern:
    """The pattern ready to run, or why it is refused (too long, invalid, may backtrack badly)."""
    if len(source) > MAX_PATTERN_CHARS:
        return UnsafePattern(
            source,
            f"格式规则超过 {MAX_PATTERN_CHARS} 个字符",
            f"the pattern is longer than {MAX_PATTERN_CHARS} characters",
        )
    python = _to_python(source)
    try:
        parsed = _parser.parse(python, re.ASCII)
        compiled = re.compile(python, re.ASCII)
    except (re.error, RecursionError, OverflowError) as exc:
        return UnsafePattern(source, f"不是有效的正则表达式：{exc}", f"not a valid regular expression: {exc}")
    if _has_backreference(parsed):
        return UnsafePattern(source, "不支持反向引用", "back-references are not supported")
    longest = _longest(parsed)
    if longest < MIN_CHECKABLE:
        return UnsafePattern(
            source,
            "格式规则可能回溯过多而无法安全校验（如嵌套量词 (a+)+、重复分组里的“或” (a|ab)+、多个连续的 .*）",
            "the pattern may backtrack too much to be checked safely (nested quantifiers like (a+)+, "
            "alternations in repeated groups like (a|ab)+, several .* in a row)",
        )
    return SafePattern(source, compiled, longest)


def _has_backreference(parsed: Any) -> bool:
    pending = [parsed]
    while pending:
        for op, av in pending.pop():
            if op in (_c.GROUPREF, _c.GROUPREF_EXISTS):
                return True
            pending.extend(_children(op, av))
    return False


def _children(op: Any, av: JsonValue) -> list[Any]:
    if op in _REPEATS:
        return [av[2]]
    if op == _c.BRANCH:
        return list(av[1])
    if op == _c.SUBPATTERN:
        return [av[-1]]
    if op in (_c.ASSERT, _c.ASSERT_NOT):
        return [av[1]]
    return [av] if op == getattr(_c, "ATOMIC_GROUP", None) else []
