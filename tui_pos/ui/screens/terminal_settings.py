"""Tools › Configuration › Terminal Settings: this terminal's receipt printer.

The receipt width (32, 42 or 48 columns, as the printer's paper and font allow)
and where receipts go: a print command (``lp -d PRINTER``; run without a shell,
the receipt on its standard input) or a device file (``/dev/usb/lp0``). F4 (or
Ctrl+G) saves through ``printing.save_settings`` — a manager's work, audited —
and Alt+T prints a test page with what the form says now, without saving it.
"""

from __future__ import annotations

from functools import partial

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Footer, Header, Input, Label, Select, Static
from textual.worker import Worker, WorkerState

from tui_pos.services import printing
from tui_pos.services.errors import ValidationError
from tui_pos.ui.literal import literal
from tui_pos.ui.screens.approval import attempt
from tui_pos.ui.screens.base import SAVE, FormScreen, form_row, select_value
from tui_pos.ui.screens.master_list import saved_stamp
from tui_pos.ui.screens.reprint import this_terminal

TEST_GROUP = "test-print"


def sample_page(settings: printing.TerminalSettings) -> str:
    """A short page that shows whether the width is right: a ruler as wide as it."""
    width = settings.width
    ruler = ("1234567890" * 5)[:width]
    return "\n".join([f"tui-pos test print — {settings.terminal}"[:width],
                      f"{width} columns: the ruler fits one line"[:width],
                      "-" * width, ruler, "-" * width, ""])


class TerminalSettingsScreen(FormScreen):
    TITLE = "Terminal Settings"
    HELP = ("This terminal's receipt printer. Receipt width: 32 columns for 58 mm paper, "
            "42 or 48 for 80 mm (as the printer's font allows). Print command: a command "
            "that takes the receipt on its standard input, such as lp -d PRINTER (it runs "
            "without a shell; quotes group words). Device file: the printer's device, such "
            "as /dev/usb/lp0. Set one of the two, or neither (receipts are then only shown "
            "and saved).\n"
            "F4 or Ctrl+G saves (a manager's PIN when a cashier saves; written to the audit "
            "log). Alt+T prints a test page with what the form says now. A printer that "
            "fails never holds up a sale: the receipt screen says why it did not print.")
    BINDINGS = [
        SAVE,
        Binding("alt+t", "test_print", "Test print", id="terminal.test-print"),
    ]
    FORM_FIELDS = ("width", "command", "device")

    def compose(self) -> ComposeResult:
        terminal = this_terminal(self.app)
        s = printing.settings_for(terminal)
        yield Header(icon="")
        with VerticalScroll(id="terminal-form", classes="form", can_focus=False):
            yield Label(literal(f"Receipt printer of {terminal}"), classes="section first")
            yield from form_row("Receipt width", Select(
                [(f"{w} columns", w) for w in printing.WIDTHS], id="width",
                allow_blank=False, value=s.width, compact=True))
            yield from form_row("Print command", Input(
                s.command, id="command", max_length=printing.PRINTER_LENGTH, compact=True,
                placeholder="lp -d PRINTER"))
            yield from form_row("Device file", Input(
                s.device, id="device", max_length=printing.PRINTER_LENGTH, compact=True,
                placeholder="/dev/usb/lp0"))
            with Horizontal(classes="form-row buttons"):
                yield Label("")
                yield Button("Update (F4)", id="update", variant="primary", compact=True)
            yield Label(id="print-status", classes="dim")
        yield Static("", id="saved", classes="saved")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#width", Select).focus()

    def form(self) -> tuple:
        q = self.query_one
        return (select_value(q("#width", Select)) or printing.DEFAULT_WIDTH,
                q("#command", Input).value, q("#device", Input).value)

    def save(self) -> bool:
        width, command, device = self.form()
        attempt(self, lambda actor: printing.save_settings(
            actor, width, command, device, terminal=this_terminal(self.app)), self.saved)
        return False

    def saved(self, saved: printing.TerminalSettings) -> None:
        self.query_one("#command", Input).value = saved.command
        self.query_one("#device", Input).value = saved.device
        self.dirty = False
        where = saved.command or saved.device or "no printer"
        stamp = saved_stamp("")
        self.query_one("#saved", Static).update(
            literal(f"{stamp} — {saved.width} columns, {where}"))
        self.notify("Terminal Settings saved", title=stamp, timeout=3, markup=False)

    def action_test_print(self) -> None:
        """A test page to the printer the form names (saved or not), in a thread."""
        self.clear_errors()
        try:
            settings = printing.validate(this_terminal(self.app), *self.form())
        except ValidationError as error:
            self.show_error(error)
            return
        self.show_status("Printing a test page…", False)
        self.run_worker(partial(printing.send, sample_page(settings), settings), thread=True,
                        group=TEST_GROUP, exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != TEST_GROUP or event.state not in (WorkerState.SUCCESS,
                                                                   WorkerState.ERROR):
            return
        failure = event.worker.result if event.state == WorkerState.SUCCESS else \
            str(event.worker.error)
        self.show_status("Test page printed" if failure is None else
                         f"NOT printed: {failure}", failure is not None)

    def show_status(self, text: str, failed: bool) -> None:
        label = self.query_one("#print-status", Label)
        label.set_class(failed, "-error")
        label.set_class(not failed, "dim")
        label.update(literal(text))
