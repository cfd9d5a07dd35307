"""Typing ahead through a real terminal: a new customer's fields written in ONE
write to the installed program in a pty (``Zoë⇥Jansen⇥De Hoek`` then F4), as a
fast typist's keys reach it over a slow SSH link; the customer read back from
the database after the program has quit.
"""

from __future__ import annotations

import os
import sqlite3

import pytest

pexpect = pytest.importorskip("pexpect")

from tests.pty.test_scanner_pty import add_cashier, start  # noqa: E402
from tests.registers import open_registers  # noqa: E402
from tui_pos.db.connection import close_database, open_database  # noqa: E402

F2 = "\x1bOQ"
F4 = "\x1bOS"


@pytest.fixture
def empty_shop(tmp_path):
    path = str(tmp_path / "shop.db")
    open_database(path)
    open_registers()  # a sale needs an open register on its terminal (this machine's)
    add_cashier()
    close_database()
    return path


def test_a_form_typed_ahead_in_one_write_fills_each_field(empty_shop):
    child = start(empty_shop)
    try:
        child.send("\x10")  # Ctrl+P: the command palette
        child.expect("Search for commands")
        child.send("Customers")
        child.expect("Master › Customer: find")
        child.send("\r")
        child.expect("F8")  # the Customers screen
        child.send(F2)
        child.expect("New customer")
        os.write(child.child_fd, ("Zoë\tJansen\tDe Hoek" + F4).encode())
        child.expect("1001")  # saved: the customer's page shows the number
        child.send("\x18")  # Ctrl+X: quit
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    with sqlite3.connect(empty_shop) as con:
        rows = con.execute("SELECT first_name, last_name, company FROM customer").fetchall()
    assert rows == [("Zoë", "Jansen", "De Hoek")]
