"""The Sales Bill: customer, profile, items, overrides, payment — on one 80×24 screen.

Every change goes to the ``SaleDraft`` service and the bill is redrawn from
its ``priced()`` result; this screen computes nothing itself.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.suggester import Suggester
from textual.widgets import DataTable, Footer, Header, Input, Label, Select, Static

from tui_pos.money import format_money, format_percent, format_quantity
from tui_pos.services import config, customers, masters, register
from tui_pos.services.errors import ValidationError
from tui_pos.services.pricing import PricedLine
from tui_pos.services.sales import SaleDraft, is_item_code
from tui_pos.ui.screens.base import ConfirmScreen, FieldError, PosScreen, select_value, set_select
from tui_pos.ui.literal import cell, fit, literal
from tui_pos.ui.screens.bill_dialogs import (
    BillAdjustScreen, ItemSearchPopup, LineEditScreen, PaymentScreen, ReceiptScreen,
)
from tui_pos.ui.screens.till_menu import TILL_ACTIONS, TillMenu
from tui_pos.ui.widgets.bill_layout import bill_columns, size_needed, totals_line
from tui_pos.ui.widgets.scan_input import ScanInput

SOURCE_MARK = {"override": "O", "bill": "B", "customer": "C", "type": "T", "item": "", "none": ""}
SOURCE_WORD = {"override": "your override", "bill": "the bill", "customer": "the customer",
               "type": "the customer type", "item": "the item", "none": ""}
DISC_WIDTH = 9  # the Disc column: "12,5% T+B"


def register_closed(terminal: str) -> ValidationError:
    """Why Pay, the X and the Z wait: this terminal's register is not open."""
    try:
        register.require_open(terminal)
    except ValidationError as error:
        return error
    return ValidationError("The register is open", "register")


class CustomerNameSuggester(Suggester):
    """Completes a typed name with the first customer whose name starts so."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=False)

    async def get_suggestion(self, value: str) -> str | None:
        if len(value) < 2:
            return None
        for hit in customers.search_customers(value, limit=5).hits:
            if hit.name.casefold().startswith(value):
                return hit.name
        return None


class SalesBillScreen(PosScreen):
    TITLE = "Sales Bill"
    HELP = (
        "Type a customer name (→ accepts the suggestion) and Enter, or F2 for the search "
        "pop-up; F5 adds a new customer without leaving the bill.\n"
        "Type a SKU or barcode and Enter to add it (3*MUG-01 adds three); F6 searches items.\n"
        "Marks on a line: T = customer type, C = customer, O = your override, "
        "B = bill discount, n/d = not discountable.\n"
        "F4 or F12 takes payment and completes the sale. Esc leaves (asks if a sale is open)."
    )
    # F-keys are not priority bindings: a focused Input never takes them, and a
    # priority key would jump ahead of characters typed just before it. The Ctrl
    # aliases (for terminals without F-keys) are ones an Input does not use.
    BINDINGS = [
        Binding("f4,f12,ctrl+y", "pay", "Pay", key_display="F4", id="bill.pay",
                tooltip="Pay: take payment and complete the sale"),
        Binding("f2,ctrl+f", "find_customer", "Cust.", key_display="F2", id="bill.customer",
                tooltip="Customer search pop-up"),
        Binding("f5,ctrl+n", "new_customer", "New cust.", key_display="F5", show=False,
                id="bill.new_customer", tooltip="New customer, assigned to this sale"),
        Binding("f6,ctrl+o", "find_item", "Items", key_display="F6", id="bill.items",
                tooltip="Item search pop-up"),
        Binding("f7,ctrl+l", "edit_line", "Line", key_display="F7", id="bill.line",
                tooltip="The highlighted line: quantity, discount, VAT"),
        Binding("f9,ctrl+t", "adjust_bill", "Bill", key_display="F9", id="bill.adjust",
                tooltip="The whole bill: discount and VAT"),
        Binding("f8,ctrl+g", "till", "Till", key_display="F8", id="bill.till",
                tooltip="Till: park, recall, account payment, return, void, register"),
        Binding("ctrl+r", "remove_customer", "Remove the customer", show=False,
                id="bill.no_customer"),
        Binding("delete", "remove_line", "Remove the highlighted line", show=False,
                id="bill.remove_line"),
        Binding("escape", "back", "Back", show=False, id="back"),
    ]

    columns: list = []  # the table's columns as laid out (add_columns)
    column_keys: list = []
    item_width = 24

    def __init__(self) -> None:
        super().__init__()
        self.draft = SaleDraft.new()
        self.bill = self.draft.priced()  # the draft as last priced (refresh_bill)
        settings = config.get_settings()
        self.show_profile = settings.show_customer_profile
        self.currency = settings.currency
        self.locale = settings.locale

    def money(self, value) -> str:
        return format_money(value, locale=self.locale)

    def percent(self, value) -> str:
        return format_percent(value, locale=self.locale)

    # -- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header(icon="")
        with Horizontal(id="customer-row", classes="bill-row"):
            yield Label("Customer", classes="bill-label")
            yield ScanInput(placeholder="name, number, phone…  (F2 search, F5 new)",
                            id="customer", compact=True, suggester=CustomerNameSuggester(),
                            keep_text=True, hand_over=self.scan_in_customer_field)
            if self.show_profile:
                yield Label("Customer Profile", id="profile-label")
                yield Select([], id="profile", prompt="(none)", allow_blank=True, compact=True)
        yield Static("", id="customer-info")
        with Horizontal(id="item-row", classes="bill-row"):
            yield Label("Item", classes="bill-label")
            yield ScanInput(placeholder="SKU or barcode  (F6 search)", id="code", compact=True)
            yield Label("Qty", id="qty-label")
            yield Input("1", id="quantity", compact=True)
        with Horizontal(id="errors"):
            for name in ("customer", "profile", "code", "quantity", "line"):
                yield FieldError(id=f"{name}-error")
        yield DataTable(id="lines", cursor_type="row", zebra_stripes=False)
        yield Static("", id="line-detail")
        yield Static("", id="totals")
        yield Footer(show_command_palette=False, compact=True)  # "F4/^Y Pay" and 6 more in 80

    def on_mount(self) -> None:
        self.add_columns(self.app.size.width)
        self.take_held_bill()
        self.load_profiles()
        self.refresh_bill()
        self.show_cashier()
        self.query_one("#customer", Input).focus()
        self.call_after_refresh(self.offer_open_register)

    def show_cashier(self) -> None:
        """Who rings up this bill, and where, in the header: "Sales Bill — Cas · till-1"
        (plain text: the header does not read markup)."""
        actor = getattr(self.app, "actor", None)
        if actor is not None:
            self.sub_title = " · ".join(part for part in (actor.name, actor.terminal) if part)

    def take_held_bill(self) -> None:
        """The bill this cashier left open when they switched user, back as it was."""
        held = self.app.take_held_bill()  # type: ignore[attr-defined]
        if held is None:
            return
        self.draft = held
        if held.customer is not None:
            with self.prevent(Input.Changed):
                self.query_one("#customer", Input).value = held.customer.name

    def load_profiles(self) -> None:
        if not self.show_profile:
            return
        options = [(cell(p.name), p.id)  # one line, cut with "…" to the Select's width
                   for p in masters.list_profiles(include_inactive=False)]
        select = self.query_one("#profile", Select)
        select.set_options(options)
        set_select(select, self.draft.profile_id)

    # -- drawing the bill from the priced draft --------------------------------------------
    def refresh_bill(self) -> None:
        bill = self.bill = self.draft.priced()
        table = self.query_one("#lines", DataTable)
        row = table.cursor_row
        table.clear()
        for i, (line, priced) in enumerate(zip(self.draft.lines, bill.lines), start=1):
            cells = {
                "n": cell(i, justify="right"), "item": cell(line.name, self.item_width),
                "qty": cell(format_quantity(priced.quantity, self.locale), justify="right"),
                "price": cell(self.money(priced.unit_price), justify="right"),
                "disc": cell(self._discount_cell(priced)), "vat": cell(self._vat_cell(priced)),
                "total": cell(self.money(priced.amount), justify="right")}
            table.add_row(*(cells[key] for key in self.column_keys), key=str(i - 1))
        if table.row_count:
            table.move_cursor(row=min(max(row, 0), table.row_count - 1))
        self._show_customer_info()
        self._show_line_detail()
        parts = [f"Lines {len(bill.lines)}"]
        if bill.discount_total:
            parts.append(f"Discount {self.money(bill.discount_total)}")
        vat_word = "VAT incl." if bill.prices_include_vat else "VAT"
        parts.append(f"{vat_word} {self.money(bill.vat_total)}")
        parts.append(f"TOTAL {self.currency} {self.money(bill.total)}")
        # below 80 columns the first parts give way: the TOTAL is always whole
        width = max(self.app.size.width - 2, 1)
        self.query_one("#totals", Static).update(literal(totals_line(parts, width)))

    def add_columns(self, width: int) -> None:
        """The columns that fit ``width`` (widgets/bill_layout.py): Total always whole."""
        columns = bill_columns(width)
        table = self.query_one("#lines", DataTable)
        table.clear(columns=True)
        for label, key, column_width in columns:
            table.add_column(label, key=key, width=column_width)
        self.columns = columns
        self.column_keys = [key for _, key, _ in columns]
        self.item_width = dict((key, w) for _, key, w in columns)["item"]

    def on_resize(self, event) -> None:
        """A resized terminal: the columns and the totals line fit it again."""
        if bill_columns(event.size.width) != self.columns:
            self.add_columns(event.size.width)
        self.set_class(bool(size_needed(*event.size)), "-too-small")
        self.refresh_bill()

    def _discount_cell(self, p: PricedLine) -> str:
        """The line's own discount and its mark (O/C/T), "+B" when the bill
        discount comes on top: "15% T+B"; the bill's alone: "5% B"."""
        if not p.discountable:
            return "n/d"
        marks = [SOURCE_MARK[p.discount_source]] if p.discount_percent else []
        if p.bill_discount_percent:
            marks.append("B")
        if not marks:
            return ""
        shown = p.discount_percent if p.discount_percent else p.bill_discount_percent
        text = f"{self.percent(shown)} {'+'.join(m for m in marks if m)}".strip()
        return text if len(text) <= DISC_WIDTH else text.replace(" ", "")

    def _vat_cell(self, p: PricedLine) -> str:
        return f"{self.percent(p.vat.rate)} {SOURCE_MARK[p.vat_source]}".strip()

    def _show_customer_info(self) -> None:
        c = self.draft.customer
        parts = []
        if c is None:
            parts.append("Walk-in customer")
        else:
            parts.append(f"{fit(c.name, 30)} #{c.number}")
            parts.extend(self._account_parts(c))
            if c.type_name:  # empty while Show Customer Type is off: types not used
                bits = [f"Type {fit(c.type_name, 24)}"]
                if c.type_discount is not None:
                    bits.append(f"-{self.percent(c.type_discount)}")
                if c.type_vat is not None:
                    bits.append(f"VAT {fit(c.type_vat.name, 12)} {self.percent(c.type_vat.rate)}")
                parts.append(" ".join(bits))
            if c.discount is not None:
                parts.append(f"own discount {self.percent(c.discount)}")
            if c.vat is not None:
                parts.append(f"own VAT {fit(c.vat.name, 12)} {self.percent(c.vat.rate)}")
        if self.draft.bill_discount is not None:
            parts.append(f"bill discount {self.percent(self.draft.bill_discount)}")
        if self.draft.bill_vat is not None:
            parts.append(f"bill VAT {self.percent(self.draft.bill_vat.rate)}")
        # one line at any width: what does not fit is cut with "…"
        width = max(self.app.size.width - 2, 1)
        self.query_one("#customer-info", Static).update(literal(fit(" · ".join(parts), width)))

    def _show_line_detail(self) -> None:
        index = self.current_line()
        detail = self.query_one("#line-detail", Static)
        if self.has_class("-too-small"):  # no lines shown: the size they need instead
            detail.update(literal(size_needed(*self.app.size)))
            return
        if index is None or index >= len(self.bill.lines):
            detail.update(literal(""), layout=False)  # one fixed row: no relayout
            return
        priced = self.bill.lines[index]  # priced once per change, in refresh_bill
        bits = [f"{self.draft.lines[index].sku}"]
        if not priced.discountable:
            bits.append("not discountable")
        else:
            if priced.discount_amount:
                bits.append(f"discount {self.percent(priced.discount_percent)} "
                            f"({self.money(-priced.discount_amount)}) from "
                            f"{SOURCE_WORD[priced.discount_source]}")
            if priced.bill_discount_amount:
                on_top = " on top" if priced.discount_amount else ""
                bits.append(f"bill discount {self.percent(priced.bill_discount_percent)} "
                            f"({self.money(-priced.bill_discount_amount)}){on_top}")
        bits.append(f"VAT {fit(priced.vat.name, 16)} {self.percent(priced.vat.rate)} from "
                    f"{SOURCE_WORD[priced.vat_source]}")
        # the row is one line of fixed size: a relayout would redraw the whole
        # screen on every cursor move (3,387 B per key; ~1,000 B without it,
        # benchmarks/bench_bytes.py)
        detail.update(literal(" · ".join(bits)), layout=False)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_line_detail()

    def current_line(self) -> int | None:
        table = self.query_one("#lines", DataTable)
        if not table.row_count or not self.draft.lines:
            return None
        return min(table.cursor_row, len(self.draft.lines) - 1)

    # -- customer ------------------------------------------------------------------------------
    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.clear_errors()
        if event.input.id == "customer":
            self.customer_entered(event.value)
        elif event.input.id == "quantity":
            self.add_entered()

    def on_scan_input_scanned(self, event: ScanInput.Scanned) -> None:
        """Enter in the item field (or a scan handed over from the customer field):
        the code typed up to that Enter, one at a time, in order."""
        event.stop()
        if event.control.id != "code":
            return
        self.clear_errors()
        if event.origin is not None and event.origin.id == "customer":
            self.scanned_into_customer(event.code)
        else:
            self.add_scanned(event.code)

    def customer_entered(self, text: str) -> None:
        text = text.strip()
        if not text:
            if self.draft.customer is not None:
                self.action_remove_customer()
            self.focus_after_customer()
            return
        if self.draft.customer is not None and text == self.draft.customer.name:
            self.focus_after_customer()
            return
        page = customers.search_customers(text, limit=2)
        exact = [h for h in page.hits if h.name.casefold() == text.casefold()
                 or h.number == text]
        if len(exact) == 1 or len(page.hits) == 1:
            self.attach((exact or page.hits)[0].id)
        else:
            self.action_find_customer()

    def scan_in_customer_field(self, text: str) -> ScanInput | None:
        """Enter in the customer field: an exact SKU or barcode that is no
        customer's is a scan, handed to the item field with the rest of the burst.

        Runs in the customer field's key handler, before the next key is read.
        """
        text = text.strip()
        if not text or not is_item_code(text):
            return None
        if customers.search_customers(text, limit=1).hits:
            return None
        return self.query_one("#code", ScanInput)

    def scanned_into_customer(self, code: str) -> None:
        """A barcode scanned while the customer field had the focus: add the item."""
        customer_input = self.query_one("#customer", Input)
        customer_input.value = self.draft.customer.name if self.draft.customer else ""
        if self.add_scanned(code):
            self.notify(f"{code} added as an item (the customer field is for customers)",
                        markup=False)

    def attach(self, customer_id: int | None) -> None:
        try:
            self.draft.set_customer(customer_id)
        except ValidationError as error:
            self.show_error(error, "customer")
            return
        name = self.draft.customer.name if self.draft.customer else ""
        customer_input = self.query_one("#customer", Input)
        customer_input.value = name
        if self.show_profile:
            set_select(self.query_one("#profile", Select), self.draft.profile_id)
        self.refresh_bill()
        self.focus_after_customer()

    def focus_after_customer(self) -> None:
        """The next scan goes to the item field (the profile is one Shift+Tab away)."""
        self.focus_item_field()

    def focus_item_field(self) -> None:
        self.query_one("#code", Input).focus()

    def action_find_customer(self) -> None:
        from tui_pos.ui.screens.customer_form import CustomerSearchPopup

        query = self.query_one("#customer", Input).value
        if self.draft.customer is not None and query == self.draft.customer.name:
            query = ""

        def chosen(customer_id: int | None) -> None:
            if customer_id is not None:
                self.attach(customer_id)
            self.focus_item_field()

        self.app.push_screen(CustomerSearchPopup(query), chosen)

    def action_new_customer(self) -> None:
        from tui_pos.ui.screens.customer_form import CustomerFormScreen

        typed = self.query_one("#customer", Input).value
        if self.draft.customer is not None and typed == self.draft.customer.name:
            typed = ""

        def created(customer_id: int | None) -> None:
            if customer_id is not None:
                if self.show_profile:
                    self.load_profiles()
                self.attach(customer_id)
            self.focus_item_field()

        self.app.push_screen(CustomerFormScreen(assign_to_sale=True, initial_name=typed), created)

    def action_remove_customer(self) -> None:
        self.draft.set_customer(None)
        self.query_one("#customer", Input).value = ""
        if self.show_profile:
            set_select(self.query_one("#profile", Select), None)
        self.refresh_bill()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id != "profile":
            return
        event.stop()
        try:
            self.draft.set_profile(select_value(event.select))
        except ValidationError as error:
            self.show_error(error, "profile")
            set_select(event.select, None)

    # -- items and lines ------------------------------------------------------------------------
    def add_entered(self) -> None:
        """Enter in the Qty field: add what the item field holds, that many."""
        code_input = self.query_one("#code", Input)
        code = code_input.value.strip()
        if not code:
            code_input.focus()
            return
        if self.add_code(code, from_field="quantity"):
            code_input.value = ""
            code_input.focus()

    def add_scanned(self, text: str) -> bool:
        """One ``SKU`` or ``3*SKU`` from the item field; a refusal is said there."""
        if not text.strip():
            return False
        if self.add_code(text.strip(), from_field="code"):
            return True
        self.app.bell()  # a scanner's user looks at the goods, not the screen
        return False

    def add_code(self, entry: str, from_field: str) -> bool:
        """Add ``SKU`` or ``3*SKU`` with the Qty field's quantity; a refusal is
        shown at the field the Enter came from (a scan never moves the focus)."""
        qty_input = self.query_one("#quantity", Input)
        try:
            self.draft.add_entry(entry, qty_input.value.strip() or "1")
        except ValidationError as error:
            if from_field == "code":
                error = ValidationError(error.message, "code")
            self.show_error(error, "code")
            return False
        qty_input.value = "1"
        self.query_one("#code-error", FieldError).clear()  # an earlier refusal is old news
        self.refresh_bill()
        table = self.query_one("#lines", DataTable)
        table.move_cursor(row=table.row_count - 1)
        return True

    def action_find_item(self) -> None:
        def chosen(item_id: int | None) -> None:
            self.focus_item_field()
            if item_id is None:
                return
            qty = self.query_one("#quantity", Input).value.strip() or "1"
            try:
                self.draft.add_item_id(item_id, qty)
            except ValidationError as error:
                self.show_error(error, "code")
                return
            self.query_one("#quantity", Input).value = "1"
            self.query_one("#code-error", FieldError).clear()
            self.query_one("#code", Input).value = ""  # it was the search, now done
            self.refresh_bill()

        self.app.push_screen(ItemSearchPopup(self.query_one("#code", Input).value,
                                             self.locale), chosen)

    def action_edit_line(self) -> None:
        index = self.current_line()
        if index is None:
            self.notify("The bill has no lines yet", severity="warning")
            return

        def done(changed: bool | None) -> None:
            if changed:
                self.refresh_bill()
            self.focus_item_field()

        self.app.push_screen(LineEditScreen(self.draft, index), done)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_edit_line()

    def action_remove_line(self) -> None:
        table = self.query_one("#lines", DataTable)
        index = self.current_line()
        if index is None or not table.has_focus:
            return
        self.draft.remove_line(index)
        self.refresh_bill()

    def action_adjust_bill(self) -> None:
        def done(changed: bool | None) -> None:
            if changed:
                self.refresh_bill()
            self.focus_item_field()

        self.app.push_screen(BillAdjustScreen(self.draft), done)

    # -- payment --------------------------------------------------------------------------------
    def action_pay(self) -> None:
        self.clear_errors()
        if not self.draft.lines:
            self.show_error(ValidationError("Add an item before taking payment", "code"))
            return
        if not self.register_open():
            self.show_error(register_closed(self.app.actor.terminal), "code")
            return

        def paid(result) -> None:
            if result is None:  # back to the bill: the next scan goes on it
                self.focus_item_field()
                return
            self.app.push_screen(ReceiptScreen(result), lambda _: self.new_sale())

        self.app.push_screen(PaymentScreen(self.draft, self.currency), paid)

    # -- the register (Till menu › O, I, U, N, X, Z; services/register.py) ----------------------
    def register_open(self) -> bool:
        return register.current_id(self.app.actor.terminal) is not None

    def offer_open_register(self) -> None:
        """No open register on this terminal: the Open-register pop-up (Esc: look only)."""
        if getattr(self.app, "actor", None) is None or self.register_open():
            return
        from tui_pos.ui.screens.register import OpenRegisterPopup

        self.app.push_screen(OpenRegisterPopup(), self.register_opened)

    def register_opened(self, info) -> None:
        if info is not None:
            self.notify(f"Register open on {info.terminal}", markup=False)
        self.focus_item_field()

    def action_open_register(self) -> None:
        if self.register_open():
            self.notify("The register is already open on this terminal", markup=False)
            return
        self.offer_open_register()

    def cash_movement(self, kind: str) -> None:
        from tui_pos.ui.screens.register import CashMovementPopup

        def done(movement: int | None) -> None:
            if movement is not None:
                self.notify("Paid in recorded" if kind == "paid_in" else "Paid out recorded")
            self.focus_item_field()

        self.app.push_screen(CashMovementPopup(kind), done)

    def action_paid_in(self) -> None:
        self.cash_movement("paid_in")

    def action_paid_out(self) -> None:
        self.cash_movement("paid_out")

    def action_no_sale(self) -> None:
        from tui_pos.ui.screens.approval import attempt

        attempt(self, register.no_sale,
                lambda _: self.notify("No sale: the drawer opens (recorded)"),
                lambda error: self.show_error(error, "code"))

    def action_x_report(self) -> None:
        from tui_pos.ui.screens.register import ReportPopup

        session_id = register.current_id(self.app.actor.terminal)
        if session_id is None:
            self.show_error(register_closed(self.app.actor.terminal), "code")
            return
        text = register.z_text(register.x_report(session_id), locale=self.locale)
        self.app.push_screen(ReportPopup("X report", text), lambda _: self.focus_item_field())

    def action_close_register(self) -> None:
        from tui_pos.ui.screens.register import CloseRegisterPopup, ReportPopup

        session_id = register.current_id(self.app.actor.terminal)
        if session_id is None:
            self.show_error(register_closed(self.app.actor.terminal), "code")
            return

        def closed(z) -> None:
            if z is None:
                self.focus_item_field()
                return
            self.app.push_screen(ReportPopup(f"Z report {z.z_number}", z.text),
                                 lambda _: self.focus_item_field())

        self.app.push_screen(CloseRegisterPopup(session_id), closed)

    # -- the Till menu (F8 / Ctrl+D) ------------------------------------------------------------
    def action_till(self) -> None:
        available = [entry for entry in TILL_ACTIONS if hasattr(self, f"action_{entry[2]}")]
        if not available:
            self.notify("Nothing in the Till menu yet", severity="warning")
            return

        def chosen(action: str | None) -> None:
            if action:
                self.call_later(self.run_action, action)  # a coroutine: awaited there
            else:
                self.focus_item_field()

        self.app.push_screen(TillMenu(available), chosen)

    # -- park and recall (Till menu › P, › R; services/parked.py) ----------------------------
    parked_from: int | None = None  # the parked bill this one was recalled from

    def action_park_bill(self) -> None:
        self.clear_errors()
        if not self.draft.lines:
            self.show_error(ValidationError("The bill has no lines: there is nothing to park",
                                            "code"))
            return
        self.park_open_bill()

    def park_open_bill(self, then=None) -> None:
        """Ask the note and park; the bill is empty at once for the next customer."""
        from tui_pos.ui.screens.parked import ParkNoteScreen

        def parked_as(number: int | None) -> None:
            if number is None:
                self.focus_item_field()
                return
            self.new_sale()
            self.notify(f"Bill parked as number {number}", markup=False)
            if then is not None:
                then()

        self.app.push_screen(ParkNoteScreen(self.app.actor, self.draft), parked_as)

    def action_recall_bill(self) -> None:
        """The parked bills; with lines on this bill, it is parked first (never lost)."""
        self.clear_errors()
        if not self.draft.lines:
            self.choose_parked_bill()
            return

        def answer(park_first: bool | None) -> None:
            if park_first:
                self.park_open_bill(then=self.choose_parked_bill)
            else:
                self.focus_item_field()

        self.app.push_screen(ConfirmScreen("This bill is open. Park it first, then recall "
                                           "another?", yes="Park it", no="Stay"), answer)

    def choose_parked_bill(self) -> None:
        from tui_pos.ui.screens.parked import ParkedBillsScreen

        def recalled(result) -> None:
            if result is None:
                self.focus_item_field()
                return
            self.show_recalled(result)

        self.app.push_screen(ParkedBillsScreen(self.app.actor, self.locale), recalled)

    def show_recalled(self, recalled) -> None:
        """The recalled bill on screen; its parked number in the header until completed."""
        self.draft = recalled.draft
        self.parked_from = recalled.number
        with self.prevent(Input.Changed):
            self.query_one("#customer", Input).value = (recalled.draft.customer.name
                                                        if recalled.draft.customer else "")
        if self.show_profile:
            self.load_profiles()
        self.refresh_bill()
        self.show_cashier()
        self.sub_title = f"{self.sub_title} · from parked bill {recalled.number}".lstrip(" ·")
        for note in recalled.notes:
            self.notify(note, severity="warning", timeout=10, markup=False)
        self.focus_item_field()

    def new_sale(self) -> None:
        self.draft = SaleDraft.new()
        self.parked_from = None  # a recalled bill is completed (or parked again)
        self.show_cashier()
        self.query_one("#customer", Input).value = ""
        self.query_one("#code", Input).value = ""
        self.query_one("#quantity", Input).value = "1"
        if self.show_profile:
            self.load_profiles()
        self.refresh_bill()
        self.query_one("#customer", Input).focus()

    # -- credit account (Till menu › A; services/accounts.py) ---------------------------------
    _account: tuple[object, list[str]] | None = None  # (the customer attached, its words)

    def _account_parts(self, customer) -> list[str]:
        """'balance 34,50 · limit 100,00' for a customer with a credit account, read
        once each time a customer is attached (not on every scan)."""
        from tui_pos.services import accounts

        if self._account is None or self._account[0] is not customer:
            info = accounts.account_info(customer.id)
            parts = []
            if info.has_account:
                parts = [f"balance {self.money(info.balance)}",
                         f"limit {self.money(info.limit)}"]
            elif info.balance:
                parts = [f"balance {self.money(info.balance)}"]
            self._account = (customer, parts)
        return self._account[1]

    def action_account_payment(self) -> None:
        """A payment on account, nothing sold: for the bill's customer, or one
        chosen in the customer search first. Its receipt is shown after."""
        from tui_pos.ui.screens.account import AccountPaymentScreen, AccountReceiptScreen
        from tui_pos.ui.screens.customer_form import CustomerSearchPopup

        self.clear_errors()

        def paid(result) -> None:
            if result is None:
                self.focus_item_field()
                return
            self._account = None  # the balance changed
            self.refresh_bill()
            self.app.push_screen(AccountReceiptScreen(result), lambda _: self.focus_item_field())

        def take(customer_id: int | None) -> None:
            if customer_id is None:
                self.focus_item_field()
                return
            self.app.push_screen(AccountPaymentScreen(customer_id), paid)

        if self.draft.customer is not None:
            take(self.draft.customer.id)
        else:
            self.app.push_screen(CustomerSearchPopup(""), take)

    # -- returns and voids (Till menu › T, › V; services/returns.py) --------------------------
    def action_return_items(self) -> None:
        from tui_pos.ui.screens.returns import ReturnScreen

        self.app.push_screen(ReturnScreen(), lambda _: self.focus_item_field())

    def action_void_sale(self) -> None:
        from tui_pos.ui.screens.returns import VoidPopup

        def voided(done) -> None:
            if done is not None:
                self.notify(f"Sale {done.number} voided ({self.money(done.total)})",
                            markup=False)
            self.focus_item_field()

        self.app.push_screen(VoidPopup(), voided)

    # -- a reprint (Till menu › E; services/receipt_text.py) ----------------------------------
    def action_reprint_receipt(self) -> None:
        """Ask the sale number (Enter alone: this till's last sale), show the copy and
        send it to the printer."""
        from tui_pos.ui.screens.reprint import ReprintAsk, ReprintScreen

        def found(reprint) -> None:
            if reprint is None:
                self.focus_item_field()
                return
            self.app.push_screen(ReprintScreen(reprint), lambda _: self.focus_item_field())

        self.app.push_screen(ReprintAsk(), found)

    # -- leaving ----------------------------------------------------------------------------------
    def action_back(self) -> None:
        if self.draft.is_empty:
            self.app.pop_screen()
            return

        def answer(discard: bool | None) -> None:
            if discard:
                self.draft = SaleDraft.new()
                self.app.pop_screen()

        self.app.push_screen(ConfirmScreen("A sale is open. Discard it and leave?",
                                           yes="Discard", no="Stay"), answer)
