"""The TruePOS seed's three steps, typed exactly as a shop owner and cashier would,
then what the database and the report say."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from textual.widgets import Select

from tests.ui.keys import SIZE, open_from_menu, tab_to, type_text
from tui_pos.db.models import Sale
from tui_pos.services import config, customers, masters, reports
from tui_pos.services.customers import CustomerInput
from tui_pos.ui.screens.bill_dialogs import PaymentScreen, ReceiptScreen
from tui_pos.ui.screens.menu import MainMenuScreen
from tui_pos.ui.screens.sales_bill import SalesBillScreen
from tests.actors import OWNER


async def test_the_seed_three_steps_with_the_keyboard(app):
    customers.save_customer(OWNER, CustomerInput(first_name="Jan", last_name="de Vries"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()

        # Step 1: Tools › Configuration › Business Configuration, tick, F4.
        await open_from_menu(pilot, "Business Configuration")
        await tab_to(pilot, "show_customer_profile")
        assert app.focused.value is False
        await pilot.press("space")
        await pilot.press("f4")
        await pilot.pause()
        assert config.get_settings().show_customer_profile is True
        assert "Saved" in str(app.screen.query_one("#saved").render())
        await pilot.press("escape")
        await pilot.pause()

        # Step 2: Master › Customer › Customer Profile, Add New Profile, Active, save.
        await open_from_menu(pilot, "Customer Profile")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.focused.id == "name"
        await type_text(pilot, "Wholesale")
        await pilot.press("tab")
        assert app.focused.id == "status" and app.focused.value is True  # Active
        await pilot.press("f4")
        await pilot.pause()
        profile = [p for p in masters.list_profiles() if p.name == "Wholesale"][0]
        assert profile.active
        await pilot.press("escape")
        await pilot.pause()
        if not isinstance(app.screen, MainMenuScreen):  # from the form, Esc goes to the list
            await pilot.press("escape")
            await pilot.pause()

        # Step 3: Sales Bill: the customer from the pop-up, the profile from the dropdown.
        await open_from_menu(pilot, "Sales Bill")
        bill = app.screen
        assert isinstance(bill, SalesBillScreen)
        await type_text(pilot, "de vr")
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("enter")  # the one hit
        await pilot.pause()
        assert app.screen is bill and bill.draft.customer.name == "Jan de Vries"
        select = bill.query_one("#profile", Select)
        assert app.focused.id == "code"  # the next scan goes on the bill
        assert select.value is Select.NULL
        await pilot.press("shift+tab")  # back to the profile
        assert app.focused is select
        await pilot.press("enter")  # open the dropdown
        await pilot.pause()
        await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        assert select.value == profile.id
        await pilot.press("tab")
        assert app.focused.id == "code"
        await type_text(pilot, "2*COF-250")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, PaymentScreen)
        await type_text(pilot, "20")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReceiptScreen)

    sale = Sale.get()
    assert sale.profile_id == profile.id and sale.profile_name == "Wholesale"
    assert sale.total == Decimal("13.90") and sale.change == Decimal("6.10")
    today = dt.date.today()
    rows = reports.sales_by("profile", today, today)
    assert [(r.label, r.sales, r.total) for r in rows] == [("Wholesale", 1, Decimal("13.90"))]
