"""With NO_COLOR the highlighted row still stands out: reverse video, not a
slightly different grey."""

from __future__ import annotations

from textual.widgets import DataTable, OptionList

from tests.actors import OWNER
from tests.ui.keys import SIZE, open_from_menu


async def test_the_cursor_is_reverse_video_without_colour(store, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    from tui_pos.ui.app import PosApp

    app = PosApp(database=store["path"], actor=OWNER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        menu = app.screen.query_one("#menu", OptionList)
        assert menu.get_component_rich_style("option-list--option-highlighted").reverse
        await open_from_menu(pilot, "Items")
        table = app.screen.query_one(DataTable)
        assert table.get_component_rich_style("datatable--cursor").reverse


async def test_with_colour_the_cursor_keeps_the_theme(store, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    from tui_pos.ui.app import PosApp

    app = PosApp(database=store["path"], actor=OWNER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        menu = app.screen.query_one("#menu", OptionList)
        assert not menu.get_component_rich_style("option-list--option-highlighted").reverse
