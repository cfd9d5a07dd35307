"""Shared helpers for the benchmark scripts: paths, timing statistics, machine info.

Plain Python on purpose: no pytest-benchmark, just ``time.perf_counter_ns``
and the median / 95th percentile of many samples.
"""

from __future__ import annotations

import json
import math
import platform
import sqlite3
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
DEFAULT_DB = DATA / "bench.db"

# Make ``import tui_pos`` work when run from a checkout without installing.
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def ms(ns: float) -> float:
    return ns / 1e6


def p95(samples: list[int]) -> int:
    """95th percentile, nearest rank (no interpolation)."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def summary(samples: list[int]) -> dict:
    """Median and p95 in milliseconds, and how many samples."""
    return {"n": len(samples), "median_ms": ms(statistics.median(samples)),
            "p95_ms": ms(p95(samples)), "max_ms": ms(max(samples))}


def fmt(s: dict) -> str:
    return f"median {s['median_ms']:8.3f} ms   p95 {s['p95_ms']:8.3f} ms   (n={s['n']})"


def ratio(service: dict, bare: dict, key: str) -> float:
    return service[key] / bare[key] if bare[key] else float("inf")


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import os

    return {
        "uname": " ".join(platform.uname()),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
    }


def code_version() -> dict:
    """The commit measured, and which tracked files differed from it at the time."""
    import subprocess

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                                  timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    return {"commit": git("rev-parse", "--short", "HEAD"),
            "subject": git("log", "-1", "--format=%s")[:100],
            "modified": git("diff", "--name-only", "HEAD", "--", "tui_pos").split()}


def check_db(path: Path) -> None:
    if not path.exists():
        sys.exit(f"{path} does not exist: run  python benchmarks/fill.py  first")


def save_result(name: str, result: dict) -> Path:
    """Keep the figures beside the data (benchmarks/data is not committed)."""
    import os

    folder = Path(os.environ.get("BENCH_RESULTS", DATA))  # the runner keeps each run's own
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"result-{name}.json"
    import time

    saved = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    out.write_text(json.dumps({"machine": machine(), "code": code_version(), "saved": saved,
                               **result},
                              indent=2, default=str))
    return out


def raw_connect(path: Path) -> sqlite3.Connection:
    """A bare sqlite3 connection with the same pragmas tui-pos uses."""
    con = sqlite3.connect(str(path), isolation_level=None, timeout=10)
    con.execute("PRAGMA journal_mode=wal")
    con.execute("PRAGMA foreign_keys=1")
    con.execute("PRAGMA synchronous=normal")
    con.execute("PRAGMA busy_timeout=10000")
    return con


def print_footer(name: str, result: dict, load_before) -> None:
    """The lines every benchmark ends with: load, machine, code, where it was saved."""
    print("load average before / after:", load_before, result["loadavg_after"])
    print("machine:", machine())
    print("code:", code_version())
    print("saved", save_result(name, result))


# -- engines: a SQLite file or a postgresql:// URL -----------------------------------

def is_postgres(target: str | Path) -> bool:
    return str(target).startswith(("postgresql://", "postgres://"))


def engine_of(target: str | Path) -> str:
    return "postgresql" if is_postgres(target) else "sqlite"


def check_target(target: str) -> None:
    """A SQLite file must exist; a PostgreSQL URL is checked by connecting."""
    if not is_postgres(target):
        check_db(Path(target))


def bare_connect(target: str):
    """The bare tool for ``target``: raw sqlite3 with tui-pos's pragmas, or a
    psycopg connection in autocommit (both answer ``.execute(sql, params)``)."""
    if not is_postgres(target):
        return raw_connect(Path(target))
    import psycopg

    return psycopg.connect(target, autocommit=True)


def sql_for(con, sql: str) -> str:
    """SQL written with ``?`` placeholders, for this connection's driver."""
    return sql if isinstance(con, sqlite3.Connection) else sql.replace("?", "%s")


def explain(con, sql: str, params) -> list[str]:
    """The engine's query plan, one line a step."""
    if isinstance(con, sqlite3.Connection):
        return [row[-1] for row in con.execute("EXPLAIN QUERY PLAN " + sql, params)]
    return [row[0] for row in con.execute("EXPLAIN " + sql, params)]


def result_name(name: str, target: str | Path) -> str:
    """``search`` on SQLite is saved as result-search-sqlite.json, and so on."""
    return f"{name}-{engine_of(target)}"
