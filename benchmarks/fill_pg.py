"""Fill a PostgreSQL store with the very rows of a filled SQLite benchmark store.

    python benchmarks/fill.py postgresql://URL [--from benchmarks/data/bench.db] [fill options]

``fill.py`` calls this when its target is a postgresql:// URL: the SQLite file
(``--from``, or one filled first with the same options) is copied table by
table with ``COPY … FROM STDIN`` through psycopg. The schema comes from
``open_database()`` on the URL (the real migrations and the search index's
"C" collation), so both engines hold the same store: same customers, terms,
sales and by-item sums. The secondary indexes are dropped for the copy and
made again afterwards, foreign keys are not checked row by row
(``session_replication_role = replica``: the rows come from a store that
checked them), the id sequences are set past the copied ids, and
``VACUUM ANALYZE`` leaves the statistics autovacuum would gather.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

SKIP = {"schema_version"}  # the migrations wrote PostgreSQL's own
BATCH = 20_000


def copy_store(source: Path, target: str) -> dict:
    import psycopg

    from tui_pos.db.connection import close_database, open_database

    open_database(str(source))  # the source's schema brought up to date first
    close_database()
    open_database(target)  # the schema through the real migrations
    close_database()
    lite = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    started = time.perf_counter()
    counts = {}
    with psycopg.connect(target) as pg:
        tables = [t for (t,) in lite.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name") if t not in SKIP]
        pg_tables = {t for (t,) in pg.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")}
        tables = [t for t in tables if t in pg_tables]
        indexes = pg.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes AS i "
            "WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s) AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint AS c WHERE c.conindid = "
            "(quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)",
            (tables,)).fetchall()
        pg.execute("SET session_replication_role = replica")
        pg.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables))
        for name, _ in indexes:
            pg.execute(f'DROP INDEX "{name}"')
        for table in tables:
            counts[table] = copy_table(lite, pg, table)
            print(f"  {table:28s} {counts[table]:>11,} rows  "
                  f"{time.perf_counter() - started:6.1f} s", flush=True)
        print(f"  making {len(indexes)} indexes again ...", flush=True)
        for _, sql in indexes:
            pg.execute(sql)
        serial = pg.execute(
            "SELECT table_name FROM information_schema.columns WHERE table_schema = "
            "current_schema() AND column_name = 'id' AND column_default LIKE 'nextval%%'"
        ).fetchall()
        for (table,) in serial:
            pg.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                       f'COALESCE((SELECT MAX(id) FROM "{table}"), 0) + 1, false)')
        pg.commit()
    with psycopg.connect(target, autocommit=True) as pg:
        pg.execute("VACUUM ANALYZE")
    lite.close()
    seconds = time.perf_counter() - started
    print(f"copied {sum(counts.values()):,} rows to PostgreSQL in {seconds:.1f} s", flush=True)
    return {"rows": counts, "seconds": seconds}


def copy_table(lite: sqlite3.Connection, pg, table: str) -> int:
    """Every row of ``table``, in the columns both stores have."""
    lite_cols = [row[1] for row in lite.execute(f'PRAGMA table_info("{table}")')]
    pg_cols = [c for (c,) in pg.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = "
        "current_schema() AND table_name = %s ORDER BY ordinal_position", (table,))]
    cols = [c for c in pg_cols if c in lite_cols]
    quoted = ", ".join(f'"{c}"' for c in cols)
    rows = lite.execute(f'SELECT {quoted} FROM "{table}"')
    n = 0
    with pg.cursor().copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
        while batch := rows.fetchmany(BATCH):
            for row in batch:
                copy.write_row(row)
            n += len(batch)
    return n
