"""The Sales Bill's pop-ups: item search, line and bill overrides, payment, receipt.

Every one is a ``PosModal`` (Esc cancels, errors at their field); names, money
and percentages are shown literally and in the store's locale. Changes go
through ``attempt``: an override beyond the limit asks a manager's PIN on the
spot, and nothing changes unless it is given.
"""

from __future__ import annotations

from decimal import Decimal

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, DataTable, Digits, Input, Label, Select, Static

from tui_pos.money import format_money, format_percent, format_quantity
from tui_pos.services import catalog, config
from tui_pos.services.errors import ValidationError
from tui_pos.services.receipts import reprint
from tui_pos.services import tenders
from tui_pos.services.sales import CompletedSale, SaleDraft, complete_sale
from tui_pos.services.tenders import TenderInput
from tui_pos.services.text import name_key
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


AMOUNT_LABEL = {"cash": "Cash received", "card": "Paid by card", "voucher": "From the voucher",
                "account": "On account"}
METHOD_LETTERS = {"cash": "c", "card": "k", "voucher": "v", "account": "a"}


def method_letters(methods: list[tenders.MethodRow]) -> dict[str, str]:
    """The letter that picks each method in the amount field: C cash, K card,
    V voucher, A on account; a method the shop added, its first free letter."""
    letters: dict[str, str] = {}
    for m in methods:
        letter = METHOD_LETTERS.get(m.kind) if m.kind != "other" else None
        if letter is None or letter in letters:
            letter = next((c for c in name_key(m.name) if c.isascii() and c.isalpha()
                           and c not in letters and c not in "x"), None)
        if letter is not None and letter not in letters:
            letters[letter] = name_key(m.name)
    return letters


class AmountInput(Input):
    """The amount field: a method's letter picks that method, "+" adds the part."""

    def __init__(self, letters: dict[str, str], **kwargs) -> None:
        super().__init__(**kwargs)
        self.letters = letters

    async def _on_key(self, event) -> None:
        char = (event.character or "").lower() if event.is_printable else ""
        if char and (char in self.letters or char == "+"):
            event.stop()
            event.prevent_default()
            screen = self.screen
            if char == "+":
                screen.action_add_part()  # type: ignore[attr-defined]
            else:
                screen.pick(self.letters[char])  # type: ignore[attr-defined]
            return
        await super()._on_key(event)


class PaymentScreen(Dialog):
    """Take payment: one tender or several (split), then complete the sale.

    The amount field: type what is paid (empty = the rest); a letter picks the
    method (C cash, K card, V voucher, A on account; ↑↓ too); "+" or Ctrl+T adds
    it as a part and leaves the rest still due; Enter or F4 completes once
    nothing is due. Cash may be more than is due (change, shown big); no other
    tender may. Esc goes back to the bill with nothing written.
    """

    BINDINGS = [
        Binding("f4,f12,ctrl+y", "apply", "Complete sale", key_display="F4",
                id="payment.complete"),
        Binding("escape", "cancel", "Back to the bill", id="payment.back"),
        Binding("ctrl+t", "add_part", "Add part", show=False, id="payment.add-part"),
        Binding("ctrl+r", "remove_part", "Remove last part", show=False,
                id="payment.remove-part"),
        Binding("up", "cycle(-1)", "Previous method", show=False, id="payment.method-up"),
        Binding("down", "cycle(1)", "Next method", show=False, id="payment.method-down"),
    ]
    DEFAULT_CSS = """
    PaymentScreen .payment { width: 66; }
    PaymentScreen #pay-parts { height: auto; }
    PaymentScreen #voucher-row { display: none; }
    PaymentScreen #voucher-row.-shown { display: block; }
    PaymentScreen #change { text-style: bold; }
    PaymentScreen #change-big { display: none; width: auto; color: $success; }
    PaymentScreen #change-big.-shown { display: block; }
    """

    def __init__(self, draft: SaleDraft, currency: str) -> None:
        super().__init__()
        self.draft, self.currency = draft, currency
        self.locale = draft_locale(draft)
        self.total = draft.priced().total
        settings = draft.settings or config.get_settings()
        self.rounding = bool(getattr(settings, "cash_rounding", False))
        self.methods = {name_key(m.name): m for m in tenders.counter_methods()}
        self.letters = method_letters(list(self.methods.values()))
        self.parts: list[TenderInput] = []
        self.part_rows: list[tenders.PaymentRow] = []

    def money(self, value) -> str:
        return f"{self.currency} {format_money(value, locale=self.locale)}"

    def compose(self) -> ComposeResult:
        keys = {key: letter.upper() for letter, key in self.letters.items()}
        options = [(cell(f"{m.name} ({keys[key]})" if key in keys else m.name), key)
                   for key, m in self.methods.items()]
        first = "cash" if "cash" in self.methods else next(iter(self.methods), None)
        with Vertical(classes="dialog payment"):
            yield Label(literal(f"Total to pay: {self.money(self.total)}"),
                        id="pay-total", classes="dialog-title")
            yield Static("", id="pay-parts")
            yield Label("", id="pay-due")
            yield Horizontal(Label("Method"), Select(options, id="method", value=first,
                                                      allow_blank=False, compact=True),
                             Label("", id="method-info", classes="hint"), classes="form-row")
            yield FieldError(id="method-error")
            yield Horizontal(Label("Voucher number"),
                             Input("", id="voucher", max_length=tenders.VOUCHER_LENGTH,
                                   compact=True, placeholder="scan or type; Enter"),
                             Label("", id="voucher-info", classes="hint"),
                             classes="form-row", id="voucher-row")
            yield FieldError(id="voucher-error")
            yield _row(AMOUNT_LABEL["cash"],
                       AmountInput(self.letters, id="tendered", compact=True,
                                   placeholder="empty = exact amount"),
                       label_id="tendered-label")
            yield FieldError(id="tendered-error")
            yield Label("", id="change")
            yield Digits("", id="change-big")
            yield Static("Enter/F4 complete · + adds a part (Ctrl+R takes it off) · "
                         "C K V A method · Esc back", classes="dim")

    def on_mount(self) -> None:
        self.query_one("#tendered", Input).focus()
        self.show_method()

    # -- the method -------------------------------------------------------------------
    @property
    def method(self) -> str:
        """The chosen method's key ("cash", "card", "voucher", "on account", …)."""
        return select_value(self.query_one("#method", Select)) or "cash"

    @property
    def method_row(self) -> tenders.MethodRow:
        return self.methods[self.method]

    def pick(self, key: str) -> None:
        """Choose a method (its letter, ↑↓ or the list)."""
        if key in self.methods and key != self.method:
            self.query_one("#method", Select).value = key  # Select.Changed follows

    def action_cycle(self, step: int) -> None:
        keys = list(self.methods)
        if keys:
            index = keys.index(self.method) if self.method in keys else 0
            self.pick(keys[(index + step) % len(keys)])

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.query_one("#tendered", Input).value = ""
        self.query_one("#tendered-error", FieldError).clear()
        self.query_one("#method-error", FieldError).clear()
        self.show_method()
        if self.method_row.kind == "voucher":
            self.query_one("#voucher", Input).focus()
        elif not self.query_one("#method", Select).has_focus:
            self.query_one("#tendered", Input).focus()

    def show_method(self) -> None:
        """The amount's label and the voucher field follow the method; on account
        shows the customer's balance and limit."""
        kind = self.method_row.kind if self.methods else "cash"
        name = self.method_row.name if self.methods else "Cash"
        amount = self.query_one("#tendered", Input)
        amount.placeholder = "empty = exact amount" if kind == "cash" else "empty = the rest"
        self.query_one("#tendered-label", Label).update(
            literal(AMOUNT_LABEL.get(kind, f"Paid by {name}")))
        self.query_one("#voucher-row").set_class(kind == "voucher", "-shown")
        info = ""
        if kind == "account":
            info = self.account_text()
        self.query_one("#method-info", Label).update(literal(info))
        self.show_due()
        self.show_change()

    def account_text(self) -> str:
        customer = self.draft.customer
        if customer is None:
            self.query_one("#method-error", FieldError).show(
                "On account needs a customer on the bill — Esc, attach one (F2)")
            return ""
        try:
            from tui_pos.services import accounts
            info = accounts.account_info(customer.id)
        except (ImportError, AttributeError):
            return ""
        except ValidationError as error:
            return error.message
        if info.limit is None:
            return "no credit account"
        return (f"balance {format_money(info.balance, locale=self.locale)}, "
                f"limit {format_money(info.limit, locale=self.locale)}")

    # -- the voucher ------------------------------------------------------------------
    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        event.prevent_default()  # not PosModal's apply as well
        if event.input.id == "voucher":
            if self.look_up_voucher():
                self.query_one("#tendered", Input).focus()
            return
        self.action_apply()

    def look_up_voucher(self) -> bool:
        """Show the voucher's balance (or why it cannot be used)."""
        error_label = self.query_one("#voucher-error", FieldError)
        label = self.query_one("#voucher-info", Label)
        error_label.clear()
        label.update("")
        try:
            info = tenders.voucher_info(self.query_one("#voucher", Input).value)
        except ValidationError as error:
            error_label.show(error.message)
            return False
        state = ("inactive" if not info.active else "expired" if info.expired
                 else f"balance {format_money(info.balance, locale=self.locale)}")
        label.update(literal(state))
        self.show_change()
        return True

    # -- what is due, what the amount does ---------------------------------------------
    def current(self) -> TenderInput:
        voucher = self.query_one("#voucher", Input).value if \
            self.method_row.kind == "voucher" else ""
        return TenderInput(self.method_row.id, self.query_one("#tendered", Input).value,
                           voucher)

    def due_after_parts(self) -> Decimal:
        return abs(self.total) - sum((abs(r.amount) for r in self.part_rows), Decimal(0))

    def show_due(self) -> None:
        parts = self.query_one("#pay-parts", Static)
        parts.update(literal("\n".join(
            f"  {r.method}{' ' + r.voucher_number if r.voucher_number else ''}: "
            f"{self.money(r.tendered if r.kind == 'cash' else r.amount)}"
            for r in self.part_rows)))
        due = self.due_after_parts()
        text = f"Still due: {self.money(due)}" if self.part_rows else ""
        if self.rounding and self.methods and self.method_row.kind == "cash" and due:
            text = f"{text or 'Due'} — in cash {self.money(tenders.round_cash(due))}"
        self.query_one("#pay-due", Label).update(literal(text))

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "voucher":
            self.query_one("#voucher-info", Label).update("")
        self.show_change()

    def show_change(self) -> None:
        """The change (or what is still short) as the amount is typed; an old
        error at the amount goes as soon as the amount is a valid one."""
        label = self.query_one("#change", Label)
        big = self.query_one("#change-big", Digits)
        big.remove_class("-shown")
        if not self.methods:
            return
        try:
            rows, due = tenders.settle_so_far(self.total, [*self.parts, self.current()],
                                              self.rounding)
        except ValidationError:
            label.update("")
            return
        self.query_one("#tendered-error", FieldError).clear()
        last = rows[-1]
        change = sum((r.change for r in rows), Decimal(0))
        if due > 0:
            label.update(literal(f"Short by {self.money(due)}"))
        elif last.kind != "cash":
            label.update(literal(f"{last.method} pays {self.money(abs(last.amount))}"))
        else:
            label.update(literal(f"Change due: {self.money(change)}"))
            if change > 0:
                big.update(format_money(change, locale=self.locale))
                big.add_class("-shown")

    # -- parts and completing -------------------------------------------------------------
    def action_add_part(self) -> None:
        """This tender as a part ("+" / Ctrl+T): the rest stays due. When it pays
        everything (an empty amount is the rest), the sale completes."""
        self.clear_errors()
        tender = self.current()
        try:
            rows, due = tenders.settle_so_far(self.total, [*self.parts, tender], self.rounding)
        except ValidationError as error:
            self.show_error(error, "tendered")
            return
        if due <= 0:
            self.action_apply()
            return
        self.parts.append(tender)
        self.part_rows = rows
        self.query_one("#voucher", Input).value = ""
        self.query_one("#voucher-info", Label).update("")
        if self.method != "cash" and "cash" in self.methods:
            self.pick("cash")  # the rest in cash, unless another is picked
        self.query_one("#tendered", Input).value = ""
        self.query_one("#tendered", Input).focus()
        self.show_due()
        self.show_change()

    def action_remove_part(self) -> None:
        """Take the last part off again (Ctrl+R)."""
        if self.parts:
            self.parts.pop()
            self.part_rows = self.part_rows[:len(self.parts)]
            self.show_due()
            self.show_change()

    def action_apply(self) -> None:
        self.clear_errors()
        tender = self.current()
        receipts = self.app.receipts_dir
        if not self.parts and self.method == "cash":  # the quick path: its old messages
            def pay(actor):
                return complete_sale(actor, self.draft, tendered=tender.amount,
                                     method="cash", receipts_dir=receipts)
        else:
            paying = [*self.parts, tender]

            def pay(actor):
                return complete_sale(actor, self.draft, paying, receipts_dir=receipts)
        # bad amounts, or the database refused: the bill is kept; an override made by
        # someone else that needs a manager asks for the PIN here
        attempt(self, pay, self.dismiss, lambda error: self.show_error(error, "tendered"))


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
