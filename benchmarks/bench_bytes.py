"""Bytes on the wire per key: what a cashier's key costs over a slow SSH link.

Runs the real program in a pty at 80×24 (``python -m tui_pos``), rings up a
bill of ten lines, puts the focus on the bill's table and presses Down / Up
one key at a time, then types into the item field one letter at a time;
then opens Customers on a store of 2,000 customers and pages through the
list with PageDown (its rows are fetched 30 at a time as the cursor reaches
the end, as a cashier's would be). After each key it reads everything the
program writes until the terminal has been quiet for a moment, and counts
the bytes.

The bare tool, in the same run: a Textual app with a Header, an Input, a
DataTable of the same ten rows and seven columns and a Footer, the same keys;
for PageDown, the same app with 2,000 rows of six columns, all loaded.
The ratio is tui-pos's bytes per key over the bare app's (issue 10's target: ≤ 2×).

    python benchmarks/bench_bytes.py [--keys N] [--quiet-ms MS]
"""

from __future__ import annotations

import argparse
import os
import select
import statistics
import sys
import tempfile
import time

import pexpect
from _common import ROOT, save_result

DOWN, UP, TAB, BACK_TAB = "\x1b[B", "\x1b[A", "\t", "\x1b[Z"
PAGE_DOWN, CTRL_P = "\x1b[6~", "\x10"
CUSTOMERS = 2000
TYPED = "MUGSCOFFEEBEANSTEAPOTCUPSGIFTCARDSPOONSLIDS"
F2 = "\x1bOQ"
LINES = 10

BARE_APP = r"""
from textual.app import App
from textual.widgets import DataTable, Footer, Header, Input


class Bare(App):
    BINDINGS = [("f4", "bell", "Pay"), ("f2", "bell", "Cust.")]

    def compose(self):
        yield Header()
        yield Input(placeholder="SKU or barcode", compact=True)  # one row, as tui-pos's fields
        yield DataTable(cursor_type="row")
        yield Footer()

    def on_mount(self):
        table = self.query_one(DataTable)
        for label, width in (("#", 2), ("Item", 24), ("Qty", 6), ("Price", 8),
                             ("Disc", 9), ("VAT", 6), ("Total", 10)):
            table.add_column(label, width=width)
        for n in range(1, 11):
            table.add_row(str(n), f"Bench item {n}", "1", f"{n}.25", "", "21%", f"{n}.25")
        table.focus()
        self.notify("bare ready", timeout=1)


Bare().run()
"""

BARE_LIST = r"""
from textual.app import App
from textual.widgets import DataTable, Footer, Header, Input


class BareList(App):
    BINDINGS = [("f2", "bell", "+ New"), ("f8", "bell", "Show deactivated")]

    def compose(self):
        yield Header()
        yield Input(placeholder="name, number, phone", compact=True)
        yield DataTable(cursor_type="row")
        yield Footer()

    def on_mount(self):
        table = self.query_one(DataTable)
        for label, width in (("Number", 6), ("Name", 20), ("Phone", 12), ("E-mail", 18),
                             ("City", 8), ("Type", 6)):
            table.add_column(label, width=width)
        for n in range(%d):
            table.add_row(str(1000 + n), f"Klant {n} de Vries", f"06-{10000000 + n}",
                          f"klant{n}@example.nl", "Utrecht", "")
        table.focus()
        self.notify("bare ready", timeout=1)


BareList().run()
""" % CUSTOMERS


def drain(child, quiet: float) -> int:
    """Read what the program writes until it has been quiet for ``quiet`` s."""
    total = 0
    while True:
        ready, _, _ = select.select([child.child_fd], [], [], quiet)
        if not ready:
            return total
        try:
            total += len(os.read(child.child_fd, 65536))
        except OSError:
            return total


def per_key(child, keys: int, quiet: float, back_tabs: int) -> dict[str, list[int]]:
    """Down/Up on the focused table, then Shift+Tab back to a one-line field
    (the bill's item field) and ``keys`` letters typed into it."""
    drain(child, quiet)
    rows = []
    for n in range(keys):
        child.send(DOWN if n % 2 == 0 else UP)
        rows.append(drain(child, quiet))
    child.send(BACK_TAB * back_tabs)
    drain(child, quiet)
    typing = []
    for n in range(keys):
        child.send(TYPED[n % len(TYPED)])
        typing.append(drain(child, quiet))
    return {"row": rows, "typing": typing}


def env() -> dict:
    values = dict(os.environ, TERM="xterm-256color", COLUMNS="80", LINES="24")
    values.pop("NO_COLOR", None)
    return values


PIN = "2468"


def bench_cashier() -> None:
    """The store's one cashier: the sign-in screen chooses her, the PIN signs in."""
    from tui_pos.services import staff
    from tui_pos.services.actors import cli_actor

    staff.save_staff(cli_actor("bench"), "Bench", "cashier", PIN)


def make_shop(folder: str) -> str:
    sys.path.insert(0, str(ROOT))
    from tui_pos.db.connection import close_database, open_database
    from tui_pos.services import catalog
    from tui_pos.services.actors import cli_actor
    from tui_pos.services.catalog import ItemInput

    path = os.path.join(folder, "bytes.db")
    open_database(path)
    try:
        vat = catalog.save_vat_class(cli_actor(), "Hoog", "21")
        for n in range(1, LINES + 1):
            catalog.save_item(cli_actor(), ItemInput(sku=f"B-{n:02d}", name=f"Bench item {n}",
                                                     price=f"{n}.25", vat_class_id=vat.id))
        bench_cashier()
    finally:
        close_database()
    return path


def pages(child, keys: int, quiet: float) -> list[int]:
    drain(child, quiet)
    sizes = []
    for _ in range(keys):
        child.send(PAGE_DOWN)
        sizes.append(drain(child, quiet))
    return sizes


def add_customers(path: str) -> None:
    """``CUSTOMERS`` customers through the importer (a Shopify-layout file)."""
    from pathlib import Path

    import bench_import
    from tui_pos.db.connection import close_database, open_database
    from tui_pos.services import importer
    from tui_pos.services.actors import cli_actor

    csv_path = Path(path).with_suffix(".csv")
    bench_import.make_file(csv_path, CUSTOMERS)
    open_database(path)
    try:
        importer.import_customers(cli_actor("bench"), csv_path, create_missing=True)
    finally:
        close_database()


def tui_pos_page_bytes(keys: int, quiet: float) -> list[int]:
    with tempfile.TemporaryDirectory() as folder:
        path = make_shop(folder)
        add_customers(path)
        child = pexpect.spawn(sys.executable, ["-m", "tui_pos", "--db", path], env=env(),
                              dimensions=(24, 80), encoding="utf-8", timeout=60, cwd=ROOT)
        try:
            child.expect("Who are you")
            child.send(PIN + "\r")
            child.expect("Sales Bill")
            child.send(CTRL_P)
            child.send("Customers")
            child.expect("Customers")
            drain(child, quiet)
            child.send("\r")
            child.expect("shown")  # the list's status line: its first rows are there
            child.send(DOWN)  # from the search box into the list
            return pages(child, keys, quiet)
        finally:
            child.close(force=True)


def bare_page_bytes(keys: int, quiet: float) -> list[int]:
    child = pexpect.spawn(sys.executable, ["-c", BARE_LIST], env=env(), dimensions=(24, 80),
                          encoding="utf-8", timeout=60)
    try:
        child.expect("Klant 1 ")
        time.sleep(1.5)  # the toast goes away
        return pages(child, keys, quiet)
    finally:
        child.close(force=True)


def tui_pos_bytes(keys: int, quiet: float) -> dict[str, list[int]]:
    with tempfile.TemporaryDirectory() as folder:
        path = make_shop(folder)
        child = pexpect.spawn(sys.executable, ["-m", "tui_pos", "--db", path], env=env(),
                              dimensions=(24, 80), encoding="utf-8", timeout=60, cwd=ROOT)
        try:
            child.expect("Who are you")
            child.send(PIN + "\r")
            child.expect("Sales Bill")
            child.send(F2)
            child.expect("Walk-in")
            child.send(TAB)
            for n in range(1, LINES + 1):
                child.send(f"B-{n:02d}\r")
                child.expect(f"Lines {n}")
            child.send(TAB + TAB)  # item field → Qty → the bill's table
            time.sleep(quiet)
            return per_key(child, keys, quiet, back_tabs=2)  # table → Qty → item field
        finally:
            child.close(force=True)


def bare_bytes(keys: int, quiet: float) -> dict[str, list[int]]:
    child = pexpect.spawn(sys.executable, ["-c", BARE_APP], env=env(), dimensions=(24, 80),
                          encoding="utf-8", timeout=60)
    try:
        child.expect("Bench item 10")
        time.sleep(1.5)  # the toast goes away
        return per_key(child, keys, quiet, back_tabs=1)  # table → Input
    finally:
        child.close(force=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=40)
    parser.add_argument("--quiet-ms", type=int, default=300)
    args = parser.parse_args()
    quiet = args.quiet_ms / 1000
    ours, bare = tui_pos_bytes(args.keys, quiet), bare_bytes(args.keys, quiet)
    ours["page"] = tui_pos_page_bytes(args.keys, quiet)
    bare["page"] = bare_page_bytes(args.keys, quiet)
    result = {"keys": args.keys}
    for what, title in (("row", "row move (Down/Up) in the bill's table"),
                        ("typing", "a letter typed into a one-line field"),
                        ("page", f"PageDown in the customer list ({CUSTOMERS:,} customers)")):
        mine, theirs = ours[what], bare[what]
        result[what] = {
            "tui_pos": {"median_bytes": statistics.median(mine), "max_bytes": max(mine)},
            "bare": {"median_bytes": statistics.median(theirs), "max_bytes": max(theirs)},
            "ratio": statistics.median(mine) / statistics.median(theirs)}
        figures = result[what]
        print(f"{title} at 80x24, {args.keys} keys, bytes written per key:")
        print(f"  tui-pos    median {figures['tui_pos']['median_bytes']:7.0f} B"
              f"   max {figures['tui_pos']['max_bytes']:6d} B")
        print(f"  bare app   median {figures['bare']['median_bytes']:7.0f} B"
              f"   max {figures['bare']['max_bytes']:6d} B")
        print(f"  ratio {figures['ratio']:.2f}x  (target <= 2x)")
    print("saved", save_result("bytes", result))


if __name__ == "__main__":
    main()
