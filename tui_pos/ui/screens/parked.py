"""Park and recall on the Sales Bill (Till menu › P and › R).

``ParkNoteScreen`` asks an optional note and parks the bill (Enter);
``ParkedBillsScreen`` lists the parked bills of every till, filtered as you
type a number or a customer's name; Enter recalls the highlighted one as it was
parked, Alt+P at today's prices. Both call the service themselves so a refusal
is shown where the cashier is looking; they dismiss with the result.
"""

from __future__ import annotations

import datetime as dt

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Label, Static

from tui_pos.money import format_date, format_money
from tui_pos.services import parked
from tui_pos.services.actors import Actor
from tui_pos.services.errors import ValidationError
from tui_pos.services.sales import SaleDraft
from tui_pos.ui.literal import cell, literal
from tui_pos.ui.screens.base import FieldError, PosModal

COLUMNS = (("No.", 5), ("Parked", 11), ("Till", 9), ("Customer", 14), ("Note", 14),
           ("Total", 10))


class ParkNoteScreen(PosModal[int]):
    """An optional note for whoever recalls the bill; Enter parks it (its number)."""

    APPLY_ON_ENTER = True
    HELP = ("The bill is put aside under a number, in the database, and the Sales Bill is "
            "empty for the next customer. Recall it from any till: Till menu › R.")
    DEFAULT_CSS = """
    ParkNoteScreen #note { width: 1fr; }
    """

    def __init__(self, actor: Actor, draft: SaleDraft) -> None:
        super().__init__()
        self.actor, self.draft = actor, draft

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Park this bill", classes="dialog-title")
            yield Label("A note for whoever recalls it (optional). Enter parks, Esc goes back.",
                        classes="dim dialog-hint")
            yield Input(id="note", compact=True, max_length=parked.NOTE_LENGTH,
                        placeholder="e.g. fetching a wallet")
            yield FieldError(id="note-error")

    def on_mount(self) -> None:
        self.query_one("#note", Input).focus()

    def action_apply(self) -> None:
        self.clear_errors()
        try:
            number = parked.park(self.actor, self.draft, self.query_one("#note", Input).value)
        except ValidationError as error:
            self.show_error(error, "note")
            return
        self.dismiss(number)


class ParkedBillsScreen(PosModal[parked.Recalled]):
    """The parked bills, newest first; type to filter; Enter recalls as parked,
    Alt+P re-priced at today's prices."""

    HELP = ("Every till's parked bills, newest first. Type a number or part of a customer's "
            "name to filter; ↑↓ choose. Enter recalls the bill as it was parked (its prices, "
            "overrides and approvals); Alt+P recalls it at today's prices, leaving off items "
            "no longer sold. A bill is recalled once: another till is told it is gone.")
    BINDINGS = [
        Binding("alt+p", "recall(True)", "Recall at today's prices", id="parked.reprice"),
    ]
    DEFAULT_CSS = """
    ParkedBillsScreen #parked-bills { height: 1fr; }
    """

    def __init__(self, actor: Actor, locale: str | None = None) -> None:
        super().__init__()
        self.actor, self.locale = actor, locale
        self.rows: dict[int, parked.ParkedRow] = {}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog parked"):
            yield Label("Parked bills — type a number or a customer's name",
                        classes="dialog-title")
            yield Input(id="parked-query", compact=True, placeholder="number or customer")
            yield DataTable(id="parked-bills", cursor_type="row")
            yield Static("", id="parked-detail")
            yield FieldError(id="parked-error")
            yield Label("Enter: recall as parked · Alt+P: recall at today's prices · Esc: back",
                        classes="dim")

    def on_mount(self) -> None:
        box = self.query_one(".parked")  # wider than a dialog: the whole 80 columns
        box.styles.width, box.styles.height = 80, 22
        table = self.query_one("#parked-bills", DataTable)
        for label, width in COLUMNS:
            table.add_column(label, width=width)
        self.fill("")
        self.query_one("#parked-query", Input).focus()

    def fill(self, query: str) -> None:
        table = self.query_one("#parked-bills", DataTable)
        table.clear()
        self.rows = {row.number: row for row in parked.list_parked(query=query)}
        for row in self.rows.values():
            table.add_row(cell(row.number, 5, justify="right"), cell(self.when(row), 11),
                          cell(row.terminal, 9), cell(row.customer_name or "—", 14),
                          cell(row.note, 14),
                          cell(format_money(row.total, locale=self.locale), 10, justify="right"),
                          key=str(row.number))
        self.show_detail()

    def show_detail(self) -> None:
        """The highlighted bill in full: who parked it, where, its lines and note."""
        row = self.rows.get(self.chosen()) if self.chosen() is not None else None
        text = ""
        if row is not None:
            lines = f"{row.lines} line{'s' if row.lines != 1 else ''}"
            text = f"Bill {row.number}: {lines}, parked by {row.cashier} on {row.terminal}"
            if row.note:
                text += f" — {row.note}"
        self.query_one("#parked-detail", Static).update(literal(text))  # wraps: the whole note

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self.show_detail()

    def when(self, row: parked.ParkedRow) -> str:
        """ "today 14:05", or the date it was parked."""
        if row.parked_at.date() == dt.date.today():
            return f"today {row.parked_at:%H:%M}"
        return format_date(row.parked_at, self.locale)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.query_one("#parked-error", FieldError).clear()
        self.fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_recall(False)

    def on_key(self, event) -> None:
        if event.key in ("down", "up") and self.query_one("#parked-query", Input).has_focus:
            table = self.query_one("#parked-bills", DataTable)
            table.focus()
            if event.key == "down" and table.row_count > 1:
                table.move_cursor(row=table.cursor_row + 1)
            event.stop()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_recall(False)

    def chosen(self) -> int | None:
        table = self.query_one("#parked-bills", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key
        return int(key.value)

    def action_recall(self, reprice: bool) -> None:
        number = self.chosen()
        if number is None:
            self.show_error(ValidationError("No parked bill matches", "parked"))
            return
        try:
            recalled = parked.recall_bill(self.actor, number, reprice=reprice)
        except ValidationError as error:
            self.show_error(error, "parked")
            self.fill(self.query_one("#parked-query", Input).value)
            return
        self.dismiss(recalled)
