"""The payment pop-up at 80×24 by keyboard: a split card + cash with change and
cash rounding, a voucher, change from a card refused, and Esc writing nothing."""

from __future__ import annotations

from decimal import Decimal

from textual.widgets import Digits, Input, Label, Static

from tests.actors import MANAGER, OWNER
from tests.ui.keys import SIZE, type_text
from tests.ui.test_sales_bill_ui import add_items, open_bill, shown_error
from tui_pos.db.models import Payment, Sale
from tui_pos.services import catalog, config, tenders
from tui_pos.services.catalog import ItemInput
from tui_pos.ui.screens.bill_dialogs import PaymentScreen, ReceiptScreen

D = Decimal


def odd_lamp(store) -> None:
    """24.22 incl. 21 % VAT: its cash part rounds to 24.20."""
    catalog.save_item(OWNER, ItemInput(sku="ODD-01", name="Odd lamp", price="24.22",
                                       vat_class_id=store["vat"]["Hoog"]))


def rounding_on() -> None:
    settings = config.get_settings()
    settings.cash_rounding = True
    config.update_settings(OWNER, settings)


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


async def to_payment(app, pilot, *codes: str) -> PaymentScreen:
    await open_bill(app, pilot)
    await pilot.press("enter")  # no customer: on to the item field
    await add_items(pilot, *codes)
    await pilot.press("f4")
    await pilot.pause()
    assert isinstance(app.screen, PaymentScreen)
    return app.screen


async def test_split_card_ten_and_cash_with_change_and_rounding(app, store):
    odd_lamp(store)
    rounding_on()
    async with app.run_test(size=SIZE) as pilot:
        payment = await to_payment(app, pilot, "ODD-01")
        assert "EUR 24,22" in text_of(payment, "#pay-total")
        await pilot.press("k")  # card, by its letter
        await pilot.pause()
        assert text_of(payment, "#tendered-label") == "Paid by card"
        await type_text(pilot, "10")
        await pilot.press("plus")  # a part: the rest stays due, back to cash
        await pilot.pause()
        assert "Card: EUR 10,00" in text_of(payment, "#pay-parts")
        assert "Still due: EUR 14,22 — in cash EUR 14,20" in text_of(payment, "#pay-due")
        assert text_of(payment, "#tendered-label") == "Cash received"
        assert Sale.select().count() == 0  # nothing written yet
        await type_text(pilot, "20")
        await pilot.pause()
        assert "Change due: EUR 5,80" in text_of(payment, "#change")
        big = payment.query_one("#change-big", Digits)
        assert big.display and big.value == "5,80"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReceiptScreen)
        assert "5,80" in text_of(app.screen, "#receipt-title")
    sale = Sale.get()
    assert (sale.total, sale.paid, sale.change) == (D("24.22"), D("30.00"), D("5.80"))
    rows = [(p.method, p.amount, p.tendered, p.change, p.rounding)
            for p in Payment.select().order_by(Payment.id)]
    assert rows == [("card", D("10.00"), D("10.00"), 0, 0),
                    ("cash", D("14.22"), D("20.00"), D("5.80"), D("-0.02"))]


async def test_the_quick_path_rounds_the_cash_too(app, store):
    odd_lamp(store)
    rounding_on()
    async with app.run_test(size=SIZE) as pilot:
        payment = await to_payment(app, pilot, "ODD-01")
        assert "in cash EUR 24,20" in text_of(payment, "#pay-due")
        await type_text(pilot, "25")
        await pilot.pause()
        assert "Change due: EUR 0,80" in text_of(payment, "#change")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReceiptScreen)
    pay = Payment.get()
    assert (pay.amount, pay.tendered, pay.change, pay.rounding) == (
        D("24.22"), D("25.00"), D("0.80"), D("-0.02"))


async def test_pay_with_a_voucher_showing_its_balance(app, store):
    tenders.save_voucher(MANAGER, "GC-2026", "25.00")
    async with app.run_test(size=SIZE) as pilot:
        payment = await to_payment(app, pilot, "MUG-01")
        await pilot.press("v")
        await pilot.pause()
        assert payment.focused.id == "voucher"
        await type_text(pilot, "GC-404")
        await pilot.press("enter")
        await pilot.pause()
        assert "There is no voucher GC-404" in shown_error(payment, "voucher")
        payment.query_one("#voucher", Input).value = ""
        await type_text(pilot, "GC-2026")
        await pilot.press("enter")  # looks it up; on to the amount
        await pilot.pause()
        assert "balance 25,00" in str(payment.query_one("#voucher-info", Label).render())
        assert payment.focused.id == "tendered"
        assert "Voucher pays EUR 12,10" in text_of(payment, "#change")
        await pilot.press("enter")  # empty: the rest, from the voucher
        await pilot.pause()
        assert isinstance(app.screen, ReceiptScreen)
    assert tenders.voucher_info("GC-2026").balance == D("12.90")
    pay = Payment.get()
    assert (pay.method, pay.amount, pay.voucher_id) == ("voucher", D("12.10"),
                                                        tenders.voucher_info("GC-2026").id)


async def test_change_from_a_card_is_refused_at_the_amount(app, store):
    async with app.run_test(size=SIZE) as pilot:
        payment = await to_payment(app, pilot, "MUG-01")
        await pilot.press("k")
        await pilot.pause()
        await type_text(pilot, "20")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is payment
        assert "Change is given only in cash" in shown_error(payment, "tendered")
    assert Sale.select().count() == 0 and Payment.select().count() == 0


async def test_esc_after_a_part_goes_back_to_the_bill_with_nothing_written(app, store):
    tenders.save_voucher(MANAGER, "GC-9", "5.00")
    async with app.run_test(size=SIZE) as pilot:
        payment = await to_payment(app, pilot, "MUG-01")
        await pilot.press("v")
        await pilot.pause()
        await type_text(pilot, "GC-9")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("plus")  # the voucher's 5.00 as a part
        await pilot.pause()
        assert "Voucher GC-9: EUR 5,00" in str(payment.query_one("#pay-parts", Static).render())
        assert "Still due: EUR 7,10" in text_of(payment, "#pay-due")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, PaymentScreen)
        assert app.screen.draft.lines  # the bill is still open
    assert Sale.select().count() == 0 and Payment.select().count() == 0
    assert tenders.voucher_info("GC-9").balance == D("5.00")


# -- the masters: Master › Sales ------------------------------------------------------

async def test_a_shop_adds_a_tender_method_and_the_pop_up_offers_it(app, store):
    from tests.ui.keys import open_from_menu, screen_text, tab_to
    from tui_pos.ui.screens.tender_methods import TenderMethodsScreen

    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_from_menu(pilot, "Tender Methods")
        screen = app.screen
        assert isinstance(screen, TenderMethodsScreen)
        assert "On account" in screen_text(app) and "Web shop" not in screen_text(app)
        await pilot.press("ctrl+n", *"Tikkie")
        await tab_to(pilot, "position")
        await pilot.press("f4")
        await pilot.pause()
        assert [m.name for m in tenders.counter_methods()][-1] == "Tikkie"
        assert "Saved ✓ Tikkie" in screen_text(app)
        await pilot.press("ctrl+n", *"Cash", "f4")  # taken (ignoring case)
        await pilot.pause()
        assert "already exists" in shown_error(screen, "name")
        await pilot.press("escape")
        await pilot.pause()
        if not isinstance(app.screen, type(screen)):
            await pilot.press("y")  # leave without saving
        await pilot.pause()
        payment = await to_payment(app, pilot, "MUG-01")
        await pilot.press("t")  # Tikkie's first letter
        await pilot.pause()
        assert payment.method == "tikkie"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReceiptScreen)
    assert Payment.get().method == "tikkie"


async def test_issue_a_voucher_from_its_master(app, store):
    from tests.ui.keys import open_from_menu, screen_text, tab_to
    from tui_pos.ui.screens.vouchers import VouchersScreen

    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_from_menu(pilot, "Vouchers")
        screen = app.screen
        assert isinstance(screen, VouchersScreen)
        await pilot.press("ctrl+n")
        await type_text(pilot, "GC-55")
        await tab_to(pilot, "value")
        await type_text(pilot, "0")
        await pilot.press("f4")
        await pilot.pause()
        assert "more than zero" in shown_error(screen, "value")
        await pilot.press("ctrl+u")
        await type_text(pilot, "25,50")
        await pilot.press("f4")
        await pilot.pause()
        info = tenders.voucher_info("GC-55")
        assert (info.initial, info.balance, info.active) == (D("25.50"), D("25.50"), True)
        assert "25,50" in screen_text(app)


async def test_on_account_shows_the_balance_and_limit_and_charges_the_customer(app, store):
    from tui_pos.db.models import AccountEntry
    from tui_pos.services import customers
    from tui_pos.services.customers import CustomerInput

    anna = customers.save_customer(OWNER, CustomerInput(first_name="Anna", last_name="Bakker",
                                                        credit_limit="100.00"))
    async with app.run_test(size=SIZE) as pilot:
        payment = await to_payment(app, pilot, "MUG-01")  # no customer yet
        await pilot.press("a")
        await pilot.pause()
        assert "needs a customer" in shown_error(payment, "method")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is payment and Sale.select().count() == 0
        await pilot.press("escape")
        await pilot.pause()
        bill = app.screen
        await pilot.press("shift+tab")  # back to the customer field
        await type_text(pilot, "Anna Bakker")
        await pilot.press("enter")
        await pilot.pause()
        assert bill.draft.customer.id == anna.id
        await pilot.press("f4")
        await pilot.pause()
        payment = app.screen
        await pilot.press("a")
        await pilot.pause()
        info = str(payment.query_one("#method-info", Label).render())
        assert "balance 0,00" in info and "limit 100,00" in info
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReceiptScreen)
    (entry,) = AccountEntry.select()
    assert entry.amount == D("12.10") and entry.customer_id == anna.id
