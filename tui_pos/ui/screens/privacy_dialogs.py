"""The customer page's privacy pop-ups: export everything held, erase on request.

``ExportDataScreen`` asks where (a file beside the database by default) and
in which format, writes it owner-only and dismisses with the path.
``EraseCustomerScreen`` asks for the reason and the customer number typed
again, then erases through ``attempt`` — a cashier gets the manager-PIN
pop-up — and dismisses with what was done (``privacy.Erasure``).
"""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Select

from tui_pos.services import privacy
from tui_pos.services.errors import ValidationError
from tui_pos.ui.literal import literal
from tui_pos.ui.screens.approval import attempt
from tui_pos.ui.screens.base import PosModal, form_row, select_value

NAME_IN_TEXT = 40


class ExportDataScreen(PosModal[Path]):
    """Export a customer's data: the file and its format; Enter or F4 writes it."""

    APPLY_ON_ENTER = True
    BINDINGS = [
        Binding("f4,ctrl+o", "apply", "Write", key_display="F4", id="export_data.apply"),
    ]

    def __init__(self, customer_id: int, number: str, name: str, receipts_dir: str) -> None:
        super().__init__()
        self.customer_id, self.number, self.customer_name = customer_id, number, name
        self.folder = Path(receipts_dir).parent  # beside the database, as reports are

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(literal(f"Export everything held about {self.customer_name}",
                                2 * NAME_IN_TEXT), classes="dialog-title")
            yield from form_row("Format", Select(
                [("JSON", "json"), ("CSV (sections)", "csv")], id="format",
                allow_blank=False, value="json", compact=True))
            yield from form_row("File", Input(
                str(self.folder / privacy.default_file_name(self.number)), id="path",
                compact=True))
            yield Label("Owner-only (personal data) · Enter writes · Esc cancels",
                        classes="dim")

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        """The file name follows the format while it is the suggested one."""
        event.stop()
        path = self.query_one("#path", Input)
        chosen = select_value(event.select) or "json"
        for other in privacy.FORMATS:
            if path.value.endswith(f".{other}") and other != chosen:
                path.value = path.value[: -len(other)] + chosen

    def action_apply(self) -> None:
        self.clear_errors()
        target = self.query_one("#path", Input).value
        file_format = select_value(self.query_one("#format", Select)) or "json"
        attempt(self, lambda actor: privacy.export_customer_to(
            actor, self.customer_id, target, file_format), self.dismiss,
            lambda error: self.show_error(error, "path"))


class EraseCustomerScreen(PosModal[privacy.Erasure]):
    """Erase a customer on request: the reason and the number typed again; a manager's
    PIN when a cashier asks. Nothing can undo it, so the number must be typed."""

    APPLY_ON_ENTER = False  # Enter in the reason moves on; in the number it erases
    BINDINGS = [
        Binding("f4,ctrl+o", "apply", "Erase", key_display="F4", id="erase_customer.apply"),
    ]

    def __init__(self, customer_id: int, number: str, name: str, receipts_dir: str) -> None:
        super().__init__()
        self.customer_id, self.number, self.customer_name = customer_id, number, name
        self.receipts_dir = receipts_dir

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(literal(f"Erase {self.customer_name} ({self.number})?",
                                2 * NAME_IN_TEXT), classes="dialog-title")
            yield Label(literal("Name, contact details, birthday, tags, custom fields and "
                                "notes are removed for good; the sales stay for the books "
                                "with the name replaced. Nothing can undo it."),
                        classes="dialog-question")
            yield from form_row("Reason", Input(id="reason", max_length=privacy.REASON_LENGTH,
                                                placeholder="e.g. asked by e-mail (no names)",
                                                compact=True))
            yield from form_row("Number", Input(id="confirm", compact=True,
                                                placeholder="type the customer number"))
            yield Label("Enter erases · Esc cancels", classes="dim")

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "reason":
            self.query_one("#confirm", Input).focus()
        else:
            self.action_apply()

    def action_apply(self) -> None:
        self.clear_errors()
        if self.query_one("#confirm", Input).value.strip() != self.number:
            self.show_error(ValidationError(
                f"Type the customer number {self.number} to confirm", "confirm"))
            return
        reason = self.query_one("#reason", Input).value
        attempt(self, lambda actor: privacy.erase_customer(
            actor, self.customer_id, reason, receipts_dir=self.receipts_dir), self.dismiss,
            lambda error: self.show_error(error, "reason"))
