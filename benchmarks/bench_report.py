"""A 30-day report by profile: ``reports.sales_by('profile', ...)`` vs bare sqlite3.

    python benchmarks/bench_report.py [PATH] [--runs 30] [--days 30]

Times ``sales_by("profile", today - 30 days, today)`` through the service and,
in the same run and alternating with it, the bare ``sqlite3`` statement the
service sends (captured from peewee's logger, so it is the same GROUP BY over
``sale``). For reference it also times a bare GROUP BY over the sale lines
themselves (``sale_line`` joined to ``sale``), which is what SPEC §5's "30-day
GROUP BY over 1M lines" describes.

SPEC §5 target: ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import os
import datetime as dt
import logging
import sys
import time
from pathlib import Path

from _common import (
    DEFAULT_DB, check_db, fmt, print_footer, ratio, raw_connect, summary,
)

from tui_pos.db.connection import open_database
from tui_pos.services import reports

TARGET_MS = 100.0

LINES_SQL = (
    "SELECT s.profile_id, p.name, COUNT(DISTINCT s.id), COUNT(*), SUM(l.gross), "
    "SUM(l.discount_amount), SUM(l.amount) FROM sale AS s "
    "JOIN sale_line AS l ON l.sale_id = s.id "
    "LEFT OUTER JOIN customer_profile AS p ON p.id = s.profile_id "
    "WHERE s.status = 'completed' AND s.business_date >= ? AND s.business_date <= ? "
    "GROUP BY s.profile_id, p.name")


class SqlCapture(logging.Handler):
    def __init__(self):
        super().__init__()
        self.sql: list = []

    def emit(self, record):
        self.sql.append(record.msg)


def captured(fn):
    logger = logging.getLogger("peewee")
    handler = SqlCapture()
    logger.addHandler(handler)
    old = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        fn()
    finally:
        logger.setLevel(old)
        logger.removeHandler(handler)
    return handler.sql


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("path", nargs="?", default=str(DEFAULT_DB))
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--days", type=int, default=30)
    args = ap.parse_args(argv)
    path = Path(args.path)
    check_db(path)

    open_database(str(path))
    con = raw_connect(path)
    today = dt.date.today()
    start = today - dt.timedelta(days=args.days)
    n_sales, n_lines = con.execute(
        "SELECT (SELECT COUNT(*) FROM sale), (SELECT COUNT(*) FROM sale_line)").fetchone()
    in_range = con.execute(
        "SELECT COUNT(*), (SELECT COUNT(*) FROM sale_line l JOIN sale s ON s.id = l.sale_id "
        "WHERE s.business_date BETWEEN ? AND ?) FROM sale WHERE business_date BETWEEN ? AND ?",
        (start.isoformat(), today.isoformat()) * 2).fetchone()
    print(f"{path}: {n_sales:,} sales, {n_lines:,} sale lines; {start} .. {today}: "
          f"{in_range[0]:,} sales, {in_range[1]:,} lines")

    def service():
        return reports.sales_by("profile", start, today)

    statements = captured(service)
    sql, params = statements[-1]
    print("service SQL:", sql)
    print("params:", params)
    for label, s, p in (("service", sql, params),
                        ("lines", LINES_SQL, (start.isoformat(), today.isoformat()))):
        print(f"EXPLAIN QUERY PLAN ({label}):")
        for row in con.execute("EXPLAIN QUERY PLAN " + s, p):
            print("   ", row[-1])

    rows = service()
    bare_rows = con.execute(sql, params).fetchall()
    assert sum(r.sales for r in rows) == sum(r[2] for r in bare_rows), "service and bare differ"
    for r in rows:
        print(f"   {r.label:15s} {r.sales:7,} sales  {r.total:>14,.2f}")

    clock = time.perf_counter_ns
    load_before = os.getloadavg()
    s_times, b_times, l_times = [], [], []
    for n in range(args.runs + 2):
        order = ("s", "b", "l") if n % 2 else ("l", "b", "s")
        for what in order:
            t = clock()
            if what == "s":
                service()
                took = clock() - t
                s_times.append(took)
            elif what == "b":
                con.execute(sql, params).fetchall()
                b_times.append(clock() - t)
            else:
                con.execute(LINES_SQL, (start.isoformat(), today.isoformat())).fetchall()
                l_times.append(clock() - t)
    # the first two runs of each only warm the cache
    s_times, b_times, l_times = s_times[2:], b_times[2:], l_times[2:]

    res = {"sales": n_sales, "lines": n_lines, "sales_in_range": in_range[0],
           "lines_in_range": in_range[1], "service": summary(s_times),
           "bare_same_query": summary(b_times), "bare_lines_group_by": summary(l_times),
           "sql": sql, "loadavg_before": load_before, "loadavg_after": os.getloadavg()}
    print(f"  reports.sales_by('profile', 30 days)   {fmt(res['service'])}")
    print(f"  bare: the same GROUP BY over sale      {fmt(res['bare_same_query'])}")
    print(f"  bare: GROUP BY over the sale lines     {fmt(res['bare_lines_group_by'])}")
    for key in ("median_ms", "p95_ms"):
        print(f"  ratio service / bare same query ({key[:-3]}): "
              f"{ratio(res['service'], res['bare_same_query'], key):.2f}x;  "
              f"service / bare lines GROUP BY: "
              f"{ratio(res['service'], res['bare_lines_group_by'], key):.2f}x")
    met = res["service"]["p95_ms"] <= TARGET_MS
    print(f"  target <= {TARGET_MS:.0f} ms: {'MET' if met else 'NOT MET'} "
          f"(p95 {res['service']['p95_ms']:.1f} ms)")
    print_footer("report", res, load_before)
    return 0


if __name__ == "__main__":
    sys.exit(main())
