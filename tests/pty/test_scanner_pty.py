"""A barcode scanner through a real terminal: the installed program in a pty at
80×24, ten ``SKU⏎`` written to it in ONE write, the sale read back from the
database after the program has quit.

Pilot can only imitate a burst; here the bytes go through the terminal driver,
Textual's input thread and parser exactly as a scanner's do over SSH.
"""

from __future__ import annotations

import os
import sqlite3
import sys

import pytest

pexpect = pytest.importorskip("pexpect")

from tui_pos.db.connection import close_database, open_database  # noqa: E402
from tui_pos.services import catalog  # noqa: E402
from tui_pos.services.catalog import ItemInput  # noqa: E402
from tests.actors import OWNER  # noqa: E402
from tests.registers import open_registers  # noqa: E402

TIMEOUT = 60  # a safety net only: every step waits for text on the screen
SKUS = [f"SCAN-{n:02d}" for n in range(1, 11)]
CTRL_Y = "\x19"  # pay (F12's alias, for terminals without F-keys)
F2 = "\x1bOQ"


@pytest.fixture
def shop_file(tmp_path):
    """A fresh store with ten items, made by the services before the program starts."""
    path = str(tmp_path / "shop.db")
    open_database(path)
    try:
        open_registers()  # a sale needs an open register on its terminal (this machine's)
        add_cashier()
        vat = catalog.save_vat_class(OWNER, "Hoog", "21")
        for n, sku in enumerate(SKUS, start=1):
            catalog.save_item(OWNER, ItemInput(sku=sku, barcode=f"87100000000{n:02d}",
                                        name=f"Scanned thing {n}", price=f"{n}.25",
                                        vat_class_id=vat.id))
    finally:
        close_database()
    return path


CASHIER_PIN = "9753"


def add_cashier() -> None:
    """The store's one cashier: the sign-in screen chooses her, her PIN signs in."""
    from tui_pos.services import staff
    from tui_pos.services.actors import cli_actor

    staff.save_staff(cli_actor("test"), "Cas", "cashier", CASHIER_PIN)


def start(path: str):
    env = dict(os.environ, TERM="xterm-256color", TUI_POS_DATABASE=path)
    env.pop("NO_COLOR", None)
    child = pexpect.spawn(sys.executable, ["-m", "tui_pos", "--db", path], env=env,
                          dimensions=(24, 80), encoding="utf-8", timeout=TIMEOUT)
    child.expect("Who are you")  # the sign-in screen, the only cashier chosen
    child.send(CASHIER_PIN + "\r")
    child.expect("Sales Bill")  # the main menu
    return child


def scans(codes: list[str]) -> str:
    return "".join(f"{code}\r" for code in codes)


def expect_lines(child, count: int) -> None:
    """Wait for the bill to show ``count`` lines; a merged scan fails at once."""
    shown = child.expect([f"Lines {count}", "No item with", "Find customer"])
    assert shown == 0, f"the burst did not land: {child.after!r}"


def pay_exact(child, number: int) -> None:
    child.send(CTRL_Y)
    child.expect("Total to pay")
    child.send("\r")  # empty cash = the exact amount
    child.expect(f"Sale {number} completed")
    child.send("\r")  # the next sale
    child.expect("Lines 0")


def sold(path: str) -> dict[int, list[tuple[str, int]]]:
    """Each sale's lines as (SKU, quantity in thousandths), in their order."""
    with sqlite3.connect(path) as con:
        rows = con.execute(
            "SELECT s.number, l.sku, l.quantity FROM sale_line l JOIN sale s ON s.id = l.sale_id"
            " ORDER BY s.number, l.position").fetchall()
    sales: dict[int, list[tuple[str, int]]] = {}
    for number, sku, quantity in rows:
        sales.setdefault(number, []).append((sku, quantity))
    return sales


def test_ten_scans_in_one_write_each_add_their_item(shop_file):
    first = [f"{n}*{sku}" if n % 3 == 0 else sku for n, sku in enumerate(SKUS, start=1)]
    second = [f"87100000000{n:02d}" for n in range(10, 0, -1)]  # by barcode, backwards
    child = start(shop_file)
    try:
        child.send(F2)
        child.expect("Walk-in customer")
        # A new bill: the focus is in the customer field. One write, ten scans.
        os.write(child.child_fd, scans(first).encode())
        expect_lines(child, 10)
        pay_exact(child, 1)

        # Once more with the item field focused (Enter on an empty customer field).
        child.send("\r")
        child.send("SCAN-01\r")
        expect_lines(child, 1)
        os.write(child.child_fd, scans(second).encode())
        expect_lines(child, 10)
        pay_exact(child, 2)

        child.send("\x18")  # Ctrl+X: quit (the bill is empty, so no question)
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, child.before

    sales = sold(shop_file)
    assert sales[1] == [(sku, (n if n % 3 == 0 else 1) * 1000)
                        for n, sku in enumerate(SKUS, start=1)]
    assert sales[2] == [("SCAN-01", 2000)] + [(SKUS[n - 1], 1000) for n in range(10, 1, -1)]
