"""What the Pilot tests share: typing as a person types, reading the screen."""

from __future__ import annotations

import io

from rich.console import Console
from textual.widgets import OptionList

SIZE = (80, 24)

KEY_NAMES = {" ": "space", "*": "asterisk", ".": "full_stop", "-": "minus", "@": "at",
             ",": "comma", "/": "slash", "+": "plus"}


async def type_text(pilot, text: str) -> None:
    """Press one key per character."""
    await pilot.press(*[KEY_NAMES.get(c, c) for c in text])


async def tab_to(pilot, widget_id: str, limit: int = 40) -> None:
    """Press Tab until the field has the focus, as a person would."""
    for _ in range(limit):
        if pilot.app.focused is not None and pilot.app.focused.id == widget_id:
            return
        await pilot.press("tab")
    raise AssertionError(f"Tab never reached #{widget_id}")


async def choose(pilot, select_id: str, starts: str) -> None:
    """Tab to a Select, open it with Enter, arrow down to the option, Enter."""
    await tab_to(pilot, select_id)
    await pilot.press("enter")
    await pilot.pause()
    overlay = pilot.app.focused
    for _ in range(30):
        option = overlay.get_option_at_index(overlay.highlighted)
        if str(option.prompt).startswith(starts):
            break
        await pilot.press("down")
    else:
        raise AssertionError(f"{starts} is not offered in #{select_id}")
    await pilot.press("enter")
    await pilot.pause()


async def choose_approver(pilot, name: str) -> None:
    """In the manager's-PIN pop-up: type the first letters of ``name`` in the list of
    approvers, as a person does; the PIN typed next goes to the PIN field."""
    await tab_to(pilot, "staff")
    await type_text(pilot, name.lower())
    await pilot.pause()
    picker = pilot.app.focused
    chosen = picker.rows[picker.highlighted].name if picker.highlighted is not None else None
    if chosen != name:
        raise AssertionError(f"{name} is not offered as approver (found {chosen})")


async def open_from_menu(pilot, name: str) -> None:
    """Walk the main menu with the arrow keys to ``name`` and press Enter."""
    menu = pilot.app.screen.query_one("#menu", OptionList)
    for _ in range(menu.option_count):
        if menu.get_option_at_index(menu.highlighted).id == name:
            break
        await pilot.press("down")
    else:
        raise AssertionError(f"{name} is not in the menu")
    await pilot.press("enter")
    await pilot.pause()


def screen_text(app) -> str:
    """What the terminal shows now, as plain text (pop-ups and toasts included)."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True,
                      color_system=None, legacy_windows=False)
    console.print(app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens))
    return console.export_text()
