"""What every tui-pos screen shares — the kit the screens are built from.

- ``PosScreen``: Esc back, F1 help (from the app), service errors at their field.
- ``FormScreen``: a form saved with F4 / Ctrl+G / its Update button; leaving
  with unsaved changes asks. "Unsaved" is ``SnapshotDirty``: the fields differ
  from what was last loaded or saved.
- ``PosModal``: the one base of every pop-up; ``ConfirmScreen`` and
  ``HelpScreen`` are two of them.
- ``form_row``: one labelled field with its error line; ``vat_options``: the
  VAT classes as Select options; ``select_value`` / ``set_select``.

Conventions for a form: each field widget has ``id`` = the service's field
name (``name``, ``discount``, ``vat_class`` …) and directly below it a
``FieldError`` with ``id`` = ``<field>-error``. ``show_error`` puts a
service's ``ValidationError`` there (every one of a ``ValidationErrors``) and
moves the focus to the first field that is wrong.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Iterator, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.css.query import NoMatches
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Select, Static, TextArea
from textual.widgets.select import InvalidSelectValueError

from tui_pos.money import LOCALE_FORMATS, PLAIN, format_money, format_percent, format_quantity
from tui_pos.services import catalog
from tui_pos.services.errors import ValidationError
from tui_pos.ui.literal import cell, literal

ResultType = TypeVar("ResultType")


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


def form_row(label: str, widget: Widget, hint: str = "") -> Iterator[Widget]:
    """One form row — label, field, optional hint — and the field's ``FieldError``
    under it (``id`` = ``<field id>-error``). Use with ``yield from``."""
    children: list[Widget] = [Label(literal(label)), widget]
    if hint:
        children.append(Label(literal(hint), classes="hint"))
    yield Horizontal(*children, classes="form-row")
    yield FieldError(id=f"{widget.id}-error")


def option(label: object) -> Text:
    """A Select option's prompt, shown literally (type-to-search still finds it)."""
    return cell(label)


def vat_options(current: int | None = None, locale: str | None = None) -> list[tuple[Text, int]]:
    """The active VAT classes as Select options ("Hoog 21%"), plus ``current``
    marked "(inactive)" when it is no longer active. "None" is the Select's own
    blank (its ``prompt``), so there is no None option here."""
    options = [(option(f"{v.name} {format_percent(v.rate, locale)}"), v.id)
               for v in catalog.list_vat_classes()]
    if current is not None and all(value != current for _, value in options):
        try:
            vat = catalog.get_vat_class(current)
        except ValidationError:  # gone: nothing to offer
            return options
        options.append((option(f"{vat.name} {format_percent(vat.rate, locale)} (inactive)"),
                        vat.id))
    return options


def editable(value: Decimal | None, locale: str | None = None, places: int | None = 2) -> str:
    """A number as it is put back into a field to edit: the locale's decimal mark
    and no thousands separator, so the parsers read it back ("1234,50" for nl_NL).
    ``places`` None: as few decimals as needed (a percentage: "12,5")."""
    if value is None:
        return ""
    text = format_money(value, locale=PLAIN) if places == 2 else format_quantity(value, PLAIN)
    mark = LOCALE_FORMATS.get(locale or "", (".",))[0]
    return text.replace(".", mark)


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
    except InvalidSelectValueError:  # not among the options (e.g. an inactive profile)
        select.clear()


class FieldErrors:
    """For any screen or pop-up: a service's ValidationError shown at its field.

    The message goes into the ``FieldError`` with id ``<field>-error``; for a
    ``ValidationErrors`` every message goes to its own field. The focus moves to
    the first field that is wrong; an error with no such place becomes a
    notification.
    """

    def show_error(self, error: ValidationError, default_field: str | None = None) -> None:
        first: tuple[Widget | None, FieldError] | None = None
        for one in getattr(error, "errors", None) or [error]:
            shown = self._show_one(one, default_field)
            if shown is not None and first is None:
                first = shown
        if first is None:
            return
        target, label = first
        if target is not None and target.focusable:
            target.focus()
        self.call_after_refresh(label.scroll_visible, animate=False)  # type: ignore[attr-defined]

    def _show_one(self, error: ValidationError,
                  default_field: str | None) -> tuple[Widget | None, FieldError] | None:
        field = error.field or default_field
        found = self.query(f"#{field}-error") if field else None  # type: ignore[attr-defined]
        if not found and default_field and field != default_field:
            field, found = default_field, self.query(f"#{default_field}-error")  # type: ignore[attr-defined]
        if not found:
            self.notify(error.message, severity="error", timeout=8,  # type: ignore[attr-defined]
                        markup=False)
            return None
        label = found.first(FieldError)
        label.show(error.message)
        target = (self.query(f"#{error.field or field}")  # type: ignore[attr-defined]
                  or self.query(f"#{field}"))  # type: ignore[attr-defined]
        return (target.first() if target else None), label

    def clear_errors(self) -> None:
        for label in self.query(FieldError):  # type: ignore[attr-defined]
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


def widget_value(widget: Widget) -> Any:
    """What a form field holds now, for comparing with a snapshot."""
    if isinstance(widget, (Input, Checkbox, Select)):
        return widget.value
    if isinstance(widget, TextArea):
        return widget.text
    return None


class SnapshotDirty:
    """The one unsaved-changes scheme: a form is dirty when its fields differ
    from the values they had when last loaded or saved (``self.dirty = False``
    or ``mark_clean()`` takes that snapshot). Typing a letter and deleting it
    again is not a change.

    ``FORM_FIELDS`` names the fields (their ids); empty means every Input,
    TextArea, Checkbox and Select with an id.
    """

    FORM_FIELDS: tuple[str, ...] = ()
    _clean_values: tuple | None = None

    def form_values(self) -> tuple:
        if not self.FORM_FIELDS:
            return tuple((w.id, widget_value(w))
                         for w in self.query("Input, TextArea, Checkbox, Select")  # type: ignore[attr-defined]
                         if w.id)
        values = []
        for field in self.FORM_FIELDS:
            try:
                values.append(widget_value(self.query_one(f"#{field}")))  # type: ignore[attr-defined]
            except NoMatches:
                values.append(None)
        return tuple(values)

    def mark_clean(self) -> None:
        self._clean_values = self.form_values()

    @property
    def dirty(self) -> bool:
        if self._clean_values is None:
            return False
        return self.form_values() != self._clean_values

    @dirty.setter
    def dirty(self, value: bool) -> None:
        # Only "clean now" means something; a change is seen by comparing values.
        if not value:
            self.mark_clean()


# F4 without ``priority``: a priority binding runs before the focused Input has
# taken the keys typed just before it (fast typists, pasted text, tmux), so the
# form would be saved without its last characters. No field binds F4.
SAVE = Binding("f4,ctrl+g", "save", "Update", key_display="F4", id="save")


class FormScreen(SnapshotDirty, PosScreen):
    """A form saved with F4 (or Ctrl+G, or its Update button).

    Subclasses implement ``save() -> bool`` (True when saved). The snapshot of
    "clean" values is taken after the first refresh, and again after each save.
    Leaving with unsaved changes asks.
    """

    BINDINGS = [
        SAVE,
        Binding("escape", "back", "Back", id="back"),
    ]

    def on_mount(self) -> None:
        self.call_after_refresh(self.mark_clean)

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


class PosModal(FieldErrors, ModalScreen[ResultType]):
    """The one base of every pop-up: dimmed screen behind, Esc cancels (dismiss
    None), service errors at their field, F1 help from the app.

    A pop-up with a form sets ``APPLY`` bindings of its own (F4 / Ctrl+G) and
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


class ConfirmScreen(PosModal[bool]):
    """Yes/No question: Y or Enter on Yes, N or Esc for No. The question is shown
    literally (it may quote a name the shop typed)."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", show=False, id="confirm.yes"),
        Binding("n", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question, self.yes, self.no = question, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(literal(self.question), classes="dialog-question")
            with Horizontal(classes="dialog-buttons"):
                yield Button(literal(f"{self.yes} (Y)"), id="yes", variant="warning",
                             compact=True)
                yield Button(literal(f"{self.no} (N)"), id="no", compact=True)

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(False)


class HelpScreen(PosModal[None]):
    """F1: what this screen is for and every key that works on it."""

    BINDINGS = [Binding("f1,q", "cancel", "Close", id="help.close")]

    def __init__(self, title: str, help_text: str, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text, self.help_text, self.keys = title, help_text, keys

    def compose(self) -> ComposeResult:
        width = max((len(k) for k, _ in self.keys), default=4)
        lines = [f"{key.ljust(width)}  {what}" for key, what in self.keys]
        with Vertical(classes="dialog help"):
            yield Label(literal(f"Help — {self.title_text}"), classes="dialog-title")
            with VerticalScroll(classes="help-body"):
                if self.help_text:
                    yield Static(literal(self.help_text), classes="help-text")
                yield Static(literal("\n".join(lines)), classes="help-keys")
            yield Label("Esc closes · ↑↓ scroll", classes="dim")

    def on_mount(self) -> None:
        self.query_one(".help-body").focus()
