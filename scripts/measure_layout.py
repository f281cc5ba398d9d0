"""Print the layout numbers of issue #12 (areas): modules per folder, long modules, function
length p90, `Any` per 1,000 lines outside runner/, and the count of asserts in tests/.

    .venv/bin/python scripts/measure_layout.py          # the numbers
    .venv/bin/python scripts/measure_layout.py --mypy   # and the mypy strict error count
    .venv/bin/python scripts/measure_layout.py --check  # exit 1 when a budget is broken (scripts/lint)

Measured with `ast` so it can be re-run after every move and compared with docs/architecture.md.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULE_BUDGET = 300
FOLDER_BUDGET = 15
P90_BUDGET = 20  # lines per function, 90th percentile
ANY_BUDGET = 10.0  # literal ``Any`` per 1,000 lines outside runner/ (the JSON aliases are reported beside it)


def engine_modules() -> list[Path]:
    return sorted(p for p in (ROOT / "engine").rglob("*.py") if "migrations" not in p.parts)


def modules_per_folder(paths: list[Path]) -> Counter[str]:
    return Counter(str(p.parent.relative_to(ROOT)) for p in paths)


def function_lengths(paths: list[Path]) -> list[int]:
    lengths = []
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lengths.append((node.end_lineno or node.lineno) - node.lineno + 1)
    return sorted(lengths)


def percentile(values: list[int], fraction: float) -> int:
    return values[min(len(values) - 1, int(fraction * len(values)))]


JSON_ALIASES = re.compile(r"\bJson(Object|Value)\b")  # engine/kernel/json_types.py: both mean Any


def any_per_kloc(paths: list[Path]) -> tuple[int, int, int]:
    """Literal ``Any`` tokens outside runner/, the uses of the JSON aliases (which are ``Any`` under
    another name; imports not counted) and the lines: both figures, so that renaming cannot hide one."""
    outside_runner = [p for p in paths if "runner" not in p.parts]
    uses = aliases = lines = 0
    for path in outside_runner:
        text = path.read_text(encoding="utf-8")
        lines += len(text.splitlines())
        uses += len(re.findall(r"\bAny\b", text))
        if path.name != "json_types.py":
            code = "\n".join(
                line for line in text.splitlines() if not line.lstrip().startswith(("from ", "import "))
            )
            aliases += len(JSON_ALIASES.findall(code))
    return uses, aliases, lines


def test_asserts() -> int:
    count = 0
    for path in (ROOT / "tests").rglob("*.py"):
        count += sum(isinstance(n, ast.Assert) for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))))
    return count


def mypy_errors() -> str:
    run = subprocess.run([str(ROOT / ".venv/bin/mypy")], cwd=ROOT, capture_output=True, text=True)
    last = run.stdout.strip().splitlines()[-1:] or ["(no output)"]
    return last[0]


def main() -> None:
    paths = engine_modules()
    folders = modules_per_folder(paths)
    print("modules per folder of engine/ (over budget marked *):")
    for folder, count in sorted(folders.items()):
        print(f"  {'*' if count > FOLDER_BUDGET else ' '} {folder}: {count}")
    long = [(p, len(p.read_text(encoding="utf-8").splitlines())) for p in paths]
    over = [(p, n) for p, n in long if n > MODULE_BUDGET]
    crowded = sum(c > FOLDER_BUDGET for c in folders.values())
    print(f"modules: {len(paths)}; folders over {FOLDER_BUDGET}: {crowded}")
    print(f"modules over {MODULE_BUDGET} lines: {len(over)} {[str(p.relative_to(ROOT)) for p, _ in over]}")
    lengths = function_lengths(paths)
    print(
        f"functions: {len(lengths)}; length median {percentile(lengths, 0.5)}, p90 {percentile(lengths, 0.9)}"
    )
    uses, aliases, lines = any_per_kloc(paths)
    print(f"Any outside runner/: {uses} in {lines} lines = {1000 * uses / lines:.1f} per 1,000 lines")
    both = uses + aliases
    print(
        f"Any outside runner/, counting the {aliases} uses of JsonObject/JsonValue as Any too: "
        f"{both} = {1000 * both / lines:.1f} per 1,000 lines"
    )
    print(f"assert statements in tests/: {test_asserts()}")
    if "--mypy" in sys.argv:
        print(f"mypy strict: {mypy_errors()}")
    broken = [
        what
        for what, bad in (
            (f"folders over {FOLDER_BUDGET} modules", crowded > 0),
            (f"modules over {MODULE_BUDGET} lines", bool(over)),
            (f"function length p90 over {P90_BUDGET}", percentile(lengths, 0.9) > P90_BUDGET),
            (f"Any over {ANY_BUDGET:g} per 1,000 lines outside runner/", 1000 * uses / lines > ANY_BUDGET),
        )
        if bad
    ]
    if "--check" in sys.argv and broken:
        print(f"layout budgets broken: {'; '.join(broken)}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
