"""Master › Customer › Customer Profile (TruePOS, step 2): add, edit,
activate and deactivate the profiles that group customers."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Select

from tui_pos.services import config, masters
from tui_pos.services.actors import Actor
from tui_pos.ui.app import PROFILE_OFF
from tui_pos.ui.screens.base import form_row, select_value
from tui_pos.ui.screens.master_list import MasterListScreen, Row, status_text

STATUS = [("Active", True), ("Inactive", False)]


class CustomerProfileScreen(MasterListScreen):
    TITLE = "Customer Profile"
    HELP = ("Profiles group customers (e.g. Retail, Wholesale, Online); the Sales Bill "
            "offers the active ones and reports group sales by them.\n"
            "Ctrl+N (or a in the list) adds a new profile; Enter on a row edits it; "
            "F4 saves; d deactivates or reactivates the highlighted profile. "
            "Inactive profiles stay on old sales but are not offered for new ones.")
    NOUN = "profile"
    COLUMNS = (("Profile Name", "name", None), ("Status", "status", 8))
    FORM_FIELDS = ("name", "status")
    ACTIVE_FIELD = "status"
    BINDINGS = [
        Binding("ctrl+n", "add_new", "Add New Profile", id="master.new"),
    ]

    def unavailable_message(self) -> str | None:
        if not config.get_settings().show_customer_profile:
            return PROFILE_OFF
        return None

    def compose_form(self) -> ComposeResult:
        yield from form_row("Profile Name", Input(id="name", max_length=masters.NAME_LENGTH,
                                                  compact=True))
        yield from form_row("Status", Select(STATUS, id="status", allow_blank=False,
                                             value=True, compact=True))

    def fetch(self, offset: int, limit: int | None) -> list[Row]:
        return [(p.id, (p.name, status_text(p.active))) for p in masters.list_profiles()]

    def is_active(self, record_id: int) -> bool:
        return masters.get_profile(record_id).active

    def fill_form(self, record_id: int | None) -> str:
        name, status = self.query_one("#name", Input), self.query_one("#status", Select)
        if record_id is None:
            name.value, status.value = "", True
            return "Add New Profile"
        profile = masters.get_profile(record_id)
        name.value, status.value = profile.name, profile.active
        return f"Edit profile: {profile.name}"

    def save_record(self, actor: Actor, record_id: int | None) -> tuple[int, str]:
        active = bool(select_value(self.query_one("#status", Select)))
        profile = masters.save_profile(actor, self.query_one("#name", Input).value,
                                       active=active, profile_id=record_id)
        return profile.id, profile.name

    def set_active(self, actor: Actor, record_id: int, active: bool) -> str:
        return masters.set_profile_active(actor, record_id, active).name
