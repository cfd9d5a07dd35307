"""Opening the database: the one place that knows SQLite from PostgreSQL.

SQLite pragmas, the file checks and the pre-migration backup live here and
nowhere else, so the services run unchanged on PostgreSQL.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import peewee as pw

from tui_pos.db.models import database

SQLITE_HEADER = b"SQLite format 3\x00"
ENV_VAR = "TUI_POS_DATABASE"


class DatabaseError(Exception):
    """The database cannot be opened; the message says why, for a person."""


def default_location() -> str:
    from platformdirs import user_data_dir

    return str(Path(user_data_dir("tui-pos", appauthor=False)) / "tui-pos.db")


def resolve_target(explicit: str | None) -> str:
    """--db beats TUI_POS_DATABASE beats the platform's user data dir."""
    return explicit or os.environ.get(ENV_VAR) or default_location()


def is_postgres(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://"))


def check_sqlite_path(path: Path) -> None:
    if path.is_dir():
        raise DatabaseError(f"{path} is a directory, not a database file")
    if path.exists():
        if not os.access(path, os.R_OK | os.W_OK):
            raise DatabaseError(f"{path} cannot be read and written")
        size = path.stat().st_size
        if size:
            with path.open("rb") as handle:
                if handle.read(16) != SQLITE_HEADER:
                    raise DatabaseError(f"{path} is not a tui-pos database (not SQLite)")
    elif not path.parent.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(f"cannot create the folder {path.parent}: {exc.strerror}") from None


def make_database(target: str) -> pw.Database:
    if is_postgres(target):
        from playhouse.db_url import connect

        return connect(target, autorollback=True)
    path = Path(target).expanduser()
    check_sqlite_path(path)
    return pw.SqliteDatabase(
        str(path),
        lock_type="IMMEDIATE",  # take the write lock when a transaction begins
        timeout=10,
        pragmas={
            "journal_mode": "wal",
            "foreign_keys": 1,
            "synchronous": "normal",
            "busy_timeout": 10000,
        },
    )


def open_database(target: str | None = None, migrate: bool = True) -> pw.Database:
    """Bind the models to ``target`` and bring its schema up to date."""
    from tui_pos.db import migrations

    target = resolve_target(target)
    db = make_database(target)
    database.initialize(db)
    try:
        db.connect(reuse_if_open=True)
        if migrate:
            migrations.migrate(db, backup=lambda: backup_sqlite(db))
    except pw.DatabaseError as exc:
        db.close()
        raise DatabaseError(f"{target}: {exc}") from None
    except (sqlite3.DatabaseError, OSError) as exc:
        db.close()
        raise DatabaseError(f"{target}: {exc}") from None
    return db


def backup_sqlite(db: pw.Database) -> str | None:
    """Copy an SQLite file aside before a migration; returns the copy's path."""
    if not isinstance(db, pw.SqliteDatabase):
        return None
    path = Path(db.database)
    if not path.exists() or path.stat().st_size == 0:
        return None
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    copy = path.with_name(path.name + ".bak")
    shutil.copy2(path, copy)
    return str(copy)


def close_database() -> None:
    if database.obj is not None and not database.is_closed():
        database.close()
