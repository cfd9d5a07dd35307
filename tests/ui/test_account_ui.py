"""Credit accounts at 80×24, by keys alone: the bill shows the customer's balance
and limit as soon as they are attached; Till menu › A takes a payment on account
(nothing sold) and shows its receipt; the customer page's balance and the
statement's closing balance agree; a cashier's adjustment asks a manager's PIN."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from textual.widgets import DataTable, Footer, Static

from tests.actors import OWNER, PINS, staff_team
from tests.ui.keys import SIZE, choose_approver, open_from_menu, screen_text, type_text
from tui_pos.db.models import AccountEntry, AuditEntry, RegisterSession, database
from tui_pos.services import accounts, customers, printing, register, staff
from tui_pos.services.customers import CustomerInput
from tui_pos.ui.screens.account import (
    AccountPaymentScreen, AccountReceiptScreen, AdjustmentScreen, StatementScreen,
)
from tui_pos.ui.screens.approval import ApprovalScreen
from tui_pos.ui.screens.base import FieldError
from tui_pos.ui.screens.customer_form import CustomerSearchPopup
from tui_pos.ui.screens.customers import CustomerPageScreen
from tui_pos.ui.screens.sales_bill import SalesBillScreen
from tui_pos.ui.screens.till_menu import TillMenu

D = Decimal


def account_holder(limit: str = "100", owes: str = "60") -> int:
    """Anna Visser with a credit limit, owing ``owes`` from an earlier sale."""
    anna = customers.save_customer(OWNER, CustomerInput(first_name="Anna", last_name="Visser",
                                                        credit_limit=limit)).id
    with database.atomic():
        entry = accounts.charge_in_sale(OWNER, anna, owes, None, None)
    AccountEntry.update(at=dt.datetime.now() - dt.timedelta(days=30)).where(
        AccountEntry.id == entry).execute()  # a month ago
    return anna


def open_register(terminal: str) -> None:
    """The register open on ``terminal`` (the fixtures may have opened it already)."""
    if register.current_id(terminal) is None:
        RegisterSession.create(terminal=terminal, open_on=terminal, opened_by_name="test",
                               opening_float=D("100"))


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def error_at(screen, field: str) -> str:
    label = screen.query_one(f"#{field}-error", FieldError)
    return str(label.render()) if label.has_class("-shown") else ""


async def open_bill(pilot) -> SalesBillScreen:
    await pilot.press("f2")  # the main menu's key for the Sales Bill
    await pilot.pause()
    await pilot.pause()
    if not isinstance(pilot.app.screen, SalesBillScreen):  # "open the register?": not now
        await pilot.press("escape")
        await pilot.pause()
    assert isinstance(pilot.app.screen, SalesBillScreen)
    return pilot.app.screen


async def till_letter(pilot, letter: str) -> None:
    await pilot.press("f8")
    await pilot.pause()
    assert isinstance(pilot.app.screen, TillMenu)
    await pilot.press(letter)
    await pilot.pause()
    await pilot.pause()


async def test_a_payment_on_account_from_the_till_menu_then_the_statement_agrees(
        app, store, tmp_path):
    anna = account_holder()
    open_register(OWNER.terminal)
    printer = tmp_path / "printer"
    printer.write_text("")  # a device file the till appends to (printing.send)
    printing.save_settings(OWNER, 32, device=str(printer))
    async with app.run_test(size=SIZE) as pilot:
        bill = await open_bill(pilot)
        await type_text(pilot, "Anna Visser")
        await pilot.press("enter")
        await pilot.pause()
        info = text_of(bill, "#customer-info")
        assert "Anna Visser" in info and "balance 60,00 · limit 100,00" in info
        assert bill.query_one("#customer-info").size.height == 1  # one line at 80

        await till_letter(pilot, "a")
        popup = app.screen
        assert isinstance(popup, AccountPaymentScreen)
        assert "balance 60,00" in screen_text(app)
        await type_text(pilot, "25,50")
        await pilot.press("enter")
        await pilot.pause()
        receipt = app.screen
        assert isinstance(receipt, AccountReceiptScreen)
        assert receipt.payment.balance == D("34.50")
        shown = screen_text(app)
        assert "Payment on account" in shown and "34,50" in shown
        await app.workers.wait_for_complete()
        await pilot.pause()
        printed = printer.read_text().splitlines()
        assert "Payment on account" in printed and "Printed" in screen_text(app)
        assert max(len(line) for line in printed) <= 32  # this terminal's printer width
        assert printed[-1].split() == ["Balance", "now", "34,50"]
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is bill and bill.draft.lines == []  # nothing was sold
        assert "balance 34,50 · limit 100,00" in text_of(bill, "#customer-info")
        entry = AccountEntry.select().where(AccountEntry.kind == "payment").get()
        assert entry.amount == D("-25.50") and entry.register_session_id is not None

        # leave the bill (a customer is on it: discard), open the customer's page
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        await open_from_menu(pilot, "Customers")
        await type_text(pilot, "Visser")
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        page = app.screen
        assert isinstance(page, CustomerPageScreen)
        page_line = text_of(page, "#cp-balance")
        assert "balance EUR 34,50 · limit EUR 100,00 · available EUR 65,50" in page_line
        footer = page.query_one(Footer)
        assert footer.virtual_size.width <= footer.size.width  # fits 80 columns

        await pilot.press("s")
        await pilot.pause()
        statement = app.screen
        assert isinstance(statement, StatementScreen)
        assert statement.statement.closing == accounts.balance(anna) == D("34.50")
        assert "Closing balance EUR 34,50" in text_of(statement, "#st-closing")
        rows = statement.query_one("#st-lines", DataTable)
        assert rows.row_count == 2
        assert [str(c) for c in rows.get_row_at(1)][1:] == ["payment", "-25,50", "34,50"]
        footer = statement.query_one(Footer)
        assert footer.virtual_size.width <= footer.size.width

        await pilot.press("f7")  # print it: this till's printer takes 32 columns
        await app.workers.wait_for_complete()
        await pilot.pause()
        printed = printer.read_text().split("Account statement\n", 1)[1].splitlines()
        assert printed[-1].split() == ["Closing", "balance", "34,50"]
        assert max(len(line) for line in printed) <= 32
        assert "Printed" in screen_text(app)

        # the last week: the month-old charge is in the opening balance
        await type_text(pilot, (dt.date.today() - dt.timedelta(days=7)).isoformat())
        await pilot.press("enter")
        await pilot.pause()
        assert "Opening balance 60,00" in text_of(statement, "#st-opening")
        assert rows.row_count == 1
        assert "Closing balance EUR 34,50" in text_of(statement, "#st-closing")
        await pilot.press("ctrl+u")  # clear the field, as a person would
        await type_text(pilot, "01-01-2026")
        await pilot.press("enter")
        await pilot.pause()
        assert "YYYY-MM-DD" in error_at(statement, "from")

        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is page and "balance EUR 34,50" in text_of(page, "#cp-balance")


async def test_without_a_customer_the_payment_asks_for_one_and_a_closed_register_refuses(
        store):
    from tui_pos.ui.app import PosApp

    anna = account_holder()
    closed = replace(OWNER, terminal="till-never-opened")
    assert register.current_id(closed.terminal) is None
    app = PosApp(database=store["path"], actor=closed, terminal=closed.terminal)
    async with app.run_test(size=SIZE) as pilot:
        await open_bill(pilot)
        await till_letter(pilot, "a")
        assert isinstance(app.screen, CustomerSearchPopup)
        await type_text(pilot, "Visser")
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        popup = app.screen
        assert isinstance(popup, AccountPaymentScreen) and popup.customer_id == anna
        await type_text(pilot, "10")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is popup
        assert "not open" in screen_text(app)
        assert AccountEntry.select().count() == 1  # only the earlier charge
        for bad, says in (("0", "more than 0"), ("-5", "more than 0"), ("1e9", "number")):
            popup.query_one("#amount").value = ""
            await type_text(pilot, bad)
            await pilot.press("enter")
            await pilot.pause()
            assert says in error_at(popup, "amount")
        assert AccountEntry.select().count() == 1


@pytest.fixture
def team(store, monkeypatch):
    monkeypatch.setattr(staff, "SCRYPT_N", 2**10)
    return staff_team("till-1")


async def test_a_cashiers_adjustment_on_the_statement_asks_a_managers_pin(team, store):
    from tui_pos.ui.app import PosApp

    anna = account_holder()
    app = PosApp(database=store["path"], actor=team["Cas"], terminal="till-1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(StatementScreen(anna))
        await pilot.pause()
        statement = app.screen
        await pilot.press("alt+j")
        await pilot.pause()
        assert isinstance(app.screen, AdjustmentScreen)
        await type_text(pilot, "-10")
        await pilot.press("enter")  # on to the reason
        await pilot.pause()
        await pilot.press("enter")  # no reason: refused
        await pilot.pause()
        assert "Reason" in error_at(app.screen, "reason")
        await type_text(pilot, "damaged on delivery")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ApprovalScreen)
        assert AccountEntry.select().count() == 1  # nothing yet
        await choose_approver(pilot, "Mona")
        await type_text(pilot, PINS["Mona"])
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert app.screen is statement, screen_text(app)
        assert accounts.balance(anna) == D("50.00")
        assert "Closing balance EUR 50,00" in text_of(statement, "#st-closing")
        last = statement.query_one("#st-lines", DataTable).get_row_at(1)
        assert [str(c) for c in last][1:] == ["adjustment: damaged on delivery", "-10,00",
                                              "50,00"]
        logged = AuditEntry.select().where(AuditEntry.kind == "account").get()
        assert logged.approver_name == "Mona" and "damaged on delivery" in logged.subject


async def test_a_day_on_account_sale_over_the_limit_payment_and_statement(team, store):
    """A cashier sells on account (the payment pop-up's A), goes over the limit with
    a manager's PIN, takes a payment from the Till menu; the customer page and the
    statement agree on the balance."""
    from tui_pos.ui.app import PosApp
    from tui_pos.ui.screens.bill_dialogs import PaymentScreen, ReceiptScreen

    anna = account_holder(limit="100", owes="60")
    open_register("till-1")
    app = PosApp(database=store["path"], actor=team["Cas"], terminal="till-1")
    async with app.run_test(size=SIZE) as pilot:
        bill = await open_bill(pilot)
        await type_text(pilot, "Anna Visser")
        await pilot.press("enter")
        await pilot.pause()
        await type_text(pilot, "MUG-01")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, PaymentScreen)
        await pilot.press("a")  # on account
        await pilot.pause()
        shown = screen_text(app)
        assert "On account pays EUR 12,10" in shown
        assert "balance 60,00," in shown and "limit 100,00" in shown
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReceiptScreen)
        assert accounts.balance(anna) == D("72.10")
        await pilot.press("enter")  # the next sale
        await pilot.pause()

        await type_text(pilot, "Anna Visser")
        await pilot.press("enter")
        await pilot.pause()
        assert "balance 72,10 · limit 100,00" in text_of(bill, "#customer-info")
        await type_text(pilot, "3*MUG-01")  # 36.30: over the limit
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("f4")
        await pilot.pause()
        await pilot.press("a")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ApprovalScreen)
        assert app.screen.needed.action == ("On account 36,30 takes Anna Visser's balance "
                                            "to 108,40, over the limit 100,00")
        assert accounts.balance(anna) == D("72.10")  # nothing yet
        await choose_approver(pilot, "Mona")
        await type_text(pilot, PINS["Mona"])
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, ReceiptScreen)
        assert accounts.balance(anna) == D("108.40")
        await pilot.press("enter")
        await pilot.pause()

        await till_letter(pilot, "a")  # no customer on the new bill: the search first
        await type_text(pilot, "Visser")
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, AccountPaymentScreen)
        await type_text(pilot, "50")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AccountReceiptScreen)
        await pilot.press("enter")
        await pilot.pause()

        await pilot.press("escape")  # an empty bill: straight back to the menu
        await pilot.pause()
        await open_from_menu(pilot, "Customers")
        await type_text(pilot, "Visser")
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        page = app.screen
        assert "balance EUR 58,40" in text_of(page, "#cp-balance")
        await pilot.press("s")
        await pilot.pause()
        statement = app.screen
        assert isinstance(statement, StatementScreen)
        assert "Closing balance EUR 58,40" in text_of(statement, "#st-closing")
        kinds = [str(statement.query_one("#st-lines", DataTable).get_row_at(i)[1])
                 for i in range(4)]
        assert kinds[0] == "charge" and kinds[1].startswith("charge, sale")
        assert kinds[3] == "payment"
    approvals = AuditEntry.select().where(AuditEntry.kind == "approval")
    assert [(e.actor, e.approver_name) for e in approvals] == [("Cas", "Mona")]
