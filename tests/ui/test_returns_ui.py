"""Voids and returns at 80×24 by keyboard: a cashier voids a sale with a manager's PIN
(Till › V), takes items back against a receipt to the original tender (Till › T),
and the Void Report lists the void."""

from __future__ import annotations

from decimal import Decimal

from textual.widgets import DataTable

from tests.actors import PINS, staff_team
from tests.ui.keys import SIZE, choose_approver, open_from_menu, screen_text, tab_to, type_text
from tui_pos.db.models import Payment, Sale, SaleLine, SaleVoid
from tui_pos.services import register, tenders
from tui_pos.services.sales import SaleDraft, complete_sale
from tui_pos.services.tenders import TenderInput
from tui_pos.ui.screens.approval import ApprovalScreen
from tui_pos.ui.screens.bill_dialogs import ReceiptScreen
from tui_pos.ui.screens.returns import ReturnScreen, VoidPopup, VoidReportScreen
from tui_pos.ui.screens.sales_bill import SalesBillScreen

D = Decimal
TERMINAL = "pilot-till"


def team_and_sale(kind: str, *lines):
    """Staff on the Pilot's terminal, its register open, and one sale by Cas."""
    team = staff_team(TERMINAL)
    if register.current_id(TERMINAL) is None:
        register.open_register(team["Cas"], "100.00")
    draft = SaleDraft.new()
    for sku, qty in lines:
        draft.add_item(sku, qty)
    sale = complete_sale(team["Cas"], draft, [TenderInput(tenders.method_of_kind(kind).id)])
    return team, sale


def the_app(store, actor):
    from tui_pos.ui.app import PosApp

    return PosApp(database=store["path"], actor=actor)


async def till(pilot, letter: str) -> None:
    await pilot.press("f2")  # the main menu opens the Sales Bill
    await pilot.pause()
    assert isinstance(pilot.app.screen, SalesBillScreen)
    await pilot.press("f8")
    await pilot.pause()
    await pilot.press(letter)
    await pilot.pause()


async def test_a_cashier_voids_a_sale_with_a_managers_pin(store):
    team, sale = team_and_sale("cash", ("MUG-01", "2"))
    app = the_app(store, team["Cas"])
    async with app.run_test(size=SIZE) as pilot:
        await till(pilot, "v")
        assert isinstance(app.screen, VoidPopup)
        await type_text(pilot, "99")
        await pilot.press("enter")  # no such sale: said at the number, still there
        await pilot.pause()
        assert "There is no sale 99" in screen_text(app) and app.focused.id == "number"
        await pilot.press("backspace", "backspace")
        await type_text(pilot, str(sale.number))
        await pilot.press("enter")  # the sale is shown; on to the reason
        await pilot.pause()
        assert "24,20" in screen_text(app) and app.focused.id == "reason"
        await pilot.press("enter")  # no reason: refused at its field, nothing asked
        await pilot.pause()
        assert isinstance(app.screen, VoidPopup) and "Reason is required" in screen_text(app)
        await type_text(pilot, "Rang up twice")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ApprovalScreen)
        assert Sale.get(Sale.number == sale.number).status == "completed"
        await choose_approver(pilot, "Mona")
        await type_text(pilot, PINS["Mona"])
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SalesBillScreen)
        assert any(f"Sale {sale.number} voided" in n.message for n in app._notifications)
        assert Sale.get(Sale.number == sale.number).status == "void"
        void = SaleVoid.get()
        assert (void.reason, void.staff_name, void.approver_name) == ("Rang up twice", "Cas",
                                                                      "Mona")
        await pilot.press("escape")  # the empty bill: back to the menu
        await pilot.pause()
        await open_from_menu(pilot, "Void Report")
        assert isinstance(app.screen, VoidReportScreen)
        text = screen_text(app)
        assert "Rang up twice" in text and "Mona" in text and "1 voided" in text


async def test_a_return_against_a_receipt_to_the_original_tender(store):
    team, sale = team_and_sale("card", ("MUG-01", "2"), ("COF-250", "1"))
    app = the_app(store, team["Cas"])
    async with app.run_test(size=SIZE) as pilot:
        await till(pilot, "t")
        assert isinstance(app.screen, ReturnScreen)
        await type_text(pilot, str(sale.number))
        await pilot.press("enter")
        await pilot.pause()
        table = app.screen.query_one("#lines", DataTable)
        assert app.focused is table and table.row_count == 2
        await pilot.press("enter")  # all that is left of line 1: two mugs
        await pilot.pause()
        assert "24,20" in screen_text(app)
        await tab_to(pilot, "quantity")
        await type_text(pilot, "3")  # more than was sold: refused
        await pilot.press("enter")
        await pilot.pause()
        assert "at most 2" in screen_text(app)
        await pilot.press("backspace")
        await type_text(pilot, "1")  # one mug comes back
        await pilot.press("enter")
        await pilot.pause()
        assert "Refund: EUR 12,10" in screen_text(app)
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, ReceiptScreen)
        text = screen_text(app)
        assert "RETURN of sale" in text and "-12,10" in text
        assert "Return 2 — refund EUR 12,10" in text
        back = Sale.get(Sale.kind == "return")
        assert (back.return_of_id, back.total) == (sale.id, D("-12.10"))
        [line] = SaleLine.select().where(SaleLine.sale == back.id)
        assert (line.sku, line.quantity) == ("MUG-01", D("-1"))
        [paid] = Payment.select().where(Payment.sale == back.id)
        assert (paid.method, paid.amount) == ("card", D("-12.10"))  # the original tender
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SalesBillScreen)


async def test_the_receipt_found_through_the_customers_sales(store):
    from tui_pos.services import customers
    from tui_pos.services.customers import CustomerInput
    from tui_pos.ui.screens.customer_form import CustomerSearchPopup
    from tui_pos.ui.screens.returns import CustomerSalesPopup
    from tests.actors import OWNER

    team, walk_in = team_and_sale("cash", ("GIFT-25", "1"))
    anna = customers.save_customer(OWNER, CustomerInput(first_name="Anna",
                                                        last_name="Visser")).id
    draft = SaleDraft.new()
    draft.set_customer(anna)
    draft.add_item("COF-250", "3")
    hers = complete_sale(team["Cas"], draft, [TenderInput(tenders.method_of_kind("cash").id)])
    app = the_app(store, team["Cas"])
    async with app.run_test(size=SIZE) as pilot:
        await till(pilot, "t")
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, CustomerSearchPopup)
        await type_text(pilot, "Visser")
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CustomerSalesPopup)
        text = screen_text(app)
        assert f"Sale {hers.number}" in text and f"Sale {walk_in.number} " not in text
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReturnScreen)
        assert app.screen.sale.number == hers.number
        assert "Anna Visser" in screen_text(app)


async def test_a_return_without_a_receipt_with_a_managers_pin(store):
    from tui_pos.ui.screens.returns import NoReceiptPopup

    team, _ = team_and_sale("cash", ("COF-250", "4"))
    app = the_app(store, team["Cas"])
    async with app.run_test(size=SIZE) as pilot:
        await till(pilot, "t")
        await pilot.press("alt+n")
        await pilot.pause()
        assert isinstance(app.screen, NoReceiptPopup)
        await type_text(pilot, "2*COF-250")
        await tab_to(pilot, "reason")
        await pilot.press("enter")  # no reason: refused before any PIN is asked
        await pilot.pause()
        assert isinstance(app.screen, NoReceiptPopup) and "Reason is required" in screen_text(app)
        await type_text(pilot, "Gift, no receipt")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ApprovalScreen)
        await choose_approver(pilot, "Mona")
        await type_text(pilot, PINS["Mona"])
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReceiptScreen)
        assert "RETURN (no receipt)" in screen_text(app)
        back = Sale.get(Sale.kind == "return")
        assert (back.return_of_id, back.total) == (None, D("-13.90"))
        [paid] = Payment.select().where(Payment.sale == back.id)
        assert (paid.method, paid.amount) == ("cash", D("-13.90"))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SalesBillScreen)
