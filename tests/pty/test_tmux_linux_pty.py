"""The installed program inside a real tmux with TERM=linux (a cashier on the
Linux console, a multiplexer between): keys sent by tmux itself (send-keys:
F2, F4, Ctrl+X), the pane read back with capture-pane, the sale from the database.
Skipped with its reason when tmux is not installed."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import time
import uuid

import pytest

from tests.pty.test_scanner_pty import CASHIER_PIN, TIMEOUT, shop_file  # noqa: F401
from tui_pos.ui.glyphs import KEPT

TMUX = shutil.which("tmux")
pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")


class Pane:
    """One tmux server of its own (-L), one 80×24 pane running tui-pos."""

    def __init__(self, path: str) -> None:
        self.socket = f"tui-pos-test-{uuid.uuid4().hex[:8]}"
        command = f"TERM=linux TUI_POS_DATABASE={path} {sys.executable} -m tui_pos --db {path}"
        self.tmux("new-session", "-d", "-s", "pos", "-x", "80", "-y", "24", command)
        self.tmux("set-option", "-t", "pos", "remain-on-exit", "on")

    def tmux(self, *args: str) -> str:
        return subprocess.run([TMUX, "-L", self.socket, "-f", "/dev/null", *args],
                              capture_output=True, text=True, check=True, timeout=10).stdout

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "pos", *keys)

    def text(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "pos")

    def wait_for(self, wanted: str) -> str:
        """Poll the pane until ``wanted`` is on it (the app's own pace)."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            shown = self.text()
            if wanted in shown:
                return shown
            time.sleep(0.05)
        raise AssertionError(f"{wanted!r} never shown; the pane:\n{self.text()}")

    def dead(self) -> bool:
        return self.tmux("display-message", "-p", "-t", "pos", "#{pane_dead}").strip() == "1"

    def close(self) -> None:
        subprocess.run([TMUX, "-L", self.socket, "kill-server"], capture_output=True,
                       timeout=10)


def test_a_sale_in_tmux_on_the_linux_console(shop_file):
    pane = Pane(shop_file)
    try:
        pane.wait_for("Who are you")
        pane.keys(CASHIER_PIN, "Enter")
        menu = pane.wait_for("Tools > Configuration")  # › in ASCII: TERM=linux
        pane.keys("F2")
        pane.wait_for("Walk-in customer")
        pane.keys("Tab", "SCAN-01", "Enter")
        pane.wait_for("Lines 1")
        bill = pane.wait_for("F4/^Y Pay")  # the Footer shows the alias
        pane.keys("F4")
        pane.wait_for("Total to pay")
        pane.keys("Enter")
        pane.wait_for("Sale 1 completed")
        pane.keys("Enter")
        pane.wait_for("Lines 0")
        pane.keys("C-x")  # quit
        deadline = time.monotonic() + TIMEOUT
        while not pane.dead() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert pane.dead()
    finally:
        pane.close()
    for shown in (menu, bill):
        assert {c for c in shown if ord(c) >= 0x100 and c not in KEPT} == set()
    with sqlite3.connect(shop_file) as con:
        assert con.execute("SELECT sku FROM sale_line").fetchall() == [("SCAN-01",)]
