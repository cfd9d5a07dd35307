"""Key to rows on screen: the customer search pop-up on the 1M-customer database.

Runs the real app headless at 80×24 (``App.run_test``), opens the Sales Bill's
customer pop-up and types queries one key at a time. For each key it measures
from the key press until the pop-up's table shows the new hits and the screen
has been refreshed. The bare tool, measured in the same run: a minimal Textual
app with one Input and one DataTable that runs the same indexed prefix query
with raw ``sqlite3`` on every keystroke — what any Textual search box costs.

    python benchmarks/bench_search_ui.py [--db benchmarks/data/bench.db]
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import time

from _common import DEFAULT_DB, check_db, fmt, ratio, save_result, summary
from textual import events
from textual.app import App, ComposeResult
from textual.widgets import DataTable, Input

QUERIES = ["jan", "de v", "0612", "m-12", "koffie", "sophie@", "bakker"]
TOP = "\U0010ffff"


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()


async def key_to_frame(app, key: str, char: str, searched: list[str], expected: str) -> int:
    """Nanoseconds from a key event reaching the app to the first frame the
    compositor produced after the search for ``expected`` filled the table."""
    driver = app._driver
    frames: list[int] = []
    original = app._display

    def display(screen, renderable) -> None:  # the compositor's frame, headless or not
        original(screen, renderable)
        if renderable is not None:
            frames.append(time.perf_counter_ns())

    app._display = display
    try:
        start = time.perf_counter_ns()
        event = events.Key(key, char)
        event.set_sender(app)
        driver.send_message(event)
        deadline = start + 5_000_000_000
        while not (searched and searched[-1] == expected):
            await asyncio.sleep(0)
            if time.perf_counter_ns() > deadline:
                raise RuntimeError(f"no search for {expected!r}")
        filled = time.perf_counter_ns()
        while not any(t >= filled for t in frames):
            await asyncio.sleep(0.0002)
            if time.perf_counter_ns() > deadline:
                raise RuntimeError("no frame composed")
        return min(t for t in frames if t >= filled) - start
    finally:
        app._display = original


async def type_query(pilot, text: str, samples: list[int], searched: list[str]) -> None:
    for i, char in enumerate(text):
        key = {" ": "space", "@": "at", "-": "minus", ".": "full_stop"}.get(char, char)
        samples.append(await key_to_frame(pilot.app, key, char, searched, text[: i + 1]))
        await settle(pilot)
    for _ in text:
        await pilot.press("backspace")
    await settle(pilot)


async def measure_app(db: str) -> list[int]:
    from tui_pos.services.actors import cli_actor
    from tui_pos.ui.app import PosApp
    from tui_pos.ui.screens.customer_form import CustomerSearchPopup
    from tui_pos.ui.widgets import customer_search

    searched: list[str] = []
    real_search = customer_search.CustomerSearch.search

    def search(self, query, keep=None):
        real_search(self, query, keep)
        searched.append(query)

    customer_search.CustomerSearch.search = search
    app = PosApp(database=db, actor=cli_actor())  # signed in: no sign-in screen
    samples: list[int] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(CustomerSearchPopup(""))
        await settle(pilot)
        for query in QUERIES:
            await type_query(pilot, query, samples, searched)
    return samples


class BareSearch(App):
    """The bare tool: Input + DataTable + raw sqlite3 prefix query per key."""

    def __init__(self, db: str) -> None:
        super().__init__()
        self.connection = sqlite3.connect(db)
        self.searched: list[str] = []

    def compose(self) -> ComposeResult:
        yield Input(id="q")
        yield DataTable(id="t")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for name in ("Number", "Name", "Phone", "E-mail", "City"):
            table.add_column(name)
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        prefix = event.value.casefold()
        table = self.query_one(DataTable)
        table.clear()
        if not prefix:
            self.searched.append("")
            return
        rows = self.connection.execute(
            "SELECT c.number, c.first_name || ' ' || c.last_name, c.phone, c.email, c.city "
            "FROM customer_search_term t JOIN customer c ON c.id = t.customer_id "
            "WHERE t.term >= ? AND t.term < ? AND c.active ORDER BY t.term, t.customer_id "
            "LIMIT 30", (prefix, prefix + TOP)).fetchall()
        for row in rows:
            table.add_row(*row)
        self.searched.append(event.value)


async def measure_bare(db: str) -> list[int]:
    app = BareSearch(db)
    samples: list[int] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for query in QUERIES:
            await type_query(pilot, query, samples, app.searched)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(DEFAULT_DB))
    args = parser.parse_args()
    check_db(__import__("pathlib").Path(args.db))
    bare = summary(asyncio.run(measure_bare(args.db)))
    app = summary(asyncio.run(measure_app(args.db)))
    print(f"bare Textual + sqlite3  {fmt(bare)}")
    print(f"tui-pos pop-up          {fmt(app)}")
    print(f"ratio (median)          {ratio(app, bare, 'median_ms'):.2f}x")
    print(f"target: <= 50 ms key to rows on screen: "
          f"{'met' if app['p95_ms'] <= 50 else 'NOT met'} (p95 {app['p95_ms']:.1f} ms)")
    save_result("search_ui", {"bare": bare, "app": app})


if __name__ == "__main__":
    main()
