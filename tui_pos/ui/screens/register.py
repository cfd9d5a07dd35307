"""The register on this terminal: open it with the counted float, paid in/out,
the X report, the Z close counting each tender, and the Z list with reprints.

The pop-ups run from the Sales Bill's Till menu; ``RegisterScreen`` is the main
menu's "Register" (Sales). Every figure comes from ``services.register``; the
report text is shown literally.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Footer, Header, Input, Label, Static

from tui_pos.money import format_money
from tui_pos.services import config, register
from tui_pos.services.errors import NotFound, ValidationError
from tui_pos.ui.literal import cell, literal
from tui_pos.ui.screens.approval import attempt
from tui_pos.ui.screens.base import FieldError, PosModal, PosScreen

APPLY = Binding("f4,ctrl+g", "apply", "OK", key_display="F4", id="register.apply")


def _row(label: str, widget) -> Horizontal:
    return Horizontal(Label(literal(label)), widget, classes="form-row")


def _terminal(screen) -> str:
    actor = getattr(screen.app, "actor", None)
    return actor.terminal if actor is not None else ""


class OpenRegisterPopup(PosModal[register.SessionInfo]):
    """Open this terminal's register with the float counted into the drawer.
    Enter or F4 opens it; Esc leaves it closed."""

    BINDINGS = [APPLY]
    APPLY_ON_ENTER = True

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog register-open"):
            yield Label(literal(f"Open the register on {_terminal(self)}"),
                        classes="dialog-title")
            yield Static("Count the cash in the drawer and type it.", classes="dim")
            yield _row("Float", Input("", id="float", compact=True, placeholder="e.g. 100,00"))
            yield FieldError(id="float-error")
            yield FieldError(id="register-error")
            yield Static("Enter/F4 open · Esc not now", classes="dim")

    def on_mount(self) -> None:
        self.query_one("#float", Input).focus()

    def action_apply(self) -> None:
        self.clear_errors()
        amount = self.query_one("#float", Input).value
        attempt(self, lambda actor: register.open_register(actor, amount), self.dismiss,
                lambda error: self.show_error(error, "float"))


class CashMovementPopup(PosModal[int]):
    """Paid in or paid out: an amount and the reason (both required). Enter in the
    amount goes on to an empty reason; Enter in the reason records."""

    BINDINGS = [APPLY]
    APPLY_ON_ENTER = False  # Enter is handled here (PosModal's handler runs too)

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind  # "paid_in" or "paid_out"

    def compose(self) -> ComposeResult:
        title = "Paid in — cash into the drawer" if self.kind == "paid_in" else \
            "Paid out — cash out of the drawer"
        with Vertical(classes="dialog register-cash"):
            yield Label(title, classes="dialog-title")
            yield _row("Amount", Input("", id="amount", compact=True))
            yield FieldError(id="amount-error")
            yield _row("Reason", Input("", id="reason", compact=True, max_length=200))
            yield FieldError(id="reason-error")
            yield FieldError(id="register-error")
            yield Static("Enter/F4 record · Esc cancel", classes="dim")

    def on_mount(self) -> None:
        self.query_one("#amount", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "amount" and not self.query_one("#reason", Input).value:
            self.query_one("#reason", Input).focus()
            return
        self.action_apply()

    def action_apply(self) -> None:
        self.clear_errors()
        amount = self.query_one("#amount", Input).value
        reason = self.query_one("#reason", Input).value
        call = register.paid_in if self.kind == "paid_in" else register.paid_out
        attempt(self, lambda actor: call(actor, amount, reason), self.dismiss,
                lambda error: self.show_error(error, "amount"))


class ReportPopup(PosModal[None]):
    """An X or Z report's text; Enter or Esc closes it."""

    BINDINGS = [Binding("enter", "cancel", "Close", id="register.report_close")]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text, self.text = title, text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog register-report"):
            yield Label(literal(self.title_text), classes="dialog-title")
            with VerticalScroll(id="report-scroll"):
                yield Static(literal(self.text), id="report-text")
            yield Static("↑↓ scroll · Enter/Esc close", classes="dim")

    def on_mount(self) -> None:
        # the app's .dialog rule outranks a DEFAULT_CSS: sized here, as the receipt is
        box = self.query_one(".register-report")
        box.styles.width, box.styles.height = 48, 22
        scroll = self.query_one("#report-scroll")
        scroll.styles.height = "1fr"
        scroll.focus()


class CloseRegisterPopup(PosModal[register.ZReport]):
    """The Z close: type what was counted for each tender, F4 closes the register.
    The expected amounts stay hidden (a blind count); the Z shows the difference."""

    BINDINGS = [APPLY]

    def __init__(self, session_id: int) -> None:
        super().__init__()
        report = register.x_report(session_id)
        self.methods = [t.method for t in report.tenders if t.countable]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog register-close"):
            yield Label("Close the register (Z) — count each tender",
                        classes="dialog-title")
            for i, method in enumerate(self.methods):
                yield _row(f"{method} counted", Input("", id=f"count-{i}", compact=True))
                yield FieldError(id=f"count-{i}-error")
            yield FieldError(id="register-error")
            yield Static("Enter next · F4 close the register · Esc cancel", classes="dim")

    def on_mount(self) -> None:
        self.query_one("#count-0", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        index = int(event.input.id.rsplit("-", 1)[1])
        if index + 1 < len(self.methods):
            self.query_one(f"#count-{index + 1}", Input).focus()
        else:
            self.action_apply()

    def action_apply(self) -> None:
        self.clear_errors()
        counted = {m: self.query_one(f"#count-{i}", Input).value
                   for i, m in enumerate(self.methods)}
        attempt(self, lambda actor: register.close_register(actor, counted), self.dismiss,
                self.show_count_error)

    def show_count_error(self, error: ValidationError) -> None:
        field = error.field or ""
        if field.startswith("count:") and field[6:] in self.methods:
            error = ValidationError(error.message, f"count-{self.methods.index(field[6:])}")
        self.show_error(error, "register")


class RegisterScreen(PosScreen):
    """Sales › Register: this terminal's register now, its X report, and every Z
    report kept (Enter reprints the highlighted one)."""

    TITLE = "Register"
    HELP = ("The register of this terminal: open or closed, its float and the cash "
            "expected in the drawer.\nX shows the X report (read-only, any time). "
            "The table lists the Z reports kept, newest first: Enter shows one to reprint.\n"
            "Open, paid in/out, no sale and the Z close are in the Sales Bill's Till menu "
            "(F8).")
    BINDINGS = [
        Binding("x", "x_report", "X report", id="register.x"),
        Binding("escape", "back", "Back", id="back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static("", id="register-status")
        yield DataTable(id="z-list", cursor_type="row", zebra_stripes=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#z-list", DataTable)
        table.add_columns("Z", "Terminal", "Opened", "Closed", "By")
        self.build()
        table.focus()

    def on_screen_resume(self) -> None:
        self.build()

    def build(self) -> None:
        locale = config.get_settings().locale
        terminal = _terminal(self)
        info = register.current(terminal)
        if info is None:
            status = f"{terminal}: the register is closed (open it from the Sales Bill, F8 › O)"
        else:
            cash = register.x_report(info.id).expected_cash
            status = (f"{terminal}: open since {info.opened_at:%Y-%m-%d %H:%M} by "
                      f"{info.opened_by}, float {format_money(info.opening_float, locale=locale)}"
                      f", cash expected {format_money(cash, locale=locale)}")
        self.query_one("#register-status", Static).update(literal(status))
        table = self.query_one("#z-list", DataTable)
        table.clear()
        for z in register.list_z():
            table.add_row(cell(z.z_number), cell(z.terminal, 20),
                          cell(f"{z.opened_at:%Y-%m-%d %H:%M}"),
                          cell(f"{z.closed_at:%Y-%m-%d %H:%M}" if z.closed_at else ""),
                          cell(z.closed_by, 16), key=str(z.z_number))

    def action_x_report(self) -> None:
        info = register.current(_terminal(self))
        if info is None:
            self.notify("The register is closed: no X report", severity="warning")
            return
        text = register.z_text(register.x_report(info.id),
                               locale=config.get_settings().locale)
        self.app.push_screen(ReportPopup(f"X report — {info.terminal}", text))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.reprint(int(event.row_key.value))

    def reprint(self, number: int) -> None:
        try:
            z = register.z_by_number(number)
        except NotFound as error:
            self.notify(error.message, severity="error", markup=False)
            return
        self.app.push_screen(ReportPopup(f"Z report {number} (copy)", z.text))
