"""Import Customers › F8 Saved mappings at 80×24: rename one by typing its new name,
delete one after a Yes, a taken name said at the field; names shown literally."""

from __future__ import annotations

from textual.widgets import Input, OptionList

from tui_pos.services import mappings
from tui_pos.ui.screens.import_mappings import SavedMappingsScreen

from tests.ui.keys import SIZE, open_from_menu, screen_text, type_text
from tests.actors import OWNER

HAND = {"first_name": "Naam", "phone": "Telefoon"}


def names() -> list[str]:
    return [m.name for m in mappings.list_mappings()]


async def open_saved(pilot) -> SavedMappingsScreen:
    await open_from_menu(pilot, "Import Customers")
    await pilot.press("f8")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, SavedMappingsScreen)
    return screen


async def test_rename_then_delete_a_saved_mapping(app, store):
    mappings.save_mapping(OWNER, "Kassa [b]2019[/b]", HAND)
    mappings.save_mapping(OWNER, "Webwinkel", {"last_name": "Achternaam"})
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_saved(pilot)
        text = screen_text(app)
        assert "Kassa [b]2019[/b]" in text and "Webwinkel" in text  # literally
        assert "F8 (Ctrl+Y) deletes" in text

        await pilot.press("enter")  # the first (Kassa …): its name is offered to edit
        await pilot.pause()
        name = screen.query_one("#name", Input)
        assert app.focused is name and name.value == "Kassa [b]2019[/b]"
        await pilot.press("ctrl+u")
        await type_text(pilot, "webwinkel")
        await pilot.press("enter")  # taken, ignoring case: said at the field
        await pilot.pause()
        assert "already exists" in screen_text(app)
        assert names() == ["Kassa [b]2019[/b]", "Webwinkel"]

        await pilot.press("ctrl+u")
        await type_text(pilot, "Oude kassa")
        await pilot.press("enter")
        await pilot.pause()
        assert names() == ["Oude kassa", "Webwinkel"]
        assert "already exists" not in screen_text(app)
        listing = screen.query_one("#mapping-list", OptionList)
        assert app.focused is listing and listing.highlighted == 0

        await pilot.press("down", "f8")  # Webwinkel; asked first, N keeps it
        await pilot.pause()
        assert "Delete the saved mapping 'Webwinkel'?" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert names() == ["Oude kassa", "Webwinkel"]
        await pilot.press("ctrl+y")  # the alias, then Yes
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert names() == ["Oude kassa"]
        assert "Webwinkel" not in screen_text(app)

        await pilot.press("escape")
        await pilot.pause()
        summary = str(app.screen.query_one("#summary").render())
        assert summary == "Saved mappings changed; F5 checks the file again."


async def test_no_saved_mappings_is_said(app, store):
    async with app.run_test(size=SIZE) as pilot:
        await open_saved(pilot)
        assert "No saved mappings" in screen_text(app)
        await pilot.press("f8", "enter")  # nothing to delete or rename: nothing happens
        await pilot.pause()
        assert isinstance(app.screen, SavedMappingsScreen)
