"""Park and recall on the Sales Bill at 80×24, by keyboard: Till menu › P parks
(with a note), › R lists the parked bills of every till, Enter recalls as parked,
Alt+P at today's prices; a parked bill survives closing the app."""

from __future__ import annotations

from decimal import Decimal

import pytest
from textual.widgets import DataTable, Input

from tests.actors import OWNER
from tests.registers import open_registers
from tests.ui.keys import SIZE, screen_text, type_text
from tui_pos.db.models import AuditEntry, ParkedBill, Sale, SaleLine
from tui_pos.services import catalog, customers, parked
from tui_pos.services.catalog import ItemInput
from tui_pos.services.customers import CustomerInput
from tui_pos.services.sales import SaleDraft
from tui_pos.ui.screens.base import ConfirmScreen
from tui_pos.ui.screens.bill_dialogs import PaymentScreen, ReceiptScreen
from tui_pos.ui.screens.parked import ParkedBillsScreen, ParkNoteScreen
from tui_pos.ui.screens.sales_bill import SalesBillScreen

D = Decimal


@pytest.fixture(autouse=True)
def registers_open(store):
    """A sale needs an open register on its till (tests/registers.py)."""
    open_registers()


async def open_bill(app, pilot) -> SalesBillScreen:
    await pilot.press("f2")  # the main menu's key for the Sales Bill
    await pilot.pause()
    assert isinstance(app.screen, SalesBillScreen)
    return app.screen


async def add_items(pilot, *codes: str) -> None:
    for code in codes:
        await type_text(pilot, code)
        await pilot.press("enter")
        await pilot.pause()


async def till(pilot, letter: str) -> None:
    await pilot.press("ctrl+g", letter)  # the Till menu (F8's alias), then its letter
    await pilot.pause()


def lines_shown(screen) -> int:
    return screen.query_one("#lines", DataTable).row_count


async def test_park_restart_recall_and_complete(app, store):
    jan = customers.save_customer(OWNER, CustomerInput(first_name="Jan", last_name="Bos"))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_bill(app, pilot)
        await type_text(pilot, "Jan Bos")
        await pilot.press("enter")
        await pilot.pause()
        await add_items(pilot, "2*MUG-01", "COF-250")
        assert screen.draft.customer.id == jan.id
        await till(pilot, "p")
        assert isinstance(app.screen, ParkNoteScreen)
        assert "A note for whoever recalls it" in screen_text(app)
        await type_text(pilot, "fetching wallet")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen  # back on the bill, empty for the next customer
        assert screen.draft.is_empty and lines_shown(screen) == 0
        assert screen.query_one("#customer", Input).value == ""
        assert "Bill parked as number 1" in screen_text(app)
        row = ParkedBill.get()
        assert (row.number, row.note, row.total, row.customer_name) == (
            1, "fetching wallet", D("31.15"), "Jan Bos")

    from tui_pos.ui.app import PosApp

    again = PosApp(database=store["path"], actor=OWNER)  # the till started again
    async with again.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_bill(again, pilot)
        await till(pilot, "r")
        assert isinstance(again.screen, ParkedBillsScreen)
        text = screen_text(again)
        assert "Jan Bos" in text and "fetching wal" in text and "test-till" in text
        assert "31,15" in text and "Alt+P: recall at today's prices" in text
        assert "Bill 1: 2 lines, parked by test owner on test-till — fetching wallet" in text
        await pilot.press("enter")  # as parked
        await pilot.pause()
        assert again.screen is screen
        assert lines_shown(screen) == 2 and screen.draft.customer.id == jan.id
        assert screen.query_one("#customer", Input).value == "Jan Bos"
        assert "from parked bill 1" in screen_text(again)
        assert ParkedBill.select().count() == 0
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(again.screen, PaymentScreen)
        await pilot.press("enter")  # exact
        await pilot.pause()
        assert isinstance(again.screen, ReceiptScreen)
        sale = Sale.get()
        assert (sale.total, sale.customer_id) == (D("31.15"), jan.id)
        assert SaleLine.select().where(SaleLine.sale == sale).count() == 2
        await pilot.press("enter")  # the next sale: no longer "from parked bill 1"
        await pilot.pause()
        assert again.screen is screen and screen.draft.is_empty
        assert "from parked bill" not in screen_text(again)
        assert [e.kind for e in AuditEntry.select().where(
            AuditEntry.kind.in_(["park", "recall"])).order_by(AuditEntry.id)] == [
                "park", "recall"]


async def test_recalling_with_a_bill_open_parks_it_first(app):
    number = parked.park(OWNER, _bill("GIFT-25"), "the other one")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_bill(app, pilot)
        await pilot.press("enter")
        await add_items(pilot, "MUG-01")
        await till(pilot, "r")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # Stay: nothing happens to the open bill
        await pilot.pause()
        assert app.screen is screen and lines_shown(screen) == 1
        await till(pilot, "r")
        await pilot.press("y")  # park it first
        await pilot.pause()
        assert isinstance(app.screen, ParkNoteScreen)
        await pilot.press("enter")  # no note
        await pilot.pause()
        assert isinstance(app.screen, ParkedBillsScreen)
        assert ParkedBill.select().count() == 2
        await type_text(pilot, str(number))  # filter by number
        await pilot.pause()
        assert app.screen.query_one("#parked-bills", DataTable).row_count == 1
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert [line.sku for line in screen.draft.lines] == ["GIFT-25"]
        assert [r.lines for r in parked.list_parked()] == [1]  # the mug's bill, parked


async def test_arrows_choose_which_parked_bill_enter_recalls(app):
    older = parked.park(OWNER, _bill("GIFT-25"))
    parked.park(OWNER, _bill("MUG-01"))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_bill(app, pilot)
        await till(pilot, "r")
        await pilot.press("down")  # from the filter into the list, one row down
        await pilot.pause()
        assert f"Bill {older}: 1 line" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert [line.sku for line in screen.draft.lines] == ["GIFT-25"]
        assert f"from parked bill {older}" in screen_text(app)


async def test_alt_p_recalls_at_todays_prices_and_a_stopped_item_is_named(app, store):
    first = parked.park(OWNER, _bill("2*MUG-01"))
    parked.park(OWNER, _bill("COF-250", "MUG-01"))
    mug = catalog.find_item("MUG-01")
    catalog.save_item(OWNER, ItemInput(sku="MUG-01", barcode=mug.barcode, name=mug.name,
                                       price="13.00", vat_class_id=mug.vat_class_id), mug.id)
    cof = catalog.find_item("COF-250")
    catalog.save_item(OWNER, ItemInput(sku="COF-250", barcode=cof.barcode, name=cof.name,
                                       price="6.95", vat_class_id=cof.vat_class_id,
                                       active=False), cof.id)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_bill(app, pilot)
        await till(pilot, "r")
        await pilot.press("enter")  # the newest: holds the coffee, no longer sold
        await pilot.pause()
        assert isinstance(app.screen, ParkedBillsScreen)  # refused, said in the list
        assert "Coffee beans 250 g (COF-250) is no longer sold" in screen_text(app)
        await pilot.press("alt+p")  # re-priced: the coffee left off, the mug at 13,00
        await pilot.pause()
        assert app.screen is screen
        assert [(line.sku, line.unit_price) for line in screen.draft.lines] == [
            ("MUG-01", D("13.00"))]
        assert "COF-250" in screen_text(app) and "left off" in screen_text(app)
        await pilot.press("escape")  # leave asks: a bill is open — stay
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
    assert [r.number for r in parked.list_parked()] == [first]


async def test_hostile_note_and_name_are_shown_literally_in_the_list(app):
    hostile = "[@click=app.quit]x[/] [b]y"
    bos = customers.save_customer(OWNER, CustomerInput(first_name="[red]Jan", last_name="Bos"))
    draft = _bill("MUG-01")
    draft.set_customer(bos.id)
    parked.park(OWNER, draft, hostile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_bill(app, pilot)
        await till(pilot, "r")
        text = screen_text(app)
        assert "[@click=app.q" in text and "[red]Jan Bos" in text
        assert "on test-till — [@click=app.quit]x[/]" in text  # the whole note, wrapped
        assert "[b]y" in text
        assert app.is_running


async def test_park_on_an_empty_bill_says_why(app):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_bill(app, pilot)
        await till(pilot, "p")
        assert app.screen is screen
        assert "nothing to park" in screen_text(app)
        assert ParkedBill.select().count() == 0


def _bill(*codes: str) -> SaleDraft:
    draft = SaleDraft.new()
    for code in codes:
        draft.add_entry(code)
    return draft
