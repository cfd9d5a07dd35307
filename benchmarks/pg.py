"""The benchmarks' own PostgreSQL server: a cluster in benchmarks/data/pg on 127.0.0.1.

    python benchmarks/pg.py start|stop|status|url [DATABASE]

initdb makes the cluster once (as ``nobody`` when run as root: PostgreSQL
refuses root); ``start`` starts it on 127.0.0.1 and a fixed port (54329, or
$BENCH_PG_PORT) and creates the database asked for. The settings are a store
server's, not a test server's: fsync stays on; ``synchronous_commit=off``
gives the durability SQLite's WAL with ``synchronous=NORMAL`` gives (a power
cut may lose the last commits, never corrupts), so the two engines are
compared like for like.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

from _common import DATA

CLUSTER = DATA / "pg"
SERVER_USER = "nobody"
PORT = int(os.environ.get("BENCH_PG_PORT", "54329"))
SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "synchronous_commit": "off",
    "shared_buffers": "1GB",
    "work_mem": "64MB",
    "maintenance_work_mem": "512MB",
    "max_connections": "40",
    "max_wal_size": "4GB",
    "checkpoint_timeout": "15min",
}


class Unavailable(Exception):
    """No PostgreSQL server here; the message says why."""


def binaries() -> Path:
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(folder, "pg_ctl").exists():
            return Path(folder)
    found = shutil.which("pg_ctl")
    if not found:
        raise Unavailable("PostgreSQL's initdb/pg_ctl not found (apt-get install postgresql)")
    return Path(found).parent


def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    command = [str(binaries() / args[0]), *args[1:]]
    if os.geteuid() == 0:
        command = ["runuser", "-u", SERVER_USER, "--", *command]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=DATA)
    if check and done.returncode != 0:
        raise Unavailable(f"{args[0]} failed: {done.stdout[-500:]} {done.stderr[-500:]}")
    return done


def url(database: str = "bench") -> str:
    return f"postgresql://postgres@127.0.0.1:{PORT}/{database}"


def running() -> bool:
    return (CLUSTER / "PG_VERSION").exists() and \
        run("pg_ctl", "-D", str(CLUSTER), "status", check=False).returncode == 0


def start() -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    if not (CLUSTER / "PG_VERSION").exists():
        CLUSTER.mkdir(mode=0o700, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(CLUSTER, SERVER_USER)
        run("initdb", "-D", str(CLUSTER), "-U", "postgres", "-A", "trust", "-E", "UTF8",
            "--locale=C.UTF-8")
    if running():
        return
    options = " ".join(f"-c {k}={v}" for k, v in SETTINGS.items())
    run("pg_ctl", "-D", str(CLUSTER), "-l", str(CLUSTER / "server.log"), "-w", "-t", "120",
        "-o", f"-p {PORT} -k {CLUSTER} {options}", "start")


def stop() -> None:
    if running():
        run("pg_ctl", "-D", str(CLUSTER), "-m", "fast", "-w", "stop")


def ensure_database(database: str, fresh: bool = False) -> str:
    """The URL of ``database`` on the running server, created if missing
    (dropped and created again when ``fresh``)."""
    import psycopg

    with psycopg.connect(url("postgres"), autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                               (database,)).fetchone()
        if exists and fresh:
            admin.execute(f'DROP DATABASE "{database}" WITH (FORCE)')
            exists = None
        if not exists:
            admin.execute(f'CREATE DATABASE "{database}"')
    return url(database)


def has_store(database: str) -> bool:
    """Is there a filled tui-pos store in ``database``?"""
    import psycopg

    try:
        with psycopg.connect(url(database), autocommit=True) as con:
            return bool(con.execute("SELECT to_regclass('sale_line') IS NOT NULL").fetchone()[0]
                        and con.execute("SELECT EXISTS (SELECT 1 FROM sale_line)").fetchone()[0])
    except psycopg.OperationalError:
        return False


def version() -> str:
    import psycopg

    with psycopg.connect(url("postgres"), autocommit=True) as con:
        return con.execute("SHOW server_version").fetchone()[0]


def main(argv: list[str]) -> int:
    what = argv[0] if argv else "status"
    if what == "start":
        start()
        print(ensure_database(argv[1] if len(argv) > 1 else "bench"))
    elif what == "stop":
        stop()
    elif what == "url":
        print(url(argv[1] if len(argv) > 1 else "bench"))
    else:
        print("running" if running() else "stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
