"""``sanxiang render``: a diagram as SVG, from its DI, without a browser."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from engine.errors import SanxiangError


@click.command("render")
@click.argument("diagram", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--process", "process_id", default=None, help="process id when the file holds several")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
def command(diagram: Path, out: Path, process_id: str | None, lang: str) -> None:
    """Draw a BPMN diagram as SVG (used in docs, the service guide and case files)."""
    from engine.diagram import render_svg

    try:
        svg = render_svg(diagram.read_bytes(), process_id=process_id, lang=lang)
    except SanxiangError as exc:
        click.echo(f"无法绘制 / cannot render {diagram}: {exc.message_zh} / {exc.message_en}", err=True)
        sys.exit(1)
    out.write_text(svg, encoding="utf-8")
    click.echo(f"{out} ({len(svg)} bytes)")
