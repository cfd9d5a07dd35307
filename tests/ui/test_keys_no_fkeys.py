"""A whole sale at 80×24 with NO_COLOR and no F-key at all: only
the Ctrl aliases the Footer shows and the command palette."""

from __future__ import annotations

from textual.widgets import Checkbox

from tests.actors import OWNER
from tests.ui.keys import SIZE, screen_text, tab_to, type_text
from tui_pos.db.models import Sale, SaleLine
from tui_pos.ui.screens.base import HelpScreen
from tui_pos.ui.screens.bill_dialogs import (
    BillAdjustScreen, ItemSearchPopup, LineEditScreen, PaymentScreen, ReceiptScreen,
)
from tui_pos.ui.screens.customer_form import CustomerFormScreen
from tui_pos.ui.screens.sales_bill import SalesBillScreen

FKEYS = {f"f{n}" for n in range(1, 25)}


async def press(pilot, *keys: str) -> None:
    assert not FKEYS & set(keys), "this test has no F-keys"
    await pilot.press(*keys)
    await pilot.pause()


async def test_a_sale_without_f_keys_and_without_colour(store, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("TUI_POS_KEYMAP", raising=False)
    from tui_pos.ui.app import PosApp

    app = PosApp(database=store["path"], actor=OWNER)
    async with app.run_test(size=SIZE) as pilot:
        assert app.no_color
        await press(pilot, "ctrl+g")  # the menu's Sales Bill
        assert isinstance(app.screen, SalesBillScreen)
        await press(pilot, "ctrl+p")
        await type_text(pilot, "Help")
        await press(pilot, "enter")
        assert isinstance(app.screen, HelpScreen)
        assert "F4 / F12 / ^Y" in screen_text(app)  # every key of Pay, the alias too
        await press(pilot, "escape")
        await press(pilot, "ctrl+n")  # a new customer for the sale
        assert isinstance(app.screen, CustomerFormScreen)
        await type_text(pilot, "Zoe")
        await tab_to(pilot, "last_name")
        await type_text(pilot, "Jansen")
        await tab_to(pilot, "newsletter")
        box = app.focused
        assert isinstance(box, Checkbox)
        assert "[ ] Newsletter" in screen_text(app).replace("▐ ▌", "[ ]")
        await press(pilot, "space")
        assert "[X] Newsletter" in screen_text(app).replace("▐X▌", "[X]")  # no colour needed
        await press(pilot, "ctrl+g")  # save and assign
        bill = app.screen
        assert isinstance(bill, SalesBillScreen) and bill.draft.customer is not None
        await type_text(pilot, "MUG-01")
        await press(pilot, "enter")
        await press(pilot, "ctrl+o")  # item search
        assert isinstance(app.screen, ItemSearchPopup)
        await type_text(pilot, "COF-250")
        await press(pilot, "enter")
        assert len(bill.draft.lines) == 2
        await press(pilot, "ctrl+l")  # the line
        assert isinstance(app.screen, LineEditScreen)
        await press(pilot, "tab")
        await type_text(pilot, "10")
        await press(pilot, "ctrl+g")  # apply
        assert app.screen is bill
        await press(pilot, "ctrl+t")  # the whole bill
        assert isinstance(app.screen, BillAdjustScreen)
        await press(pilot, "escape")
        await press(pilot, "ctrl+y")  # pay
        assert isinstance(app.screen, PaymentScreen)
        await press(pilot, "enter")  # the exact amount
        assert isinstance(app.screen, ReceiptScreen)
        await press(pilot, "enter")  # the next sale
        assert app.screen is bill and bill.draft.is_empty
    sale = Sale.get()
    assert sale.customer is not None and sale.customer.newsletter
    lines = list(SaleLine.select().where(SaleLine.sale == sale).order_by(SaleLine.position))
    assert [line.sku for line in lines] == ["MUG-01", "COF-250"]
