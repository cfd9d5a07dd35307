"""Reports against bare sqlite3: a 30-day report by profile, then the paged reports.

    python benchmarks/bench_report.py [PATH|postgresql://URL] [--runs 30] [--days 30]
                                      [--year-runs 10]

Times ``sales_by("profile", today - 30 days, today)`` through the service and,
in the same run and alternating with it, the bare ``sqlite3`` statement the
service sends (captured from peewee's logger, so it is the same GROUP BY over
``sale``). For reference it also times a bare GROUP BY over the sale lines
themselves (``sale_line`` joined to ``sale``), which is what SPEC §5's "30-day
GROUP BY over 1M lines" describes.

Then (issue 9, "reports that scale") each page of a paged report through
``reports.sales_page`` over the last 365 days: by customer, first and last page;
by item, first and last page; each against the very statement the service sends
(run bare) and against the plainest GROUP BY that gives the same sums (the
floor of any un-aggregated design). And the customer list's last page at 1M
customers (keyset on (sort_name, id)) against the same bare keyset statement and
the OFFSET statement it replaced; the items list's last page likewise.

On PostgreSQL the bare tool is psycopg running the same statements.

SPEC §5 / issue 9 target: ≤ 100 ms for any report page.
"""

from __future__ import annotations

import argparse
import os
import datetime as dt
import logging
import sys
import time

from _common import (
    DEFAULT_DB, bare_connect, check_target, engine_of, explain, fmt, print_footer, ratio,
    result_name, sql_for, summary,
)

from tui_pos.db.connection import open_database
from tui_pos.services import catalog, reports

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
    ap.add_argument("--year-runs", type=int, default=10, help="runs of each paged case")
    ap.add_argument("--page", type=int, default=50, help="rows a report page")
    args = ap.parse_args(argv)
    path = args.path
    check_target(path)

    open_database(path)
    con = bare_connect(path)
    today = dt.date.today()
    start = today - dt.timedelta(days=args.days)
    n_sales, n_lines = con.execute(
        "SELECT (SELECT COUNT(*) FROM sale), (SELECT COUNT(*) FROM sale_line)").fetchone()
    in_range = con.execute(sql_for(con,
        "SELECT COUNT(*), (SELECT COUNT(*) FROM sale_line l JOIN sale s ON s.id = l.sale_id "
        "WHERE s.business_date BETWEEN ? AND ?) FROM sale WHERE business_date BETWEEN ? AND ?"),
        (start, today) * 2).fetchone()
    print(f"{path}: {n_sales:,} sales, {n_lines:,} sale lines; {start} .. {today}: "
          f"{in_range[0]:,} sales, {in_range[1]:,} lines")

    def service():
        return reports.sales_by("profile", start, today)

    statements = captured(service)
    sql, params = statements[-1]
    print("service SQL:", sql)
    print("params:", params)
    lines_sql = sql_for(con, LINES_SQL)
    for label, s, p in (("service", sql, params), ("lines", lines_sql, (start, today))):
        print(f"query plan ({label}):")
        for line in explain(con, s, p):
            print("   ", line)

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
                con.execute(lines_sql, (start, today)).fetchall()
                l_times.append(clock() - t)
    # the first two runs of each only warm the cache
    s_times, b_times, l_times = s_times[2:], b_times[2:], l_times[2:]

    res = {"sales": n_sales, "lines": n_lines, "sales_in_range": in_range[0],
           "lines_in_range": in_range[1], "service": summary(s_times),
           "bare_same_query": summary(b_times), "bare_lines_group_by": summary(l_times),
           "sql": sql, "loadavg_before": load_before, "loadavg_after": os.getloadavg(),
           "engine": engine_of(path), "target_ms": TARGET_MS}
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
    res["paged"] = paged_cases(con, args.year_runs, args.page)
    res["loadavg_after"] = os.getloadavg()
    print_footer(result_name("report", path), res, load_before)
    return 0


FLOORS = {
    "customer": ("SELECT customer_id, COUNT(*), SUM(total), SUM(vat_total), "
                 "SUM(discount_total) FROM sale WHERE status = 'completed' AND "
                 "business_date >= ? AND business_date <= ? GROUP BY customer_id"),
    "item": ("SELECT l.sku, SUM(l.quantity), SUM(l.amount), SUM(l.discount_amount) "
             "FROM sale_line AS l JOIN sale AS s ON s.id = l.sale_id "
             "WHERE s.status = 'completed' AND s.business_date >= ? AND "
             "s.business_date <= ? GROUP BY l.sku"),
}


def last_cursor(by: str, start, end, page: int) -> tuple[str, int]:
    """The cursor that opens the last page, found by asking for every row once."""
    every = reports.sales_page(by, start, end, limit=reports.MAX_PAGE)
    groups = every.groups
    skip = groups - (groups % page or page)  # rows before the last page
    rows = list(every.rows)
    while len(rows) < skip and every.next_cursor:
        every = reports.sales_page(by, start, end, limit=reports.MAX_PAGE,
                                   after=every.next_cursor)
        rows += every.rows
    before = rows[skip - 1]
    return f"{int(before.gross * 100)}:{before.key}", groups


def timed_alternating(runs: int, cases: dict) -> dict:
    """Each case run ``runs`` times (+2 warm-ups), the cases alternating in order."""
    clock = time.perf_counter_ns
    times = {name: [] for name in cases}
    names = list(cases)
    for n in range(runs + 2):
        for name in (names if n % 2 else names[::-1]):
            t = clock()
            cases[name]()
            times[name].append(clock() - t)
    return {name: summary(samples[2:]) for name, samples in times.items()}


def paged_cases(con, runs: int, page: int) -> dict:
    today = dt.date.today()
    start = today - dt.timedelta(days=364)
    days = (start, today)
    out = {}
    for by in ("customer", "item"):
        cursor, groups = last_cursor(by, start, today, page)
        for which, after in (("first", None), ("last", cursor)):
            def service(after=after, by=by):
                return reports.sales_page(by, start, today, limit=page, after=after)

            sql, params = captured(service)[0]
            got = service()
            assert got.rows and (which == "first" or got.next_cursor is None), which
            assert len(con.execute(sql, params).fetchall()) == len(got.rows)
            res = timed_alternating(runs, {
                "service": service,
                "bare_same_sql": lambda sql=sql, params=params: con.execute(sql, params).fetchall(),
                "bare_group_by": lambda by=by: con.execute(sql_for(con, FLOORS[by]),
                                                           days).fetchall(),
            })
            res["rows"], res["groups"] = len(got.rows), groups
            out[f"{by}_365_{which}"] = res
            report_case(f"by {by}, 365 days, {which} page ({len(got.rows)} of {groups:,})", res)
    out.update(list_cases(con, runs, page))
    return out


def list_cases(con, runs: int, page: int) -> dict:
    out = {}
    n = con.execute("SELECT COUNT(*) FROM customer WHERE active = TRUE").fetchone()[0]
    name, last_id = con.execute(
        "SELECT sort_name, id FROM customer WHERE active = TRUE ORDER BY sort_name DESC, id DESC "
        f"LIMIT 1 OFFSET {page}").fetchone()

    def service():
        return reports.customer_list(limit=page, after=(name, last_id))

    sql, params = captured(service)[0]
    assert len(service()) == page and service()[-1].id == con.execute(
        "SELECT id FROM customer WHERE active = TRUE ORDER BY sort_name DESC, id DESC LIMIT 1"
    ).fetchone()[0]
    offset_sql = ("SELECT * FROM customer WHERE active = TRUE ORDER BY sort_name, id "
                  f"LIMIT {page} OFFSET {n - page}")
    res = timed_alternating(runs, {
        "service": service,
        "bare_same_sql": lambda: con.execute(sql, params).fetchall(),
        "bare_offset": lambda: con.execute(offset_sql).fetchall(),
    })
    out["customer_list_last"] = res
    report_case(f"customer list, last page of {n:,} (keyset)", res, floor="bare_offset")

    skus = [r[0] for r in con.execute("SELECT sku FROM item ORDER BY sku DESC LIMIT "
                                      + str(page + 1))]
    def items():
        return catalog.list_items(include_inactive=True, limit=page, after=skus[-1])

    sql, params = captured(items)[0]
    res = timed_alternating(runs * 3, {
        "service": items, "bare_same_sql": lambda: con.execute(sql, params).fetchall()})
    out["items_list_last"] = res
    report_case("items list, last page (keyset on SKU)", res, floor=None)
    return out


def report_case(title: str, res: dict, floor: str | None = "bare_group_by") -> None:
    print(f"\n{title}")
    print(f"  service            {fmt(res['service'])}")
    print(f"  bare, same SQL     {fmt(res['bare_same_sql'])}   "
          f"ratio {ratio(res['service'], res['bare_same_sql'], 'median_ms'):.2f}x")
    if floor:
        print(f"  bare, {floor[5:]:12s} {fmt(res[floor])}   "
              f"ratio {ratio(res['service'], res[floor], 'median_ms'):.2f}x")
    met = res["service"]["p95_ms"] <= TARGET_MS
    print(f"  target <= {TARGET_MS:.0f} ms: {'MET' if met else 'NOT MET'}")


if __name__ == "__main__":
    sys.exit(main())
