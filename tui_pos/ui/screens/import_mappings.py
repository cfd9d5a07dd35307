"""Import Customers › Saved mappings (F8): rename or delete a mapping made by hand.

A pop-up listing every saved mapping by name. ↑↓ choose one; type a new name
and press Enter to rename it; F8 (Ctrl+Y) deletes it after a Yes. The rules
(unique names ignoring case, checked text) are in ``services.mappings``.
Names are shown literally.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from tui_pos.services import mappings
from tui_pos.ui.screens.approval import attempt
from tui_pos.services.errors import ValidationError
from tui_pos.ui.literal import literal
from tui_pos.ui.screens.base import ConfirmScreen, FieldError, PosModal


class SavedMappingsScreen(PosModal[bool]):
    """Dismisses True when a mapping was renamed or deleted (the caller re-reads)."""

    DEFAULT_CSS = """
    SavedMappingsScreen .saved-mappings { height: auto; max-height: 22; }
    SavedMappingsScreen #mapping-list { height: auto; max-height: 10; }
    """
    APPLY_ON_ENTER = True
    BINDINGS = [
        Binding("f8,ctrl+y", "delete", "Delete", key_display="F8", id="mappings.delete"),
        Binding("escape", "cancel", "Close", id="mappings.close"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.changed = False
        self.saved: list[mappings.SavedMapping] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog saved-mappings"):
            yield Label("Saved mappings", classes="dialog-title")
            yield OptionList(id="mapping-list")
            yield FieldError(id="mapping-error")
            yield Input(id="name", placeholder="new name for the chosen mapping, Enter renames",
                        max_length=mappings.NAME_LENGTH)
            yield FieldError(id="name-error")
            yield Label("↑↓ choose · Enter renames · F8 (Ctrl+Y) deletes · Esc closes",
                        classes="dim")

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#mapping-list", OptionList).focus()

    def reload(self, keep: int | None = None) -> None:
        self.saved = mappings.list_mappings()
        listing = self.query_one("#mapping-list", OptionList)
        listing.clear_options()
        listing.add_options([Option(literal(m.name), id=str(m.id)) for m in self.saved])
        if not self.saved:
            listing.add_option(Option("No saved mappings", disabled=True))
            return
        ids = [m.id for m in self.saved]
        listing.highlighted = ids.index(keep) if keep in ids else 0

    def chosen(self) -> mappings.SavedMapping | None:
        index = self.query_one("#mapping-list", OptionList).highlighted
        return self.saved[index] if index is not None and index < len(self.saved) else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a mapping: type its new name below."""
        event.stop()
        found = self.chosen()
        if found is not None:
            name = self.query_one("#name", Input)
            name.value = found.name
            name.focus()

    def action_apply(self) -> None:
        self.clear_errors()
        found = self.chosen()
        if found is None:
            return
        name = self.query_one("#name", Input).value

        def done(renamed: mappings.SavedMapping) -> None:
            self.changed = True
            self.query_one("#name", Input).value = ""
            self.reload(keep=renamed.id)
            self.query_one("#mapping-list", OptionList).focus()
            self.notify(f"Renamed to {renamed.name}", markup=False)

        attempt(self, lambda actor: mappings.rename_mapping(actor, found.id, name), done,
                lambda exc: self.show_error(exc, "name"))

    def action_delete(self) -> None:
        found = self.chosen()
        if found is None:
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            self.clear_errors()

            def done(_: None) -> None:
                self.changed = True
                self.reload()
                self.query_one("#mapping-list", OptionList).focus()

            def refused(exc: ValidationError) -> None:
                self.show_error(exc, "mapping")
                done(None)  # gone elsewhere: the list shows what is left

            attempt(self, lambda actor: mappings.delete_mapping(actor, found.id), done, refused)

        self.app.push_screen(ConfirmScreen(f"Delete the saved mapping {found.name!r}?",
                                           yes="Delete", no="Keep"), answered)

    def action_cancel(self) -> None:
        self.dismiss(self.changed)
