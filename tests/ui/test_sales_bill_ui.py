"""The Sales Bill through the keyboard at 80×24, as a cashier types it."""

from __future__ import annotations

from decimal import Decimal

from textual.widgets import DataTable, Input, Label, Select, Static

from tests.ui.keys import SIZE, type_text
from tui_pos.db.models import Payment, Sale, SaleLine
from tui_pos.services import config, customers, masters
from tui_pos.services.customers import CustomerInput
from tui_pos.ui.screens.base import ConfirmScreen, FieldError
from tui_pos.ui.screens.bill_dialogs import PaymentScreen, ReceiptScreen
from tui_pos.ui.screens.sales_bill import SalesBillScreen
from tests.actors import OWNER


async def open_bill(app, pilot) -> SalesBillScreen:
    await pilot.press("f2")  # the main menu's key for the Sales Bill
    await pilot.pause()
    assert isinstance(app.screen, SalesBillScreen)
    return app.screen


def table_cells(screen) -> list[list[str]]:
    table = screen.query_one("#lines", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def shown_error(screen, field: str) -> str:
    label = screen.query_one(f"#{field}-error", FieldError)
    return str(label.render()) if label.has_class("-shown") else ""


def enable_profiles() -> None:
    config.set_switch(OWNER, "show_customer_profile", True)


async def add_items(pilot, *codes: str) -> None:
    for code in codes:
        await type_text(pilot, code)
        await pilot.press("enter")
        await pilot.pause()


async def test_items_by_sku_and_barcode_with_quantity(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bill(app, pilot)
        await pilot.press("enter")  # no customer: on to the item field
        assert screen.focused.id == "code"
        await add_items(pilot, "3*MUG-01", "8712345000017")
        rows = table_cells(screen)
        assert [r[1] for r in rows] == ["Stoneware mug", "Coffee beans 250 g"]
        assert rows[0][2] == "3" and rows[0][6] == "36,30"
        assert "TOTAL EUR 43,25" in str(screen.query_one("#totals", Static).render())


async def test_unknown_sku_and_bad_quantities_are_refused_at_the_field(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bill(app, pilot)
        await pilot.press("enter")
        await add_items(pilot, "NOPE-1")
        assert "No item with SKU or barcode 'NOPE-1'" in shown_error(screen, "code")
        screen.query_one("#code", Input).value = ""
        await add_items(pilot, "0*MUG-01")
        assert "Quantity cannot be zero" in shown_error(screen, "code")
        screen.query_one("#code", Input).value = "MUG-01"
        await pilot.press("tab")  # the Qty field
        assert screen.focused.id == "quantity"
        await pilot.press("backspace")
        await type_text(pilot, "abc")
        await pilot.press("enter")
        await pilot.pause()
        assert "Quantity must be a number" in shown_error(screen, "quantity")
        assert screen.focused.id == "quantity"
        assert screen.draft.lines == []
        assert table_cells(screen) == []


async def test_sale_with_customer_and_profile_is_saved_in_one_go(app):
    enable_profiles()
    retail = masters.save_profile(OWNER, "Retail")
    jan = customers.save_customer(OWNER, CustomerInput(first_name="Jan", last_name="de Vries",
                                                profile_id=retail.id))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bill(app, pilot)
        await type_text(pilot, "Jan de Vries")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.draft.customer.id == jan.id
        profile = screen.query_one("#profile", Select)
        assert profile.value == retail.id  # defaults to the customer's profile
        assert screen.focused.id == "code"  # the next scan goes on the bill
        await add_items(pilot, "2*MUG-01")
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, PaymentScreen)
        await type_text(pilot, "50")
        await pilot.pause()
        assert "Change due: EUR 25,80" in str(app.screen.query_one("#change").render())
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReceiptScreen)
        sale = Sale.get()
        assert (sale.number, sale.total, sale.change) == (1, Decimal("24.20"), Decimal("25.80"))
        assert sale.profile_id == retail.id and sale.profile_name == "Retail"
        assert sale.customer_id == jan.id
        assert SaleLine.select().where(SaleLine.sale == sale).count() == 1
        pay = Payment.get()  # the amount applied to the sale; the cash handed over apart
        assert (pay.amount, pay.tendered, pay.change) == (Decimal("24.20"), Decimal("50.00"),
                                                          Decimal("25.80"))
        assert "Sale 1" in sale.receipt_text and "24,20" in sale.receipt_text  # nl_NL store
        await pilot.press("enter")  # next sale: an empty bill
        await pilot.pause()
        assert app.screen is screen and screen.draft.is_empty
        assert table_cells(screen) == []


async def test_short_cash_is_refused_and_nothing_is_written(app):
    async with app.run_test(size=SIZE) as pilot:
        await open_bill(app, pilot)
        await pilot.press("enter")
        await add_items(pilot, "MUG-01")
        await pilot.press("f4")
        await pilot.pause()
        await type_text(pilot, "5")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PaymentScreen)
        assert "less than the total" in shown_error(app.screen, "tendered")
        assert Sale.select().count() == 0


async def test_without_the_switch_there_is_no_profile_field(app):
    assert not config.get_settings().show_customer_profile
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bill(app, pilot)
        assert not screen.query("#profile")
        assert "Customer Profile" not in str(app.screen.query_one("#customer-row").render())


async def test_inactive_profile_is_not_offered_and_sale_proceeds_without_one(app):
    enable_profiles()
    masters.save_profile(OWNER, "Retail")
    masters.save_profile(OWNER, "Seasonal", active=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bill(app, pilot)
        select = screen.query_one("#profile", Select)
        offered = [str(label) for label, _ in select._options if _ is not Select.NULL]
        assert "Retail" in offered and "Seasonal" not in offered
        await pilot.press("enter")
        await add_items(pilot, "COF-250")
        await pilot.press("f4")
        await pilot.pause()
        await pilot.press("enter")  # exact cash
        await pilot.pause()
        sale = Sale.get()
        assert sale.profile_id is None and sale.total == Decimal("6.95")


async def test_staff_type_discounts_the_bill_and_removing_the_customer_recomputes(app):
    staff = [t for t in masters.list_types() if t.name == "Staff"][0]
    customers.save_customer(OWNER, CustomerInput(first_name="Daan", last_name="Smit",
                                          customer_type_id=staff.id))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bill(app, pilot)
        await pilot.press("enter")
        await add_items(pilot, "MUG-01", "GIFT-25")
        assert "TOTAL EUR 37,10" in str(screen.query_one("#totals").render())
        screen.query_one("#customer", Input).focus()
        await type_text(pilot, "Daan Smit")
        await pilot.press("enter")
        await pilot.pause()
        rows = table_cells(screen)
        assert rows[0][4] == "15% T" and rows[0][6] == "10,28"  # 12,10 − 1,82 (nl_NL)
        assert rows[1][4] == "n/d" and rows[1][6] == "25,00"
        assert "Type Staff -15%" in str(screen.query_one("#customer-info").render())
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert table_cells(screen)[0][6] == "12,10"
        assert "TOTAL EUR 37,10" in str(screen.query_one("#totals").render())


async def test_a_bill_discount_comes_on_top_of_the_staff_discount_with_f9(app):
    """SPEC §2: 5 % off the bill after Staff's 15 %, never instead of it."""
    staff = [t for t in masters.list_types() if t.name == "Staff"][0]
    customers.save_customer(OWNER, CustomerInput(first_name="Daan", last_name="Smit",
                                          customer_type_id=staff.id))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bill(app, pilot)
        await pilot.press("enter")
        await add_items(pilot, "GIFT-25", "2*MUG-01")
        await pilot.press("f9")
        await pilot.pause()
        await type_text(pilot, "5")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        rows = table_cells(screen)
        assert (rows[0][4], rows[0][6]) == ("n/d", "25,00")  # not discountable: never
        assert (rows[1][4], rows[1][6]) == ("5% B", "22,99")  # 24,20 − 1,21
        screen.query_one("#customer", Input).focus()
        await type_text(pilot, "Daan Smit")
        await pilot.press("enter")
        await pilot.pause()
        rows = table_cells(screen)
        assert (rows[0][4], rows[0][6]) == ("n/d", "25,00")
        assert (rows[1][4], rows[1][6]) == ("15% T+B", "19,54")  # 24,20 − 3,63 − 1,03
        totals = str(screen.query_one("#totals").render())
        assert "Discount 4,66" in totals and "TOTAL EUR 44,54" in totals
        detail = str(screen.query_one("#line-detail").render())
        assert "discount 15% (-3,63) from the customer type" in detail
        assert "bill discount 5% (-1,03) on top" in detail


async def test_a_wide_discount_and_the_bill_mark_fit_the_disc_column(app):
    customers.save_customer(OWNER, CustomerInput(first_name="Eva", last_name="Bos",
                                          discount="12.25"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bill(app, pilot)
        await type_text(pilot, "Eva Bos")
        await pilot.press("enter")
        await pilot.pause()
        await add_items(pilot, "MUG-01")
        await pilot.press("f9")
        await pilot.pause()
        await type_text(pilot, "5")
        await pilot.press("enter")
        await pilot.pause()
        row = table_cells(screen)[0]
        # 12,10 − 1,48 (12,25 %) = 10,62; − 0,53 (5 %) = 10,09
        assert (row[4], row[6]) == ("12,25%C+B", "10,09")
        assert len(row[4]) <= 9


async def test_cashier_overrides_a_line_discount_with_f7(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bill(app, pilot)
        await pilot.press("enter")
        await add_items(pilot, "MUG-01")
        await pilot.press("f7")
        await pilot.pause()
        await pilot.press("tab")
        await type_text(pilot, "10")
        await pilot.press("f4")
        await pilot.pause()
        assert app.screen is screen
        row = table_cells(screen)[0]
        assert row[4] == "10% O" and row[6] == "10,89"
        assert "from your override" in str(screen.query_one("#line-detail").render())


async def test_discount_over_100_is_refused_in_the_line_dialog(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bill(app, pilot)
        await pilot.press("enter")
        await add_items(pilot, "MUG-01")
        await pilot.press("f7")
        await pilot.pause()
        dialog = app.screen
        await pilot.press("tab")
        await type_text(pilot, "150")
        await pilot.press("f4")
        await pilot.pause()
        assert app.screen is dialog
        assert "between 0 and 100" in shown_error(dialog, "discount")
        assert screen.draft.lines[0].discount_override is None


async def test_quit_with_an_open_sale_asks_first(app):
    async with app.run_test(size=SIZE) as pilot:
        await open_bill(app, pilot)
        await pilot.press("enter")
        await add_items(pilot, "MUG-01")
        await pilot.press("ctrl+x")  # quit (Ctrl+Q is flow control)
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, SalesBillScreen)
        assert app.is_running


async def test_a_barcode_scanned_into_the_customer_field_adds_the_item(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bill(app, pilot)
        assert screen.focused.id == "customer"
        await type_text(pilot, "8712345000048")
        await pilot.press("enter")
        await pilot.pause()
        assert [r[1] for r in table_cells(screen)] == ["Stoneware mug"]
        assert screen.draft.customer is None
        assert screen.focused.id == "code"
        assert screen.query_one("#customer", Input).value == ""


async def test_f1_lists_the_bill_keys_first(app):
    async with app.run_test(size=SIZE) as pilot:
        await open_bill(app, pilot)
        await pilot.press("f1")
        await pilot.pause()
        keys = [what for _, what in app.screen.keys]
        assert keys[:2] == ["Pay: take payment and complete the sale",
                            "Customer search pop-up"]
        assert "Till: park, recall, account payment, return, void, register" in keys
        assert "New customer, assigned to this sale" in keys  # F5, not in the Footer
        assert "Remove the customer" in keys and "Quit" in keys


async def test_new_customer_during_a_sale_keeps_the_bill_and_gets_the_type_discount(app):
    """Lightspeed: + New → details → Assign to sale, with a note; nothing on the bill lost."""
    staff = [t for t in masters.list_types() if t.name == "Staff"][0]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bill(app, pilot)
        await pilot.press("enter")
        await add_items(pilot, "MUG-01", "GIFT-25")
        screen.query_one("#customer", Input).focus()
        await type_text(pilot, "Piet Klaassen")
        await pilot.press("f5")
        await pilot.pause()
        form = app.screen
        assert form.query_one("#first_name", Input).value == "Piet"
        assert form.query_one("#last_name", Input).value == "Klaassen"
        form.query_one("#customer_type", Select).value = staff.id
        form.query_one("#note").focus()
        await type_text(pilot, "New staff member")
        await pilot.press("f4")  # Assign to sale
        await pilot.pause()
        assert app.screen is screen
        new = customers.search_customers("klaassen").hits[0]
        assert screen.draft.customer.id == new.id
        assert [n.text for n in customers.notes(new.id)] == ["New staff member"]
        rows = table_cells(screen)
        assert [r[1] for r in rows] == ["Stoneware mug", "Gift card 25"]
        assert rows[0][4] == "15% T" and rows[1][4] == "n/d"
        assert screen.query_one("#customer", Input).value == "Piet Klaassen"


async def test_huge_and_foreign_numbers_are_refused_at_the_field_and_the_bill_kept(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bill(app, pilot)
        await pilot.press("enter")
        await add_items(pilot, "MUG-01")
        for entry, words in (("1e25*A1", "must be a number"), ("١٢*MUG-01", "must be a number"),
                             ("NaN*MUG-01", "must be a number"),
                             ("1000000*MUG-01", "too large")):
            await add_items(pilot, entry)
            assert words in shown_error(screen, "code"), entry
            assert screen.focused.id == "code"
            assert [(x.sku, x.quantity) for x in screen.draft.lines] == [("MUG-01", 1)]
        screen.query_one("#code", Input).value = "MUG-01"
        screen.query_one("#quantity", Input).focus()
        await pilot.press("ctrl+u")  # clear the Qty field
        await type_text(pilot, "1000000")
        await pilot.press("enter")
        await pilot.pause()
        assert "Quantity is too large" in shown_error(screen, "quantity")
        await pilot.press("f4")
        await pilot.pause()
        payment = app.screen
        assert isinstance(payment, PaymentScreen)
        await type_text(pilot, "9" * 27)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is payment
        assert "Cash received is too large" in shown_error(payment, "tendered")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert [(x.sku, x.quantity) for x in screen.draft.lines] == [("MUG-01", 1)]
        assert Sale.select().count() == 0


async def test_a_line_too_large_for_a_sale_is_refused_at_the_item_field(app, store):
    from tui_pos.services import catalog
    from tui_pos.services.catalog import ItemInput

    catalog.save_item(OWNER, ItemInput(sku="YACHT", name="A yacht", price="9999999999",
                                vat_class_id=store["vat"]["Hoog"]))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bill(app, pilot)
        await pilot.press("enter")
        await add_items(pilot, "99999*YACHT")
        assert "The line would be too large" in shown_error(screen, "code")
        assert screen.draft.lines == [] and table_cells(screen) == []


# -- text is text, money in the store's locale ----------------------------------------------

HOSTILE = ["[/]", "[b]x[/b]", "[link=x]y[/link]", "[@click=app.quit]", "Mug ☕ 😀",
           "湯呑み 茶碗", "Long " + "[i]" * 38 + "e"]  # the last: 120 characters


async def test_hostile_names_are_shown_literally_through_a_whole_sale(app, store):
    from tests.ui.keys import screen_text
    from tui_pos.services import catalog
    from tui_pos.services.catalog import ItemInput

    assert len(HOSTILE[-1]) == 120
    enable_profiles()
    masters.save_profile(OWNER, "Horeca VIP")
    fancy = masters.save_profile(OWNER, "Horeca [red]VIP[/red]")
    kind = masters.save_type(OWNER, "[red]Trade[/red]", discount="10")
    for n, name in enumerate(HOSTILE):
        catalog.save_item(OWNER, ItemInput(sku=f"H-{n}", name=name, price="1.00",
                                    vat_class_id=store["vat"]["Hoog"]))
    customers.save_customer(OWNER, CustomerInput(first_name="[@click=app.quit]",
                                          last_name="Jansen [b]x[/b]",
                                          customer_type_id=kind.id, profile_id=fancy.id))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bill(app, pilot)
        select = screen.query_one("#profile", Select)
        prompts = [str(label) for label, value in select._options if value is not Select.NULL]
        assert "Horeca VIP" in prompts and "Horeca [red]VIP[/red]" in prompts
        await type_text(pilot, "Jansen")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.draft.customer is not None and select.value == fancy.id
        text = screen_text(app)
        assert "[@click=app.quit] Jansen [b]x… #" in text  # the info line, name cut
        assert "Type [red]Trade[/red] -10%" in text
        assert "Horeca [red]VIP" in text  # the profile Select, cut to its width
        for n in range(len(HOSTILE)):
            await add_items(pilot, f"H-{n}")
        names = [row[1] for row in table_cells(screen)]
        assert names[:6] == HOSTILE[:6]
        assert names[6].startswith("Long [i][i]") and names[6].endswith("…")
        text = screen_text(app)
        for name in HOSTILE[:6]:
            assert name in text, name
        assert "Lines 7" in text and "TOTAL EUR 6,30" in text  # 7 × 1,00 − 10%
        await pilot.press("f6")  # the item search pop-up
        await pilot.pause()
        await type_text(pilot, "[")
        await pilot.pause()
        assert "[link=x]y[/link]" in screen_text(app) and "[b]x[/b]" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("f7")  # the highlighted (last) line
        await pilot.pause()
        assert "Line 7: Long [i][i]" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("f4")
        await pilot.pause()
        assert "Total to pay: EUR 6,30" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReceiptScreen)
        assert "[@click=app.quit] Jansen" in screen_text(app)
        assert app.is_running
        sale = Sale.get()
        assert sale.customer_name == "[@click=app.quit] Jansen [b]x[/b]"
        assert sale.profile_name == "Horeca [red]VIP[/red]"
        assert sale.customer_type_name == "[red]Trade[/red]"
        assert [line.name for line in SaleLine.select().order_by(SaleLine.position)] == HOSTILE


async def test_money_on_the_bill_follows_the_store_locale(app):
    from dataclasses import replace

    config.update_settings(OWNER, replace(config.get_settings(), locale="en_US"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bill(app, pilot)
        await pilot.press("enter")
        await add_items(pilot, "3*MUG-01")
        assert table_cells(screen)[0][6] == "36.30"
        assert "TOTAL EUR 36.30" in str(screen.query_one("#totals").render())


# -- found by a new user ---------------------------------------------------------------------

async def test_pay_on_an_empty_bill_says_why_at_the_item_field(app):
    from tests.ui.keys import screen_text

    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bill(app, pilot)
        await pilot.press("f4")
        await pilot.pause()
        assert app.screen is screen
        assert "Add an item before taking payment" in screen_text(app)
        assert screen.focused.id == "code"


async def test_the_payment_error_goes_once_the_amount_is_valid_and_the_label_follows_the_method(
        app):
    async with app.run_test(size=SIZE) as pilot:
        await open_bill(app, pilot)
        await pilot.press("enter")
        await add_items(pilot, "MUG-01")
        await pilot.press("f4")
        await pilot.pause()
        payment = app.screen
        await type_text(pilot, "5")
        await pilot.press("enter")
        await pilot.pause()
        assert "less than the total" in shown_error(payment, "tendered")
        await type_text(pilot, "x")
        await pilot.pause()
        assert "less than the total" in shown_error(payment, "tendered")  # "5x": not valid
        await pilot.press("ctrl+u")
        await type_text(pilot, "20")
        await pilot.pause()
        assert shown_error(payment, "tendered") == ""
        assert "Change due: EUR 7,90" in str(payment.query_one("#change").render())
        label = payment.query_one("#tendered-label", Label)
        assert str(label.render()) == "Cash received"
        await pilot.press("shift+tab")  # the Method select
        await pilot.press("enter", "down", "enter")
        await pilot.pause()
        assert payment.query_one("#method", Select).value == "card"
        assert str(label.render()) == "Paid by card"
        assert payment.query_one("#tendered", Input).value == ""  # empty: the rest, by card
        assert "Card pays EUR 12,10" in str(payment.query_one("#change").render())
        await pilot.press("f4")
        await pilot.pause()
        sale = Sale.get()
        assert (sale.paid, sale.change, Payment.get().method) == (Decimal("12.10"), 0, "card")


async def test_with_show_customer_type_off_the_bill_neither_shows_nor_applies_the_type(app):
    from tests.ui.keys import screen_text

    staff = [t for t in masters.list_types() if t.name == "Staff"][0]
    customers.save_customer(OWNER, CustomerInput(first_name="Daan", last_name="Smit",
                                          customer_type_id=staff.id))
    config.set_switch(OWNER, "show_customer_type", False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bill(app, pilot)
        await type_text(pilot, "Daan Smit")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.draft.customer is not None
        await add_items(pilot, "MUG-01")
        text = screen_text(app)
        assert "Daan Smit" in text and "Type" not in text and "Staff" not in text
        assert table_cells(screen)[0][4] == "" and table_cells(screen)[0][6] == "12,10"


async def test_an_item_added_after_a_refusal_clears_the_refusal(app):
    """'No item with …' is about the last entry: once an item is added it goes away."""
    from tui_pos.ui.screens.base import FieldError

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("enter")  # no customer: on to the item field
        await type_text(pilot, "mug")
        await pilot.press("enter")
        await pilot.pause()
        error = app.screen.query_one("#code-error", FieldError)
        assert "No item with" in str(error.render()) and error.has_class("-shown")
        await pilot.press("f6")  # find it by name instead
        await pilot.pause()
        await type_text(pilot, "mug")
        await pilot.pause()
        await pilot.press("enter")  # the one match: the mug
        await pilot.pause()
        assert app.screen.draft.lines[0].sku == "MUG-01"
        assert not error.has_class("-shown")
        assert app.screen.query_one("#code").value == ""
