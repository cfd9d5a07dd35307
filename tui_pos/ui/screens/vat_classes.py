"""Master › Inventory › VAT Classes: the rates items, customer types and
customers point at (0–100 %)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Checkbox, Input

from tui_pos.money import format_percent
from tui_pos.services import catalog, masters
from tui_pos.services.actors import Actor
from tui_pos.ui.screens.base import editable, form_row
from tui_pos.ui.screens.master_list import MasterListScreen, Row, status_text
from tui_pos.ui.widgets.tick import Tick


class VatClassesScreen(MasterListScreen):
    TITLE = "VAT Classes"
    HELP = ("The VAT rates of the shop, e.g. Hoog 21 %, Laag 9 %, Nul 0 %. Items have "
            "one; a customer type or customer may name another (tax-exempt, export).\n"
            "Ctrl+N (or a in the list) adds; Enter edits; F4 saves; d deactivates or "
            "reactivates (an inactive class is not offered for new items).")
    NOUN = "VAT class"
    NOUNS = "VAT classes"
    COLUMNS = (("Name", "name", None), ("Rate", "rate", 7), ("Status", "status", 8))
    RIGHT_ALIGNED = frozenset({"rate"})
    FORM_FIELDS = ("name", "rate", "active")
    BINDINGS = [
        Binding("ctrl+n", "add_new", "Add New VAT Class", id="master.new"),
    ]

    def compose_form(self) -> ComposeResult:
        yield from form_row("Name", Input(id="name", max_length=masters.NAME_LENGTH,
                                          compact=True))
        yield from form_row("Rate %", Input(id="rate", placeholder="e.g. 21", max_length=8,
                                            compact=True))
        yield from form_row("Active", Tick("offered for items", True, id="active", compact=True))

    def fetch(self, offset: int, limit: int | None) -> list[Row]:
        return [(v.id, (v.name, format_percent(v.rate, self.locale), status_text(v.active)))
                for v in catalog.list_vat_classes(include_inactive=True)]

    def is_active(self, record_id: int) -> bool:
        return catalog.get_vat_class(record_id).active

    def fill_form(self, record_id: int | None) -> str:
        name, rate = self.query_one("#name", Input), self.query_one("#rate", Input)
        active = self.query_one("#active", Checkbox)
        if record_id is None:
            name.value, rate.value, active.value = "", "", True
            return "Add New VAT Class"
        row = catalog.get_vat_class(record_id)
        name.value, rate.value = row.name, editable(row.rate, self.locale, places=None)
        active.value = row.active
        return f"Edit VAT class: {row.name}"

    def save_record(self, actor: Actor, record_id: int | None) -> tuple[int, str]:
        row = catalog.save_vat_class(actor, self.query_one("#name", Input).value,
                                     self.query_one("#rate", Input).value,
                                     active=self.query_one("#active", Checkbox).value,
                                     vat_class_id=record_id)
        return row.id, row.name

    def set_active(self, actor: Actor, record_id: int, active: bool) -> str:
        return masters.set_active(actor, "vat_class", record_id, active).name
