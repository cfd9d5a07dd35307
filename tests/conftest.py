"""Shared fixtures: a fresh, real database per test (no mocked database).

``db`` opens an empty, migrated database; ``shop`` fills it with a small
Dutch store (VAT 21/9/0, a few items, two types, two profiles).

The service tests (tests/unit) that take ``db`` (or ``db_target``) and not
the SQLite file itself (``db_file``) run twice: on a SQLite file and on a
real PostgreSQL server that the session starts (tests/postgres_server.py),
each test on the worker's one database with its rows reset to those right
after migrating. Without the server's binaries or its driver the PostgreSQL
runs are skipped with the reason. ``TUI_POS_TEST_ENGINES=sqlite`` (or
``postgresql``) picks one.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import settings

from tui_pos.db.connection import close_database, open_database
from tests.actors import OWNER

ENGINES = ("sqlite", "postgresql")
SHARED_DB = "tui_pos_tests"  # each worker's one migrated database
TESTS = Path(__file__).parent

# Property tests: the same examples on every run of the test command, so CI is
# repeatable; `HYPOTHESIS_PROFILE=explore` searches new ones (run it while working).
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", max_examples=500)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


def engines() -> list[str]:
    chosen = os.environ.get("TUI_POS_TEST_ENGINES", ",".join(ENGINES))
    return [e for e in (part.strip() for part in chosen.split(",")) if e in ENGINES]


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only(why): a service test that reads "
                            "SQLite itself (its SQL dialect, its file); not run on PostgreSQL")


def pytest_generate_tests(metafunc):
    """Service tests and the app's Pilot tests, on a database they open by URL,
    run on both engines; a test that reads the SQLite file itself (``db_file``)
    or is marked ``sqlite_only`` stays on SQLite (the pty, web and CLI tests too)."""
    if "engine" not in metafunc.fixturenames or _names_engine(metafunc):
        return
    path = Path(str(metafunc.definition.path))
    by_url = path.is_relative_to(TESTS / "unit") or path.is_relative_to(TESTS / "ui")
    both = (by_url and "db_file" not in metafunc.fixturenames
            and metafunc.definition.get_closest_marker("sqlite_only") is None)
    chosen = engines() if both else ["sqlite"]
    metafunc.parametrize("engine", chosen or ["sqlite"], scope="function")


def _names_engine(metafunc) -> bool:
    """Does the test choose its engine itself (``parametrize("engine", [...])``)?"""
    for mark in metafunc.definition.iter_markers("parametrize"):
        names = mark.args[0]
        names = names.split(",") if isinstance(names, str) else names
        if "engine" in (n.strip() for n in names):
            return True
    return False


class PostgresServer:
    """The session's server (started on first use) with one migrated database
    that each test gets back as it was right after migrating (``fresh``)."""

    def __init__(self) -> None:
        self.server = None
        self.failure: str | None = None
        self.names = itertools.count(1)
        self.keeper = None  # a connection to the shared database, for resets
        self.rows: dict[str, tuple[list[str], list[tuple]]] = {}
        self.sequences: list[tuple[str, int | None]] = []

    def _start(self) -> None:
        from tests.postgres_server import Server, ServerUnavailable

        try:
            import psycopg  # noqa: F401
        except ImportError:
            self.failure = "the PostgreSQL driver is missing (pip install 'tui-pos[postgres]')"
            return
        try:
            self.server = Server().start()
            self._admin(f'CREATE DATABASE "{SHARED_DB}"')
            open_database(self.server.url(SHARED_DB))  # migrated once for the session
            close_database()
            self._snapshot()
        except ServerUnavailable as exc:
            self.failure = f"no PostgreSQL server could be started: {exc}"

    def _snapshot(self) -> None:
        """The rows and sequence values right after migrating (copying a
        database per test took over a second; restoring these takes ms)."""
        import psycopg

        self.keeper = psycopg.connect(self.server.url(SHARED_DB), autocommit=True)
        tables = [name for (name,) in self.keeper.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        for table in tables:
            cursor = self.keeper.execute(f'SELECT * FROM "{table}"')
            self.rows[table] = ([column.name for column in cursor.description],
                                cursor.fetchall())
        self.sequences = self.keeper.execute(
            "SELECT sequencename, last_value FROM pg_sequences "
            "WHERE schemaname = 'public'").fetchall()

    def fresh(self) -> str:
        """The shared database's URL, every table as right after migrating."""
        self.ensure()
        with self.keeper.transaction():
            self.keeper.execute("SET LOCAL lock_timeout = '10s'")  # a test left a lock
            self.keeper.execute("SET LOCAL session_replication_role = replica")  # no FK checks
            for table, (columns, rows) in self.rows.items():
                self.keeper.execute(f'DELETE FROM "{table}"')
                if rows:
                    names = ", ".join(f'"{c}"' for c in columns)
                    marks = ", ".join(["%s"] * len(columns))
                    self.keeper.cursor().executemany(
                        f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)
            for name, last in self.sequences:
                self.keeper.execute("SELECT setval(%s::regclass, %s, %s)",
                                    (f'"{name}"', last or 1, last is not None))
        return self.server.url(SHARED_DB)

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.server.url(), autocommit=True) as con:
            con.execute(sql)

    def ensure(self) -> None:
        """The server is running, or the test is skipped saying why (fails
        instead where TUI_POS_TEST_POSTGRES=required, as in CI)."""
        if self.server is None and self.failure is None:
            self._start()
        if self.failure:
            if os.environ.get("TUI_POS_TEST_POSTGRES") == "required":
                pytest.fail(self.failure)
            pytest.skip(self.failure)

    def new_database(self, options: str = "TEMPLATE template0") -> str:
        """A new, empty database's URL; ``options`` of CREATE DATABASE
        (e.g. its collation)."""
        self.ensure()
        name = f"test_{os.getpid()}_{next(self.names)}"
        self._admin(f'CREATE DATABASE "{name}" {options}')
        return self.server.url(name)

    def drop(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        if self.keeper is not None:
            self.keeper.close()
        if self.server is not None:
            self.server.stop()


@pytest.fixture(scope="session")
def postgres_server():
    server = PostgresServer()
    yield server
    server.stop()


@pytest.fixture
def postgres(postgres_server):
    """For PostgreSQL's own tests: ``postgres.new_database(options)`` gives URLs of
    databases dropped after the test (skipped, saying why, without a server)."""
    postgres_server.ensure()
    made: list[str] = []
    real = postgres_server.new_database

    def new_database(options: str = "TEMPLATE template0") -> str:
        made.append(real(options))
        return made[-1]

    yield SimpleNamespace(new_database=new_database, server=postgres_server.server,
                          admin=postgres_server._admin)
    close_database()
    for url in made:
        postgres_server.drop(url)


@pytest.fixture
def engine():
    return "sqlite"  # parametrised over ENGINES for the service tests (above)


@pytest.fixture
def db_target(engine, tmp_path, request):
    """Where the test's database is: a SQLite file path or a postgresql:// URL."""
    if engine == "sqlite":
        yield str(tmp_path / "pos.db")
        return
    yield request.getfixturevalue("postgres_server").fresh()
    close_database()


@pytest.fixture
def db_file(tmp_path):
    """The SQLite file itself, for tests that read it with sqlite3 or pass it to the CLI."""
    return str(tmp_path / "pos.db")


@pytest.fixture
def db(db_target):
    from tests.registers import open_registers

    database = open_database(db_target)
    open_registers()  # a sale needs an open register on its terminal
    yield database
    close_database()


@pytest.fixture
def shop(db):
    from tui_pos.services import catalog, masters
    from tui_pos.services.catalog import ItemInput

    vat = {name: catalog.save_vat_class(OWNER, name, rate)
           for name, rate in (("Hoog", "21"), ("Laag", "9"), ("Nul", "0"))}
    items = {
        "MUG-01": catalog.save_item(OWNER, ItemInput(
            sku="MUG-01", barcode="8712345000048", name="Stoneware mug", price="12.10",
            vat_class_id=vat["Hoog"].id)),
        "COF-250": catalog.save_item(OWNER, ItemInput(
            sku="COF-250", barcode="8712345000017", name="Coffee beans 250 g", price="6.95",
            vat_class_id=vat["Laag"].id)),
        "GIFT-25": catalog.save_item(OWNER, ItemInput(
            sku="GIFT-25", name="Gift card 25", price="25.00", vat_class_id=vat["Nul"].id,
            discountable=False)),
        "LAB-REP": catalog.save_item(OWNER, ItemInput(
            sku="LAB-REP", name="Repair labour", price="60.50", vat_class_id=vat["Hoog"].id,
            is_labour=True)),
    }
    types = {
        "Staff": masters.save_type(OWNER, "Staff", discount="15"),
        "Tax exempt": masters.save_type(OWNER, "Tax exempt", vat_class_id=vat["Nul"].id),
    }
    profiles = {name: masters.save_profile(OWNER, name) for name in ("Retail", "Wholesale")}
    return SimpleNamespace(db=db, vat=vat, items=items, types=types, profiles=profiles)
