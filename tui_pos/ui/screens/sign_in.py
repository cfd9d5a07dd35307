"""Sign in: who you are and your PIN — at start, after an idle time and on a switch of user.

A store without staff yet (made before staff existed) asks for its owner
instead: name and PIN typed twice; the owner is then signed in. The screen
dismisses with the signed-in ``Actor``; the app keeps it and hands it to
every service. The rules (PINs, lock-out, deactivated staff) are the staff
service's: this screen shows its refusals at the field.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, OptionList, Static

from tui_pos.services import config, staff
from tui_pos.services.actors import Actor, cli_actor
from tui_pos.services.errors import ValidationError
from tui_pos.ui.literal import literal
from tui_pos.ui.screens.base import FieldError, FieldErrors, form_row
from tui_pos.ui.widgets.staff_picker import StaffPicker

PIN_RESTRICT = r"[0-9]*"


class SignInScreen(FieldErrors, Screen[Actor]):
    """Choose who you are (type the first letters of your name), type the PIN, Enter."""

    TITLE = "Sign in"
    HELP = ("Choose who you are with the arrow keys, or type the first letters of your "
            "name, then Enter. Type your PIN and press Enter. Five wrong PINs in a row "
            "lock you out for five minutes. Ctrl+X quits.")
    BINDINGS = [
        Binding("f4", "sign_in", "Sign in", key_display="F4", id="sign_in.apply"),
        Binding("ctrl+o", "sign_in", "Sign in", show=False, id="sign_in.apply_ctrl"),
    ]
    DEFAULT_CSS = """
    SignInScreen .sign-in { width: 60; max-width: 100%; height: auto; padding: 0 1; }
    SignInScreen #staff { height: auto; max-height: 10; border: solid $accent; }
    SignInScreen .sign-in-title { text-style: bold; padding: 1 0; }
    SignInScreen .sign-in Label { width: auto; }
    SignInScreen .form-row > Label { width: 14; }
    SignInScreen .sign-in FieldError { padding-left: 14; }
    """

    def __init__(self, message: str = "") -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        with Vertical(classes="sign-in"):
            store = config.get_settings().store_name or "tui-pos"
            yield Static(literal(store), classes="sign-in-title")
            if self.message:
                yield Static(literal(self.message), id="sign-in-message", classes="notice")
            yield Label("Who are you?")
            yield StaffPicker(staff.list_staff(include_inactive=False), id="staff")
            yield FieldError(id="staff-error")
            yield from form_row("PIN", Input(password=True, max_length=staff.PIN_MAX,
                                             restrict=PIN_RESTRICT, id="pin", compact=True,
                                             select_on_focus=False))
        yield Footer(compact=True)

    def on_mount(self) -> None:
        picker = self.query_one("#staff", StaffPicker)
        if len(picker.rows) == 1:
            self.query_one("#pin", Input).focus()
        else:
            picker.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one("#staff-error", FieldError).clear()
        pin = self.query_one("#pin", Input)
        if pin.value:  # the PIN was typed ahead of the Enter
            self.action_sign_in()
        else:
            pin.focus()

    # -- the PIN ---------------------------------------------------------------------------
    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_sign_in()

    def action_sign_in(self) -> None:
        self.clear_errors()
        staff_id = self.query_one("#staff", StaffPicker).chosen_id
        pin = self.query_one("#pin", Input)
        if staff_id is None:
            self.show_error(ValidationError("Choose who you are", "staff"))
            return
        try:
            actor = staff.sign_in(staff_id, pin.value, self.app.terminal)  # type: ignore[attr-defined]
        except ValidationError as error:
            pin.value = ""
            self.show_error(error, "pin")
            if error.field == "staff":
                self.query_one("#staff", StaffPicker).focus()
            return
        self.dismiss(actor)


class CreateOwnerScreen(FieldErrors, Screen[Actor]):
    """A store without staff: its owner's name and PIN (twice); then signed in as the owner."""

    TITLE = "Create the owner"
    HELP = ("This store has no staff yet. Type the owner's name and a PIN of 4 to 12 "
            "digits (not one digit repeated) twice, then Enter. The owner can then add "
            "managers and cashiers in Master › Staff. Ctrl+X quits.")
    BINDINGS = [
        Binding("f4", "create", "Create the owner", key_display="F4", id="owner.create"),
        Binding("ctrl+o", "create", "Create the owner", show=False, id="owner.create_ctrl"),
    ]
    DEFAULT_CSS = """
    CreateOwnerScreen .sign-in { width: 64; max-width: 100%; height: auto; padding: 0 1; }
    CreateOwnerScreen .sign-in-title { text-style: bold; padding: 1 0; }
    CreateOwnerScreen .form-row > Label { width: 16; }
    CreateOwnerScreen .sign-in FieldError { padding-left: 16; }
    """

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        with Vertical(classes="sign-in"):
            yield Static("Create the owner", classes="sign-in-title")
            yield Static("This store has no staff yet: who owns it?", classes="dim")
            yield from form_row("Owner's name", Input(id="name", max_length=staff.NAME_LENGTH,
                                                      compact=True))
            yield from form_row("PIN", Input(password=True, max_length=staff.PIN_MAX,
                                             restrict=PIN_RESTRICT, id="pin", compact=True))
            yield from form_row("PIN again", Input(password=True, max_length=staff.PIN_MAX,
                                                   restrict=PIN_RESTRICT, id="pin2",
                                                   compact=True))
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "pin2":
            self.action_create()
        else:
            self.focus_next()

    def action_create(self) -> None:
        self.clear_errors()
        pin, again = self.query_one("#pin", Input), self.query_one("#pin2", Input)
        if pin.value != again.value:
            again.value = ""
            self.show_error(ValidationError("The two PINs differ: type it again", "pin2"))
            return
        terminal = self.app.terminal  # type: ignore[attr-defined]
        try:
            owner = staff.create_first_owner(cli_actor(terminal),
                                             self.query_one("#name", Input).value, pin.value)
            actor = staff.sign_in(owner.id, pin.value, terminal)
        except ValidationError as error:
            self.show_error(error, "name")
            return
        self.dismiss(actor)
