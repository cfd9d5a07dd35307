"""The receipt screen at 80×24: stored text shown literally, a receipt file that
could not be written said plainly and written again with R, and missing files
rewritten when the app starts."""

from __future__ import annotations

import pytest

from pathlib import Path

from textual.widgets import Input, Label

from tests.ui.keys import SIZE, screen_text, type_text
from tui_pos.db.models import Sale
from tui_pos.services import catalog
from tui_pos.services.catalog import ItemInput
from tui_pos.services.receipts import repair_receipts, receipt_path, receipts_folder
from tui_pos.services.sales import SaleDraft, complete_sale
from tui_pos.ui.screens.bill_dialogs import ReceiptScreen
from tui_pos.ui.screens.menu import MainMenuScreen
from tui_pos.ui.screens.sales_bill import SalesBillScreen
from tests.actors import OWNER

# cut at 42 columns inside the tag: "Mug xx…x[link=x]y[/l"
LINK_NAME = "Mug " + "x" * 28 + "[link=x]y[/link]"


def hostile_items(store) -> None:
    for sku, name in (("LINK-1", LINK_NAME), ("CLOSE-1", "Mug [/] [i]x")):
        catalog.save_item(OWNER, ItemInput(sku=sku, name=name, price="5.00",
                                    vat_class_id=store["vat"]["Hoog"]))


async def sell(app, pilot, *skus: str) -> ReceiptScreen:
    """F2 for the bill, each SKU and Enter in the item field, F4 and Enter to pay."""
    await pilot.press("f2")
    await pilot.pause()
    bill = app.screen
    assert isinstance(bill, SalesBillScreen)
    bill.query_one("#code", Input).focus()
    for sku in skus:
        await type_text(pilot, sku)
        await pilot.press("enter")
        await pilot.pause()
    await pilot.press("f4")
    await pilot.pause()
    await pilot.press("enter")  # exact cash
    await pilot.pause()
    assert isinstance(app.screen, ReceiptScreen)
    return app.screen


def status(screen: ReceiptScreen) -> str:
    return str(screen.query_one("#receipt-status", Label).render())


async def test_receipt_shows_markup_in_names_literally_and_saves_the_file(app, store):
    hostile_items(store)
    async with app.run_test(size=SIZE) as pilot:
        draft = SaleDraft.new()  # (the bill itself is walked in test_hostile_text)
        draft.add_item("LINK-1")
        draft.add_item("CLOSE-1")
        done = complete_sale(OWNER, draft, receipts_dir=app.receipts_dir)
        app.push_screen(ReceiptScreen(done))
        await pilot.pause()
        screen = app.screen
        shown = screen_text(app)
        assert "Mug [/] [i]x" in shown
        assert LINK_NAME[:42] in shown  # cut inside the tag, shown as it is
        assert LINK_NAME[:42] + "\n" in done.receipt_text
        path = receipt_path(receipts_folder(store["path"]), 1)
        assert status(screen) == f"Receipt file saved: {path}"
        assert path.read_text(encoding="utf-8") == Sale.get().receipt_text
        await pilot.press("enter")  # the next sale
        await pilot.pause()
        assert isinstance(app.screen, MainMenuScreen)


@pytest.mark.sqlite_only("blocks the receipts folder beside the SQLite file")
async def test_a_receipt_file_not_saved_is_said_and_r_writes_it_again(app, store):
    folder = receipts_folder(store["path"])
    folder.write_text("a file where the receipts folder should be")
    async with app.run_test(size=SIZE) as pilot:
        screen = await sell(app, pilot, "MUG-01")
        said = status(screen)
        assert said.startswith(f"Receipt file NOT saved: could not write {folder}")
        assert said.endswith("— the sale is saved; press R to try again")
        assert screen.query_one("#receipt-status").has_class("-error")
        assert Sale.select().count() == 1  # the sale is kept
        await pilot.press("r")  # still in the way: said again
        await pilot.pause()
        assert status(screen).startswith("Receipt file NOT saved")
        folder.unlink()
        await pilot.press("r")
        await pilot.pause()
        path = receipt_path(folder, 1)
        assert status(screen) == f"Receipt file saved: {path}"
        assert not screen.query_one("#receipt-status").has_class("-error")
        assert path.read_text(encoding="utf-8") == Sale.get().receipt_text
        path.unlink()
        await pilot.press("ctrl+r")  # the same without a letter key
        await pilot.pause()
        assert path.read_text(encoding="utf-8") == Sale.get().receipt_text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SalesBillScreen)


def sale_without_its_file() -> str:
    draft = SaleDraft.new()
    draft.add_item("MUG-01")
    return complete_sale(OWNER, draft).receipt_text  # as if killed before the file was written


async def test_missing_receipt_files_are_written_when_the_app_starts(app, store):
    folder = receipts_folder(store["path"])
    first = sale_without_its_file()
    assert repair_receipts(folder).first_check  # the folder's first check: no message
    texts = [sale_without_its_file() for _ in range(2)]  # then a crash, twice
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [receipt_path(folder, n).read_text(encoding="utf-8")
                for n in (1, 2, 3)] == [first, *texts]
        messages = [n.message for n in app._notifications]
        assert any("2 receipt file(s) were missing" in m for m in messages), messages


async def test_a_new_store_s_receipts_are_written_without_a_repair_message(app, store):
    folder = receipts_folder(store["path"])
    text = sale_without_its_file()  # e.g. the demo store's sales: no folder yet
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert receipt_path(folder, 1).read_text(encoding="utf-8") == text
        assert not [n for n in app._notifications if "receipt" in n.message]


@pytest.mark.sqlite_only("blocks the receipts folder beside the SQLite file")
async def test_a_failed_repair_at_start_is_a_notification_not_a_crash(app, store):
    folder = receipts_folder(store["path"])
    sale_without_its_file()
    folder.write_text("in the way")
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MainMenuScreen)
        messages = [n.message for n in app._notifications]
        assert any(m.startswith("Receipt files not checked: could not write") for m in messages)
    assert Path(folder).read_text() == "in the way"
