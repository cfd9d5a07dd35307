"""Master › Customer › Custom Fields: the shop's own customer fields
(text, number, date, yes/no, choice), shown on every customer's page."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Checkbox, Input, Select

from tui_pos.services import custom_fields, masters
from tui_pos.services.actors import Actor
from tui_pos.ui.screens.base import form_row, select_value
from tui_pos.ui.screens.master_list import MasterListScreen, Row, status_text
from tui_pos.ui.widgets.tick import Tick

KINDS = [(label, kind) for kind, label in custom_fields.KIND_LABELS.items()]


class CustomFieldsScreen(MasterListScreen):
    TITLE = "Custom Fields"
    HELP = ("Fields the shop adds to every customer, e.g. a membership number or a "
            "preferred shop. A Choice field offers its options (type them separated by "
            "commas); a Required field must be filled in on every customer.\n"
            "Ctrl+N (or a in the list) adds; Enter edits; F4 saves; d deactivates or "
            "reactivates (an inactive field is hidden, its values are kept).")
    NOUN = "custom field"
    COLUMNS = (("Name", "name", None), ("Kind", "kind", 7), ("Req.", "required", 4),
               ("Status", "status", 8))
    FORM_FIELDS = ("name", "kind", "options", "required", "active")
    BINDINGS = [
        Binding("ctrl+n", "add_new", "Add New Field", id="master.new"),
    ]

    def compose_form(self) -> ComposeResult:
        yield from form_row("Name", Input(id="name", max_length=masters.NAME_LENGTH,
                                          compact=True))
        yield from form_row("Kind", Select(KINDS, id="kind", allow_blank=False, value="text",
                                           compact=True))
        yield from form_row("Options", Input(id="options", placeholder="for Choice: a, b, c",
                                             max_length=custom_fields.OPTIONS_LENGTH,
                                             compact=True))
        yield from form_row("Required", Tick("must be filled in", False, id="required",
                                             compact=True))
        yield from form_row("Active", Tick("shown on customers", True, id="active", compact=True))

    def fetch(self, offset: int, limit: int | None) -> list[Row]:
        return [(f.id, (f.name, f.kind_label, "yes" if f.required else "",
                        status_text(f.active)))
                for f in custom_fields.list_fields(include_inactive=True)]

    def is_active(self, record_id: int) -> bool:
        return custom_fields.get_field(record_id).active

    def fill_form(self, record_id: int | None) -> str:
        name, kind = self.query_one("#name", Input), self.query_one("#kind", Select)
        options = self.query_one("#options", Input)
        required = self.query_one("#required", Checkbox)
        active = self.query_one("#active", Checkbox)
        if record_id is None:
            name.value, kind.value, options.value = "", "text", ""
            required.value, active.value = False, True
            return "Add New Field"
        row = custom_fields.get_field(record_id)
        name.value, kind.value = row.name, row.kind
        options.value = ", ".join(row.choices)
        required.value, active.value = row.required, row.active
        return f"Edit field: {row.name}"

    def save_record(self, actor: Actor, record_id: int | None) -> tuple[int, str]:
        row = custom_fields.save_field(
            actor, self.query_one("#name", Input).value,
            select_value(self.query_one("#kind", Select)) or "",
            options=self.query_one("#options", Input).value,
            required=self.query_one("#required", Checkbox).value,
            active=self.query_one("#active", Checkbox).value,
            field_id=record_id)
        return row.id, row.name

    def set_active(self, actor: Actor, record_id: int, active: bool) -> str:
        return masters.set_active(actor, "custom_field", record_id, active).name
