"""A manager's PIN on the spot, and ``attempt``: call a service, ask when it needs it.

A service refuses an action above the actor's role with ``NeedsApproval``;
``attempt`` answers with the ``ApprovalScreen`` pop-up (choose the manager,
type the PIN) and calls the service again with the approver recorded in the
actor. Wrong PINs, an approver without the role or the asker approving
themselves are refused by ``staff.approve`` and shown in the pop-up.
"""

from __future__ import annotations

from typing import Callable, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, OptionList

from tui_pos.services import staff
from tui_pos.services.actors import Actor, rank
from tui_pos.services.errors import NeedsApproval, ValidationError
from tui_pos.ui.literal import literal
from tui_pos.ui.screens.base import FieldError, PosModal, form_row
from tui_pos.ui.widgets.staff_picker import StaffPicker

T = TypeVar("T")


class ApprovalScreen(PosModal[Actor]):
    """'<action>: a manager's PIN, please' — who approves (typed letters find the name;
    digits go on to the PIN), the PIN, Enter. Dismisses with the approved actor."""

    DEFAULT_CSS = """
    ApprovalScreen .approvers { height: auto; max-height: 6; border: solid $accent; }
    """

    APPLY_ON_ENTER = True
    BINDINGS = [
        Binding("f4", "apply", "Approve", id="approval.apply"),
        Binding("ctrl+o", "apply", "Approve", show=False, id="approval.apply_ctrl"),
    ]

    def __init__(self, actor: Actor, needed: NeedsApproval) -> None:
        super().__init__()
        self.actor, self.needed = actor, needed

    def compose(self) -> ComposeResult:
        approvers = [s for s in staff.list_staff(include_inactive=False)
                     if rank(s.role) >= rank(self.needed.role) and s.id != self.actor.staff_id]
        with Vertical(classes="dialog"):
            yield Label(literal(f"{self.needed.action}: a {self.needed.role}'s PIN, please"),
                        classes="dialog-question")
            yield Label("Who approves? (type the first letters of the name)", classes="hint")
            yield StaffPicker(approvers, id="staff", classes="approvers")
            yield FieldError(id="staff-error")
            yield from form_row("PIN", Input(password=True, max_length=staff.PIN_MAX,
                                             restrict=r"[0-9]*", id="pin", compact=True,
                                             select_on_focus=False))
            if not approvers:
                yield Label(literal(f"No active {self.needed.role} can approve this."),
                            classes="hint")

    def on_mount(self) -> None:
        picker = self.query_one("#staff", StaffPicker)
        (self.query_one("#pin") if len(picker.rows) == 1 else picker).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.query_one("#pin", Input).value:  # the PIN was typed ahead of the Enter
            self.action_apply()
        else:
            self.query_one("#pin", Input).focus()

    def action_apply(self) -> None:
        self.clear_errors()
        approver_id = self.query_one("#staff", StaffPicker).chosen_id
        if approver_id is None:
            self.show_error(ValidationError(f"Nobody here can approve: a {self.needed.role} "
                                            "must be in Master › Staff", "staff"))
            return
        pin_field = self.query_one("#pin", Input)
        try:
            approved = staff.approve(self.actor, approver_id, pin_field.value,
                                     self.needed.action, self.needed.role)
        except ValidationError as exc:
            pin_field.value = ""
            self.show_error(exc, "pin")
            return
        self.dismiss(approved)


def attempt(screen: Screen, call: Callable[[Actor], T], done: Callable[[T], None],
            failed: Callable[[ValidationError], None] | None = None,
            actor: Actor | None = None) -> None:
    """``done(call(actor))``; on ``NeedsApproval`` ask for a PIN and try again approved.

    Any other ``ValidationError`` goes to ``failed`` (default: the screen's
    ``show_error``). A cancelled pop-up does nothing: nothing was written.
    """
    actor = actor if actor is not None else screen.app.actor  # type: ignore[attr-defined]
    on_error = failed or screen.show_error  # type: ignore[attr-defined]
    try:
        result = call(actor)
    except NeedsApproval as needed:
        if actor.approver is not None:  # approved, and still not enough
            on_error(needed)
            return

        def approved(approved_actor: Actor | None) -> None:
            if approved_actor is not None:
                attempt(screen, call, done, failed, approved_actor)

        screen.app.push_screen(ApprovalScreen(actor, needed), approved)
        return
    except ValidationError as exc:
        on_error(exc)
        return
    done(result)
