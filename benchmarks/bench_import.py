"""Importing customers: ``tui-pos import customers`` against a raw ``sqlite3`` bulk
insert of the same rows, in the same run.

    python benchmarks/bench_import.py [--rows 100000]

Writes a Shopify-layout CSV of N customers (names with diacritics, e-mail,
phone, address, tags) and imports it into a fresh store with the service
(validation, matching, search terms, tags, one transaction per 1,000 rows).
The bare tool: the same rows, already split, inserted with ``executemany``
into a table of the customer's columns plus a table of search terms, in one
transaction, with the same pragmas. Peak memory (ru_maxrss of a child process)
is taken for several file sizes, to show whether it stays flat.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks._common import machine  # noqa: E402

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
open_database({str(db_path)!r})
start = time.perf_counter()
report = importer.import_customers({str(csv_path)!r}, create_missing=True)
seconds = time.perf_counter() - start
print(json.dumps({{"seconds": seconds, "added": report.added, "rejected": report.rejected,
                  "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def run_bare(csv_path: Path, db_path: Path) -> dict:
    """Raw sqlite3: read the CSV, insert the customers and their search terms."""
    con = sqlite3.connect(db_path, isolation_level=None)
    con.execute("PRAGMA journal_mode=wal")
    con.execute("PRAGMA synchronous=normal")
    con.execute("CREATE TABLE customer (id INTEGER PRIMARY KEY, number TEXT UNIQUE, "
                "first_name TEXT, last_name TEXT, email TEXT, phone TEXT, address TEXT, "
                "postcode TEXT, city TEXT, country TEXT, newsletter INTEGER)")
    con.execute("CREATE TABLE term (customer INTEGER, term TEXT)")
    con.execute("CREATE INDEX term_idx ON term (term, customer)")
    con.execute("CREATE INDEX term_customer ON term (customer)")
    start = time.perf_counter()
    con.execute("BEGIN")
    with csv_path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        rows, terms = [], []
        for i, r in enumerate(reader, start=1):
            rows.append((i, str(1000 + i), r[0], r[1], r[2], r[12], r[5], r[10], r[7], r[9],
                         r[3] == "yes"))
            terms += [(i, r[0].lower()), (i, r[1].lower()), (i, r[2]), (i, r[12])]
    con.executemany("INSERT INTO customer VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
    con.executemany("INSERT INTO term VALUES (?,?)", terms)
    con.execute("COMMIT")
    seconds = time.perf_counter() - start
    con.close()
    return {"seconds": seconds}


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
        bare = run_bare(csv_path, folder / "bare.db")
        service = run_service(csv_path, folder / "service.db")
        bare2 = run_bare(csv_path, folder / "bare2.db")
        bare_s = min(bare["seconds"], bare2["seconds"])
        print(f"import of {args.rows:,} customers ({size:.1f} MiB CSV): "
              f"service {service['seconds']:.2f} s ({service['added']:,} added), "
              f"raw sqlite3 {bare_s:.2f} s, ratio {service['seconds'] / bare_s:.1f}x")
        again = run_service(csv_path, folder / "service.db")
        print(f"the same file again (all unchanged): {again['seconds']:.2f} s")
        for n in (int(x) for x in args.memory_sizes.split(",")):
            make_file(csv_path, n)
            result = run_service(csv_path, folder / f"mem{n}.db")
            print(f"peak memory, {n:>7,} rows: {result['maxrss_mb']:.0f} MiB "
                  f"({result['seconds']:.2f} s)")


if __name__ == "__main__":
    main()
