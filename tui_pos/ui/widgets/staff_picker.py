"""Who you are (or who approves): staff by name, found by typing, then the PIN.

The list of the sign-in screen and of the manager's-PIN pop-up. Letters
typed in it find the first name that starts with them (accents ignored);
a digit is the PIN already, so it goes on to the PIN field with the focus —
"mona1357⏎" typed ahead, over SSH or in a pty, chooses Mona and signs her in.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from tui_pos.services.staff import StaffRow
from tui_pos.services.text import fold
from tui_pos.ui.literal import literal


class StaffPicker(OptionList):
    """``rows`` by name and role; ``pin_id`` is the PIN Input the digits go to."""

    def __init__(self, rows: list[StaffRow], pin_id: str = "pin", **kwargs) -> None:
        super().__init__(*[Option(literal(f"{row.name}  ({row.role})"), id=str(row.id))
                           for row in rows], **kwargs)
        self.rows = list(rows)
        self.pin_id = pin_id
        self.typed = ""

    def on_mount(self) -> None:
        self.highlighted = 0 if self.rows else None

    @property
    def chosen_id(self) -> int | None:
        if self.highlighted is None or not self.rows:
            return None
        return self.rows[self.highlighted].id

    def on_key(self, event: events.Key) -> None:
        if not event.is_printable or not event.character:
            return
        event.stop()
        event.prevent_default()
        if event.character.isdigit():
            pin = self.screen.query_one(f"#{self.pin_id}", Input)
            pin.insert_text_at_cursor(event.character)
            pin.focus()
            return
        typed = self.typed + event.character
        index = self._find(typed)
        if index is None:  # no name starts so: start again with this letter
            typed, index = event.character, self._find(event.character)
        self.typed = typed
        if index is not None:
            self.highlighted = index

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.typed = ""  # the screen decides what Enter does next (it sees the event too)

    def _find(self, typed: str) -> int | None:
        wanted = fold(typed)
        for index, row in enumerate(self.rows):
            if fold(row.name).startswith(wanted):
                return index
        return None
