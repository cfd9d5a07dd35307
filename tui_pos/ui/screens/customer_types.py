"""Master › Customer › Customer Types: name, optional discount and VAT class.

A type's discount and VAT apply by themselves when a customer of that type is
on a sale (never to non-discountable items or labour); "Staff" is a type.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Checkbox, Input, Select

from tui_pos.money import format_percent
from tui_pos.services import config, masters
from tui_pos.services.actors import Actor
from tui_pos.services.errors import NeedsApproval, ValidationError
from tui_pos.ui.screens.approval import attempt
from tui_pos.ui.screens.base import (
    ConfirmScreen, editable, form_row, select_value, set_select, vat_options,
)
from tui_pos.ui.screens.master_list import MasterListScreen, MasterTable, Row, status_text
from tui_pos.ui.widgets.tick import Tick


class CustomerTypesTable(MasterTable):
    BINDINGS = [
        Binding("delete", "screen.delete", "Delete", id="master.delete"),
    ]


class CustomerTypesScreen(MasterListScreen):
    TITLE = "Customer Types"
    HELP = ("A customer type carries an optional discount % and VAT class, applied "
            "automatically when a customer of that type is on a sale (never to "
            "non-discountable items or labour). A Staff type gives staff discount.\n"
            "Ctrl+N (or a in the list) adds; Enter edits; F4 saves; d deactivates or "
            "reactivates; Delete removes a type no customer uses.\n"
            "With Show Customer Type off (Business Configuration) the shop does not use "
            "types: they stay here, but customers and the Sales Bill do not show them and "
            "prices ignore them until the switch is on again.")
    NOUN = "customer type"
    LIST_PANE = 46  # a small form: the list takes more room for the names
    COLUMNS = (("Name", "name", None), ("Disc.", "discount", 6), ("VAT", "vat", 5),
               ("Status", "status", 8))
    RIGHT_ALIGNED = frozenset({"discount", "vat"})
    FORM_FIELDS = ("name", "discount", "vat_class", "active")
    TABLE_CLASS = CustomerTypesTable
    BINDINGS = [
        Binding("ctrl+n", "add_new", "New Type", id="master.new"),  # 80 columns
    ]

    def notice_message(self) -> str | None:
        if not config.get_settings().show_customer_type:
            return "Show Customer Type is off: no types on customers, bills or prices."
        return None

    def compose_form(self) -> ComposeResult:
        yield from form_row("Name", Input(id="name", max_length=masters.NAME_LENGTH,
                                          compact=True))
        yield from form_row("Discount %", Input(id="discount", placeholder="none",
                                                 max_length=8, compact=True))
        yield from form_row("VAT class", Select(vat_options(locale=self.locale),
                                                id="vat_class", prompt="(item's own)",
                                                compact=True))
        yield from form_row("Active", Tick("in use", True, id="active", compact=True))

    def fetch(self, offset: int, limit: int | None) -> list[Row]:
        return [(t.id, (t.name, format_percent(t.discount, self.locale),
                        format_percent(t.vat_rate, self.locale), status_text(t.active)))
                for t in masters.list_types()]

    def is_active(self, record_id: int) -> bool:
        return masters.get_type(record_id).active

    def fill_form(self, record_id: int | None) -> str:
        name, discount = self.query_one("#name", Input), self.query_one("#discount", Input)
        vat, active = self.query_one("#vat_class", Select), self.query_one("#active", Checkbox)
        if record_id is None:
            name.value, discount.value, active.value = "", "", True
            vat.set_options(vat_options(locale=self.locale))
            vat.clear()
            return "Add New Type"
        row = masters.get_type(record_id)
        name.value = row.name
        discount.value = editable(row.discount, self.locale, places=None)
        vat.set_options(vat_options(row.vat_class_id, self.locale))
        set_select(vat, row.vat_class_id)
        active.value = row.active
        return f"Edit type: {row.name}"

    def save_record(self, actor: Actor, record_id: int | None) -> tuple[int, str]:
        row = masters.save_type(
            actor, self.query_one("#name", Input).value,
            discount=self.query_one("#discount", Input).value,
            vat_class_id=select_value(self.query_one("#vat_class", Select)),
            active=self.query_one("#active", Checkbox).value,
            type_id=record_id)
        return row.id, row.name

    def set_active(self, actor: Actor, record_id: int, active: bool) -> str:
        return masters.set_type_active(actor, record_id, active).name

    # -- Delete, or deactivate when customers still use the type --------------------------
    def action_delete(self) -> None:
        record_id = self.highlighted_id()
        if record_id is None:
            return
        name = masters.get_type(record_id).name

        def answer(delete: bool | None) -> None:
            if delete:
                self.delete(record_id, name)

        self.app.push_screen(ConfirmScreen(f"Delete the customer type {name!r}?",
                                           yes="Delete", no="Keep"), answer)

    def delete(self, record_id: int, name: str) -> None:
        """Delete through ``attempt`` (a cashier is asked for a manager's PIN); a type
        still in use is offered for deactivation instead."""
        def done(_: None) -> None:
            if self.editing_id == record_id:
                self._fill(None)
            self.reload()
            self.notify(f"Customer type {name!r} deleted", timeout=3, markup=False)

        def failed(error: ValidationError) -> None:
            if isinstance(error, NeedsApproval):
                self.notify(error.message, severity="error", timeout=6, markup=False)
                return
            self.offer_deactivate(record_id, name, error.message)

        attempt(self, lambda actor: masters.delete_type(actor, record_id), done, failed)

    def offer_deactivate(self, record_id: int, name: str, message: str) -> None:
        def answer(deactivate: bool | None) -> None:
            if not deactivate:
                self.notify(message, severity="warning", timeout=6, markup=False)
                return
            self.change_active(record_id, False)

        if not masters.get_type(record_id).active:
            self.notify(message, severity="warning", timeout=6, markup=False)
            return
        self.app.push_screen(ConfirmScreen(f"{message}.\nDeactivate {name!r} now?",
                                           yes="Deactivate", no="Keep"), answer)
