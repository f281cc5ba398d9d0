"""The index PDF of a case file, in Chinese, made with ReportLab.

Text is set in ``STSong-Light``, one of the CID fonts every PDF reader carries for Chinese (Adobe's
Asian font packs; pdf.js, Poppler and pypdf know it): ReportLab needs no font file for it, so a fresh
install needs nothing beyond its PyPI packages, and the text extracts as Unicode.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from engine.kernel.bureau import ZONE
from engine.kernel.json_types import JsonValue
from engine.record.casefile.contents import CaseFileData
from engine.record.chain import Link

FONT = "STSong-Light"
PAGE = landscape(A4)
MARGIN = 28.0


def _ensure_font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


class Styles:
    def __init__(self) -> None:
        _ensure_font()
        base = {"fontName": FONT, "wordWrap": "CJK"}
        self.title = ParagraphStyle("title", fontSize=20, leading=26, spaceAfter=6, **base)
        self.heading = ParagraphStyle(
            "heading", fontSize=13, leading=18, spaceBefore=10, spaceAfter=4, **base
        )
        self.body = ParagraphStyle("body", fontSize=9, leading=12, **base)
        self.cell = ParagraphStyle("cell", fontSize=7.5, leading=9.5, **base)
        self.small = ParagraphStyle("small", fontSize=6.5, leading=8, **base)


def when(moment: datetime | None) -> str:
    """A time as people at the bureau read it (Asia/Shanghai)."""
    return moment.astimezone(ZONE).strftime("%Y-%m-%d %H:%M:%S") if moment else "—"


def text(value: JsonValue) -> str:
    """Display text; a middle dot becomes a space (STSong-Light has no glyph for U+00B7)."""
    if value is None or value == "":
        return "—"
    if value is True:
        return "是"
    if value is False:
        return "否"
    return str(value).replace("\u00b7", " ")


def para(value: JsonValue, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text(value)).replace("\n", "<br/>"), style)


def grid(
    styles: Styles,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    *,
    style: ParagraphStyle | None = None,
) -> Table:
    """A table whose cells wrap (CJK), header row repeated on every page."""
    cell = style or styles.cell
    data = [[para(h, cell) for h in header]] + [[para(v, cell) for v in row] for row in rows]
    table = Table(data, colWidths=list(widths), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9e9e9e")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eceff1")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def pairs(styles: Styles, rows: Sequence[tuple[str, Any]], width: float) -> Table:
    """A two-column table of label and value."""
    table = Table(
        [[para(k, styles.body), para(v, styles.body)] for k, v in rows], colWidths=[width * 0.2, width * 0.8]
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9e9e9e")),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f5f5f5")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _footer(case_id: str) -> Any:
    def draw(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7)
        canvas.drawString(MARGIN, 14, f"电子卷宗　办件 {case_id}")
        canvas.drawRightString(PAGE[0] - MARGIN, 14, f"第 {doc.page} 页")
        canvas.restoreState()

    return draw


def build_index_pdf(data: CaseFileData, case_head: Link | None) -> bytes:
    """The whole index as PDF bytes."""
    from engine.record.casefile import pdf_sections as sections

    styles = Styles()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 8,
        title=f"电子卷宗 {data.case_id}",
        author=data.exported_by,
        subject=data.process_name,
        creator="Sanxiang 三项",
    )
    story: list[Flowable] = [
        Paragraph(escape(f"电子卷宗　{data.process_name}"), styles.title),
        Paragraph(
            escape(
                f"办件编号 {data.case_id}，导出时间 {when(data.exported_at)}"
                f"（北京时间），导出人 {data.exported_by}"
            ),
            styles.body,
        ),
        Spacer(1, 6),
    ]
    for section in sections.SECTIONS:
        story += section(data, case_head, styles, doc.width, doc.height)
    doc.build(story, onFirstPage=_footer(data.case_id), onLaterPages=_footer(data.case_id))
    return out.getvalue()
