"""Cashiers over SSH: the store-server recipe of docs/ssh.md, for real.

A real OpenSSH server on 127.0.0.1 (installed by ``.ci/run`` from Debian's
packages; skipped with the reason when it is missing) with one key per lane,
each key forced into tui-pos on one shared database. Two cashiers log in at
the same time through ``ssh -tt`` in a pty at 80×24, sign in with their PINs
and each complete a sale; the database then holds both sales, each with its
own cashier and lane.
"""

from __future__ import annotations

import sqlite3
import sys

import pytest

pexpect = pytest.importorskip("pexpect")

from tests.actors import OWNER  # noqa: E402
from tests.pty import sshd  # noqa: E402
from tui_pos.db.connection import close_database, open_database  # noqa: E402
from tui_pos.services import catalog, staff  # noqa: E402
from tui_pos.services.catalog import ItemInput  # noqa: E402

TIMEOUT = 60  # a safety net only: every step waits for text on the screen
CASHIERS = {"lane1": ("Cas", "9753"), "lane2": ("Chris", "8642")}
F2, CTRL_Y, CTRL_X = "\x1bOQ", "\x19", "\x18"

reason = sshd.why_not()
pytestmark = pytest.mark.skipif(reason is not None, reason=reason or "")


@pytest.fixture
def shop(tmp_path):
    path = str(tmp_path / "shop.db")
    open_database(path)
    try:
        for name, pin in CASHIERS.values():
            staff.save_staff(OWNER, name, "cashier", pin)
        vat = catalog.save_vat_class(OWNER, "Hoog", "21")
        catalog.save_item(OWNER, ItemInput(sku="MUG-01", name="Stoneware mug",
                                           price="12.10", vat_class_id=vat.id))
        catalog.save_item(OWNER, ItemInput(sku="COF-250", name="Coffee beans",
                                           price="6.95", vat_class_id=vat.id))
    finally:
        close_database()
    return path


@pytest.fixture
def server(tmp_path, shop):
    lanes = {lane: sshd.tui_pos_command(sys.executable, shop, lane) for lane in CASHIERS}
    running = sshd.start_sshd(tmp_path / "ssh", lanes)
    yield running
    running.stop()


def log_in(server, lane: str):
    child = pexpect.spawn("ssh", server.ssh_args(lane), env={"TERM": "xterm-256color",
                                                             "PATH": "/usr/bin:/bin"},
                          dimensions=(24, 80), encoding="utf-8", timeout=TIMEOUT)
    name, pin = CASHIERS[lane]
    child.expect("Who are you")
    child.send(name.lower() + pin + "\r")  # type-to-find the name, then the PIN
    child.expect(f"{name} · {lane}")  # signed in: the header names cashier and lane
    return child


def sell(child, sku: str, number_pattern: str = r"Sale \d+ completed") -> None:
    child.send(F2)
    child.expect("Walk-in customer")
    child.send("\r" + sku + "\r")
    child.expect("Lines 1")
    child.send(CTRL_Y)
    child.expect("Total to pay")
    child.send("\r")  # empty cash: the exact amount
    child.expect(number_pattern)
    child.send("\r")
    child.expect("Lines 0")


def test_two_cashiers_sell_at_once_over_ssh_each_sale_with_its_cashier_and_lane(server, shop):
    first, second = log_in(server, "lane1"), log_in(server, "lane2")  # both signed in at once
    try:
        sell(first, "MUG-01")
        sell(second, "COF-250")
        for child in (first, second):
            child.send("\x1b")  # back to the menu, then quit: the session ends with it
            child.expect("Main Menu")
            child.send(CTRL_X)
            child.expect(pexpect.EOF)
    finally:
        for child in (first, second):
            child.close(force=True)
    with sqlite3.connect(shop) as con:
        sales = con.execute(
            "SELECT s.cashier, s.terminal, st.name, l.sku FROM sale s"
            " JOIN staff st ON st.id = s.staff_id JOIN sale_line l ON l.sale_id = s.id"
            " ORDER BY s.number").fetchall()
    assert sorted(sales) == [("Cas", "lane1", "Cas", "MUG-01"),
                             ("Chris", "lane2", "Chris", "COF-250")]
