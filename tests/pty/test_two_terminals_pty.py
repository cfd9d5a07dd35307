"""Two people at once: the installed program started twice on one SQLite store, in two
ptys at 80×24 with two ``--terminal`` names, each signed in as a different cashier and
ringing up a sale while the other is signed in. The sales in the database carry their
own cashier, staff member and terminal."""

from __future__ import annotations

import os
import sqlite3
import sys

import pytest

pexpect = pytest.importorskip("pexpect")

from tests.actors import PINS, staff_team  # noqa: E402
from tests.registers import open_registers  # noqa: E402
from tui_pos.db.connection import close_database, open_database  # noqa: E402
from tui_pos.services import catalog  # noqa: E402
from tui_pos.services.catalog import ItemInput  # noqa: E402
from tui_pos.services.actors import cli_actor  # noqa: E402

TIMEOUT = 60  # a safety net only: every step waits for text on the screen
F2 = "\x1bOQ"
CTRL_Y = "\x19"  # pay


@pytest.fixture
def shop_file(tmp_path):
    """Two items and the staff team (Cas and Chris are cashiers), made by the services."""
    path = str(tmp_path / "shop.db")
    open_database(path)
    try:
        open_registers(["till-1", "till-2"])  # a sale needs an open register on its terminal
        system = cli_actor("test")
        vat = catalog.save_vat_class(system, "Hoog", "21")
        for sku, price in (("MUG-01", "12.10"), ("TEA-01", "4.50")):
            catalog.save_item(system, ItemInput(sku=sku, name=f"Thing {sku}", price=price,
                                                vat_class_id=vat.id))
        team = staff_team()
    finally:
        close_database()
    return path, {name: actor.staff_id for name, actor in team.items()}


def start(path: str, terminal: str):
    env = dict(os.environ, TERM="xterm-256color")
    env.pop("NO_COLOR", None)
    env.pop("TUI_POS_TERMINAL", None)
    child = pexpect.spawn(sys.executable, ["-m", "tui_pos", "--terminal", terminal, "--db", path],
                          env=env, dimensions=(24, 80), encoding="utf-8", timeout=TIMEOUT)
    child.expect("Who are you")
    return child


def sign_in(child, letters: str, pin: str, name: str, terminal: str) -> None:
    child.send(letters)  # type-to-find in the list of staff
    child.send(pin)  # digits go to the PIN field
    child.send("\r")
    child.expect(f"{name} · {terminal}")  # the header of the main menu


def ring_up(child, sku: str) -> None:
    child.send(F2)
    child.expect("Walk-in customer")
    child.send("\r")  # no customer: on to the item field
    child.send(f"{sku}\r")
    child.expect("Lines 1")


def pay(child) -> None:
    child.send(CTRL_Y)
    child.expect("Total to pay")
    child.send("\r")  # empty cash = the exact amount
    child.expect(r"Sale \d+ completed")


def sales(path: str) -> set[tuple]:
    with sqlite3.connect(path) as con:
        return set(con.execute("SELECT cashier, staff_id, terminal FROM sale").fetchall())


def test_two_cashiers_on_two_terminals_each_sale_has_its_own(shop_file):
    path, ids = shop_file
    first = start(path, "till-1")
    second = start(path, "till-2")
    try:
        sign_in(first, "cas", PINS["Cas"], "Cas", "till-1")
        sign_in(second, "chr", PINS["Chris"], "Chris", "till-2")
        ring_up(first, "MUG-01")
        ring_up(second, "TEA-01")  # both bills open at once
        pay(second)
        pay(first)
        assert sales(path) == {("Cas", ids["Cas"], "till-1"),
                               ("Chris", ids["Chris"], "till-2")}
    finally:
        first.close(force=True)
        second.close(force=True)
    with sqlite3.connect(path) as con:
        signed = con.execute("SELECT actor, terminal FROM audit_entry WHERE kind = 'sign-in'"
                             " ORDER BY id").fetchall()
    assert signed == [("Cas", "till-1"), ("Chris", "till-2")]
