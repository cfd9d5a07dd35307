"""The Sales Bill at 80×24 with a cashier signed in: 30 % on a line asks a
manager's PIN on the spot; approved, it is applied and logged with the sale;
a wrong PIN or Esc leaves the line as it was. The bill shows who and where."""

from __future__ import annotations

from decimal import Decimal

import pytest
from textual.widgets import DataTable

from tests.actors import PINS, staff_team
from tests.ui.keys import SIZE, choose_approver, screen_text, type_text
from tui_pos.db.models import Sale
from tui_pos.services import audit, staff
from tui_pos.ui.screens.approval import ApprovalScreen
from tui_pos.ui.screens.base import FieldError
from tui_pos.ui.screens.bill_dialogs import LineEditScreen, PaymentScreen, ReceiptScreen
from tui_pos.ui.screens.sales_bill import SalesBillScreen


@pytest.fixture
def team(store, monkeypatch):
    monkeypatch.setattr(staff, "SCRYPT_N", 2**10)  # cheap hashes (each records its cost)
    return staff_team("till-1")


def app_for(store, actor):
    from tui_pos.ui.app import PosApp

    return PosApp(database=store["path"], actor=actor, terminal="till-1")


def error_at(screen, field: str) -> str:
    label = screen.query_one(f"#{field}-error", FieldError)
    return str(label.render()) if label.has_class("-shown") else ""


async def mug_with_30_percent(app, pilot) -> SalesBillScreen:
    """Open the bill, scan a mug, F7, Tab to the discount, type 30, F4."""
    await pilot.press("f2")  # the main menu's key for the Sales Bill
    await pilot.pause()
    bill = app.screen
    assert isinstance(bill, SalesBillScreen)
    await pilot.press("enter")  # past the customer: a walk-in
    await type_text(pilot, "MUG-01")
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press("f7")
    await pilot.pause()
    assert isinstance(app.screen, LineEditScreen)
    await pilot.press("tab")
    await type_text(pilot, "30")
    await pilot.press("f4")
    await pilot.pause()
    return bill


def first_row(bill: SalesBillScreen) -> list[str]:
    return [str(c) for c in bill.query_one("#lines", DataTable).get_row_at(0)]


async def test_a_cashiers_30_percent_is_approved_by_a_managers_pin_on_the_spot(team, store):
    app = app_for(store, team["Cas"])
    async with app.run_test(size=SIZE) as pilot:
        bill = await mug_with_30_percent(app, pilot)
        popup = app.screen
        assert isinstance(popup, ApprovalScreen)
        assert "30% discount on Stoneware mug" in screen_text(app)
        await choose_approver(pilot, "Mona")
        await type_text(pilot, PINS["Mona"])
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is bill  # approved: applied, the line pop-up closed
        assert first_row(bill)[4] == "30% O" and first_row(bill)[6] == "8,47"
        assert bill.draft.lines[0].discount_approval.approver_name == "Mona"
        assert audit.entries(audit.AuditFilter(kind="approval")) == []  # not before the sale

        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, PaymentScreen)
        await pilot.press("enter")  # the exact amount
        await pilot.pause()
        assert isinstance(app.screen, ReceiptScreen)
        assert "Cashier: Cas" in screen_text(app)
    sale = Sale.get()
    assert (sale.cashier, sale.staff_id, sale.terminal, sale.total) == (
        "Cas", team["Cas"].staff_id, "till-1", Decimal("8.47"))
    [entry] = audit.entries(audit.AuditFilter(kind="approval"))
    assert (entry.actor, entry.approver, entry.terminal) == ("Cas", "Mona", "till-1")
    assert entry.subject == f"Sale {sale.number}, line 1 MUG-01: discount 30%"


async def test_a_wrong_pin_then_esc_leaves_the_line_unchanged(team, store):
    app = app_for(store, team["Chris"])
    async with app.run_test(size=SIZE) as pilot:
        bill = await mug_with_30_percent(app, pilot)
        popup = app.screen
        assert isinstance(popup, ApprovalScreen)
        await choose_approver(pilot, "Mona")
        await type_text(pilot, "9999")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is popup and "Wrong PIN" in error_at(popup, "pin")
        await pilot.press("escape")  # gives up: back to the line, nothing applied
        await pilot.pause()
        assert isinstance(app.screen, LineEditScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is bill
        assert bill.draft.lines[0].discount_override is None
        assert first_row(bill)[4] == "" and first_row(bill)[6] == "12,10"
    assert [e.kind for e in audit.entries(audit.AuditFilter(kind="approval"))] == []


async def test_the_bill_shows_who_rings_it_up_and_where(team, store):
    app = app_for(store, team["Cas"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, SalesBillScreen)
        assert "Sales Bill — Cas · till-1" in screen_text(app)
