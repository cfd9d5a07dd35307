"""The database goes away mid-session: one clear line, the till goes on, the bill stays.

On PostgreSQL the test starts a server of its own and stops it while a bill is
open; on SQLite the disk "fills up" (``PRAGMA max_page_count`` at the pages the
file has) while the cashier pays.
"""

from __future__ import annotations

import uuid

import pytest
from textual.widgets import Input

from tests.postgres_server import Server, ServerUnavailable
from tests.ui.keys import SIZE, open_from_menu, screen_text, type_text
from tui_pos.db.models import Sale, database
from tui_pos.ui.screens.base import ConfirmScreen
from tui_pos.ui.screens.sales_bill import SalesBillScreen

GONE = "The database is not reachable"


async def open_bill_with(pilot, *codes: str) -> SalesBillScreen:
    await pilot.press("f2")  # the main menu's key for the Sales Bill
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, SalesBillScreen)
    await pilot.press("enter")  # no customer: on to the item field
    for code in codes:
        await add_item(pilot, code)
    return screen


async def add_item(pilot, code: str) -> None:
    await type_text(pilot, code)
    await pilot.press("enter")
    await pilot.pause()


def said(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


# -- PostgreSQL: the server stops ------------------------------------------------------------

@pytest.fixture(scope="module")
def own_server():
    """A PostgreSQL server this module may stop (the suite's shared one it may not)."""
    try:
        server = Server().start()
    except ServerUnavailable as why:
        pytest.skip(str(why))
    yield server
    server.stop()


@pytest.fixture
def db_path(request, tmp_path):
    """The ui conftest's store and app: on this module's own server for a test
    that asks for it, else in a SQLite file."""
    if "own_server" in request.fixturenames:
        return new_database(request.getfixturevalue("own_server"))
    return str(tmp_path / "pos.db")


def new_database(server: Server) -> str:
    """An empty database of its own on ``server`` for each test."""
    import psycopg

    name = f"gone_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server.url(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    return server.url(name)


def stop(server: Server) -> None:
    server._run("pg_ctl", "-D", str(server.data), "-m", "fast", "-w", "stop")


def start(server: Server) -> None:
    server._run("pg_ctl", "-D", str(server.data), "-l", str(server.log), "-w",
                "-o", f"-p {server.port} -k {server.root}", "start")


async def test_the_server_stopping_mid_bill_is_one_line_and_the_bill_stays(app, own_server):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_bill_with(pilot, "MUG-01")
        assert len(screen.draft.lines) == 1
        stop(own_server)
        try:
            await add_item(pilot, "COF-250")  # the item lookup finds no server
            assert any(m.startswith(GONE) and m.endswith("the bill is still open")
                       for m in said(app)), said(app)
            assert GONE in screen_text(app)
            assert app.is_running and app.screen is screen
            assert [line.name for line in screen.draft.lines] == ["Stoneware mug"]
            # the screen still takes keys: the field is typed into
            code = screen.query_one("#code", Input)
            code.value = ""
            await type_text(pilot, "COF")
            assert code.value == "COF"
            app._notifications.clear()
            app._gone_said = None
            await pilot.press("f6")  # the items pop-up reads the items as it opens
            await pilot.pause()
            assert any(m.startswith(GONE) for m in said(app)), said(app)
            assert app.is_running
            if app.screen is not screen:  # the pop-up stayed, empty: Esc closes it
                await pilot.press("escape")
                await pilot.pause()
            assert app.screen is screen and len(screen.draft.lines) == 1
        finally:
            start(own_server)
        code.value = ""
        await add_item(pilot, "COF-250")  # the server is back: the same till goes on
        assert [line.name for line in screen.draft.lines] == ["Stoneware mug",
                                                              "Coffee beans 250 g"]


async def test_screens_opened_while_the_server_is_down_say_so_and_the_menu_stays(
        app, own_server):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        menu = app.screen
        stop(own_server)
        try:
            for name in ("Customers", "Reports", "Sales Bill"):
                app._notifications.clear()
                app._gone_said = None
                await open_from_menu(pilot, name)
                await pilot.pause()
                assert any(m.startswith(GONE) for m in said(app)), (name, said(app))
                assert app.is_running, name
                while app.screen is not menu:  # a screen that opened empty: Esc leaves it
                    await pilot.press("escape")
                    await pilot.pause()
        finally:
            start(own_server)


# -- SQLite: write access taken away, the disk full -------------------------------------------

async def test_a_store_that_cannot_be_written_is_one_line_and_the_bill_stays(app):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_bill_with(pilot, "MUG-01", "COF-250")
        database.execute_sql("PRAGMA query_only = ON")  # every write refused, as on a
        await pilot.press("f4")                          # file turned read-only
        await pilot.pause()
        payment = app.screen
        await type_text(pilot, "20")
        await pilot.press("enter")
        await pilot.pause()
        # the sale's own refusal, in the pop-up: nothing paid, still asking
        assert "could not be saved" in screen_text(app)
        assert app.screen is payment and Sale.select().count() == 0
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("f5")  # a new customer for the bill: its save is refused too
        await pilot.pause()
        form = app.screen
        await type_text(pilot, "Jansen")
        await pilot.press("f4")
        await pilot.pause()
        assert any(m.startswith(f"{GONE}: the database file cannot be written")
                   and m.endswith("nothing was saved; the bill is still open")
                   for m in said(app)), said(app)
        assert app.is_running and app.screen is form
        await pilot.press("escape")  # leave the form: "discard the changes?" yes
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert app.screen is screen and len(screen.draft.lines) == 2
        database.execute_sql("PRAGMA query_only = OFF")


def test_a_full_disk_is_said_as_such(tmp_path):
    """SQLite's "database or disk is full", as a file at its size limit raises it."""
    import sqlite3

    import peewee as pw

    from tui_pos.db.connection import unreachable

    store = pw.SqliteDatabase(str(tmp_path / "tiny.db"))
    store.execute_sql("CREATE TABLE t (b BLOB)")
    (pages,) = store.execute_sql("PRAGMA page_count").fetchone()
    store.execute_sql(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(pw.OperationalError) as failed:
        store.execute_sql("INSERT INTO t VALUES (zeroblob(100000))")
    assert isinstance(failed.value.__context__, sqlite3.OperationalError)
    assert unreachable(failed.value) == "the disk is full"
    with pytest.raises(pw.OperationalError) as mistake:
        store.execute_sql("SELECT nothing FROM t")
    assert unreachable(mistake.value) is None  # a mistake in a query is not the disk
    store.close()
