"""Schema versions: created at LATEST, idempotent on reopen, newer refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tui_pos.db import migrations
from tui_pos.db.connection import DatabaseError, close_database, open_database
from tui_pos.db.models import ALL_MODELS, BusinessConfig, Sequence, SchemaVersion
from tests.actors import OWNER


def versions(path: str) -> list[int]:
    con = sqlite3.connect(path)
    try:
        return [v for (v,) in con.execute("SELECT version FROM schema_version ORDER BY version")]
    finally:
        con.close()


def test_a_new_database_is_at_the_latest_version(db_file):
    db = open_database(db_file)
    try:
        assert migrations.current_version(db) == migrations.LATEST >= 1
        for model in ALL_MODELS:
            assert db.table_exists(model._meta.table_name), model.__name__
        assert BusinessConfig.select().count() == 1
        assert {s.name: s.value for s in Sequence.select()} == {
            "sale": 0, "customer": 0, "z": 0, "parked": 0}
        assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    finally:
        close_database()
    assert versions(db_file) == list(range(1, migrations.LATEST + 1))
    assert not Path(db_file + ".bak").exists()  # nothing to back up on a new file


def test_reopening_is_idempotent(db_file):
    from tui_pos.services import masters

    open_database(db_file)
    masters.save_profile(OWNER, "Retail")
    close_database()
    for _ in range(2):
        db = open_database(db_file)
        try:
            assert migrations.migrate(db) == migrations.LATEST
            assert SchemaVersion.select().count() == migrations.LATEST
            assert BusinessConfig.select().count() == 1
            assert Sequence.select().count() == 4  # sale, customer, z, parked
            assert [p.name for p in masters.list_profiles()] == ["Retail"]
        finally:
            close_database()
    assert versions(db_file) == list(range(1, migrations.LATEST + 1))
    assert not Path(db_file + ".bak").exists()


def test_a_database_from_a_newer_tui_pos_is_refused(db_file):
    open_database(db_file)
    SchemaVersion.insert(version=migrations.LATEST + 1).execute()
    close_database()
    with pytest.raises(DatabaseError) as info:
        open_database(db_file)
    message = str(info.value)
    assert "newer" in message and str(migrations.LATEST + 1) in message
    assert versions(db_file)[-1] == migrations.LATEST + 1  # left as it was


def test_an_older_database_is_backed_up_then_migrated(db_file, monkeypatch):
    """A database at version n < LATEST is copied aside before the missing steps run."""
    steps = list(migrations.MIGRATIONS)
    added = []

    def v_next(db):
        db.execute_sql("CREATE TABLE test_extra (id INTEGER PRIMARY KEY)")
        added.append(True)

    open_database(db_file)
    close_database()
    monkeypatch.setattr(migrations, "MIGRATIONS", [*steps, v_next])
    monkeypatch.setattr(migrations, "LATEST", len(steps) + 1)
    db = open_database(db_file)
    try:
        assert added == [True]
        assert migrations.current_version(db) == len(steps) + 1
        assert db.table_exists("test_extra")
    finally:
        close_database()
    backup = Path(db_file + ".bak")
    assert backup.exists()
    assert versions(str(backup)) == list(range(1, len(steps) + 1))  # the copy before


def test_a_failing_step_rolls_back_and_leaves_the_version(db_file, monkeypatch):
    steps = list(migrations.MIGRATIONS)

    def broken(db):
        db.execute_sql("CREATE TABLE half_done (id INTEGER PRIMARY KEY)")
        raise sqlite3.OperationalError("boom")

    open_database(db_file)
    close_database()
    monkeypatch.setattr(migrations, "MIGRATIONS", [*steps, broken])
    monkeypatch.setattr(migrations, "LATEST", len(steps) + 1)
    with pytest.raises(DatabaseError):
        open_database(db_file)
    close_database()
    con = sqlite3.connect(db_file)
    try:
        tables = {t for (t,) in con.execute("SELECT name FROM sqlite_master")}
    finally:
        con.close()
    assert "half_done" not in tables
    assert versions(db_file) == list(range(1, len(steps) + 1))
