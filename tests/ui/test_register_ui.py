"""The register at 80×24 by keyboard: open with a float, two sales, a paid-out,
the X report, the Z close with a difference, and the Z kept for a reprint."""

from __future__ import annotations

from decimal import Decimal

from textual.widgets import Input

from tests.ui.keys import SIZE, open_from_menu, screen_text, type_text
from tui_pos.db.models import CashMovement, RegisterCount, RegisterSession, Sale
from tui_pos.services.actors import Actor
from tui_pos.ui.screens.bill_dialogs import PaymentScreen, ReceiptScreen
from tui_pos.ui.screens.register import (
    CashMovementPopup, CloseRegisterPopup, OpenRegisterPopup, RegisterScreen, ReportPopup,
)
from tui_pos.ui.screens.sales_bill import SalesBillScreen

D = Decimal
# a terminal whose register the test store does not open (tests/registers.py)
CAS = Actor(staff_id=None, name="Cas", role="cashier", terminal="counter-3")


def register_app(store):
    from tui_pos.ui.app import PosApp

    return PosApp(database=store["path"], actor=CAS)


async def sell_for_cash(pilot, code: str, cash: str = "") -> None:
    await type_text(pilot, code)
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press("f4")
    await pilot.pause()
    assert isinstance(pilot.app.screen, PaymentScreen)
    await type_text(pilot, cash)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ReceiptScreen)
    await pilot.press("enter")  # the next sale
    await pilot.pause()
    await pilot.press("enter")  # no customer: on to the item field
    await pilot.pause()


async def till(pilot, letter: str) -> None:
    await pilot.press("f8")
    await pilot.pause()
    await pilot.press(letter)
    await pilot.pause()


async def test_a_day_at_the_register_by_keyboard(store):
    app = register_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, OpenRegisterPopup)  # closed here: asked at once
        await type_text(pilot, "100")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SalesBillScreen)
        session = RegisterSession.get(RegisterSession.open_on == "counter-3")
        assert session.opening_float == D("100.00")

        await sell_for_cash(pilot, "2*MUG-01", "50")  # 24.20, change 25.80
        await sell_for_cash(pilot, "MUG-01")  # 12.10 exact
        assert [s.register_session_id for s in Sale.select()] == [session.id, session.id]

        await till(pilot, "u")
        assert isinstance(app.screen, CashMovementPopup)
        await type_text(pilot, "5")
        await pilot.press("enter")  # on to the reason
        await pilot.press("enter")  # no reason: refused at its field
        await pilot.pause()
        assert "Reason" in screen_text(app) and CashMovement.select().count() == 0
        await type_text(pilot, "window cleaner")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SalesBillScreen)
        paid_out = CashMovement.get()
        assert CashMovement.select().count() == 1
        assert (paid_out.kind, paid_out.amount, paid_out.reason) == (
            "paid_out", D("5.00"), "window cleaner")

        await till(pilot, "x")
        assert isinstance(app.screen, ReportPopup)
        assert "X REPORT" in screen_text(app) and "36,30" in screen_text(app)
        await pilot.press("end")  # the expected cash is at the foot
        await pilot.pause()
        assert "131,30" in screen_text(app)  # 100 + 24.20 + 12.10 − 5.00
        await pilot.press("escape")
        await pilot.pause()

        await till(pilot, "z")
        assert isinstance(app.screen, CloseRegisterPopup)
        await pilot.press("enter")  # nothing counted: refused, nothing written
        await pilot.pause()
        assert isinstance(app.screen, CloseRegisterPopup) and "Count the Cash" in screen_text(app)
        await type_text(pilot, "131,00")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReportPopup)
        shown = screen_text(app)
        assert "Z REPORT 1" in shown
        count = RegisterCount.get()
        assert (count.method, count.expected, count.counted) == ("Cash", D("131.30"),
                                                                 D("131.00"))
        closed = RegisterSession.get_by_id(session.id)
        assert closed.open_on is None and closed.z_number == 1 and "-0,30" in closed.z_report_text
        await pilot.press("enter")
        await pilot.pause()

        # closed now: the bill stays to look at, Pay says why it waits
        await type_text(pilot, "MUG-01")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, SalesBillScreen)
        assert "not open" in screen_text(app) and Sale.select().count() == 2

        # Sales › Register: the Z list, Enter shows it again
        app.screen.draft = type(app.screen.draft).new()
        await pilot.press("escape")
        await pilot.pause()
        await open_from_menu(pilot, "Register")
        assert isinstance(app.screen, RegisterScreen)
        assert "closed" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReportPopup)
        assert "Z REPORT 1" in screen_text(app) and "copy" in screen_text(app)


async def test_esc_leaves_the_register_closed_and_the_bill_usable_to_look(store):
    app = register_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, OpenRegisterPopup)
        await type_text(pilot, "-5")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, OpenRegisterPopup)  # a negative float: refused
        assert "negative" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SalesBillScreen)
        assert RegisterSession.get_or_none(RegisterSession.terminal == "counter-3") is None
        assert app.focused is not None and isinstance(app.focused, Input)
        await till(pilot, "o")  # the Till menu opens it later
        assert isinstance(app.screen, OpenRegisterPopup)
