"""Forward-only schema migrations, recorded in ``schema_version``.

Each step is a function taking the database; ``MIGRATIONS[n]`` brings the
schema from version n to n + 1. Steps are frozen once shipped: a change to
the schema is a new step at the end (``playhouse.migrate`` operations or
plain SQL), never an edit of an old one, and never ``create_tables`` of the
live models — version 1 is built from its own frozen copy
(``schema_v1``). ``tests/unit/test_schema.py`` proves that a new database
and one migrated from every earlier version end with the same schema, and
that the live models match it.
"""

from __future__ import annotations

from typing import Callable

import peewee as pw

from tui_pos.db import models as m
from tui_pos.db import schema_v1

MIGRATIONS: list[Callable[[pw.Database], None]] = [
    schema_v1.create,  # 1: the first schema (frozen)
]

LATEST = len(MIGRATIONS)


VERSION_TABLE = "schema_version"


def current_version(db: pw.Database) -> int:
    if not db.table_exists(VERSION_TABLE):
        return 0
    value = db.execute_sql(f'SELECT MAX("version") FROM "{VERSION_TABLE}"').fetchone()[0]
    return value or 0


def migrate(db: pw.Database, backup: Callable[[], object] | None = None,
            target: int | None = None) -> int:
    """Apply every missing step up to ``target`` (default: the latest), each in
    its own transaction. Returns the version."""
    version = current_version(db)
    goal = LATEST if target is None else target
    if version > LATEST:
        raise pw.DatabaseError(
            f"this database is schema version {version}, newer than this tui-pos ({LATEST})"
        )
    if version < goal and version > 0 and backup is not None:
        backup()
    while version < goal:
        with db.atomic():
            MIGRATIONS[version](db)
            version += 1
            db.execute_sql(f'INSERT INTO "{VERSION_TABLE}" ("version", "applied_at") '
                           f"VALUES ({db.param}, {db.param})", (version, m.now()))
    return version
