"""Time `lint` on every file of the shared corpus (the issue asks for < 2 s a file).

Run by hand: .venv/bin/python bench/lint_corpus.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.compliance.lint import lint_path  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"


def main() -> None:
    times: list[tuple[float, str, int]] = []
    for path in sorted(
        p for p in CORPUS.rglob("*") if p.is_file() and p.suffix in (".bpmn", ".xml", ".form", ".json")
    ):
        started = time.perf_counter()
        findings = lint_path(path)
        times.append((time.perf_counter() - started, str(path.relative_to(CORPUS)), len(findings)))
    seconds = [t for t, _, _ in times]
    print(
        f"files: {len(times)}; median {statistics.median(seconds) * 1e3:.1f} ms; "
        f"max {max(seconds) * 1e3:.1f} ms; total {sum(seconds):.2f} s"
    )
    for elapsed, name, count in sorted(times, reverse=True)[:5]:
        print(f"  slowest: {name}: {elapsed * 1e3:.1f} ms, {count} findings")


if __name__ == "__main__":
    main()
