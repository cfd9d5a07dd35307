"""Receipts on paper: sending a receipt to this terminal's printer without ever
holding up the counter, and reprinting any past receipt (Till menu › E).

``PrintsReceipt`` is shared by the receipt of the sale just completed and a
reprint: ``printing.send`` runs in a thread worker after the sale is saved, and
the line ``#print-status`` says "Printed" or why not.
"""

from __future__ import annotations

from functools import partial

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.widgets import Input, Label, Static
from textual.worker import Worker, WorkerState

from tui_pos.services import printing, receipt_text
from tui_pos.services.errors import ValidationError
from tui_pos.ui.literal import literal
from tui_pos.ui.screens.base import PosModal, form_row

PRINT_GROUP = "print-receipt"


def this_terminal(app) -> str:
    """The terminal a sale here records (the signed-in actor's), else the app's."""
    actor = getattr(app, "actor", None)
    return actor.terminal if actor is not None and actor.terminal else app.terminal


class PrintsReceipt:
    """For a pop-up showing a receipt: print it in a thread, say how it went."""

    def print_receipt(self, text: str, only_with_printer: bool = False) -> None:
        """Send ``text`` to this terminal's printer. ``only_with_printer``: a terminal
        without one says so quietly instead of reporting a failure."""
        settings = printing.settings_for(this_terminal(self.app))  # type: ignore[attr-defined]
        if only_with_printer and not settings.prints:
            return  # a till without a printer: nothing to say after every sale
        self.show_print_status("Printing…", False)
        self.run_worker(partial(printing.send, text, settings),  # type: ignore[attr-defined]
                        thread=True, group=PRINT_GROUP, exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != PRINT_GROUP:
            return
        if event.state == WorkerState.SUCCESS:
            failure = event.worker.result
            self.show_print_status("Printed" if failure is None else
                                   f"NOT printed: {failure}", failure is not None)
        elif event.state == WorkerState.ERROR:  # send never raises; should it, say so
            self.show_print_status(f"NOT printed: {event.worker.error}", True)

    def show_print_status(self, text: str, failed: bool) -> None:
        try:
            label = self.query_one("#print-status", Label)  # type: ignore[attr-defined]
        except NoMatches:  # the pop-up closed while printing
            return
        label.set_class(failed, "-error")
        label.set_class(not failed, "dim")
        label.add_class("-shown")
        label.update(literal(text))


class ReprintAsk(PosModal[receipt_text.Reprint]):
    """Which receipt? A sale number, or Enter alone for this terminal's last sale."""

    APPLY_ON_ENTER = True
    BINDINGS = [Binding("f4", "apply", "Reprint", key_display="F4", id="reprint.apply")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Reprint a receipt", classes="dialog-question")
            yield from form_row("Sale number", Input(id="number", max_length=18,
                                                     restrict=r"[0-9]*", compact=True),
                                "Enter alone: the last sale of this terminal")

    def on_mount(self) -> None:
        self.query_one("#number", Input).focus()

    def action_apply(self) -> None:
        self.clear_errors()
        try:
            found = receipt_text.reprint(self.query_one("#number", Input).value,
                                         this_terminal(self.app))
        except ValidationError as error:
            self.show_error(error, "number")
            return
        self.dismiss(found)


class ReprintScreen(PrintsReceipt, PosModal):
    """A past receipt marked as a copy, sent to the printer as it opens; P prints
    it again; Enter, Esc or F4 go back to the bill."""

    BINDINGS = [
        Binding("enter,f4", "close", "Back to the bill", id="reprint.back"),
        Binding("p", "print_again", "Print again", id="reprint.print-again"),
    ]
    DEFAULT_CSS = """
    ReprintScreen #print-status { width: 100%; height: auto; display: none; }
    ReprintScreen #print-status.-shown { display: block; }
    ReprintScreen #print-status.-error { color: $error; text-style: bold; }
    """

    def __init__(self, reprint: receipt_text.Reprint) -> None:
        super().__init__(classes="receipt-screen")
        self.reprint = reprint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog receipt"):
            yield Label(literal(f"Copy of sale {self.reprint.number}"), id="receipt-title",
                        classes="dialog-title")
            with VerticalScroll(id="receipt-scroll"):
                yield Static(literal(self.reprint.text), id="receipt-text")
            yield Label(id="print-status", classes="dim")
            yield Label("Enter: back to the bill · P: print again", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#receipt-scroll").focus()
        self.print_receipt(self.reprint.text)

    def action_print_again(self) -> None:
        self.print_receipt(self.reprint.text)

    def action_close(self) -> None:
        self.dismiss(None)
