"""A barcode scanner is a keyboard that types fast: every ``SKU⏎`` of a burst lands.

``pilot.press`` waits for each key to be handled, which hides the problem. A
real burst reaches the app as many key events at once, so these tests post the
whole burst to the app's queue before anything is processed — as the terminal
driver does — and only then wait. (With an Enter *binding*, ``AAA⏎BBB⏎`` gives
two submissions reading ``AAABBB``.)
"""

from __future__ import annotations

from decimal import Decimal

from textual import events
from textual.widgets import Input

from tests.ui.keys import SIZE, screen_text, type_text
from tui_pos.services import config, customers, masters
from tui_pos.services.customers import CustomerInput
from tui_pos.ui.screens.bill_dialogs import PaymentScreen
from tui_pos.ui.screens.sales_bill import SalesBillScreen
from tests.actors import OWNER

KEY = {"\r": "enter", "\n": "ctrl+j", "-": "minus", "*": "asterisk", " ": "space"}
BURST = "MUG-01\r8712345000017\r3*GIFT-25\rMUG-01\r"
LANDED = [("MUG-01", Decimal("2")), ("COF-250", Decimal("1")), ("GIFT-25", Decimal("3"))]


def burst(app, text: str) -> None:
    """Queue every key of ``text`` at once, as a terminal delivers a scanner's burst."""
    for char in text:
        app.post_message(events.Key(KEY.get(char, char), None if char in "\r\n" else char))


def lines(screen) -> list[tuple[str, Decimal]]:
    return [(line.sku, line.quantity) for line in screen.draft.lines]


async def open_bill(app, pilot) -> SalesBillScreen:
    await pilot.press("f2")
    await pilot.pause()
    assert isinstance(app.screen, SalesBillScreen)
    return app.screen


async def settle(pilot) -> None:
    """Wait until the burst and everything it set off are handled."""
    for _ in range(3):
        await pilot.pause()


async def test_a_burst_into_the_item_field_adds_each_scan_in_order(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bill(app, pilot)
        await pilot.press("enter")  # walk-in: on to the item field
        assert screen.focused.id == "code"
        burst(app, BURST)
        await settle(pilot)
        assert lines(screen) == LANDED
        assert screen.query_one("#code", Input).value == ""
        assert screen.focused.id == "code"
        assert "Lines 3" in screen_text(app)


async def test_a_burst_on_a_new_bill_goes_to_the_items_not_the_customer_search(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bill(app, pilot)
        assert screen.focused.id == "customer"
        burst(app, BURST + "COF-250\r")
        await settle(pilot)
        assert app.screen is screen  # no customer search pop-up
        assert lines(screen) == [LANDED[0], ("COF-250", Decimal("2")), LANDED[2]]
        assert screen.draft.customer is None
        assert screen.query_one("#customer", Input).value == ""
        assert screen.query_one("#code", Input).value == ""
        assert screen.focused.id == "code"


async def test_a_scan_split_by_the_hand_over_still_lands_whole(app):
    """Keys queued for the customer field follow the first scan in order, and
    text typed after the burst is in the item field, not merged or lost."""
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bill(app, pilot)
        burst(app, "GIFT-25\rMUG-01\rCOF")
        await settle(pilot)
        assert lines(screen) == [("GIFT-25", Decimal("1")), ("MUG-01", Decimal("1"))]
        assert screen.focused.id == "code"
        assert screen.query_one("#code", Input).value == "COF"
        burst(app, "-250\r")
        await settle(pilot)
        assert lines(screen)[-1] == ("COF-250", Decimal("1"))


async def test_a_customer_name_in_the_customer_field_is_still_a_customer(app):
    customers.save_customer(OWNER, CustomerInput(first_name="Jan", last_name="de Vries"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bill(app, pilot)
        await type_text(pilot, "Jan de Vries")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.draft.customer.name == "Jan de Vries"
        assert screen.focused.id == "code"  # the next scan goes on the bill
        burst(app, BURST)
        await settle(pilot)
        assert lines(screen) == LANDED


async def test_a_pasted_list_of_codes_is_one_scan_per_line(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bill(app, pilot)
        await pilot.press("enter")
        app.post_message(events.Paste("MUG-01\n8712345000017\r\n3*GIFT-25\rMUG-01\nCOF"))
        await settle(pilot)
        assert lines(screen) == LANDED
        assert screen.query_one("#code", Input).value == "COF"  # no line break yet


async def test_a_paste_into_the_customer_field_goes_to_the_items(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bill(app, pilot)
        assert screen.focused.id == "customer"
        app.post_message(events.Paste(BURST))
        await settle(pilot)
        assert app.screen is screen
        assert lines(screen) == LANDED
        assert screen.focused.id == "code"


async def test_line_feeds_end_a_scan_too(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bill(app, pilot)
        await pilot.press("enter")
        burst(app, BURST.replace("\r", "\n"))
        await settle(pilot)
        assert lines(screen) == LANDED


async def test_an_unknown_code_in_a_burst_is_refused_and_the_others_land(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bill(app, pilot)
        await pilot.press("enter")
        burst(app, "MUG-01\rNOPE-9\rCOF-250\r")
        await settle(pilot)
        assert lines(screen) == [("MUG-01", Decimal("1")), ("COF-250", Decimal("1"))]
        burst(app, "NOPE-9\r")
        await settle(pilot)
        assert "No item with SKU or barcode 'NOPE-9'" in screen_text(app)
        assert screen.focused.id == "code"


async def test_a_pay_key_right_after_a_scan_pays_for_that_scan_too(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bill(app, pilot)
        await pilot.press("enter")
        burst(app, "MUG-01\rMUG-01\r")
        app.post_message(events.Key("f12", None))
        await settle(pilot)
        assert isinstance(app.screen, PaymentScreen)
        assert app.screen.total == Decimal("24.20")
        assert lines(screen) == [("MUG-01", Decimal("2"))]


async def test_after_attaching_a_customer_the_next_scan_is_an_item(app):
    config.set_switch(OWNER, "show_customer_profile", True)
    masters.save_profile(OWNER, "Retail")
    customers.save_customer(OWNER, CustomerInput(first_name="Jan", last_name="de Vries"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bill(app, pilot)
        await type_text(pilot, "de vr")
        await pilot.press("f2")  # the customer search pop-up
        await pilot.pause()
        await pilot.press("enter")  # its one hit
        await pilot.pause()
        assert app.screen is screen and screen.draft.customer is not None
        assert screen.focused.id == "code"  # not the Profile select
        burst(app, BURST)
        await settle(pilot)
        assert lines(screen) == LANDED
        assert app.screen is screen


async def test_closing_any_pop_up_puts_the_focus_back_in_the_item_field(app):
    config.set_switch(OWNER, "show_customer_profile", True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bill(app, pilot)
        await pilot.press("enter")
        burst(app, "MUG-01\r")
        await settle(pilot)
        for key in ("f2", "f5", "f6", "f7", "f9", "f4"):
            screen.query_one("#lines").focus()  # anywhere else on the bill
            await pilot.pause()
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is not screen, key
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is screen, key
            assert screen.focused.id == "code", key
        burst(app, "COF-250\r")
        await settle(pilot)
        assert lines(screen) == [("MUG-01", Decimal("1")), ("COF-250", Decimal("1"))]
