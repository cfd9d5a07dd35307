"""Shared fixtures: a fresh, real database per test (no mocked database).

``db`` opens an empty, migrated database; ``shop`` fills it with a small
Dutch store (VAT 21/9/0, a few items, two types, two profiles).

The service tests (tests/unit) that take ``db`` (or ``db_target``) and not
the SQLite file itself (``db_file``) run twice: on a SQLite file and on a
real PostgreSQL server that the session starts (tests/postgres_server.py),
each test in its own database copied from a migrated template. Without the
server's binaries or its driver the PostgreSQL runs are skipped with the
reason. ``TUI_POS_TEST_ENGINES=sqlite`` (or ``postgresql``) picks one.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import settings

from tui_pos.db.connection import close_database, open_database

ENGINES = ("sqlite", "postgresql")
TEMPLATE = "tui_pos_template"
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
    """Service tests on a database they open by URL run on both engines;
    a test that reads the SQLite file itself (``db_file``) or is marked
    ``sqlite_only`` stays on SQLite."""
    if "engine" not in metafunc.fixturenames:
        return
    in_unit = Path(str(metafunc.definition.path)).is_relative_to(TESTS / "unit")
    both = (in_unit and "db_file" not in metafunc.fixturenames
            and metafunc.definition.get_closest_marker("sqlite_only") is None)
    chosen = engines() if both else ["sqlite"]
    metafunc.parametrize("engine", chosen or ["sqlite"], scope="function")


class PostgresServer:
    """The session's server (started on first use) and one database per test."""

    def __init__(self) -> None:
        self.server = None
        self.failure: str | None = None
        self.names = itertools.count(1)

    def _start(self) -> None:
        from tests.postgres_server import Server, ServerUnavailable

        try:
            import psycopg  # noqa: F401
        except ImportError:
            self.failure = "the PostgreSQL driver is missing (pip install 'tui-pos[postgres]')"
            return
        try:
            self.server = Server().start()
            self._admin(f'CREATE DATABASE "{TEMPLATE}"')
            open_database(self.server.url(TEMPLATE))  # migrated once, copied per test
            close_database()
        except ServerUnavailable as exc:
            self.failure = f"no PostgreSQL server could be started: {exc}"

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

    def new_database(self, options: str = f'TEMPLATE "{TEMPLATE}"') -> str:
        """A fresh database's URL: by default a copy of the migrated template;
        ``options`` of CREATE DATABASE make another (e.g. an empty one)."""
        self.ensure()
        name = f"test_{os.getpid()}_{next(self.names)}"
        self._admin(f'CREATE DATABASE "{name}" {options}')
        return self.server.url(name)

    def drop(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
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

    def new_database(options: str = f'TEMPLATE "{TEMPLATE}"') -> str:
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
    server = request.getfixturevalue("postgres_server")
    url = server.new_database()
    yield url
    close_database()
    server.drop(url)


@pytest.fixture
def db_file(tmp_path):
    """The SQLite file itself, for tests that read it with sqlite3 or pass it to the CLI."""
    return str(tmp_path / "pos.db")


@pytest.fixture
def db(db_target):
    database = open_database(db_target)
    yield database
    close_database()


@pytest.fixture
def shop(db):
    from tui_pos.services import catalog, masters
    from tui_pos.services.catalog import ItemInput

    vat = {name: catalog.save_vat_class(name, rate)
           for name, rate in (("Hoog", "21"), ("Laag", "9"), ("Nul", "0"))}
    items = {
        "MUG-01": catalog.save_item(ItemInput(
            sku="MUG-01", barcode="8712345000048", name="Stoneware mug", price="12.10",
            vat_class_id=vat["Hoog"].id)),
        "COF-250": catalog.save_item(ItemInput(
            sku="COF-250", barcode="8712345000017", name="Coffee beans 250 g", price="6.95",
            vat_class_id=vat["Laag"].id)),
        "GIFT-25": catalog.save_item(ItemInput(
            sku="GIFT-25", name="Gift card 25", price="25.00", vat_class_id=vat["Nul"].id,
            discountable=False)),
        "LAB-REP": catalog.save_item(ItemInput(
            sku="LAB-REP", name="Repair labour", price="60.50", vat_class_id=vat["Hoog"].id,
            is_labour=True)),
    }
    types = {
        "Staff": masters.save_type("Staff", discount="15"),
        "Tax exempt": masters.save_type("Tax exempt", vat_class_id=vat["Nul"].id),
    }
    profiles = {name: masters.save_profile(name) for name in ("Retail", "Wholesale")}
    return SimpleNamespace(db=db, vat=vat, items=items, types=types, profiles=profiles)
