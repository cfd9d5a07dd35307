"""Receipts on paper at 80×24: a reprint from the Till menu (› E) marked as a copy
and sent to this till's printer; a failing printer said on the receipt screen while
the sale stays saved; the Terminal Settings form (a manager's) with a test print."""

from __future__ import annotations

import stat
import sys

from textual.events import Paste
from textual.widgets import Input, Label

from tests.actors import OWNER
from tests.ui.keys import SIZE, choose, open_from_menu, screen_text, tab_to, type_text
from tui_pos.db.models import AuditEntry, Sale
from tui_pos.services import printing
from tui_pos.services.sales import SaleDraft, complete_sale
from tui_pos.ui.screens.bill_dialogs import ReceiptScreen
from tui_pos.ui.screens.reprint import ReprintAsk, ReprintScreen
from tui_pos.ui.screens.sales_bill import SalesBillScreen
from tui_pos.ui.screens.terminal_settings import TerminalSettingsScreen


def script(tmp_path, name: str, body: str) -> str:
    path = tmp_path / name
    path.write_text(f"#!{sys.executable}\nimport sys\n{body}\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def fake_printer(tmp_path):
    """A real process that copies what it is sent to paper.txt (appending)."""
    paper = tmp_path / "paper.txt"
    return script(tmp_path, "lp", f"open({str(paper)!r}, 'ab').write(sys.stdin.buffer.read())"), \
        paper


def status(screen) -> str:
    return str(screen.query_one("#print-status", Label).render())


def sale(*skus: str):
    draft = SaleDraft.new()
    for sku in skus:
        draft.add_item(sku)
    return complete_sale(OWNER, draft)


async def printed(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_reprint_the_last_sale_of_this_till_marked_copy(app, store, tmp_path):
    command, paper = fake_printer(tmp_path)
    printing.save_settings(OWNER, 32, command)  # OWNER's till prints on 32 columns
    sale("MUG-01")
    last = sale("COF-250", "MUG-01")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, SalesBillScreen)
        await pilot.press("ctrl+g", "e")  # the Till menu, Reprint a receipt
        await pilot.pause()
        assert isinstance(app.screen, ReprintAsk)
        await pilot.press("enter")  # no number: this till's last sale
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReprintScreen)
        await printed(app, pilot)
        assert status(screen) == "Printed"
        text = paper.read_text(encoding="utf-8")
        rows = text.splitlines()
        assert rows[0] == rows[-1] == " " * 11 + "** COPY **"
        assert f"Sale {last.number}" in text and "Coffee beans 250 g" in text
        assert max(len(row) for row in rows) == 32  # this till's printer
        shown = screen_text(app)
        assert f"Copy of sale {last.number}" in shown and "** COPY **" in shown
        await pilot.press("p")  # print it again
        await printed(app, pilot)
        assert paper.read_text(encoding="utf-8") == text * 2
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SalesBillScreen)


async def test_reprint_by_number_and_a_number_that_is_not_there(app, store, tmp_path):
    first = sale("MUG-01")
    sale("COF-250")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("ctrl+g", "e")
        await pilot.pause()
        await type_text(pilot, "99")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReprintAsk)
        assert "There is no sale 99" in screen_text(app)
        number = app.screen.query_one("#number", Input)
        number.value = ""
        await type_text(pilot, str(first.number))
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReprintScreen) and screen.reprint.number == first.number
        await printed(app, pilot)
        # no printer here: the copy is shown, and where to set one up is said
        assert status(screen).startswith("NOT printed: No receipt printer is set up for "
                                         "test-till")
        assert "Stoneware mug" in screen_text(app)


async def test_a_failing_printer_is_said_and_the_sale_is_saved(app, store, tmp_path):
    broken = script(tmp_path, "lp", "sys.stdin.read()\nsys.stderr.write('lp: printer on fire\\n')"
                    "\nsys.exit(1)")
    printing.save_settings(OWNER, 42, broken)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        done = sale("MUG-01")  # (paying by keys is walked in the payment's own tests)
        app.push_screen(ReceiptScreen(done), lambda _: app.screen.new_sale())
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReceiptScreen)
        await printed(app, pilot)
        assert status(screen) == (f"NOT printed: Print command {broken} failed (exit 1): "
                                  "lp: printer on fire")
        assert Sale.select().count() == 1  # saved all the same
        await pilot.press("enter")  # the next sale: the till goes on
        await pilot.pause()
        assert isinstance(app.screen, SalesBillScreen) and not app.screen.draft.lines


async def test_terminal_settings_saved_by_a_manager_with_a_test_print(app, store, tmp_path):
    command, paper = fake_printer(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_from_menu(pilot, "Terminal Settings")
        screen = app.screen
        assert isinstance(screen, TerminalSettingsScreen)
        await choose(pilot, "width", "48 columns")
        await tab_to(pilot, "command")
        app.focused.post_message(Paste(command))  # the printer's path, pasted
        await pilot.pause()
        await pilot.press("alt+t")  # a test page with what the form says, not saved
        await printed(app, pilot)
        assert status(screen) == "Test page printed"
        page = paper.read_text(encoding="utf-8").splitlines()
        assert page[3] == ("1234567890" * 5)[:48]
        assert printing.settings_for("test-till").command == ""
        await pilot.press("f4")
        await pilot.pause()
        saved = printing.settings_for("test-till")
        assert (saved.width, saved.command) == (48, command)
        entry = AuditEntry.get(AuditEntry.subject == "Terminal settings: test-till")
        assert entry.actor == "test owner" and '"receipt_width": [42, 48]' in entry.changes
        assert "48 columns" in screen_text(app)
