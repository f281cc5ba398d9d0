"""Bar charts drawn on the server as inline SVG: no script, readable by screen readers (role=img, a
<title> per bar), sized by viewBox so they scale with the page."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

PALETTE = ("#2f6fb0", "#3c9a5f", "#c0504d", "#d08c1c")
FONT = "'Noto Sans CJK SC','Microsoft YaHei','PingFang SC',sans-serif"


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: Sequence[float | None]
    color: str = ""


def _ceiling(value: float, percent: bool) -> float:
    if percent:
        return 1.0
    if value <= 4:
        return 4.0  # counts: five whole-number ticks 0…4
    magnitude = 10 ** math.floor(math.log10(value))
    nice = next(
        (step * magnitude for step in (1, 2, 2.5, 5, 10) if value <= step * magnitude), 10 * magnitude
    )
    return float(math.ceil(nice / 4) * 4)  # a multiple of 4, so the four grid steps are whole numbers


def _label(value: float, percent: bool) -> str:
    if percent:
        return f"{value * 100:.0f}%"
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _axis(
    parts: list[str], top: float, plot_h: float, left: float, plot_w: float, peak: float, percent: bool
) -> None:
    for i in range(5):
        value = peak * i / 4
        y = top + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="#555">'
            f"{escape(_label(value, percent))}</text>"
        )


def _legend(parts: list[str], series: Sequence[Series], left: float) -> None:
    x = left
    for index, s in enumerate(series):
        color = s.color or PALETTE[index % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="8" width="12" height="12" fill="{color}"/>')
        parts.append(f'<text x="{x + 16}" y="18" font-size="12" fill="#333">{escape(s.name)}</text>')
        x += 34 + sum(12 if ord(char) > 0x2E7F else 7 for char in s.name)


def bar_chart(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    percent: bool = False,
    width: int = 760,
    height: int = 280,
) -> Markup:
    """Grouped bars: one group per category, one bar per series; ``None`` values draw no bar."""
    left, right, top, bottom = 48.0, 12.0, 32.0, 36.0
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for s in series for v in s.values if v is not None]
    peak = _ceiling(max(values, default=0.0), percent)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" font-family="{escape(FONT)}" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
    ]
    _axis(parts, top, plot_h, left, plot_w, peak, percent)
    _legend(parts, series, left)
    group = plot_w / max(len(categories), 1)
    bar = min(28.0, group * 0.8 / max(len(series), 1))
    for ci, category in enumerate(categories):
        x0 = left + ci * group + (group - bar * len(series)) / 2
        for si, s in enumerate(series):
            value = s.values[ci] if ci < len(s.values) else None
            if value is None:
                continue
            h = plot_h * value / peak
            x, y = x0 + si * bar, top + plot_h - h
            color = s.color or PALETTE[si % len(PALETTE)]
            tip = f"{category} {s.name}: {_label(value, percent)}"
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar - 2:.1f}" height="{h:.1f}" '
                f'fill="{color}"><title>{escape(tip)}</title></rect>'
            )
            if value:
                parts.append(
                    f'<text x="{x + bar / 2 - 1:.1f}" y="{y - 3:.1f}" text-anchor="middle" '
                    f'font-size="10" fill="#333">{escape(_label(value, percent))}</text>'
                )
        parts.append(
            f'<text x="{left + ci * group + group / 2:.1f}" y="{height - 14}" text-anchor="middle" '
            f'font-size="11" fill="#555">{escape(category)}</text>'
        )
    base = top + plot_h
    parts.append(f'<line x1="{left}" y1="{base}" x2="{left + plot_w}" y2="{base}" stroke="#888"/>')
    parts.append("</svg>")
    return Markup("".join(parts))
