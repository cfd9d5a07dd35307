"""The benchmark runner (``python -m benchmarks``) writes docs/BENCHMARKS.md: only
its own part between the markers, each target met or missed, and a why for a miss."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def runner():
    spec = importlib.util.spec_from_file_location("bench_runner", ROOT / "benchmarks" /
                                                  "__main__.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_runner"] = module  # dataclasses look their module up
    try:
        spec.loader.exec_module(module)  # puts benchmarks/ on sys.path for its _common
        yield module
    finally:
        sys.modules.pop("bench_runner", None)
        sys.modules.pop("_common", None)
        if str(ROOT / "benchmarks") in sys.path:
            sys.path.remove(str(ROOT / "benchmarks"))


def summary(median: float, p95: float, n: int = 100) -> dict:
    return {"n": n, "median_ms": median, "p95_ms": p95, "max_ms": p95}


def sale_result(median: float, p95: float, engine: str = "sqlite") -> dict:
    return {"service": summary(median, p95), "bare": summary(0.3, 0.6),
            "service_with_receipt_file": summary(median + 0.2, p95 + 0.2),
            "service_cpu": summary(median, p95), "engine": engine,
            "target_median_ms": 1.0 if engine == "sqlite" else 3.0,
            "target_p95_ms": 3.0 if engine == "sqlite" else None,
            "loadavg_before": [0.5, 0.5, 0.5]}


def test_a_met_target_says_yes_and_nothing_is_explained(runner):
    text = runner.render({"sale-sqlite": sale_result(0.7, 1.4)}, {})
    row = next(line for line in text.splitlines() if line.startswith("| completing a sale"))
    assert "0.700 / 1.40 ms" in row and "0.300 / 0.600 ms" in row
    assert "2.33× / 2.33×" in row and row.endswith("| **yes** |")
    assert "Every target above is met." in text


def test_a_missed_target_says_no_and_why_from_the_notes(runner):
    text = runner.render({"sale-sqlite": sale_result(1.6, 2.0),
                          "sale-postgresql": sale_result(4.0, 9.0, "postgresql")}, {})
    rows = [line for line in text.splitlines() if line.startswith("| completing a sale")]
    assert [r.endswith("| **no** |") for r in rows] == [True, True]
    why = text.split("### Why a target is missed", 1)[1]
    assert runner.NOTES["sale"] in why  # SQLite: the general note
    assert runner.NOTES["sale@postgresql"] in why  # PostgreSQL: its own
    assert "Every target above is met." not in why


def test_a_miss_without_a_note_says_so(runner, monkeypatch):
    monkeypatch.delitem(runner.NOTES, "sale")
    text = runner.render({"sale-sqlite": sale_result(1.6, 2.0)}, {})
    assert "not explained yet: add a line to NOTES" in text


def test_a_busy_machine_is_said_beside_a_missed_time(runner):
    busy = sale_result(1.6, 2.0)
    busy["loadavg_before"] = [6.2, 5.0, 4.0]
    text = runner.render({"sale-sqlite": busy}, {})
    assert "load average was 6.2" in text


def test_only_the_generated_part_is_replaced(runner, tmp_path):
    doc = tmp_path / "BENCHMARKS.md"
    doc.write_text(f"# Title\n\nIntro by hand.\n\n{runner.BEGIN}\nold figures\n{runner.END}\n\n"
                   "## Findings\n\nKept by hand.\n")
    runner.write_doc(doc, f"{runner.BEGIN}\nnew figures\n{runner.END}")
    text = doc.read_text()
    assert "new figures" in text and "old figures" not in text
    assert text.startswith("# Title\n\nIntro by hand.\n\n")
    assert text.endswith("## Findings\n\nKept by hand.\n")


def test_the_first_write_goes_before_the_first_section(runner, tmp_path):
    doc = tmp_path / "BENCHMARKS.md"
    doc.write_text("# Title\n\nIntro.\n\n## Findings\n\nBy hand.\n")
    runner.write_doc(doc, f"{runner.BEGIN}\nfigures\n{runner.END}")
    text = doc.read_text()
    assert text.index("Intro.") < text.index("figures") < text.index("## Findings")
    assert text.endswith("## Findings\n\nBy hand.\n")
