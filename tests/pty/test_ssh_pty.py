"""Cashiers over SSH: the store-server recipe of docs/ssh.md, for real.

A real OpenSSH server on 127.0.0.1 (installed by ``.ci/run`` from Debian's
packages; skipped with the reason when it is missing) with one key per lane,
each key forced into tui-pos on one shared database. Two cashiers log in at
the same time through ``ssh -tt`` in a pty at 80×24, sign in with their PINs
and each complete a sale — lane 2 as a thin terminal with no colours and no
F-keys (NO_COLOR, Ctrl keys only); the database then holds both sales, each
with its own cashier and lane.
"""

from __future__ import annotations

import io
import re
import sqlite3
import sys

import pytest

pexpect = pytest.importorskip("pexpect")

from tests.actors import OWNER  # noqa: E402
from tests.pty import sshd  # noqa: E402
from tests.registers import open_registers  # noqa: E402
from tui_pos.db.connection import close_database, open_database  # noqa: E402
from tui_pos.services import catalog, staff  # noqa: E402
from tui_pos.services.catalog import ItemInput  # noqa: E402

TIMEOUT = 60  # a safety net only: every step waits for text on the screen
CASHIERS = {"lane1": ("Cas", "9753"), "lane2": ("Chris", "8642")}
F2, CTRL_G, CTRL_Y, CTRL_X = "\x1bOQ", "\x07", "\x19", "\x18"

reason = sshd.why_not()
pytestmark = pytest.mark.skipif(reason is not None, reason=reason or "")


@pytest.fixture
def shop(tmp_path):
    path = str(tmp_path / "shop.db")
    open_database(path)
    try:
        open_registers(list(CASHIERS))  # a sale needs an open register on each lane
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
    lanes = {lane: sshd.tui_pos_command(sys.executable, shop, lane, no_color=lane == "lane2")
             for lane in CASHIERS}
    running = sshd.start_sshd(tmp_path / "ssh", lanes)
    yield running
    running.stop()


GREYS = {0, 7, 8, 15, 16, 231, *range(232, 256)}


def hues(output: str) -> set[str]:
    """The colours in the SGR codes a terminal received that are not a grey."""
    found = set()
    for params in re.findall(r"\x1b\[([0-9;]*)m", output):
        p = [int(x) for x in params.split(";") if x]
        i = 0
        while i < len(p):
            if p[i] in (38, 48) and i + 2 < len(p) and p[i + 1] == 5:
                if p[i + 2] not in GREYS:
                    found.add(f"{p[i]};5;{p[i + 2]}")
                i += 3
            elif p[i] in (38, 48) and i + 4 < len(p) and p[i + 1] == 2:
                if len(set(p[i + 2:i + 5])) > 1:
                    found.add(f"{p[i]};2;{p[i + 2]};{p[i + 3]};{p[i + 4]}")
                i += 5
            else:
                if p[i] in range(31, 37) or p[i] in range(41, 47) or p[i] in range(91, 97):
                    found.add(str(p[i]))
                i += 1
    return found


def log_in(server, lane: str):
    child = pexpect.spawn("ssh", server.ssh_args(lane), env={"TERM": "xterm-256color",
                                                             "PATH": "/usr/bin:/bin"},
                          dimensions=(24, 80), encoding="utf-8", timeout=TIMEOUT)
    child.logfile_read = io.StringIO()  # everything the lane's terminal received
    name, pin = CASHIERS[lane]
    child.expect("Who are you")
    child.send(name.lower() + pin + "\r")  # type-to-find the name, then the PIN
    child.expect(f"{name} · {lane}")  # signed in: the header names cashier and lane
    return child


def sell(child, sku: str, open_bill: str = F2) -> None:
    child.send(open_bill)
    child.expect("Walk-in customer")
    child.send("\r" + sku + "\r")
    child.expect("Lines 1")
    child.send(CTRL_Y)
    child.expect("Total to pay")
    child.send("\r")  # empty cash: the exact amount
    child.expect(r"Sale \d+ completed")
    child.send("\r")
    child.expect("Lines 0")


def test_two_cashiers_sell_at_once_over_ssh_each_sale_with_its_cashier_and_lane(server, shop):
    first, second = log_in(server, "lane1"), log_in(server, "lane2")  # both signed in at once
    try:
        sell(first, "MUG-01")
        sell(second, "COF-250", open_bill=CTRL_G)  # no F-keys on this one
        for child in (first, second):
            child.send("\x1b")  # back to the menu, then quit: the session ends with it
            child.expect("Main Menu")
            child.send(CTRL_X)
            child.expect(pexpect.EOF)
    finally:
        for child in (first, second):
            child.close(force=True)
    assert hues(first.logfile_read.getvalue())  # lane 1 is in colour…
    assert not hues(second.logfile_read.getvalue())  # …lane 2 (NO_COLOR) in greys only
    with sqlite3.connect(shop) as con:
        sales = con.execute(
            "SELECT s.cashier, s.terminal, st.name, l.sku FROM sale s"
            " JOIN staff st ON st.id = s.staff_id JOIN sale_line l ON l.sale_id = s.id"
            " ORDER BY s.number").fetchall()
    assert sorted(sales) == [("Cas", "lane1", "Cas", "MUG-01"),
                             ("Chris", "lane2", "Chris", "COF-250")]
