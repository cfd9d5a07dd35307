"""The schema only moves forward: a new database and one migrated from every
earlier version end identical, data kept, and the live models match them.

``tests/data/schema_v1.db`` is a small store (customer with tags, note and a
custom field, a completed sale) made by tui-pos at schema version 1, kept as
it was shipped.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import peewee as pw
import pytest

from tui_pos.db import migrations
from tui_pos.db.connection import close_database, open_database
from tui_pos.db.models import ALL_MODELS

V1_FILE = Path(__file__).parent.parent / "data" / "schema_v1.db"


def schema(path: str) -> dict:
    """Tables → columns (type, not null, default, pk), indexes and foreign keys."""
    con = sqlite3.connect(path)
    try:
        out = {}
        tables = [t for (t,) in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        for table in tables:
            columns = {row[1]: (row[2].upper(), row[3], row[4], row[5])
                       for row in con.execute(f'PRAGMA table_info("{table}")')}
            indexes = {}
            for row in con.execute(f'PRAGMA index_list("{table}")'):
                name, unique = row[1], row[2]
                cols = tuple(r[2] for r in con.execute(f'PRAGMA index_info("{name}")'))
                key = name if not name.startswith("sqlite_autoindex") else f"auto{cols}"
                indexes[key] = (unique, cols)
            fks = sorted((r[3], r[2], r[4], r[6]) for r in
                         con.execute(f'PRAGMA foreign_key_list("{table}")'))
            out[table] = {"columns": columns, "indexes": indexes, "fks": fks}
        return out
    finally:
        con.close()


def row_counts(path: str) -> dict[str, int]:
    con = sqlite3.connect(path)
    try:
        tables = [t for (t,) in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {t: con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        con.close()


@pytest.fixture
def fresh_schema(tmp_path) -> dict:
    path = str(tmp_path / "fresh.db")
    open_database(path)
    close_database()
    return schema(path)


def test_the_stored_v1_file_is_version_1():
    con = sqlite3.connect(f"file:{V1_FILE}?mode=ro", uri=True)
    try:
        assert con.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == 1
    finally:
        con.close()


def test_a_v1_store_migrates_to_exactly_the_new_schema_with_its_data(tmp_path, fresh_schema):
    path = str(tmp_path / "old.db")
    shutil.copy(V1_FILE, path)
    before = row_counts(path)
    db = open_database(path)
    try:
        assert migrations.current_version(db) == migrations.LATEST
        name, = db.execute_sql("SELECT first_name FROM customer").fetchone()
        assert name == "Zoë"  # byte-exact
        number, total, text = db.execute_sql(
            "SELECT number, total, receipt_text FROM sale").fetchone()
        assert (number, total) == (1, 8107) and "Stoneware mug" in text
    finally:
        close_database()
    assert schema(path) == fresh_schema
    after = row_counts(path)
    for table, count in before.items():
        if table != "schema_version":
            assert after[table] >= count, table  # nothing lost
    assert after["schema_version"] == migrations.LATEST


@pytest.mark.parametrize("version", range(1, migrations.LATEST + 1))
def test_every_earlier_version_migrates_to_the_new_schema(tmp_path, fresh_schema, version):
    path = str(tmp_path / f"v{version}.db")
    db = pw.SqliteDatabase(path)
    db.connect()
    from tui_pos.db.models import database

    database.initialize(db)
    assert migrations.migrate(db, target=version) == version
    db.close()
    assert migrations.LATEST == version or schema(path) != fresh_schema
    open_database(path)
    close_database()
    assert schema(path) == fresh_schema


def test_the_live_models_match_the_migrated_schema(tmp_path, fresh_schema):
    """A field added to a model without a migration step (or the reverse) fails here."""
    path = str(tmp_path / "models.db")
    db = pw.SqliteDatabase(path)
    with db.bind_ctx(ALL_MODELS):
        db.create_tables(ALL_MODELS)
    db.close()
    from_models = schema(path)
    assert set(from_models) == set(fresh_schema)
    for table, shape in from_models.items():
        assert shape["columns"] == fresh_schema[table]["columns"], table
        assert shape["fks"] == fresh_schema[table]["fks"], table
        assert set(shape["indexes"].values()) == set(fresh_schema[table]["indexes"].values()), \
            table


def test_old_steps_are_frozen():
    """Version 1 is built from its frozen copy, never from the live models."""
    import inspect

    from tui_pos.db import schema_v1

    assert migrations.MIGRATIONS[0] is schema_v1.create
    source = inspect.getsource(schema_v1)
    assert "tui_pos.db.models" not in source and "ALL_MODELS" not in source
