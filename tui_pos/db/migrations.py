"""Forward-only schema migrations, recorded in ``schema_version``.

Each step is a function taking the database; ``MIGRATIONS[n]`` brings the
schema from version n to n + 1. Add new steps at the end, never edit old ones.
"""

from __future__ import annotations

from typing import Callable

import peewee as pw

from tui_pos.db import models as m


def _v1_initial(db: pw.Database) -> None:
    db.create_tables(m.ALL_MODELS, safe=True)
    m.Sequence.insert_many(
        [{"name": "sale", "value": 0}, {"name": "customer", "value": 0}]
    ).on_conflict_ignore().execute()
    if not m.BusinessConfig.select().where(m.BusinessConfig.id == 1).exists():
        m.BusinessConfig.create(id=1)


MIGRATIONS: list[Callable[[pw.Database], None]] = [
    _v1_initial,
]

LATEST = len(MIGRATIONS)


def current_version(db: pw.Database) -> int:
    if not db.table_exists(m.SchemaVersion._meta.table_name):
        return 0
    value = m.SchemaVersion.select(pw.fn.MAX(m.SchemaVersion.version)).scalar()
    return value or 0


def migrate(db: pw.Database, backup: Callable[[], object] | None = None) -> int:
    """Apply every missing step, each in its own transaction. Returns the version."""
    version = current_version(db)
    if version > LATEST:
        raise pw.DatabaseError(
            f"this database is schema version {version}, newer than this tui-pos ({LATEST})"
        )
    if version < LATEST and version > 0 and backup is not None:
        backup()
    while version < LATEST:
        with db.atomic():
            MIGRATIONS[version](db)
            version += 1
            m.SchemaVersion.insert(version=version).execute()
    return version
