"""Master › Sales › Tender Methods: the ways the shop takes money at the counter
(Cash, Card, Voucher, On account, and any it adds: a name, a kind, whether it
opens the cash drawer, its place in the payment pop-up)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Checkbox, Input, Select

from tui_pos.services import tenders
from tui_pos.services.actors import Actor
from tui_pos.ui.literal import cell
from tui_pos.ui.screens.base import form_row, select_value
from tui_pos.ui.screens.master_list import MasterListScreen, Row, status_text
from tui_pos.ui.widgets.tick import Tick

KIND_OPTIONS = [(cell(label), kind) for kind, label in tenders.KIND_LABELS.items()]


class TenderMethodsScreen(MasterListScreen):
    TITLE = "Tender Methods"
    HELP = ("The ways a sale is paid. Cash, Card, Voucher and On account come with the "
            "shop; add others (a name up to 20 characters, a kind, whether it opens the "
            "drawer). Only cash gives change. The payment pop-up offers the active ones "
            "in their position's order; a method's first letter picks it there.\n"
            "Ctrl+N (or a in the list) adds; Enter edits; F4 saves; d deactivates or "
            "reactivates. The kind of a method already used in sales stays.")
    NOUN = "tender method"
    COLUMNS = (("Name", "name", None), ("Kind", "kind", 10), ("Drawer", "drawer", 6),
               ("Pos", "position", 4), ("Status", "status", 8))
    RIGHT_ALIGNED = frozenset({"position"})
    FORM_FIELDS = ("name", "kind", "opens_drawer", "position", "active")
    BINDINGS = [
        Binding("ctrl+n", "add_new", "New Method", id="master.new"),
    ]

    def compose_form(self) -> ComposeResult:
        yield from form_row("Name", Input(id="name", max_length=tenders.NAME_LENGTH,
                                          compact=True))
        yield from form_row("Kind", Select(KIND_OPTIONS, id="kind", value="other",
                                           allow_blank=False, compact=True))
        yield from form_row("Drawer", Tick("opens the cash drawer", False, id="opens_drawer",
                                           compact=True))
        yield from form_row("Position", Input(id="position", max_length=4, compact=True,
                                              restrict=r"[0-9]*",
                                              placeholder="empty = last"))
        yield from form_row("Active", Tick("offered at the till", True, id="active",
                                           compact=True))

    def fetch(self, offset: int, limit: int | None) -> list[Row]:
        return [(m.id, (m.name, tenders.KIND_LABELS.get(m.kind, m.kind),
                        "yes" if m.opens_drawer else "", str(m.position),
                        status_text(m.active)))
                for m in tenders.list_methods() if m.counter]

    def is_active(self, record_id: int) -> bool:
        return tenders.get_method(record_id).active

    def fill_form(self, record_id: int | None) -> str:
        q = self.query_one
        if record_id is None:
            q("#name", Input).value, q("#position", Input).value = "", ""
            q("#kind", Select).value = "other"
            q("#opens_drawer", Checkbox).value, q("#active", Checkbox).value = False, True
            return "Add New Tender Method"
        m = tenders.get_method(record_id)
        q("#name", Input).value, q("#position", Input).value = m.name, str(m.position)
        q("#kind", Select).value = m.kind
        q("#opens_drawer", Checkbox).value, q("#active", Checkbox).value = m.opens_drawer, \
            m.active
        return f"Edit tender method: {m.name}"

    def save_record(self, actor: Actor, record_id: int | None) -> tuple[int, str]:
        q = self.query_one
        row = tenders.save_tender_method(
            actor, q("#name", Input).value, select_value(q("#kind", Select)) or "other",
            opens_drawer=q("#opens_drawer", Checkbox).value,
            active=q("#active", Checkbox).value, position=q("#position", Input).value,
            method_id=record_id)
        return row.id, row.name

    def set_active(self, actor: Actor, record_id: int, active: bool) -> str:
        return tenders.set_method_active(actor, record_id, active).name
