"""The Sales Bill's pop-ups: item search, line and bill overrides, payment, receipt.

Every one is a ``PosModal`` (Esc cancels, errors at their field); names, money
and percentages are shown literally and in the store's locale. Changes go
through ``attempt``: an override beyond the limit asks a manager's PIN on the
spot, and nothing changes unless it is given.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, DataTable, Input, Label, Select, Static

from tui_pos.money import format_money, format_percent, format_quantity
from tui_pos.services import catalog, config
from tui_pos.services.errors import ValidationError
from tui_pos.services.receipts import reprint
from tui_pos.services.sales import COUNTER_METHODS, CompletedSale, SaleDraft, change_due, \
    complete_sale
from tui_pos.ui.literal import cell, literal
from tui_pos.ui.screens.approval import attempt
from tui_pos.ui.screens.base import FieldError, PosModal, select_value, set_select
from tui_pos.ui.screens.reprint import PrintsReceipt


def draft_locale(draft: SaleDraft) -> str:
    """The store's locale, as the bill was opened with it."""
    return (draft.settings or config.get_settings()).locale


class Dialog(PosModal):
    """A pop-up form on the bill: F4 (or Enter in a field) applies, Esc cancels."""

    BINDINGS = [
        Binding("f4,ctrl+g", "apply", "Apply", key_display="F4", id="bill_dialog.apply"),
    ]
    APPLY_ON_ENTER = True


def _row(label: str, widget, hint: str = "", label_id: str | None = None) -> Horizontal:
    children = [Label(literal(label), id=label_id), widget]
    if hint:
        children.append(Label(literal(hint), classes="hint"))
    return Horizontal(*children, classes="form-row")


def _vat_options(locale: str) -> list[tuple]:
    return [(literal(f"{v.name} {format_percent(v.rate, locale)}"), v.id)
            for v in catalog.list_vat_classes()]


class ItemSearchPopup(PosModal):
    """Find an item by name, SKU or barcode as you type; Enter adds it."""

    def __init__(self, query: str = "", locale: str | None = None) -> None:
        super().__init__()
        self.initial = query
        self.locale = locale

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog item-search"):
            yield Label("Items — type a name, SKU or barcode; Enter adds", classes="dialog-title")
            yield Input(self.initial, id="item-query", compact=True)
            yield DataTable(id="item-hits", cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one("#item-hits", DataTable)
        table.add_column("SKU", width=10)
        table.add_column("Item", width=28)
        table.add_column("Price", width=9)
        table.add_column("VAT", width=5)
        self.fill(self.initial)
        self.query_one("#item-query", Input).focus()

    def fill(self, query: str) -> None:
        table = self.query_one("#item-hits", DataTable)
        table.clear()
        for item in catalog.search_items(query, limit=30):
            table.add_row(cell(item.sku, 10), cell(item.name, 28),
                          cell(format_money(item.price, locale=self.locale), justify="right"),
                          cell(format_percent(item.vat_rate, self.locale)), key=str(item.id))

    def on_input_changed(self, event: Input.Changed) -> None:
        self.fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.choose()

    def on_key(self, event) -> None:
        if event.key == "down" and self.query_one("#item-query", Input).has_focus:
            self.query_one("#item-hits", DataTable).focus()
            event.stop()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.dismiss(int(event.row_key.value))

    def choose(self) -> None:
        table = self.query_one("#item-hits", DataTable)
        if table.row_count:
            key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key
            self.dismiss(int(key.value))


class LineEditScreen(Dialog):
    """Quantity, the cashier's discount and VAT override on one line."""

    def __init__(self, draft: SaleDraft, index: int) -> None:
        super().__init__()
        self.draft, self.index = draft, index
        self.locale = draft_locale(draft)

    def compose(self) -> ComposeResult:
        line = self.draft.lines[self.index]
        priced = self.draft.priced().lines[self.index]
        with Vertical(classes="dialog"):
            yield Label(literal(f"Line {self.index + 1}: {line.name}", 60),
                        classes="dialog-title")
            yield _row("Quantity", Input(format_quantity(line.quantity, self.locale),
                                         id="quantity", compact=True))
            yield FieldError(id="quantity-error")
            if line.discountable:
                current = ("" if line.discount_override is None
                           else format_quantity(line.discount_override, self.locale))
                yield _row("Discount %", Input(current, id="discount", compact=True,
                                               placeholder="empty = automatic"),
                           f"now {format_percent(priced.discount_percent, self.locale)}")
            else:
                yield Static("Not discountable: no discount applies to this line.",
                             classes="dim")
            yield FieldError(id="discount-error")
            yield _row("VAT", Select(_vat_options(self.locale), id="vat", prompt="(automatic)",
                                     allow_blank=True, compact=True))
            yield FieldError(id="vat-error")
            yield Static("F4/Enter apply · Esc cancel · Del on the bill removes a line",
                         classes="dim")

    def on_mount(self) -> None:
        set_select(self.query_one("#vat", Select), self.draft.lines[self.index].vat_override_id)
        self.query_one("#quantity", Input).focus()

    def action_apply(self) -> None:
        """All three fields, or none: a discount above the limit (or a VAT
        override) asks a manager's PIN first."""
        self.clear_errors()
        quantity = self.query_one("#quantity", Input).value
        field = self.query("#discount")
        discount = field.first(Input).value.strip() if field else None
        vat = select_value(self.query_one("#vat", Select))
        attempt(self, lambda actor: self.draft.edit_line(actor, self.index, quantity,
                                                         discount, vat),
                lambda _: self.dismiss(True), lambda error: self.show_error(error, "discount"))


class BillAdjustScreen(Dialog):
    """A discount for the whole bill and a VAT class for all its lines."""

    def __init__(self, draft: SaleDraft) -> None:
        super().__init__()
        self.draft = draft
        self.locale = draft_locale(draft)

    def compose(self) -> ComposeResult:
        current = ("" if self.draft.bill_discount is None
                   else format_quantity(self.draft.bill_discount, self.locale))
        with Vertical(classes="dialog"):
            yield Label("Whole bill", classes="dialog-title")
            yield _row("Bill discount %", Input(current, id="discount", compact=True,
                                                placeholder="empty = none"))
            yield FieldError(id="discount-error")
            yield _row("VAT for all lines", Select(_vat_options(self.locale), id="vat",
                                                   prompt="(automatic)", allow_blank=True,
                                                   compact=True))
            yield FieldError(id="vat-error")
            yield Static("The bill discount comes on top of each discountable line's own "
                         "discount (override, customer or type).", classes="dim")

    def on_mount(self) -> None:
        set_select(self.query_one("#vat", Select), self.draft.bill_vat_id)
        self.query_one("#discount", Input).focus()

    def action_apply(self) -> None:
        self.clear_errors()
        discount = self.query_one("#discount", Input).value.strip()
        vat = select_value(self.query_one("#vat", Select))
        attempt(self, lambda actor: self.draft.adjust_bill(actor, discount, vat),
                lambda _: self.dismiss(True), lambda error: self.show_error(error, "discount"))


AMOUNT_LABEL = {"cash": "Cash received", "card": "Paid by card"}


class PaymentScreen(Dialog):
    """Take payment: cash with change due, or card. F4/Enter completes the sale."""

    BINDINGS = [
        Binding("f4,f12,ctrl+y", "apply", "Complete sale", key_display="F4",
                id="payment.complete"),
        Binding("escape", "cancel", "Back to the bill", id="payment.back"),
    ]

    def __init__(self, draft: SaleDraft, currency: str) -> None:
        super().__init__()
        self.draft, self.currency = draft, currency
        self.locale = draft_locale(draft)
        self.total = draft.priced().total

    def money(self, value) -> str:
        return f"{self.currency} {format_money(value, locale=self.locale)}"

    def compose(self) -> ComposeResult:
        methods = [(m.capitalize(), m) for m in COUNTER_METHODS]
        with Vertical(classes="dialog payment"):
            yield Label(literal(f"Total to pay: {self.money(self.total)}"),
                        id="pay-total", classes="dialog-title")
            yield _row("Method", Select(methods, id="method", value="cash", allow_blank=False,
                                        compact=True))
            yield _row(AMOUNT_LABEL["cash"], Input("", id="tendered", compact=True,
                                                   placeholder="empty = exact amount"),
                       label_id="tendered-label")
            yield FieldError(id="tendered-error")
            yield Label("", id="change")
            yield FieldError(id="method-error")
            yield Static("F4/Enter complete · Esc back to the bill", classes="dim")

    def on_mount(self) -> None:
        self.query_one("#tendered", Input).focus()
        self.show_change()

    @property
    def method(self) -> str:
        return select_value(self.query_one("#method", Select)) or "cash"

    def on_input_changed(self, event: Input.Changed) -> None:
        self.show_change()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        method = self.method
        tendered = self.query_one("#tendered", Input)
        tendered.disabled = method != "cash"
        if method != "cash":
            tendered.value = ""
        tendered.placeholder = ("empty = exact amount" if method == "cash"
                                else "the total, by card")
        self.query_one("#tendered-label", Label).update(literal(AMOUNT_LABEL[method]))
        self.query_one("#tendered-error", FieldError).clear()
        self.show_change()

    def show_change(self) -> None:
        """The change (or what is short) as the amount is typed; an old error
        at the amount goes as soon as the amount is a valid one."""
        label = self.query_one("#change", Label)
        if self.method != "cash":
            label.update(literal(f"Card pays {self.money(self.total)}"))
            return
        try:
            change = change_due(self.total, self.query_one("#tendered", Input).value)
        except ValidationError:
            label.update("")
            return
        self.query_one("#tendered-error", FieldError).clear()
        if change < 0:
            label.update(literal(f"Short by {self.money(-change)}"))
        else:
            label.update(literal(f"Change due: {self.money(change)}"))

    def action_apply(self) -> None:
        self.clear_errors()
        method = self.method
        tendered = self.query_one("#tendered", Input).value if method == "cash" else ""
        receipts = self.app.receipts_dir
        # bad cash, or the database refused: the bill is kept; an override made by
        # someone else that needs a manager asks for the PIN here
        attempt(self, lambda actor: complete_sale(actor, self.draft, tendered=tendered,
                                                  method=method, receipts_dir=receipts),
                self.dismiss, lambda error: self.show_error(error, "tendered"))


class ReceiptScreen(PrintsReceipt, PosModal):
    """The receipt of the sale just completed; Enter, Esc or F4 start the next sale.

    If its file could not be written the cashier is told so (the sale itself is
    saved) and R writes it again from the sale. It goes to this terminal's printer
    (if it has one) in a thread; the line under it says "Printed" or why not, and
    P prints it again.
    """

    BINDINGS = [
        Binding("enter,f4", "close", "Next sale", id="receipt.next"),
        Binding("r,ctrl+r", "save_again", "Save receipt file again", id="receipt.save-again"),
        Binding("p", "print_again", "Print again", id="receipt.print-again"),
    ]
    DEFAULT_CSS = """
    ReceiptScreen #receipt-status { width: 100%; height: auto; }
    ReceiptScreen #print-status { width: 100%; height: auto; display: none; }
    ReceiptScreen #print-status.-shown { display: block; }
    ReceiptScreen #receipt-status.-error { color: $error; text-style: bold; }
    ReceiptScreen #print-status.-error { color: $error; text-style: bold; }
    """

    def __init__(self, sale: CompletedSale) -> None:
        super().__init__(classes="receipt-screen")
        self.sale = sale

    def compose(self) -> ComposeResult:
        locale = config.get_settings().locale
        with Vertical(classes="dialog receipt"):
            title = f"Sale {self.sale.number} completed"
            if self.sale.change:
                title += f" — change due {format_money(self.sale.change, locale=locale)}"
            yield Label(literal(title), id="receipt-title", classes="dialog-title")
            with VerticalScroll(id="receipt-scroll"):
                yield Static(literal(self.sale.receipt_text), id="receipt-text")
            yield Label(id="receipt-status", classes="dim")
            yield Label(id="print-status", classes="dim")
            yield Button("Next sale (Enter)", id="next", compact=True)

    def on_mount(self) -> None:
        self.show_status(self.sale.receipt_path, self.sale.receipt_error)
        self.query_one("#receipt-scroll").focus()
        self.print_receipt(self.sale.receipt_text, only_with_printer=True)

    def action_print_again(self) -> None:
        """Send the receipt to the printer again (P)."""
        self.print_receipt(self.sale.receipt_text)

    def show_status(self, path: str | None, error: str | None) -> None:
        label = self.query_one("#receipt-status", Label)
        label.set_class(error is not None, "-error")
        label.set_class(error is None, "dim")
        if error is not None:
            text = (f"Receipt file NOT saved: {error} — the sale is saved; "
                    "press R to try again")
        elif path:
            text = f"Receipt file saved: {path}"
        else:
            text = "Saved with the sale"
        label.update(literal(text))

    def action_save_again(self) -> None:
        """Write the receipt file again from the sale (R / Ctrl+R)."""
        try:
            path = reprint(self.sale.number, self.app.receipts_dir)
        except ValidationError as error:
            self.show_status(None, error.message)
            return
        self.show_status(str(path), None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
