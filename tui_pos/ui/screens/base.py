"""What every tui-pos screen shares: Esc back, F1 help, F4 update, field errors.

Conventions for a form: each field widget has ``id`` = the service's field
name (``name``, ``discount``, ``vat_class`` …) and directly below it a
``FieldError`` with ``id`` = ``<field>-error``. ``show_error`` puts a
service's ``ValidationError`` there and moves the focus to the field.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static, TextArea

from tui_pos.services.errors import ValidationError


class FieldError(Static):
    """The one-line message under a field."""

    DEFAULT_CSS = """
    FieldError { color: $error; height: auto; display: none; }
    FieldError.-shown { display: block; }
    """

    def show(self, message: str) -> None:
        self.update(Content(message))  # plain text: messages quote what was typed
        self.add_class("-shown")

    def clear(self) -> None:
        self.update("")
        self.remove_class("-shown")


def select_value(select: Select) -> Any:
    """A Select's value, None when nothing is chosen."""
    value = select.value
    return None if value is Select.NULL else value


def set_select(select: Select, value: Any) -> None:
    """Choose ``value`` if it is among the options, else clear the Select."""
    try:
        if value is None:
            select.clear()
        else:
            select.value = value
    except Exception:  # value not among the options (e.g. an inactive profile)
        select.clear()


class FieldErrors:
    """For any screen or pop-up: a service's ValidationError shown at its field.

    The message goes into the ``FieldError`` with id ``<field>-error`` and the
    focus moves to the field; an error with no such place becomes a notification.
    """

    def show_error(self, error: ValidationError, default_field: str | None = None) -> None:
        field = error.field or default_field
        found = self.query(f"#{field}-error") if field else None
        if not found and default_field and field != default_field:
            field, found = default_field, self.query(f"#{default_field}-error")
        if not found:
            self.notify(error.message, severity="error", timeout=8, markup=False)
            return
        label = found.first(FieldError)
        label.show(error.message)
        target = self.query(f"#{error.field or field}") or self.query(f"#{field}")
        if target and target.first().focusable:
            target.first().focus()
        self.call_after_refresh(label.scroll_visible, animate=False)

    def clear_errors(self) -> None:
        for label in self.query(FieldError):
            label.clear()


class PosScreen(FieldErrors, Screen):
    """A screen with Esc back and F1 help; ``HELP`` says what it is for."""

    HELP = ""
    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
    ]

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()


class FormScreen(PosScreen):
    """A form saved with F4 (or Ctrl+S, or its Update button).

    Subclasses implement ``save() -> bool`` (True when saved) and call
    ``mark_clean()`` after loading values. Leaving with unsaved changes asks.
    """

    BINDINGS = [
        # not priority: a priority key would overtake characters typed just before it
        Binding("f4,ctrl+s", "save", "Update", key_display="F4", id="save"),
        Binding("escape", "back", "Back", id="back"),
    ]

    dirty = False
    _loading = True

    def on_mount(self) -> None:
        self.call_after_refresh(self.mark_clean)

    def mark_clean(self) -> None:
        self.dirty = False
        self._loading = False

    def _changed(self) -> None:
        if not self._loading:
            self.dirty = True

    def on_input_changed(self, event: Input.Changed) -> None:
        self._changed()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self._changed()

    def on_select_changed(self, event: Select.Changed) -> None:
        self._changed()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._changed()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "update":
            event.stop()
            self.action_save()

    def action_save(self) -> None:
        self.clear_errors()
        try:
            saved = self.save()
        except ValidationError as error:
            self.show_error(error)
            return
        if saved:
            self.dirty = False

    def save(self) -> bool:
        raise NotImplementedError

    def action_back(self) -> None:
        if not self.dirty:
            self.leave()
            return

        def answer(leave: bool | None) -> None:
            if leave:
                self.leave()

        self.app.push_screen(
            ConfirmScreen("You have unsaved changes. Leave without saving?",
                          yes="Leave", no="Stay"), answer)

    def leave(self) -> None:
        self.dirty = False
        super().action_back()


class PosModal(FieldErrors, ModalScreen):
    """The one base of every pop-up: dimmed screen behind, Esc cancels (dismiss
    None), service errors at their field, F1 help from the app.

    A pop-up with a form sets ``APPLY`` bindings of its own (F4 / Ctrl+S) and
    implements ``action_apply``; Enter in one of its inputs applies too.
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="modal.cancel"),
    ]
    APPLY_ON_ENTER = False

    def __init__(self, *args, **kwargs) -> None:
        classes = kwargs.pop("classes", "")
        super().__init__(*args, classes=f"dialog-screen {classes}".strip(), **kwargs)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.APPLY_ON_ENTER:
            event.stop()
            self.action_apply()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_apply(self) -> None:
        raise NotImplementedError


class ConfirmScreen(ModalScreen[bool]):
    """Yes/No question: Y or Enter on Yes, N or Esc for No."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", show=False),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__(classes="dialog-screen")
        self.question, self.yes, self.no = question, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.question, classes="dialog-question", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.yes} (Y)", id="yes", variant="warning", compact=True)
                yield Button(f"{self.no} (N)", id="no", compact=True)

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class HelpScreen(ModalScreen[None]):
    """F1: what this screen is for and every key that works on it."""

    BINDINGS = [Binding("escape,f1,q", "close", "Close")]

    def __init__(self, title: str, help_text: str, keys: list[tuple[str, str]]) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text, self.help_text, self.keys = title, help_text, keys

    def compose(self) -> ComposeResult:
        width = max((len(k) for k, _ in self.keys), default=4)
        lines = [f"{key.ljust(width)}  {what}" for key, what in self.keys]
        with Vertical(classes="dialog help"):
            yield Label(f"Help — {self.title_text}", classes="dialog-title")
            with VerticalScroll(classes="help-body"):
                if self.help_text:
                    yield Static(self.help_text, classes="help-text")
                yield Static("\n".join(lines), classes="help-keys")
            yield Label("Esc closes · ↑↓ scroll", classes="dim")

    def on_mount(self) -> None:
        self.query_one(".help-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)
