"""Master › Sales › Vouchers: gift cards and vouchers by number — issued with a
value (its first balance), an optional expiry date and a note; a sale paying by
voucher takes its balance down, a void puts it back."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Checkbox, Input, Label

from tui_pos.money import format_date, format_money
from tui_pos.services import tenders
from tui_pos.services.actors import Actor
from tui_pos.ui.literal import literal
from tui_pos.ui.screens.base import editable, form_row
from tui_pos.ui.screens.master_list import MasterListScreen, Row, status_text
from tui_pos.ui.widgets.tick import Tick


class VouchersScreen(MasterListScreen):
    TITLE = "Vouchers"
    HELP = ("Vouchers and gift cards. Issue one with its number (as printed or scanned), "
            "its value and, if it has one, an expiry date (2026-12-31). Its balance goes "
            "down as sales use it; the value of an issued voucher stays.\n"
            "Ctrl+N (or a in the list) issues; Enter edits; F4 saves; d deactivates "
            "or reactivates (an inactive voucher is refused at the till).")
    NOUN = "voucher"
    COLUMNS = (("Number", "number", None), ("Value", "value", 10), ("Balance", "balance", 10),
               ("Expires", "expires", 10), ("Status", "status", 8))
    RIGHT_ALIGNED = frozenset({"value", "balance"})
    FORM_FIELDS = ("number", "value", "expires", "note", "active")
    FIRST_FIELD = "number"
    BINDINGS = [
        Binding("ctrl+n", "add_new", "New Voucher", id="master.new"),
    ]

    def compose_form(self) -> ComposeResult:
        yield from form_row("Number", Input(id="number", max_length=tenders.VOUCHER_LENGTH,
                                            compact=True))
        yield from form_row("Value", Input(id="value", max_length=14, compact=True,
                                           placeholder="e.g. 25,00"))
        yield Label("", id="balance")
        yield from form_row("Expires", Input(id="expires", max_length=10, compact=True,
                                             placeholder="YYYY-MM-DD, empty = never"))
        yield from form_row("Note", Input(id="note", max_length=tenders.NOTE_LENGTH,
                                          compact=True))
        yield from form_row("Active", Tick("accepted at the till", True, id="active",
                                           compact=True))

    def fetch(self, offset: int, limit: int | None) -> list[Row]:
        return [(v.id, (v.number, format_money(v.initial, locale=self.locale),
                        format_money(v.balance, locale=self.locale),
                        v.expires.isoformat() if v.expires else "",
                        status_text(v.active and not v.expired)))
                for v in tenders.list_vouchers()]

    def is_active(self, record_id: int) -> bool:
        return tenders.get_voucher(record_id).active

    def fill_form(self, record_id: int | None) -> str:
        q = self.query_one
        value = q("#value", Input)
        if record_id is None:
            for field in ("number", "value", "expires", "note"):
                q(f"#{field}", Input).value = ""
            value.disabled = False
            q("#active", Checkbox).value = True
            q("#balance", Label).update("")
            return "Issue New Voucher"
        v = tenders.get_voucher(record_id)
        q("#number", Input).value, q("#note", Input).value = v.number, v.note
        value.value = editable(v.initial, self.locale)
        value.disabled = True  # the value of an issued voucher stays
        q("#expires", Input).value = v.expires.isoformat() if v.expires else ""
        q("#active", Checkbox).value = v.active
        left = f"Balance {format_money(v.balance, locale=self.locale)}"
        if v.expired:
            left += f" — expired {format_date(v.expires, self.locale)}"
        q("#balance", Label).update(literal(left))
        return f"Edit voucher: {v.number}"

    def save_record(self, actor: Actor, record_id: int | None) -> tuple[int, str]:
        q = self.query_one
        row = tenders.save_voucher(actor, q("#number", Input).value, q("#value", Input).value,
                                   expires=q("#expires", Input).value,
                                   note=q("#note", Input).value,
                                   active=q("#active", Checkbox).value, voucher_id=record_id)
        return row.id, row.number

    def set_active(self, actor: Actor, record_id: int, active: bool) -> str:
        return tenders.set_voucher_active(actor, record_id, active).number
