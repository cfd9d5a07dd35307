"""F1 help, and the same help from the command palette for a terminal without F-keys."""

from __future__ import annotations

from tests.ui.keys import SIZE, screen_text, type_text
from tui_pos.ui.screens.base import HelpScreen
from tui_pos.ui.screens.sales_bill import SalesBillScreen


async def test_help_from_the_palette_lists_the_screen_s_keys(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")  # the Sales Bill
        await pilot.pause()
        assert isinstance(app.screen, SalesBillScreen)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "Help")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "Help — Sales Bill" in text and "Pay" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SalesBillScreen)


async def test_f1_opens_the_same_help(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "Help — Sales Bill" in screen_text(app)
