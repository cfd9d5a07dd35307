"""Eight lanes at once: N processes completing sales for D seconds on one store.

    python benchmarks/bench_lanes.py [PATH|postgresql://URL] [--lanes 8] [--seconds 30]

Each lane is its own process (as each SSH login or counter PC is), opens the
store, and completes 3-line sales through ``complete_sale`` as fast as it can,
timing each one. Afterwards the parent checks the books: every sale a lane
reported is in the database (zero lost), the sale numbers are unique and
gap-free over the run (zero duplicates), and no lane saw an error a cashier
would have seen (e.g. "database is locked").

The bare counterpart, in the same run, is the same number of processes
doing the same rows as raw transactions (``bench_sale.bare_sale``): ``sqlite3``
on SQLite, psycopg on PostgreSQL; the figure to read is sales/s against it.

SPEC §5: no lost sale, no duplicate number, no "locked" shown, p95 ≤ 3 ms
for one lane; with 8 lanes the total throughput is what is reported.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import time

from _common import DEFAULT_DB, bare_connect, ms, p95, print_footer

ITEMS_PER_SALE = 3


def _lane(target: str, lane: int, seconds: float, bare: bool, start_at: float, out) -> None:
    """One lane: sell until the time is up; report timings, numbers and errors."""
    import bench_sale
    from tui_pos.db.connection import open_database
    from tui_pos.db.models import Customer, Item
    from tui_pos.services.actors import Actor
    from tui_pos.services.sales import SaleDraft, complete_sale

    open_database(target)
    rng = random.Random(lane)
    item_ids = [i.id for i in Item.select(Item.id).where(Item.active == True)  # noqa: E712
                .order_by(Item.id).limit(300)]
    customer_ids = [c.id for c in Customer.select(Customer.id).where(
        Customer.profile.is_null(False) & (Customer.active == True)).limit(500)]  # noqa: E712
    actor = Actor(staff_id=None, name=f"lane {lane}", role="cashier", terminal=f"lane{lane}")
    from tui_pos.services import register

    if register.current_id(actor.terminal) is None:  # a sale needs an open register
        register.open_register(actor, "0")
    con = bare_connect(target) if bare else None
    times, numbers, errors = [], [], []

    def draft() -> SaleDraft:
        d = SaleDraft.new()
        d.set_customer(rng.choice(customer_ids))
        for iid in rng.sample(item_ids, ITEMS_PER_SALE):
            d.add_item_id(iid, "1")
        return d

    time.sleep(max(0.0, start_at - time.time()))  # all lanes start together
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        d = draft()
        rows = bench_sale.bare_rows(d) if bare else None
        t0 = time.perf_counter_ns()
        try:
            if bare:
                bench_sale.bare_sale(con, rows, time.strftime("%Y-%m-%d %H:%M:%S"),
                                     time.strftime("%Y-%m-%d"))
                number = None
            else:
                number = complete_sale(actor, d).number
        except Exception as exc:  # noqa: BLE001 - every error a cashier would see counts
            errors.append(f"{type(exc).__name__}: {exc}")
            if getattr(con, "in_transaction", False):  # sqlite3; psycopg's block rolled back
                con.execute("ROLLBACK")
            continue
        times.append(time.perf_counter_ns() - t0)
        if number is not None:
            numbers.append(number)
    out.put({"lane": lane, "times": times, "numbers": numbers, "errors": errors[:20],
             "error_count": len(errors)})


def run(target: str, lanes: int, seconds: float, bare: bool) -> dict:
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    start_at = time.time() + 3  # time to start the interpreters
    procs = [ctx.Process(target=_lane, args=(target, n, seconds, bare, start_at, out))
             for n in range(1, lanes + 1)]
    for p in procs:
        p.start()
    results = [out.get(timeout=seconds + 300) for _ in procs]  # a lane that died: no hang
    for p in procs:
        p.join()
    times = [t for r in results for t in r["times"]]
    numbers = [n for r in results for n in r["numbers"]]
    return {"sales": len(times), "per_second": len(times) / seconds,
            "median_ms": ms(sorted(times)[len(times) // 2]) if times else None,
            "p95_ms": ms(p95(times)) if times else None, "numbers": numbers,
            "errors": sum(r["error_count"] for r in results),
            "error_samples": [e for r in results for e in r["errors"]][:5]}


def books(target: str, numbers: list[int]) -> dict:
    """What the database says about the sales the lanes reported."""
    from tui_pos.db.connection import close_database, open_database
    from tui_pos.db.models import Sale

    open_database(target)
    try:
        found = {s.number for s in Sale.select(Sale.number).where(Sale.number.in_(numbers))} \
            if numbers else set()
        lost = len(set(numbers) - found)
        duplicates = len(numbers) - len(set(numbers))
        gaps = (max(numbers) - min(numbers) + 1 - len(set(numbers))) if numbers else 0
    finally:
        close_database()
    return {"lost": lost, "duplicates": duplicates, "gaps": gaps}


def last_sale_id(target: str) -> int:
    from tui_pos.db.connection import close_database, open_database
    from tui_pos.db.models import Sale

    open_database(target)
    try:
        last = Sale.select(Sale.id).order_by(Sale.id.desc()).first()
        return last.id if last else 0
    finally:
        close_database()


def remove_sales(target: str, after_id: int) -> None:
    """Leave the store as filled: the run's sales and today's by-item sums go again."""
    import datetime as dt

    from tui_pos.db.connection import close_database, open_database
    from tui_pos.db.models import Sale
    from tui_pos.services import item_sales

    database = open_database(target)
    try:
        with database.atomic():
            Sale.delete().where(Sale.id > after_id).execute()  # lines, VAT, payments cascade
            item_sales.rebuild(dt.date.today(), dt.date.today())
    finally:
        close_database()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("target", nargs="?", default=str(DEFAULT_DB))
    ap.add_argument("--lanes", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--no-bare", action="store_true", help="skip the bare lanes")
    ap.add_argument("--keep", action="store_true", help="keep the sales made (default: delete)")
    args = ap.parse_args(argv)
    sqlite = "://" not in args.target
    load_before = os.getloadavg()
    first = last_sale_id(args.target)
    result = {"target": "sqlite" if sqlite else "postgresql", "lanes": args.lanes,
              "seconds": args.seconds}
    service = run(args.target, args.lanes, args.seconds, bare=False)
    result["service"] = {k: v for k, v in service.items() if k != "numbers"}
    result["books"] = books(args.target, service["numbers"])
    if not args.no_bare:
        bare = run(args.target, args.lanes, args.seconds, bare=True)
        result["bare"] = {k: v for k, v in bare.items() if k != "numbers"}
        result["ratio_per_second"] = (bare["per_second"] / service["per_second"]
                                      if service["per_second"] else None)
    result["loadavg_after"] = os.getloadavg()
    if not args.keep:
        remove_sales(args.target, first)
    s = result["service"]
    print(f"{args.lanes} lanes x {args.seconds:.0f} s on {result['target']}: "
          f"{s['sales']} sales, {s['per_second']:.1f}/s, median {s['median_ms']:.2f} ms, "
          f"p95 {s['p95_ms']:.2f} ms, errors shown {s['errors']} {s['error_samples']}")
    print(f"books: lost {result['books']['lost']}, duplicate numbers "
          f"{result['books']['duplicates']}, gaps {result['books']['gaps']}")
    if "bare" in result:
        b = result["bare"]
        print(f"bare {'sqlite3' if sqlite else 'psycopg'}, same lanes: {b['sales']} sales, "
              f"{b['per_second']:.1f}/s, "
              f"median {b['median_ms']:.2f} ms, p95 {b['p95_ms']:.2f} ms, errors {b['errors']};"
              f" bare/service {result['ratio_per_second']:.2f}x")
    print_footer(f"lanes-{result['target']}", result, load_before)
    return 0 if not (result["books"]["lost"] or result["books"]["duplicates"] or s["errors"]) else 1


if __name__ == "__main__":
    raise SystemExit(main())
