"""``tui-pos serve`` in a real browser: headless Chromium (Debian's, installed by
``.ci/run``; skipped with the reason when absent) opens the served page, a
cashier signs in with the keyboard and finds the main menu, then sells a mug;
the sale is in the database under the browser's terminal name.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.actors import OWNER
from tests.web import cdp
from tests.registers import open_registers
from tui_pos.db.connection import close_database, open_database
from tui_pos.services import catalog, staff
from tui_pos.services.catalog import ItemInput

pytest.importorskip("textual_serve")
pytestmark = pytest.mark.skipif(cdp.CHROMIUM is None,
                                reason="Chromium is not installed (.ci/run installs it)")


@pytest.fixture
def shop(tmp_path):
    path = str(tmp_path / "shop.db")
    open_database(path)
    try:
        open_registers(["tablet"])  # a sale needs an open register on its terminal
        staff.save_staff(OWNER, "Cas", "cashier", "9753")
        vat = catalog.save_vat_class(OWNER, "Hoog", "21")
        catalog.save_item(OWNER, ItemInput(sku="MUG-01", name="Stoneware mug",
                                           price="12.10", vat_class_id=vat.id))
    finally:
        close_database()
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(shop):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "tui_pos", "--db", shop, "--terminal", "tablet", "serve",
         "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env=dict(os.environ, COLUMNS="200"))
    for line in server.stdout:  # textual-serve says so as it starts listening
        if "Ctrl+C to quit" in line:
            break
    else:
        pytest.fail(f"tui-pos serve stopped: {server.wait()}")
    deadline = time.monotonic() + 30
    while True:  # the listening socket follows the start-up message at once
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
    yield f"http://127.0.0.1:{port}/"
    server.terminate()
    server.wait(timeout=20)


def test_a_cashier_signs_in_finds_the_menu_and_sells_in_the_browser(served, shop):
    async def walk() -> None:
        async with cdp.Browser() as page:
            await page.open(served)
            await page.wait_for("Who are you")
            await page.focus_terminal()
            await page.type("cas9753")
            await page.press("enter")
            await page.wait_for("Main Menu")
            await page.wait_for("Cas · tablet")
            await page.press("f2")
            await page.wait_for("Walk-in customer")
            await page.press("enter")
            await page.type("MUG-01")
            await page.press("enter")
            await page.wait_for("Lines 1")
            await page.press("ctrl+y")
            await page.wait_for("Total to pay")
            await page.press("enter")
            await page.wait_for("Sale 1 completed")

    asyncio.run(walk())
    with sqlite3.connect(shop) as con:
        sold = con.execute("SELECT s.cashier, s.terminal, l.sku FROM sale s"
                           " JOIN sale_line l ON l.sale_id = s.id").fetchall()
    assert sold == [("Cas", "tablet", "MUG-01")]
