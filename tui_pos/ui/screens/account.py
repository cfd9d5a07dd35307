"""A customer's credit account: the statement screen, and the pop-ups for a
payment on account and a manager's adjustment.

``StatementScreen``: opening balance, every entry with its running balance,
closing balance, for a period typed as From / To (Enter shows it). From it,
F5 (Alt+P) takes a payment and F6 (Alt+J) adjusts the balance.
``AccountPaymentScreen``: amount and tender (cash, card, the shop's own);
dismisses with the ``AccountPayment`` (its receipt text) or None.
``AdjustmentScreen``: an amount up or down with a reason — a manager's PIN
is asked on the spot when a cashier tries.

Every figure comes from ``services/accounts.py``; nothing is computed here.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, DataTable, Footer, Header, Input, Label, Select, Static

from tui_pos.money import format_date, format_money
from tui_pos.services import accounts, config, printing
from tui_pos.services.errors import ValidationError
from tui_pos.ui.literal import cell, fit, literal
from tui_pos.ui.screens.approval import attempt
from tui_pos.ui.screens.base import FieldError, PosModal, PosScreen, form_row, select_value
from tui_pos.ui.screens.reprint import PrintsReceipt, this_terminal

NAME_CELLS = 40
WHAT_WIDTH = 36  # the statement's description column


def balance_words(info: accounts.AccountInfo, locale: str | None, currency: str = "") -> str:
    """'balance 34,50 · limit 100,00 · available 65,50', or why there is no account."""
    def money(value) -> str:
        return format_money(value, currency, locale)

    if not info.has_account:
        text = "no credit account (no credit limit)"
        return text if not info.balance else f"{text} · balance {money(info.balance)}"
    return (f"balance {money(info.balance)} · limit {money(info.limit)} · "
            f"available {money(info.available)}")


class StatementScreen(PrintsReceipt, PosScreen):
    """One customer's account statement for a period."""

    TITLE = "Account statement"
    HELP = ("The customer's credit account: the balance at the start of the period, every "
            "charge, payment, refund and adjustment in it with the balance after each, and "
            "the balance at its end. Type From and To as YYYY-MM-DD (empty From: since the "
            "first entry; empty To: today) and press Enter.\n"
            "F5 or Alt+P takes a payment on account (the register must be open); F6 or "
            "Alt+J adjusts the balance with a reason (a manager's PIN); F7 or Alt+R prints "
            "the statement on this till's receipt printer, at its width.")
    BINDINGS = [
        Binding("f5,alt+p", "payment", "Pay", key_display="F5", id="statement.payment"),
        Binding("f6,alt+j", "adjust", "Adjust", key_display="F6", id="statement.adjust"),
        Binding("f7,alt+r", "print_statement", "Print", key_display="F7",
                id="statement.print"),
        Binding("escape", "back", "Back", id="back"),
    ]
    DEFAULT_CSS = """
    StatementScreen #print-status { width: 100%; height: auto; display: none; }
    StatementScreen #print-status.-shown { display: block; }
    StatementScreen #print-status.-error { color: $error; text-style: bold; }
    """

    def __init__(self, customer_id: int) -> None:
        super().__init__()
        self.customer_id = customer_id
        settings = config.get_settings()
        self.locale, self.currency = settings.locale, settings.currency
        self.statement: accounts.Statement | None = None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="")
        with Horizontal(id="st-period", classes="bill-row"):
            yield Label("From")
            yield Input(id="from", compact=True, placeholder="YYYY-MM-DD", max_length=10)
            yield Label("To")
            yield Input(id="to", compact=True, placeholder="today", max_length=10)
        yield FieldError(id="from-error")
        yield FieldError(id="to-error")
        yield Static("", id="st-account")
        yield Static("", id="st-opening")
        table = DataTable(id="st-lines", cursor_type="row", zebra_stripes=False)
        yield table
        yield Static("", id="st-closing")
        yield Label(id="print-status", classes="dim")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#st-lines", DataTable)
        table.add_column("Date", key="date", width=10)
        table.add_column("What", key="what", width=WHAT_WIDTH)
        table.add_column("Amount", key="amount", width=12)
        table.add_column("Balance", key="balance", width=12)
        self.load()
        self.query_one("#from", Input).focus()

    def money(self, value) -> str:
        return format_money(value, locale=self.locale)

    def load(self) -> None:
        self.clear_errors()
        start = self.query_one("#from", Input).value
        end = self.query_one("#to", Input).value
        try:
            st = self.statement = accounts.statement(self.customer_id, start, end)
        except ValidationError as error:
            self.show_error(error, "from")
            return
        since = format_date(st.start, self.locale) if st.start else "the first entry"
        self.sub_title = fit(f"{st.number} {st.name}", 2 * NAME_CELLS)
        info = accounts.account_info(self.customer_id)
        self.query_one("#st-account", Static).update(literal(
            f"{fit(st.name, NAME_CELLS)} #{st.number} — now "
            f"{balance_words(info, self.locale)}"))
        self.query_one("#st-opening", Static).update(literal(
            f"Opening balance {self.money(st.opening)} ({since} – "
            f"{format_date(st.end, self.locale)})"))
        table = self.query_one("#st-lines", DataTable)
        table.clear()
        for n, line in enumerate(st.lines):
            table.add_row(cell(format_date(line.at, self.locale)),
                          cell(accounts.describe(line), WHAT_WIDTH),
                          cell(self.money(line.amount), justify="right"),
                          cell(self.money(line.balance), justify="right"), key=str(n))
        entries = len(st.lines)
        self.query_one("#st-closing", Static).update(literal(
            f"Closing balance {self.currency} {self.money(st.closing)} · {entries} "
            f"entr{'y' if entries == 1 else 'ies'}"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.load()

    def action_print_statement(self) -> None:
        """The statement as shown, laid out for this till's printer, sent in a thread."""
        if self.statement is None:
            return
        width = printing.settings_for(this_terminal(self.app)).width
        self.print_receipt(accounts.statement_text(self.statement, width, self.locale))

    def action_payment(self) -> None:
        def paid(result: accounts.AccountPayment | None) -> None:
            if result is not None:
                self.load()
                self.app.push_screen(AccountReceiptScreen(result))

        self.app.push_screen(AccountPaymentScreen(self.customer_id), paid)

    def action_adjust(self) -> None:
        def adjusted(done: bool | None) -> None:
            if done:
                self.load()
                self.notify("The adjustment is on the account", timeout=3)

        self.app.push_screen(AdjustmentScreen(self.customer_id), adjusted)


class AccountDialog(PosModal):
    """A pop-up form about one customer's account: F4 or Enter applies, Esc cancels."""

    BINDINGS = [
        Binding("f4,ctrl+g", "apply", "Apply", key_display="F4", id="account_dialog.apply"),
    ]
    APPLY_ON_ENTER = True

    def __init__(self, customer_id: int) -> None:
        super().__init__()
        self.customer_id = customer_id
        settings = config.get_settings()
        self.locale, self.currency = settings.locale, settings.currency
        self.info = accounts.account_info(customer_id)

    def heading(self, what: str) -> list[Label]:
        return [Label(literal(f"{what}: {fit(self.info.name, NAME_CELLS)} #{self.info.number}"),
                      classes="dialog-title"),
                Label(literal(balance_words(self.info, self.locale, self.currency)),
                      id="ad-balance")]


class AccountPaymentScreen(AccountDialog):
    """A payment on account: how much and how (the register must be open)."""

    def compose(self) -> ComposeResult:
        methods = [(cell(name), method_id) for method_id, name in accounts.payment_methods()]
        with Vertical(classes="dialog"):
            yield from self.heading("Payment on account")
            yield from form_row("Amount", Input(id="amount", compact=True,
                                                placeholder="what the customer pays"))
            yield from form_row("Paid by", Select(methods, id="method", allow_blank=False,
                                                  compact=True))
            yield FieldError(id="register-error")
            yield FieldError(id="customer-error")
            yield Static("F4/Enter take the payment · Esc cancel", classes="dim")

    def on_mount(self) -> None:
        self.query_one("#amount", Input).focus()

    def action_apply(self) -> None:
        self.clear_errors()
        amount = self.query_one("#amount", Input).value
        method_id = select_value(self.query_one("#method", Select))
        attempt(self, lambda actor: accounts.take_payment(actor, self.customer_id, amount,
                                                          method_id),
                self.dismiss, lambda error: self.show_error(error, "amount"))


class AdjustmentScreen(AccountDialog):
    """A manager's correction of the balance, with the reason kept."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield from self.heading("Adjust the account")
            yield from form_row("Amount", Input(id="amount", compact=True,
                                                placeholder="+ owes more, - owes less"))
            yield from form_row("Reason", Input(id="reason", compact=True,
                                                max_length=accounts.REASON_LENGTH))
            yield FieldError(id="customer-error")
            yield Static("F4/Enter apply (a manager's PIN) · Esc cancel", classes="dim")

    def on_mount(self) -> None:
        self.query_one("#amount", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        event.prevent_default()  # not PosModal's apply-on-Enter as well
        if event.input.id == "amount":  # Enter in the amount moves on to the reason
            self.query_one("#reason", Input).focus()
        else:
            self.action_apply()

    def action_apply(self) -> None:
        self.clear_errors()
        amount = self.query_one("#amount", Input).value
        reason = self.query_one("#reason", Input).value
        attempt(self, lambda actor: accounts.adjust(actor, self.customer_id, amount, reason),
                lambda _: self.dismiss(True), lambda error: self.show_error(error, "amount"))


class AccountReceiptScreen(PrintsReceipt, PosModal):
    """The payment's short receipt, sent to this terminal's printer (if it has one)
    in a thread, "Printed" or why not under it; P prints it again; Enter or Esc closes."""

    BINDINGS = [Binding("enter,f4", "cancel", "Close", id="account_receipt.close"),
                Binding("p", "print_again", "Print again", id="account_receipt.print")]
    DEFAULT_CSS = """
    AccountReceiptScreen #print-status { width: 100%; height: auto; display: none; }
    AccountReceiptScreen #print-status.-shown { display: block; }
    AccountReceiptScreen #print-status.-error { color: $error; text-style: bold; }
    """

    def __init__(self, payment: accounts.AccountPayment) -> None:
        super().__init__()
        self.payment = payment

    def compose(self) -> ComposeResult:
        locale = config.get_settings().locale
        with Vertical(classes="dialog receipt"):
            yield Label(literal(f"Payment of {format_money(self.payment.amount, locale=locale)}"
                                f" taken — balance now "
                                f"{format_money(self.payment.balance, locale=locale)}"),
                        id="account-receipt-title", classes="dialog-title")
            with VerticalScroll(id="account-receipt-scroll"):
                yield Static(literal(self.payment.receipt_text), id="account-receipt-text")
            yield Label(id="print-status", classes="dim")
            yield Button("Close (Enter)", id="close", compact=True)

    def on_mount(self) -> None:
        self.query_one("#account-receipt-scroll").focus()
        self.print_receipt(self.payment.receipt_text, only_with_printer=True)

    def action_print_again(self) -> None:
        self.print_receipt(self.payment.receipt_text)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)
