"""Master › Staff: who signs in, their role, PIN and whether they are active.

Anyone signed in may look; adding or changing staff needs a manager (an owner
for owners), so a cashier's save asks for a manager's PIN on the spot
(``attempt``). The PIN is typed twice in password fields and never shown;
left empty on a change it stays as it was. The rules (PIN rules, the last
owner, who may make an owner) are the staff service's.
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Select, Static

from tui_pos.services import staff
from tui_pos.services.actors import ROLES
from tui_pos.services.errors import ValidationError
from tui_pos.ui.literal import literal
from tui_pos.ui.screens.approval import attempt
from tui_pos.ui.screens.base import form_row, select_value
from tui_pos.ui.screens.master_list import MasterListScreen, Row, saved_stamp, status_text
from tui_pos.ui.screens.sign_in import PIN_RESTRICT

STATUS = [("Active", True), ("Inactive", False)]
ROLE_OPTIONS = [(role.capitalize(), role) for role in ROLES]


def locked_text(until: dt.datetime | None, now: dt.datetime | None = None) -> Text:
    now = now or dt.datetime.now()
    if until is None or until <= now:
        return Text("")
    return Text(f"to {until:%H:%M}", style="bold")


class StaffScreen(MasterListScreen):
    TITLE = "Staff"
    HELP = ("Staff sign in with their PIN. Roles: a cashier sells; a manager also changes "
            "the configuration, the masters and the staff, and approves discounts beyond the "
            "limit; an owner also makes owners. A PIN has 4 to 12 digits, not one digit "
            "repeated; five wrong PINs lock the member out for five minutes (a new PIN "
            "unlocks). Ctrl+N (or a in the list) adds; Enter on a row edits; F4 saves; d "
            "deactivates or reactivates. Saving needs a manager's PIN when a cashier is "
            "signed in.")
    NOUN = "staff member"
    NOUNS = "staff members"
    COLUMNS = (("Name", "name", None), ("Role", "role", 8), ("Status", "status", 8),
               ("Locked", "locked", 8))
    FORM_FIELDS = ("name", "role", "pin", "pin2", "status")
    ACTIVE_FIELD = "status"
    BINDINGS = [
        Binding("ctrl+n", "add_new", "Add New Staff", id="master.new"),
    ]

    def compose_form(self) -> ComposeResult:
        yield from form_row("Name", Input(id="name", max_length=staff.NAME_LENGTH,
                                          compact=True))
        yield from form_row("Role", Select(ROLE_OPTIONS, id="role", allow_blank=False,
                                           value="cashier", compact=True))
        yield from form_row("PIN", Input(id="pin", password=True, max_length=staff.PIN_MAX,
                                         restrict=PIN_RESTRICT, compact=True))
        yield from form_row("PIN again", Input(id="pin2", password=True,
                                               max_length=staff.PIN_MAX,
                                               restrict=PIN_RESTRICT, compact=True))
        yield Static("", id="pin-hint", classes="dim")
        yield from form_row("Status", Select(STATUS, id="status", allow_blank=False,
                                             value=True, compact=True))

    def fetch(self, offset: int, limit: int | None) -> list[Row]:
        now = dt.datetime.now()
        return [(s.id, (s.name, s.role, status_text(s.active), locked_text(s.locked_until, now)))
                for s in staff.list_staff()]

    def is_active(self, record_id: int) -> bool:
        return staff.get_staff(record_id).active

    def fill_form(self, record_id: int | None) -> str:
        name, role = self.query_one("#name", Input), self.query_one("#role", Select)
        status = self.query_one("#status", Select)
        self.query_one("#pin", Input).value = ""
        self.query_one("#pin2", Input).value = ""
        hint = self.query_one("#pin-hint", Static)
        if record_id is None:
            name.value, role.value, status.value = "", "cashier", True
            hint.update(literal("The PIN: 4 to 12 digits, typed twice."))
            return "Add New Staff"
        member = staff.get_staff(record_id)
        name.value, role.value, status.value = member.name, member.role, member.active
        hint.update(literal("Leave the PIN empty to keep it; a new PIN also unlocks."))
        return f"Edit staff: {member.name}"

    # -- saving through a manager's approval ---------------------------------------------------
    def save(self) -> bool:
        """Checked by the service; a cashier is asked for a manager's PIN and the save is
        tried again approved. Returns False: ``saved`` marks the form clean."""
        pin, again = self.query_one("#pin", Input), self.query_one("#pin2", Input)
        if pin.value != again.value:
            again.value = ""
            raise ValidationError("The two PINs differ: type it again", "pin2")
        record_id = self.editing_id
        name = self.query_one("#name", Input).value
        role = select_value(self.query_one("#role", Select))
        active = bool(select_value(self.query_one("#status", Select)))
        typed = pin.value or None
        attempt(self, lambda actor: staff.save_staff(actor, name, role, typed, active,
                                                     record_id),
                self.saved)
        return False

    def saved(self, member: staff.StaffRow) -> None:
        self.after_save(member.id)
        self._fill(member.id)
        stamp = saved_stamp(member.name)
        self.query_one("#saved", Static).update(literal(stamp))
        self.notify(stamp, timeout=3, markup=False)

    def action_toggle_active(self) -> None:
        record_id = self.highlighted_id()
        if record_id is None:
            return
        active = not self.is_active(record_id)

        def done(member: staff.StaffRow) -> None:
            self.after_active_change(record_id, active)
            self.notify(f"{member.name} is {'active again' if active else 'deactivated'}",
                        timeout=3, markup=False)

        def failed(error: ValidationError) -> None:
            self.notify(error.message, severity="error", timeout=6, markup=False)

        attempt(self, lambda actor: staff.set_staff_active(actor, record_id, active), done,
                failed)
