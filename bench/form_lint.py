"""Form lint time for 1 MB and 10 MB forms: linear in the size (issue 13, item 6).

Run by hand:  .venv/bin/python bench/form_lint.py [--rounds N]

For each size, a form-js JSON of textfield components (labels padded so that the size is reached with
one component per ~500 bytes: 2,000 and 20,000 components) is linted with limits raised to let it in
(the defaults refuse both at once: see the last lines). Times are this process's CPU time, median of
the rounds. The baseline measured in the same run is ``json.loads`` of the same bytes (the floor of any
linter that reads the file); the ratio lint / json.loads stays the same from 1 MB to 10 MB when linting
is linear, and ``10 MB / 1 MB`` is ≈ 10 (it was ≈ 80 with the quadratic line search: see
docs/benchmarks.md for the times measured before the change).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CLOCK = time.process_time
sys.path.insert(0, str(ROOT))

from engine.compliance import lint_form  # noqa: E402
from engine.tasks.forms.limits import DEFAULT_FORM_LIMITS, FormLimits  # noqa: E402

SIZES = ((1_000_000, 2_000), (10_000_000, 20_000))


def form(size: int, components: int) -> bytes:
    """About ``size`` bytes of form-js JSON holding ``components`` textfields."""
    per = size // components
    items: list[dict[str, Any]] = []
    for i in range(components):
        item = {
            "id": f"Field_{i:06d}",
            "key": f"field{i}",
            "type": "textfield",
            "label": "",
            "validate": {"required": i % 2 == 0, "maxLength": 100},
        }
        base = len(json.dumps(item, ensure_ascii=False, indent=2).encode()) + 8
        item["label"] = "字" * max(0, (per - base) // 3)
        items.append(item)
    return json.dumps(
        {"id": "big", "type": "default", "components": items}, ensure_ascii=False, indent=2
    ).encode()


def cpu(action: Callable[[], Any], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = CLOCK()
        action()
        times.append(CLOCK() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    raised = FormLimits(max_bytes=12_000_000, max_components=25_000)
    linted: list[float] = []
    print(f"{'form':>8} {'bytes':>11} {'components':>10} {'json.loads':>11} {'lint':>9} {'lint/json':>9}")
    for size, components in SIZES:
        data = form(size, components)
        findings = lint_form(data, limits=raised)
        assert findings == [], findings
        floor = cpu(lambda: json.loads(data), rounds)  # noqa: B023 - used at once
        took = cpu(lambda: lint_form(data, limits=raised), rounds)  # noqa: B023 - used at once
        linted.append(took)
        print(
            f"{size / 1e6:>6.0f} MB {len(data):>11,} {components:>10,} {floor * 1e3:>8.1f} ms "
            f"{took * 1e3:>6.0f} ms {took / floor:>8.1f}x"
        )
    print(f"10 MB / 1 MB lint time: {linted[1] / linted[0]:.1f}x (linear ≈ 10x)")
    for size, components in SIZES:
        data = form(size, components)
        refused = [f.code for f in lint_form(data)]
        took = cpu(lambda: lint_form(data), rounds)  # noqa: B023 - used at once
        answer = f"refused ({', '.join(refused)})" if refused else "accepted"
        print(
            f"default limits ({DEFAULT_FORM_LIMITS.max_bytes:,} bytes, "
            f"{DEFAULT_FORM_LIMITS.max_components:,} components): the {size / 1e6:.0f} MB form is {answer} "
            f"in {took * 1e3:.1f} ms"
        )


if __name__ == "__main__":
    main()
