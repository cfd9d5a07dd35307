"""Search as you type: one ``search_customers`` call per keystroke.

    python benchmarks/bench_search.py [PATH|postgresql://URL] [--rounds 3] [--random 30]

Every query is typed one character at a time; each prefix is looked up
through the service (``search_customers(prefix, limit=20)``: the term index
query, then the 20 customers with their type) and, in the same run, as a
bare ``sqlite3`` query:

* bare index query: the same SELECT the service sends for the term range
  (joined to customer for ``active``, ORDER BY term, customer_id LIMIT 60);
* bare full page: that query plus loading the 20 customer rows with their
  type, which is everything the service reads.

For diagnosis it also runs the service's own term statement (captured from
peewee's logger, whatever it currently is) through bare ``sqlite3``, which
separates the cost of the SQL from the cost of the Python around it.

The order of service and bare calls alternates per keystroke. SPEC §5
target: ≤ 2 ms p95 per keystroke at the service (≤ 5 ms on PostgreSQL),
one letter on a cold cache included: each of a few single letters is also
typed as the first search of a fresh connection (``--cold``), through the
service and bare. On PostgreSQL the bare tool is psycopg with the same SQL.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import sys
import time

from _common import (
    DEFAULT_DB, bare_connect, check_target, engine_of, explain, fmt, print_footer, ratio,
    result_name, sql_for, summary,
)

from tui_pos.db.connection import close_database, open_database
from tui_pos.services.customers import TOP, query_prefix, search_customers

TARGET_MS = {"sqlite": 2.0, "postgresql": 5.0}  # SPEC §5, raised 2026-11-25 (was 5 ms)
COLD_LETTERS = "jmsdbkvpae"

FIXED = [
    "jan", "jansen", "de vries", "de v", "van den berg", "mohamed", "\u00f6zdemir",
    "0612", "06-1234", "+31 6 2", "1234",             # phones (digits) and customer numbers
    "vip", "regio utrecht", "workshop latte",         # tags
    "M-12345", "LC1234",                              # membership (Additional), loyalty card
    "jan.de", "info@", "sophie.visser@",              # e-mail prefixes
    "bakkerij", "caf\u00e9 ", "xqz",                  # company words; no match at all
]

BARE_TERMS = (
    'SELECT "t1"."customer_id", "t1"."term" FROM "customer_search_term" AS "t1" '
    'INNER JOIN "customer" AS "t2" ON ("t1"."customer_id" = "t2"."id") '
    'WHERE ((("t1"."term" >= ?) AND ("t1"."term" < ?)) AND ("t2"."active" = TRUE)) '
    'ORDER BY "t1"."term", "t1"."customer_id" LIMIT 60')
BARE_LOAD = ('SELECT c.*, ct.* FROM customer AS c LEFT OUTER JOIN customer_type AS ct '
             'ON c.customer_type_id = ct.id WHERE c.id IN ({})')


def random_queries(con, n: int, rng: random.Random) -> list[str]:
    """What a cashier would type for customers that exist: names, phones, e-mails."""
    top = con.execute("SELECT MAX(id) FROM customer").fetchone()[0]
    out = []
    while len(out) < n:
        cid = rng.randint(1, top)
        row = con.execute("SELECT first_name, last_name, mobile, phone, email, number, "
                          "additional FROM customer WHERE id = " + str(cid)).fetchone()
        if row is None:
            continue
        first, last, mobile, phone, email, number, additional = row
        kind = rng.choice(("name", "name", "last", "phone", "email", "number", "additional"))
        text = {"name": f"{first} {last}", "last": last, "phone": mobile or phone,
                "email": email.split("@")[0] if email else "", "number": number,
                "additional": additional}[kind].strip()
        if text:
            out.append(text[: rng.randint(4, 12)])
    return out


SQL: dict[str, str] = {}  # the bare statements in the bare connection's placeholders


def bare_terms(con, prefix: str) -> list[tuple]:
    return con.execute(SQL["terms"], (prefix, prefix + TOP)).fetchall()


def bare_page(con, prefix: str, limit: int = 20) -> list[tuple]:
    rows = bare_terms(con, prefix)
    ids: list[int] = []
    for cid, _ in rows:
        if cid not in ids:
            ids.append(cid)
            if len(ids) == limit:
                break
    if not ids:
        return []
    marks = ", ".join([SQL["param"]] * len(ids))
    return con.execute(SQL["load"].format(marks), ids).fetchall()


class SqlCapture(logging.Handler):
    def __init__(self):
        super().__init__()
        self.sql: list = []

    def emit(self, record):
        self.sql.append(record.msg)


def service_sql(prefix_text: str) -> list:
    """The statements ``search_customers`` sends, captured from peewee's logger."""
    logger = logging.getLogger("peewee")
    handler = SqlCapture()
    logger.addHandler(handler)
    old = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        search_customers(prefix_text, limit=20)
    finally:
        logger.setLevel(old)
        logger.removeHandler(handler)
    return handler.sql


SENTINEL = "zzsentinelzz"


def service_terms_statement() -> tuple[str, list]:
    """The term-range statement the service sends now, with its parameters as a
    template (the sentinel marks where the prefix goes)."""
    sql, params = service_sql(SENTINEL)[0]
    return sql, list(params)


def bare_service_sql(con, template: tuple[str, list], prefix: str) -> list:
    sql, params = template
    values = [prefix if p == SENTINEL else prefix + TOP if p == SENTINEL + TOP else p
              for p in params]
    return con.execute(sql, values).fetchall()


def cold_letters(target: str, letters: str) -> dict:
    """Each letter as the first search of a fresh connection: the service (the
    store opened again) and the bare tool (a new connection), alternating.
    The connection's own cache is empty; the OS's (and PostgreSQL's shared
    buffers) stay as the run left them: dropping those would disturb others."""
    clock = time.perf_counter_ns
    service, bare = [], []
    for n, letter in enumerate(letters):
        for what in (("s", "b") if n % 2 else ("b", "s")):
            if what == "s":
                close_database()
                open_database(target, migrate=False)
                t = clock()
                search_customers(letter, limit=20)
                service.append(clock() - t)
            else:
                con = bare_connect(target)
                t = clock()
                bare_page(con, letter)
                bare.append(clock() - t)
                con.close()
    return {"letters": letters, "service": summary(service), "bare_full_page": summary(bare)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("path", nargs="?", default=str(DEFAULT_DB))
    ap.add_argument("--rounds", type=int, default=3, help="times every query is typed")
    ap.add_argument("--random", type=int, default=30, help="extra queries from real rows")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--cold", default=COLD_LETTERS, help="letters typed on a fresh connection")
    args = ap.parse_args(argv)
    path = args.path
    check_target(path)
    engine = engine_of(path)

    open_database(path)
    con = bare_connect(path)
    SQL.update(terms=sql_for(con, BARE_TERMS), load=sql_for(con, BARE_LOAD),
               param=sql_for(con, "?"))
    customers = con.execute("SELECT COUNT(*) FROM customer").fetchone()[0]
    terms = con.execute("SELECT COUNT(*) FROM customer_search_term").fetchone()[0]
    rng = random.Random(args.seed)
    queries = FIXED + random_queries(con, args.random, rng)
    print(f"{path}: {customers:,} customers, {terms:,} search terms; "
          f"{len(queries)} queries, {sum(map(len, queries))} keystrokes x {args.rounds} rounds")

    # The plan SQLite picks for the service's own statements.
    plans = {}
    for sql, params in service_sql("de v"):
        plans[sql] = explain(con, sql, params)
    for sql, plan in plans.items():
        print("\nEXPLAIN QUERY PLAN", sql[:110] + ("..." if len(sql) > 110 else ""))
        for line in plan:
            print("   ", line)
    print()

    template = service_terms_statement()
    service: list[int] = []
    own_sql: list[int] = []
    bare: list[int] = []
    page: list[int] = []
    first_service: list[int] = []
    first_bare: list[int] = []
    per_query: dict[str, dict[str, list[int]]] = {}
    by_length: dict[str, dict[str, list[int]]] = {}
    worst: list[tuple[int, str]] = []
    clock, cpu = time.perf_counter_ns, time.thread_time_ns
    service_cpu: list[int] = []
    load_before = os.getloadavg()
    for rnd in range(args.rounds):
        for q in queries:
            bucket = per_query.setdefault(q, {"service": [], "bare": []})
            for i in range(1, len(q) + 1):
                typed = q[:i]
                prefix = query_prefix(typed)
                flip = (i + rnd) % 2
                for step in ((0, 1, 2, 3) if flip else (3, 2, 1, 0)):
                    if step == 0:
                        c = cpu()
                        t = clock()
                        search_customers(typed, limit=20)
                        s = clock() - t
                        service_cpu.append(cpu() - c)
                    elif step == 1:
                        t = clock()
                        bare_terms(con, prefix) if prefix else None
                        b = clock() - t
                    elif step == 2:
                        t = clock()
                        bare_page(con, prefix) if prefix else None
                        p = clock() - t
                    else:
                        t = clock()
                        bare_service_sql(con, template, prefix) if prefix else None
                        o = clock() - t
                service.append(s)
                own_sql.append(o)
                bare.append(b)
                page.append(p)
                bucket["service"].append(s)
                bucket["bare"].append(b)
                length = "1 char" if len(prefix) <= 1 else "2 chars" if len(prefix) == 2 \
                    else "3+ chars"
                lb = by_length.setdefault(length, {"service": [], "bare": []})
                lb["service"].append(s)
                lb["bare"].append(b)
                worst.append((s, typed))
                if rnd == 0:
                    first_service.append(s)
                    first_bare.append(b)

    # The empty field (list by name) and the next page of a broad prefix.
    empty, nxt = [], []
    for _ in range(50):
        t = clock()
        first = search_customers("", limit=20)
        empty.append(clock() - t)
    first = search_customers("j", limit=20)
    for _ in range(50):
        t = clock()
        search_customers("j", limit=20, after=first.cursor)
        nxt.append(clock() - t)

    res = {
        "customers": customers, "terms": terms, "keystrokes": len(service),
        "service": summary(service), "bare_index_query": summary(bare),
        "service_cpu": summary(service_cpu), "loadavg_before": load_before,
        "loadavg_after": os.getloadavg(),
        "bare_full_page": summary(page), "service_sql_bare": summary(own_sql),
        "first_round_service": summary(first_service), "first_round_bare": summary(first_bare),
        "empty_query_service": summary(empty), "next_page_service": summary(nxt),
        "by_length": {k: {"service": summary(v["service"]), "bare": summary(v["bare"])}
                      for k, v in sorted(by_length.items())},
        "per_query": {q: {"service": summary(v["service"]), "bare": summary(v["bare"])}
                      for q, v in per_query.items()},
        "worst": [(t / 1e6, q) for t, q in sorted(worst, reverse=True)[:10]],
        "plans": plans, "engine": engine, "target_p95_ms": TARGET_MS[engine],
    }
    res["cold_one_letter"] = cold_letters(path, args.cold)
    print(f"{'query':22s} {'service median / p95 ms':>24s} {'bare median / p95 ms':>22s}")
    for q, v in res["per_query"].items():
        s, b = v["service"], v["bare"]
        print(f"{q[:22]:22s} {s['median_ms']:11.3f} / {s['p95_ms']:7.3f} "
              f"{b['median_ms']:11.3f} / {b['p95_ms']:7.3f}")
    print()
    for k, v in res["by_length"].items():
        print(f"prefix {k:9s} service {fmt(v['service'])}\n{'':17s}bare    {fmt(v['bare'])}")
    print()
    print("per keystroke, all rounds:")
    print(f"  service search_customers(limit=20)  {fmt(res['service'])}")
    print(f"  service, CPU time of this thread    {fmt(res['service_cpu'])}")
    print(f"  bare index query (LIMIT 60)         {fmt(res['bare_index_query'])}")
    print(f"  bare full page (+ 20 customers)     {fmt(res['bare_full_page'])}")
    print(f"  the service's own term SQL, bare    {fmt(res['service_sql_bare'])}")
    print(f"  first round only: service           {fmt(res['first_round_service'])}")
    print(f"  first round only: bare index query  {fmt(res['first_round_bare'])}")
    print(f"  empty field (list by name)          {fmt(res['empty_query_service'])}")
    print(f"  next page of 'j'                    {fmt(res['next_page_service'])}")
    for key in ("median_ms", "p95_ms"):
        print(f"  ratio service / bare index query ({key[:-3]}): "
              f"{ratio(res['service'], res['bare_index_query'], key):.1f}x;  "
              f"service / bare full page: {ratio(res['service'], res['bare_full_page'], key):.1f}x")
    print("  slowest keystrokes:", ", ".join(f"{q!r} {t:.2f} ms" for t, q in res["worst"][:5]))
    cold = res["cold_one_letter"]
    print(f"  one letter, fresh connection: service {fmt(cold['service'])}")
    print(f"                                bare    {fmt(cold['bare_full_page'])}")
    target = TARGET_MS[engine]
    met = max(res["service"]["p95_ms"], cold["service"]["p95_ms"]) <= target
    print(f"  target <= {target} ms p95 per keystroke at the service: "
          f"{'MET' if met else 'NOT MET'} (p95 {res['service']['p95_ms']:.2f} ms, "
          f"cold one letter p95 {cold['service']['p95_ms']:.2f} ms)")
    res["loadavg_after"] = os.getloadavg()
    print_footer(result_name("search", path), res, load_before)
    return 0


if __name__ == "__main__":
    sys.exit(main())
