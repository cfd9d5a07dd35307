"""Typing ahead over a slow link: keys that arrive in one burst across a Tab
land in the fields they were typed for, in order.

Over SSH a cashier's ``Zoë⇥Jansen`` can reach the app in one read. Textual
moves the focus for Tab only after the keys queued behind it are already in
the old field (``Zoë Jansen`` in the first name). These tests post the whole
burst at once, as the terminal driver does, then wait.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from tests.ui.keys import SIZE, open_from_menu
from tui_pos.services import customers

KEY = {"\t": "tab", "\r": "enter", " ": "space", "-": "minus", "@": "at", ".": "full_stop"}


def burst(app, text: str, back: bool = False) -> None:
    for char in text:
        if char == "\t" and back:
            app.post_message(events.Key("shift+tab", None))
        else:
            app.post_message(events.Key(KEY.get(char, char), None if char in "\t\r" else char))


async def settle(pilot) -> None:
    for _ in range(3):
        await pilot.pause()


async def test_a_burst_across_tabs_fills_each_field_of_the_customer_form(app):
    async with app.run_test(size=SIZE) as pilot:
        await open_from_menu(pilot, "Customers")
        await pilot.press("f2")
        await pilot.pause()
        assert app.focused.id == "first_name"
        burst(app, "Zoë\tJansen\tDe Hoek")
        await settle(pilot)
        values = {i.id: i.value for i in app.screen.query(Input)}
        assert (values["first_name"], values["last_name"], values["company"]) == \
            ("Zoë", "Jansen", "De Hoek")
        await pilot.press("f4")
        await pilot.pause()
    saved = customers.search_customers("jansen").hits
    assert [h.name for h in saved] == ["Zoë Jansen (De Hoek)"]


async def test_shift_tab_in_a_burst_goes_back_a_field(app):
    async with app.run_test(size=SIZE) as pilot:
        await open_from_menu(pilot, "Customers")
        await pilot.press("f2")
        await pilot.pause()
        burst(app, "Anna\tx")
        await settle(pilot)
        burst(app, "\tB", back=True)  # Shift+Tab, then B: back into the first name,
        await settle(pilot)           # whose text is selected on the way in, as by hand
        values = {i.id: i.value for i in app.screen.query(Input)}
        assert (values["first_name"], values["last_name"]) == ("B", "x")


async def test_enter_in_a_burst_moves_on_in_a_master_form(app):
    from tui_pos.services import masters

    async with app.run_test(size=SIZE) as pilot:
        await open_from_menu(pilot, "Customer Types")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.focused.id == "name"
        burst(app, "Horeca\r12")
        await settle(pilot)
        assert app.screen.query_one("#name", Input).value == "Horeca"
        assert app.screen.query_one("#discount", Input).value == "12"
        await pilot.press("f4")
        await pilot.pause()
    assert [(t.name, str(t.discount)) for t in masters.list_types()
            if t.name == "Horeca"] == [("Horeca", "12.00")]
