"""Text measuring and wrapping for diagram labels, without a font file.

Widths are estimates in em: CJK and full-width characters take one em and may break anywhere
between them; Latin words break at spaces (or, when longer than a line, anywhere). Closing
punctuation never starts a line and opening punctuation never ends one.
"""

from __future__ import annotations

import re
import unicodedata

LINE_HEIGHT = 1.2  # in em
ELLIPSIS = "…"

_CLOSING = frozenset("，。、；：！？）】」』》〉”’,.;:!?)]}…%")
_OPENING = frozenset("（【「『《〈“‘([{")
_NARROW = frozenset("iljtfrI.,:;|!'\"()[]{}`")
_WIDE = frozenset("mwMW@%")
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """Drop the characters XML 1.0 cannot carry (control characters, lone surrogates)."""
    return _NOT_XML.sub("", text)


def is_wide(ch: str) -> bool:
    """CJK ideographs, kana, hangul, full-width forms and CJK punctuation."""
    return unicodedata.east_asian_width(ch) in ("W", "F")


def char_em(ch: str) -> float:
    if is_wide(ch):
        return 1.0
    if ch.isspace():
        return 0.3
    if ch in _NARROW:
        return 0.32
    if ch in _WIDE:
        return 0.86
    if ch.isupper():
        return 0.68
    if ch.isdigit():
        return 0.58
    return 0.58 if ch.isascii() else 0.62


def text_width(text: str, font_size: float) -> float:
    return sum(char_em(ch) for ch in text) * font_size


def _tokens(paragraph: str) -> list[str]:
    """Break opportunities: each wide char alone, each space alone, Latin words (split after - and /)."""
    tokens: list[str] = []
    word = ""
    for ch in paragraph:
        if is_wide(ch) or ch.isspace():
            if word:
                tokens.append(word)
                word = ""
            tokens.append(" " if ch.isspace() else ch)
        else:
            word += ch
            if ch in "-/":
                tokens.append(word)
                word = ""
    if word:
        tokens.append(word)
    return tokens


def _hard_split(token: str, width: float, font_size: float) -> list[str]:
    pieces: list[str] = []
    current = ""
    for ch in token:
        if current and text_width(current + ch, font_size) > width:
            pieces.append(current)
            current = ""
        current += ch
    return [*pieces, current]


class _Lines:
    """Greedy line filling with simple kinsoku rules."""

    def __init__(self, width: float, font_size: float) -> None:
        self.width = width
        self.font_size = font_size
        self.done: list[str] = []
        self.current: list[str] = []

    def _current_width(self) -> float:
        return text_width("".join(self.current), self.font_size)

    def add(self, token: str) -> None:
        if token == " " and not self.current:
            return
        fits = self._current_width() + text_width(token, self.font_size) <= self.width
        if fits or (self.current and token[0] in _CLOSING):
            self.current.append(token)
            return
        if self.current:
            self._break()
            if token == " ":
                return
        if text_width("".join(self.current) + token, self.font_size) <= self.width:
            self.current.append(token)
            return
        *full, rest = _hard_split("".join(self.current) + token, self.width, self.font_size)
        self.done.extend(full)
        self.current = [rest]

    def _break(self) -> None:
        carry: list[str] = []
        while len(self.current) > 1 and self.current[-1] in _OPENING:
            carry.insert(0, self.current.pop())
        self.done.append("".join(self.current).strip())
        self.current = carry

    def finish(self) -> list[str]:
        if self.current:
            self.done.append("".join(self.current).strip())
        return [line for line in self.done if line]


def ellipsize(line: str, width: float, font_size: float) -> str:
    while line and text_width(line + ELLIPSIS, font_size) > width:
        line = line[:-1]
    return line.rstrip() + ELLIPSIS


def wrap(text: str, width: float, font_size: float, max_lines: int | None = None) -> list[str]:
    """Lines of ``text`` that each fit ``width`` (px) at ``font_size``; explicit newlines are kept."""
    width = max(width, font_size)
    lines: list[str] = []
    for paragraph in xml_safe(text).splitlines():
        builder = _Lines(width, font_size)
        for token in _tokens(" ".join(paragraph.split())):
            builder.add(token)
        lines.extend(builder.finish())
    if max_lines is not None and len(lines) > max_lines:
        kept = lines[: max(max_lines, 1)]
        kept[-1] = ellipsize(kept[-1], width, font_size)
        return kept
    return lines
