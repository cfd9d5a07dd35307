"""F1..F10 as real terminals send them: the installed program in a pty, a whole
sale rung up with nothing but F-keys (and the text a cashier types), once per
terminal's escape sequences, the sale read back from the database.

Textual parses all four families below. Not parsed (checked against
``textual._ansi_sequences`` 8.2): PuTTY's "VT100+" mode F5-F10 (ESC O T .. ESC O Y)
and SCO mode (ESC [ M ..): there the Ctrl aliases the Footer shows (F4/^Y …) work.
F3, F8 and F10 have no binding on the bill: this terminal's keymap file
(TUI_POS_KEYMAP) puts Items on F3, Line on F8 and Pay on F10, so the run also
proves a keymap file in the real program.
"""

from __future__ import annotations

import io
import os
import sqlite3
import sys

import pytest

pexpect = pytest.importorskip("pexpect")

from tests.pty.test_scanner_pty import CASHIER_PIN, TIMEOUT, shop_file  # noqa: E402,F401
from tui_pos.ui.glyphs import KEPT  # noqa: E402

XTERM = ["\x1bOP", "\x1bOQ", "\x1bOR", "\x1bOS", "\x1b[15~",
         "\x1b[17~", "\x1b[18~", "\x1b[19~", "\x1b[20~", "\x1b[21~"]
LINUX_CONSOLE = ["\x1b[[A", "\x1b[[B", "\x1b[[C", "\x1b[[D", "\x1b[[E", *XTERM[5:]]
PUTTY = ["\x1b[11~", "\x1b[12~", "\x1b[13~", "\x1b[14~", *XTERM[4:]]  # its default ESC[n~
TERMINALS = {  # name: (TERM, F1..F10)
    "xterm": ("xterm-256color", XTERM),
    "linux-console": ("linux", LINUX_CONSOLE),
    "putty": ("xterm", PUTTY),
    "tmux": ("tmux-256color", XTERM),  # tmux hands the keys on in xterm's form
}
KEYMAP = ('[keys]\n"bill.items" = "f3,f6,ctrl+o"\n"bill.line" = "f7,f8,ctrl+l"\n'
          '"bill.pay" = "f10,f4,ctrl+y"\n')


def start(path: str, term: str, keymap: str):
    env = dict(os.environ, TERM=term, TUI_POS_DATABASE=path, TUI_POS_KEYMAP=keymap)
    env.pop("NO_COLOR", None)
    env.pop("TUI_POS_GLYPHS", None)
    child = pexpect.spawn(sys.executable, ["-m", "tui_pos", "--db", path], env=env,
                          dimensions=(24, 80), encoding="utf-8", timeout=TIMEOUT)
    child.expect("Who are you")
    child.send(CASHIER_PIN + "\r")
    child.expect("Sales Bill")  # the main menu
    return child


@pytest.mark.parametrize("terminal", sorted(TERMINALS))
def test_a_sale_with_only_f_keys_as_each_terminal_sends_them(shop_file, tmp_path, terminal):
    term, f = TERMINALS[terminal]
    f = dict(enumerate(f, start=1))
    keymap = tmp_path / "lane.toml"
    keymap.write_text(KEYMAP)
    child = start(shop_file, term, str(keymap))
    written = child.logfile_read = io.StringIO()  # everything the program draws
    try:
        child.send(f[2])  # menu: F2 the Sales Bill
        child.expect("Walk-in customer")
        child.send(f[1])
        child.expect("Help . Sales Bill")  # "—" is "-" on the Linux console
        child.send(f[1])  # F1 closes help too
        child.send(f[5])
        child.expect("New customer for this sale")
        child.send("Zoe\tJansen")
        child.send(f[4])  # save and assign
        child.expect("Jansen #")
        child.send("SCAN-01\r")
        child.expect("Lines 1")
        child.send(f[3])  # Items (this terminal's keymap)
        child.expect("Items . type a name")
        child.send("SCAN-02\r")
        child.expect("Lines 2")
        child.send(f[8])  # the line (keymap)
        child.expect(r"Line \d: Scanned thing \d")
        child.send("\t3" + f[4])  # a discount of 3 %, applied with F4
        child.expect("3% O")
        child.send(f[7])
        child.expect(r"Line \d: Scanned thing \d")
        child.send(f[4])
        child.send(f[9])
        child.expect("Whole bill")
        child.send(f[4])
        child.send(f[6])
        child.expect("Items . type a name")
        child.send("SCAN-03\r")
        child.expect("Lines 3")
        child.send(f[10])  # Pay (keymap)
        child.expect("Total to pay")
        child.send("\r")  # the exact amount
        child.expect("Sale 1 completed")
        child.send("\r")
        child.expect("Lines 0")
        child.send("\x18")  # Ctrl+X: quit
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    with sqlite3.connect(shop_file) as con:
        lines = con.execute("SELECT l.sku FROM sale_line l JOIN sale s ON s.id = l.sale_id "
                            "ORDER BY l.position").fetchall()
        customer = con.execute("SELECT c.last_name FROM sale s JOIN customer c "
                               "ON c.id = s.customer_id").fetchall()
    assert [sku for (sku,) in lines] == ["SCAN-01", "SCAN-02", "SCAN-03"]
    assert customer == [("Jansen",)]
    if term == "linux":  # the console font's glyphs only (tui_pos/ui/glyphs.py)
        lacking = {c for c in written.getvalue() if ord(c) >= 0x100 and c not in KEPT}
        assert lacking == set()
    else:
        assert "—" in written.getvalue()  # the check above could fail
