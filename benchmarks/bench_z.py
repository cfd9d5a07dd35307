"""The Z report over a session of 2,000 sales: ``register.x_report`` + ``z_text``
(what the Z close computes before it writes) vs the bare aggregate.

    python benchmarks/bench_z.py [--sales 2000] [--runs 30] [--engine sqlite|postgresql|both]

It makes its own stores: a temporary SQLite file, and a ``bench_z`` database on
the benchmarks' PostgreSQL server (``benchmarks/pg.py``) when that can start.
In each: three VAT classes, 20 items, a register opened with a float of 100.00,
``--sales`` sales made with ``complete_sale`` (1–4 lines; cash with change,
card, now and then a bill discount), a few paid in/out and no-sales. Then, in
alternation, ``--runs`` times: the X report and its text (tui-pos) and, as the
bare tool, the one statement a hand-written Z needs at the least — payments per
tender of the session's completed sales — on a raw sqlite3 / psycopg
connection. Finally the register is closed once (``close_register``: the
report, the counts, the Z number and the kept text in one transaction).

SPEC §5 / issue 8 target: the Z over 2,000 sales ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from decimal import Decimal

from _common import bare_connect, fmt, print_footer, sql_for, summary

TARGET_MS = 100.0


def fill(sales: int, seed: int) -> int:
    from tui_pos.services import catalog, register
    from tui_pos.services.actors import Actor
    from tui_pos.services.catalog import ItemInput
    from tui_pos.services.sales import SaleDraft, complete_sale

    owner = Actor(staff_id=None, name="bench", role="owner", terminal="bench-z")
    vat = [catalog.save_vat_class(owner, name, rate).id
           for name, rate in (("Hoog", "21"), ("Laag", "9"), ("Nul", "0"))]
    rng = random.Random(seed)
    skus = []
    for n in range(20):
        sku = f"Z-{n:02d}"
        catalog.save_item(owner, ItemInput(sku=sku, name=f"Item {n}",
                                           price=f"{rng.randint(100, 5000) / 100:.2f}",
                                           vat_class_id=vat[n % 3]))
        skus.append(sku)
    session = register.open_register(owner, "100").id
    for n in range(sales):
        draft = SaleDraft.new()
        for sku in rng.sample(skus, rng.randint(1, 4)):
            draft.add_item(sku, str(rng.randint(1, 3)))
        if n % 10 == 0:
            draft.set_bill_discount(owner, "5")
        if n % 2:
            complete_sale(owner, draft, method="card")
        else:
            total = draft.priced().total
            complete_sale(owner, draft, tendered=str((total // 10 + 1) * 10), method="cash")
        if n % 250 == 0:
            register.paid_in(owner, "20", "change from the bank")
            register.paid_out(owner, "5", "window cleaner")
            register.no_sale(owner)
    return session


BARE = ("SELECT p.method, SUM(p.amount), SUM(p.rounding), COUNT(*) FROM payment AS p "
        "JOIN sale AS s ON s.id = p.sale_id WHERE s.register_session_id = ? "
        "AND s.status = 'completed' GROUP BY p.method")


def measure(target: str, engine: str, sales: int, runs: int, seed: int) -> dict:
    from tui_pos.db.connection import close_database, open_database
    from tui_pos.services import register
    from tui_pos.services.actors import Actor

    open_database(target)
    started = time.perf_counter()
    session = fill(sales, seed)
    filled = time.perf_counter() - started
    print(f"  {engine}: {sales:,} sales in one session made in {filled:.1f} s")
    con = bare_connect(target)
    clock = time.perf_counter_ns
    ours, bare = [], []
    load_before = os.getloadavg()
    for n in range(runs + 3):
        order = ("s", "b") if n % 2 else ("b", "s")
        for what in order:
            t = clock()
            if what == "s":
                report = register.x_report(session)
                register.z_text(report)
                took = clock() - t
            else:
                con.execute(sql_for(con, BARE), (session,)).fetchall()
                took = clock() - t
            if n >= 3:  # the first three warm the caches
                (ours if what == "s" else bare).append(took)
    report = register.x_report(session)
    cash = report.expected_cash
    counted = {t.method: str(t.expected) for t in report.tenders if t.countable}
    counted["Cash"] = str(cash - Decimal("0.50"))
    t = clock()
    z = register.close_register(Actor(staff_id=None, name="bench", role="owner",
                                      terminal="bench-z"), counted)
    close_ns = clock() - t
    con.close()
    close_database()
    res = {"engine": engine, "sales": report.sales_count, "z_number": z.z_number,
           "service": summary(ours), "bare": summary(bare), "close_ms": close_ns / 1e6,
           "expected_cash": str(cash), "difference": str(z.difference),
           "target_ms": TARGET_MS, "loadavg_before": load_before,
           "loadavg_after": os.getloadavg(), "fill_seconds": round(filled, 1)}
    print(f"  X report + text over {report.sales_count:,} sales  {fmt(res['service'])}")
    print(f"  bare GROUP BY payments per tender   {fmt(res['bare'])}")
    print(f"  close_register (once)              {res['close_ms']:.1f} ms")
    met = res["service"]["p95_ms"] <= TARGET_MS and res["close_ms"] <= TARGET_MS
    print(f"  target <= {TARGET_MS:g} ms: {'MET' if met else 'NOT MET'}")
    print_footer(f"z-{engine}", res, load_before)
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sales", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--engine", choices=["sqlite", "postgresql", "both"], default="both")
    args = ap.parse_args(argv)
    if args.engine in ("sqlite", "both"):
        folder = tempfile.mkdtemp(prefix="bench-z-")
        try:
            measure(os.path.join(folder, "z.db"), "sqlite", args.sales, args.runs, args.seed)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    if args.engine in ("postgresql", "both"):
        try:
            import pg
            import psycopg
        except ImportError as exc:
            print(f"  PostgreSQL skipped: {exc}")
            return 0
        try:
            pg.start()
            target = pg.ensure_database("bench_z", fresh=True)
        except (pg.Unavailable, psycopg.Error, OSError, subprocess.TimeoutExpired) as exc:
            print(f"  PostgreSQL skipped: {exc}")
            return 0
        measure(target, "postgresql", args.sales, args.runs, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
