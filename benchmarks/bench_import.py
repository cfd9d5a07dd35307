"""Importing customers: ``tui-pos import customers`` against a raw ``sqlite3`` bulk
insert of the same rows, in the same run.

    python benchmarks/bench_import.py [--rows 100000]

Writes a Shopify-layout CSV of N customers (names with diacritics, e-mail,
phone, address, tags) and imports it into a fresh store with the service
(validation, matching, search terms, tags; a file this large takes the pipelined
path: a forked process checks while the first writes, one transaction).
The bare tool: raw ``sqlite3`` inserting the very rows the service wrote
(customers, search terms, tag links) with ``executemany`` into the same schema,
one transaction, the same pragmas. Peak memory (VmHWM of a child process, plus
the peak RSS of the checking process it forks) is taken for several file sizes,
to show whether it stays flat. The machine is
shared, so CPU time is given beside wall time, and the load average around each run.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks._common import machine, save_result  # noqa: E402

HEADER = ["First Name", "Last Name", "Email", "Accepts Email Marketing",
          "Default Address Company", "Default Address Address1", "Default Address Address2",
          "Default Address City", "Default Address Province Code",
          "Default Address Country Code", "Default Address Zip", "Default Address Phone",
          "Phone", "Accepts SMS Marketing", "Tags", "Note", "Tax Exempt"]
FIRST = ["Zoë", "Anna", "José", "Jan", "Françoise", "Piet", "Ölçer", "Henk", "Ĳsbrand", "Sanne"]
LAST = ["de Vries", "Jansen", "Núñez", "Bakker", "Müller", "Smit", "van Dijk", "Visser"]


def make_file(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(rows):
            writer.writerow([
                FIRST[i % len(FIRST)], f"{LAST[i % len(LAST)]} {i}", f"klant{i}@example.nl",
                "yes" if i % 3 else "no", "", f"Dorpsstraat {i % 300}", "", "Utrecht", "UT",
                "NL", f"{1000 + i % 9000} AB", "", f"06-{10000000 + i}", "no",
                "vip, koffie" if i % 5 == 0 else "", "", "no"])


def run_service(csv_path: Path, db_path: Path) -> dict:
    """In a child process, so its peak memory is its own."""
    code = f"""
import json, resource, time, sys
sys.path.insert(0, {str(HERE.parent)!r})
from tui_pos.db.connection import open_database
from tui_pos.services import importer
def peak_mb():
    # VmHWM, not ru_maxrss: ru_maxrss keeps the forking parent's peak across exec
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
open_database({str(db_path)!r})
start, cpu = time.perf_counter(), time.process_time()
from tui_pos.services.actors import cli_actor
report = importer.import_customers(cli_actor("bench"), {str(csv_path)!r}, create_missing=True)
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
child = resource.getrusage(resource.RUSAGE_CHILDREN)  # the checking process, if forked
print(json.dumps({{"seconds": seconds, "cpu": cpu, "added": report.added,
                  "rejected": report.rejected, "maxrss_mb": peak_mb(),
                  "child_cpu": child.ru_utime + child.ru_stime,
                  "child_maxrss_mb": child.ru_maxrss / 1024}}))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def run_bare(service_db: Path, db_path: Path) -> dict:
    """Raw sqlite3, same pragmas: the very rows the service wrote (customers, their
    search terms and tag links, read back untimed), inserted with ``executemany``
    into the same schema and indexes in one transaction."""
    source = sqlite3.connect(service_db)
    schema = [sql for (sql,) in source.execute(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
        "ORDER BY type = 'index'")]
    tables = ("customer", "customer_search_term", "customer_tag")
    data = {t: source.execute(f'SELECT * FROM "{t}"').fetchall() for t in tables}
    source.close()
    con = sqlite3.connect(db_path, isolation_level=None)
    con.execute("PRAGMA journal_mode=wal")
    con.execute("PRAGMA synchronous=normal")
    con.execute("PRAGMA foreign_keys=off")
    for sql in schema:
        con.execute(sql)
    start, cpu = time.perf_counter(), time.process_time()
    con.execute("BEGIN IMMEDIATE")
    for table, rows in data.items():
        if rows:
            marks = ", ".join("?" * len(rows[0]))
            con.executemany(f'INSERT INTO "{table}" VALUES ({marks})', rows)
    con.execute("COMMIT")
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    con.close()
    return {"seconds": seconds, "cpu": cpu, "rows": {t: len(r) for t, r in data.items()}}


def load() -> str:
    return "load average %.1f" % os.getloadavg()[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--memory-sizes", default="10000,50000,100000")
    args = parser.parse_args()
    info = machine()
    print(json.dumps(info))
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        csv_path = folder / "customers.csv"
        make_file(csv_path, args.rows)
        size = csv_path.stat().st_size / 2**20
        load_before = os.getloadavg()
        print(f"before: {load()}")
        service = run_service(csv_path, folder / "service.db")
        print(f"after the import: {load()}")
        bare = min((run_bare(folder / "service.db", folder / f"bare{i}.db") for i in (1, 2)),
                   key=lambda run: run["seconds"])
        print(f"import of {args.rows:,} customers ({size:.1f} MiB CSV): "
              f"service {service['seconds']:.2f} s wall, {service['cpu']:.2f} s CPU "
              f"+ {service['child_cpu']:.2f} s CPU in the checking process "
              f"({service['added']:,} added); raw sqlite3 insert of the same rows "
              f"{bare['seconds']:.2f} s wall, {bare['cpu']:.2f} s CPU {bare['rows']}; "
              f"ratio {service['seconds'] / bare['seconds']:.1f}x wall; target 5 s: "
              f"{'met' if service['seconds'] <= 5 else 'not met'}")
        again = run_service(csv_path, folder / "service.db")
        print(f"the same file again (all unchanged): {again['seconds']:.2f} s wall, "
              f"{again['cpu']:.2f} s CPU; {load()}")
        memory = {}
        for n in (int(x) for x in args.memory_sizes.split(",")):
            make_file(csv_path, n)
            result = run_service(csv_path, folder / f"mem{n}.db")
            memory[n] = result["maxrss_mb"] + result["child_maxrss_mb"]
            print(f"peak memory, {n:>7,} rows: {result['maxrss_mb']:.0f} MiB "
                  f"+ {result['child_maxrss_mb']:.0f} MiB checking "
                  f"({result['seconds']:.2f} s wall, {result['cpu']:.2f} s CPU)")
    print("saved", save_result("import", {
        "rows": args.rows, "service": service, "bare": bare, "again": again,
        "peak_mib_by_rows": memory, "target_s": 5.0, "loadavg_before": load_before,
        "loadavg_after": os.getloadavg()}))


if __name__ == "__main__":
    main()
