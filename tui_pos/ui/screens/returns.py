"""Returns and voids at the counter (Till menu › T and › V) and the Void report.

``ReturnScreen``: type the receipt number, pick the lines coming back (Enter on a
line takes all that is left of it, or none again; a quantity typed under the
table sets the highlighted line), choose where the refund goes (the original
tenders by default), F4 refunds. ``VoidPopup``: the sale number and a reason; a
cashier is asked for a manager's PIN on the spot. ``VoidReportScreen``: the
voids of a date range. Every figure comes from ``services.returns`` and
``services.reports``; this module computes nothing itself.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Header, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from tui_pos.money import ZERO, format_money, format_quantity, parse_quantity
from tui_pos.services import config, reports, returns, tenders
from tui_pos.services.errors import ValidationError, as_field
from tui_pos.services.tenders import TenderInput
from tui_pos.ui.literal import cell, literal
from tui_pos.ui.screens.approval import attempt
from tui_pos.ui.screens.base import FieldError, PosModal, PosScreen, select_value
from tui_pos.ui.screens.bill_dialogs import ReceiptScreen

ORIGINAL = 0  # the refund Select's "original tenders" choice


def _label(text: str, width: int = 11) -> Label:
    label = Label(literal(text))
    label.styles.width = width  # inline: narrower than the forms' 24 (styles/app.tcss)
    return label


def _row(label: str, *widgets, width: int = 11) -> Horizontal:
    return Horizontal(_label(label, width), *widgets, classes="form-row")


def _sized(widget, width: int):
    widget.styles.width = width
    return widget


class ReturnScreen(PosScreen):
    """Take items back against a receipt and refund them."""

    TITLE = "Return items"
    HELP = (
        "Type the receipt (sale) number and Enter — or F2 (Alt+C): find the customer, then "
        "pick one of their sales. Its lines show what was sold, what came back already and "
        "what is left.\n"
        "Enter on a line returns all that is left of it (Enter again: none). To return part "
        "of a line, Tab to 'Qty back', type the quantity and Enter: it goes on the "
        "highlighted line.\n"
        "Refund to: the original tenders, or cash, card, on account, a voucher (type its "
        "number). Lines come back at the price, discounts and VAT the customer paid.\n"
        "F4 (or Ctrl+G) refunds and prints the return's receipt. Esc goes back to the bill.\n"
        "Alt+N: a return without a receipt (items by SKU at today's prices, a reason and "
        "a manager's approval)."
    )
    BINDINGS = [
        Binding("f4,ctrl+g", "complete", "Refund", key_display="F4", id="return.complete"),
        Binding("f2,alt+c", "find_by_customer", "Customer's sales", key_display="F2",
                id="return.customer"),
        Binding("alt+n", "no_receipt", "Return without a receipt", show=False,
                id="return.no_receipt"),
        Binding("escape", "back", "Back", id="back"),
    ]
    DEFAULT_CSS = """
    ReturnScreen #lines { height: 1fr; }
    ReturnScreen #sale-info, ReturnScreen #refund { height: 1; }
    ReturnScreen #refund { text-style: bold; }
    """

    def __init__(self) -> None:
        super().__init__()
        settings = config.get_settings()
        self.locale, self.currency = settings.locale, settings.currency
        self.sale: returns.ReturnableSale | None = None
        self.chosen: dict[int, Decimal] = {}  # sold line id → quantity coming back

    def money(self, value: Decimal) -> str:
        return format_money(value, locale=self.locale)

    def qty(self, value: Decimal) -> str:
        return format_quantity(value, self.locale)

    def compose(self) -> ComposeResult:
        methods = [(cell("Original tender(s)"), ORIGINAL)] + [
            (cell(m.name), m.id) for m in tenders.counter_methods()]
        yield Header(icon="")
        yield _row("Receipt", Input("", id="number", compact=True, placeholder="sale number",
                                    restrict=r"[0-9]*", max_length=18))
        yield FieldError(id="number-error")
        yield Static("", id="sale-info")
        yield DataTable(id="lines", cursor_type="row", zebra_stripes=False)
        yield _row("Qty back", Input("", id="quantity", compact=True,
                                     placeholder="highlighted line"))
        yield FieldError(id="quantity-error")
        yield FieldError(id="lines-error")
        yield _row("Refund to", _sized(Select(methods, id="method", value=ORIGINAL,
                                              allow_blank=False, compact=True), 26),
                   _label(" Voucher no.", 13),
                   Input("", id="voucher", compact=True, max_length=40,
                         placeholder="for a refund onto a voucher"))
        yield FieldError(id="method-error")
        yield FieldError(id="voucher-error")
        yield FieldError(id="tendered-error")
        yield _row("Reason", Input("", id="reason", compact=True, max_length=200,
                                   placeholder="optional"))
        yield FieldError(id="reason-error")
        yield FieldError(id="register-error")
        yield Static("", id="refund")
        yield Footer(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#lines", DataTable)
        table.add_columns("#", "Item", "Sold", "Back", "Left", "Return", "Refund")
        self.query_one("#number", Input).focus()

    # -- the receipt ------------------------------------------------------------------------------
    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "number":
            self.load(event.value)
        elif event.input.id == "quantity":
            self.set_quantity(event.value)
        elif event.input.id in ("voucher", "reason"):
            self.action_complete()

    def load(self, number: str) -> None:
        self.clear_errors()
        try:
            sale = returns.returnable(number)
        except ValidationError as error:
            self.show_error(error, "number")
            return
        self.sale, self.chosen = sale, {}
        when = f"{sale.created_at:%Y-%m-%d %H:%M}"
        who = sale.customer_name or "walk-in"
        self.query_one("#sale-info", Static).update(literal(
            f"Sale {sale.number} · {when} · {who} · total {self.money(sale.total)}"))
        if not sale.anything_left:
            self.show_error(ValidationError(f"Everything on sale {sale.number} has come "
                                            "back already", "number"))
        self.show_lines()
        self.query_one("#lines", DataTable).focus()

    def show_lines(self) -> None:
        table = self.query_one("#lines", DataTable)
        row = table.cursor_row
        table.clear()
        if self.sale is None:
            return
        preview = self.preview()
        refunds = {line.returned_from: line.amount for line in preview.lines} if preview else {}
        for line in self.sale.lines:
            back = self.chosen.get(line.id)
            table.add_row(str(line.position), cell(line.name, 30), self.qty(line.sold),
                          self.qty(line.returned), self.qty(line.returnable),
                          self.qty(back) if back else "",
                          self.money(refunds[line.id]) if line.id in refunds else "",
                          key=str(line.id))
        if row is not None and 0 <= row < table.row_count:
            table.move_cursor(row=row)
        total = preview.total if preview else ZERO
        self.query_one("#refund", Static).update(literal(
            f"Refund: {self.currency} {self.money(-total)}" if preview else
            "Choose what comes back: Enter on a line"))

    def preview(self) -> returns.PricedReturn | None:
        """What the chosen lines refund, priced by the service (nothing is written)."""
        if self.sale is None or not self.chosen:
            return None
        try:
            return returns.price_return(self.sale, dict(self.chosen))
        except ValidationError as error:
            self.show_error(error, "lines")
            return None

    def highlighted_line(self) -> returns.ReturnableLine | None:
        table = self.query_one("#lines", DataTable)
        if self.sale is None or table.row_count == 0 or table.cursor_row is None:
            return None
        return self.sale.lines[table.cursor_row]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        line = self.highlighted_line()
        if line is None:
            return
        self.clear_errors()
        if line.id in self.chosen:
            del self.chosen[line.id]
        elif line.returnable > 0:
            self.chosen[line.id] = line.returnable
        else:
            self.show_error(ValidationError(f"Nothing of {line.name} is left to return",
                                            "lines"))
        self.show_lines()

    def set_quantity(self, text: str) -> None:
        self.clear_errors()
        line = self.highlighted_line()
        if line is None:
            self.show_error(ValidationError("Load a receipt and highlight a line first",
                                            "quantity"))
            return
        try:
            quantity = as_field("quantity", parse_quantity, text, "Qty back")
        except ValidationError as error:
            self.show_error(error, "quantity")
            return
        if quantity > line.returnable or quantity < 0:
            self.show_error(ValidationError(
                f"{line.name}: at most {self.qty(line.returnable)} can come back",
                "quantity"))
            return
        self.chosen[line.id] = quantity
        self.query_one("#quantity", Input).value = ""
        self.show_lines()

    def action_find_by_customer(self) -> None:
        """F2: the customer search, then that customer's sales; the one chosen loads."""
        from tui_pos.ui.screens.customer_form import CustomerSearchPopup

        def sale_chosen(number: int | None) -> None:
            if number is not None:
                self.query_one("#number", Input).value = str(number)
                self.load(str(number))

        def customer_chosen(customer_id: int | None) -> None:
            if customer_id is not None:
                self.app.push_screen(CustomerSalesPopup(customer_id), sale_chosen)

        self.app.push_screen(CustomerSearchPopup(""), customer_chosen)

    def action_no_receipt(self) -> None:
        """Alt+N: items back without a receipt (a manager's approval)."""
        def done(result) -> None:
            if result is not None:
                self.refunded(result)

        self.app.push_screen(NoReceiptPopup(), done)

    # -- the refund -------------------------------------------------------------------------------
    def refunds(self) -> list[TenderInput]:
        method = select_value(self.query_one("#method", Select))
        if not method:
            return []
        return [TenderInput(method, "", self.query_one("#voucher", Input).value)]

    def action_complete(self) -> None:
        self.clear_errors()
        if self.sale is None:
            self.show_error(ValidationError("Type the receipt number first", "number"))
            return
        if not self.chosen:
            self.show_error(ValidationError("Choose what comes back: Enter on a line",
                                            "lines"))
            return
        number, lines = self.sale.number, list(self.chosen.items())
        refunds, reason = self.refunds(), self.query_one("#reason", Input).value
        receipts = getattr(self.app, "receipts_dir", None)

        def call(actor):
            return returns.complete_return(actor, number, lines, refunds, reason,
                                           receipts_dir=receipts)

        attempt(self, call, self.refunded, lambda error: self.show_error(error, "lines"))

    def refunded(self, done) -> None:
        self.notify(f"Return {done.number}: refunded {self.money(-done.total)}", markup=False)
        self.app.push_screen(ReturnReceiptScreen(done), lambda _: self.dismiss(done))


class ReturnReceiptScreen(ReceiptScreen):
    """The Sales Bill's receipt pop-up (print, save the file again), titled for a return."""

    def on_mount(self) -> None:
        super().on_mount()
        settings = config.get_settings()
        self.query_one("#receipt-title", Label).update(literal(
            f"Return {self.sale.number} — refund {settings.currency} "
            f"{format_money(-self.sale.total, locale=settings.locale)}"))


class NoReceiptPopup(PosModal):
    """A return without a receipt: the items ("MUG-01, 2*COF-250") at today's prices,
    where the refund goes, and why; a cashier is asked for a manager's PIN. Enter
    moves on; Enter in the reason (or F4) refunds."""

    BINDINGS = [
        Binding("f4,ctrl+g", "apply", "Refund", key_display="F4", id="no_receipt.apply"),
    ]
    FIELDS = ("items", "voucher", "reason")

    def compose(self) -> ComposeResult:
        methods = [(cell(m.name), m.id) for m in tenders.counter_methods()]
        cash = next((m.id for m in tenders.counter_methods() if m.kind == "cash"), None)
        with Vertical(classes="dialog no-receipt"):
            yield Label("Return without a receipt — today's prices, a manager approves",
                        classes="dialog-title")
            yield _row("Items", Input("", id="items", compact=True, max_length=400,
                                      placeholder="MUG-01, 2*COF-250"))
            yield FieldError(id="items-error")
            yield _row("Refund to", Select(methods, id="method", value=cash,
                                           allow_blank=cash is None, compact=True))
            yield FieldError(id="method-error")
            yield FieldError(id="tendered-error")
            yield _row("Voucher no.", Input("", id="voucher", compact=True, max_length=40,
                                            placeholder="for a refund onto a voucher"))
            yield FieldError(id="voucher-error")
            yield _row("Reason", Input("", id="reason", compact=True, max_length=200,
                                       placeholder="why (required)"))
            yield FieldError(id="reason-error")
            yield FieldError(id="register-error")
            yield Static("Enter next field · F4 refund · Esc back", classes="dim")

    def on_mount(self) -> None:
        self.query_one("#items", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "reason":
            self.action_apply()
        else:
            self.focus_next()

    def action_apply(self) -> None:
        self.clear_errors()
        try:
            entries = returns.item_entries(self.query_one("#items", Input).value)
        except ValidationError as error:
            self.show_error(error, "items")
            return
        method = select_value(self.query_one("#method", Select))
        refunds = [TenderInput(method, "", self.query_one("#voucher", Input).value)] \
            if method else []
        reason = self.query_one("#reason", Input).value
        receipts = getattr(self.app, "receipts_dir", None)

        def call(actor):
            return returns.complete_return(actor, None, entries, refunds, reason,
                                           receipts_dir=receipts)

        attempt(self, call, self.dismiss, lambda error: self.show_error(error, "items"))


class CustomerSalesPopup(PosModal[int]):
    """A customer's sales, newest first: ↑↓ and Enter picks the one coming back."""

    DEFAULT_CSS = """
    CustomerSalesPopup OptionList { height: auto; max-height: 16; }
    """

    def __init__(self, customer_id: int) -> None:
        super().__init__()
        self.customer_id = customer_id

    def compose(self) -> ComposeResult:
        settings = config.get_settings()
        found = returns.customer_sales(self.customer_id)
        with Vertical(classes="dialog"):
            yield Label("Their sales — Enter picks the receipt", classes="dialog-title")
            yield OptionList(*(Option(literal(
                f"Sale {s.number}  {s.created_at:%Y-%m-%d %H:%M}  "
                f"{format_money(s.total, settings.currency, settings.locale)}  "
                f"{s.lines} line{'s' if s.lines != 1 else ''}"), id=str(s.number))
                for s in found), id="customer-sales")
            if not found:
                yield Label("No sales to this customer yet.", classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(int(event.option.id))


class VoidPopup(PosModal):
    """Void a sale of today's register session: its number and why. A manager's work:
    a cashier is asked for a manager's PIN. Enter in the number goes on to the reason;
    Enter in the reason (or F4) voids."""

    BINDINGS = [
        Binding("f4,ctrl+g", "apply", "Void", key_display="F4", id="void.apply"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog void"):
            yield Label("Void a sale — it stays in the books as void", classes="dialog-title")
            yield _row("Sale no.", Input("", id="number", compact=True, restrict=r"[0-9]*",
                                         max_length=18, placeholder="the receipt's number"))
            yield FieldError(id="number-error")
            yield Static("", id="void-sale")
            yield _row("Reason", Input("", id="reason", compact=True, max_length=200,
                                       placeholder="why (required)"))
            yield FieldError(id="reason-error")
            yield Static("Only today's sales of this register session. Enter/F4 voids · "
                         "Esc back", classes="dim")

    def on_mount(self) -> None:
        self.query_one("#number", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "number":
            if self.show_sale() and not self.query_one("#reason", Input).value.strip():
                self.query_one("#reason", Input).focus()
                return
            if not self.query_one("#reason", Input).value.strip():
                return
        self.action_apply()

    def show_sale(self) -> bool:
        """The sale the number names, or why it cannot be voided, at the number."""
        self.clear_errors()
        shown = self.query_one("#void-sale", Static)
        try:
            sale = returns.voidable(self.query_one("#number", Input).value)
        except ValidationError as error:
            shown.update("")
            self.show_error(error, "number")
            return False
        settings = config.get_settings()
        what = "Return" if sale.kind == "return" else "Sale"
        shown.update(literal(
            f"{what} {sale.number} · {sale.created_at:%H:%M} · {sale.cashier} · "
            f"{sale.customer_name or 'walk-in'} · {settings.currency} "
            f"{format_money(sale.total, locale=settings.locale)}"))
        return True

    def action_apply(self) -> None:
        self.clear_errors()
        number = self.query_one("#number", Input).value
        reason = self.query_one("#reason", Input).value
        attempt(self, lambda actor: returns.void_sale(actor, number, reason), self.dismiss,
                lambda error: self.show_error(error, "number"))


class VoidReportScreen(PosScreen):
    """Reports › Void Report: each voided sale of a date range — number, when, cashier,
    who voided it and who approved, the reason, the total."""

    TITLE = "Void Report"
    HELP = ("The sales voided in a range of days (the days they were rung up). Type From "
            "and To as YYYY-MM-DD (empty: open) and Enter. Voided sales count in no other "
            "report. Esc goes back.")
    BINDINGS = [
        Binding("f4,ctrl+g", "run", "Show", key_display="F4", id="voids.run"),
        Binding("escape", "back", "Back", id="back"),
    ]
    DEFAULT_CSS = """
    VoidReportScreen #voids { height: 1fr; }
    VoidReportScreen #voids-total { height: 1; }
    """

    def compose(self) -> ComposeResult:
        today = dt.date.today().isoformat()
        yield Header(icon="")
        yield Horizontal(_label("From", 5), _sized(Input(today, id="from", compact=True,
                                                         max_length=10), 12),
                         _label("  To", 5), _sized(Input(today, id="to", compact=True,
                                                         max_length=10), 12),
                         classes="form-row")
        yield FieldError(id="from-error")
        yield FieldError(id="to-error")
        yield DataTable(id="voids", cursor_type="row", zebra_stripes=False)
        yield Static("", id="voids-total")
        yield Footer(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        self.query_one("#voids", DataTable).add_columns(
            "Sale", "Voided", "Cashier", "Voided by", "Approver", "Reason", "Total")
        self.action_run()
        self.query_one("#from", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_run()

    def action_run(self) -> None:
        self.clear_errors()
        try:
            rows = reports.voided_sales(self.query_one("#from", Input).value,
                                       self.query_one("#to", Input).value)
        except ValidationError as error:
            self.show_error(error, "from")
            return
        locale = config.get_settings().locale
        table = self.query_one("#voids", DataTable)
        table.clear()
        for r in rows:
            number = f"{r.number}{' (return)' if r.kind == 'return' else ''}"
            table.add_row(number, f"{r.at:%Y-%m-%d %H:%M}", cell(r.cashier, 10),
                          cell(r.voided_by, 10), cell(r.approver or "—", 10),
                          cell(r.reason, 24), cell(format_money(r.total, locale=locale),
                                                   justify="right"))
        total = sum((r.total for r in rows), ZERO)
        self.query_one("#voids-total", Static).update(literal(
            f"{len(rows)} voided · {format_money(total, locale=locale)}"))
