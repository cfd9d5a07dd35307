"""A master screen: the list on the left, the record's form on the right.

Every master (Customer Profile, Customer Types, Custom Fields, VAT Classes,
Items) is the same shape, so the shape lives here once:

- ``MasterTable``: the list; ``a`` adds, Enter edits, ``d`` deactivates or
  reactivates, Delete deletes (where the master allows it).
- ``MasterListScreen``: a ``FormScreen`` (F4 / Ctrl+S / Update button save)
  whose subclasses say which columns, which fields, and which service calls.
  It pages the list when the subclass sets ``PAGE_SIZE``: the next page is
  fetched when the cursor reaches the last loaded row.
- ``SnapshotDirty``: "unsaved changes" means the form differs from what was
  last loaded or saved (typing a letter and deleting it again is not a change).

The screens keep no business rules: they call the services and show a
``ValidationError`` at the field it names.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Iterator

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.widget import Widget
from textual.widgets import (
    Button, Checkbox, DataTable, Footer, Header, Input, Label, Select, Static, TextArea,
)

from tui_pos.money import format_percent
from tui_pos.services import catalog
from tui_pos.services.errors import ValidationError
from tui_pos.ui.screens.base import ConfirmScreen, FieldError, FormScreen

Row = tuple[Any, tuple[Any, ...]]  # (record id, cells)


def form_row(label: str, widget: Widget, hint: str = "") -> Iterator[Widget]:
    """A one-line form row (label + field) and the field's ``FieldError`` under it."""
    children: list[Widget] = [Label(label), widget]
    if hint:
        children.append(Label(hint, classes="hint"))
    yield Horizontal(*children, classes="form-row")
    yield FieldError(id=f"{widget.id}-error")


def widget_value(widget: Widget) -> Any:
    if isinstance(widget, (Input, Checkbox, Select)):
        return widget.value
    if isinstance(widget, TextArea):
        return widget.text
    return None


def status_text(active: bool) -> Text:
    return Text("Active") if active else Text("Inactive", style="dim")


def saved_stamp(what: str) -> str:
    return f"Saved ✓ {what} {dt.datetime.now():%H:%M}".replace("  ", " ")


# F4 without ``priority``: a priority binding runs before the focused Input has
# taken the keys typed just before it (fast typists, pasted text, tmux), so the
# form would be saved without its last characters. No field here binds F4.
SAVE = Binding("f4,ctrl+s", "save", "Update", key_display="F4", id="save")


class SnapshotDirty:
    """For a ``FormScreen``: dirty when the fields in ``FORM_FIELDS`` differ from
    the values they had when last loaded or saved (``self.dirty = False``)."""

    FORM_FIELDS: tuple[str, ...] = ()
    _clean_values: tuple | None = None

    def form_values(self) -> tuple:
        values = []
        for field in self.FORM_FIELDS:
            try:
                widget = self.query_one(f"#{field}")  # type: ignore[attr-defined]
                values.append(widget_value(widget))
            except NoMatches:
                values.append(None)
        return tuple(values)

    @property
    def dirty(self) -> bool:
        if self._clean_values is None:
            return False
        return self.form_values() != self._clean_values

    @dirty.setter
    def dirty(self, value: bool) -> None:
        # Only "clean now" means something; a change is seen by comparing values.
        if not value:
            self._clean_values = self.form_values()


class MasterTable(DataTable):
    """The list of a master. Its keys work while it has the focus."""

    BINDINGS = [
        Binding("a", "screen.add_new", "Add", show=False, id="master.add"),
        Binding("d", "screen.toggle_active", "(De)activate", id="master.toggle"),
        # a row list: Home/End go to the first/last row (and End loads the next page)
        Binding("home", "scroll_top", "First row", show=False),
        Binding("end", "scroll_bottom", "Last row", show=False),
    ]


class MasterListScreen(SnapshotDirty, FormScreen):
    """List + form. Subclasses fill in the class attributes and the hooks."""

    NOUN = "record"  # "profile", "customer type" … as the shop says it
    COLUMNS: tuple[tuple[str, str, int | None], ...] = ()  # (label, key, width)
    FIRST_FIELD = "name"
    PAGE_SIZE: int | None = None  # None: the service returns the whole (small) list
    ACTIVE_FIELD: str | None = "active"  # a Checkbox/Select of the form, if any
    TABLE_CLASS: type[MasterTable] = MasterTable

    BINDINGS = [
        SAVE,
        Binding("ctrl+n", "add_new", "Add new", id="master.new"),
        Binding("ctrl+l", "focus_list", "Back to the list", show=False, id="master.list"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.editing_id: Any = None
        self.unavailable: str | None = None
        self._loaded = 0
        self._exhausted = False

    # -- what a subclass says ------------------------------------------------------------
    def unavailable_message(self) -> str | None:
        """A reason this master cannot be used now (e.g. a feature switch is off)."""
        return None

    def compose_form(self) -> ComposeResult:
        raise NotImplementedError

    def fetch(self, offset: int, limit: int | None) -> list[Row]:
        """Rows of the list: (id, cells). ``limit`` is None when not paged."""
        raise NotImplementedError

    def fill_form(self, record_id: Any | None) -> str:
        """Put the record (or, with None, an empty new one) in the form; return its title."""
        raise NotImplementedError

    def save_record(self, record_id: Any | None) -> tuple[Any, str]:
        """Save the form through the service; return (id, name). Raises ValidationError."""
        raise NotImplementedError

    def set_active(self, record_id: Any, active: bool) -> str:
        """Activate/deactivate through the service; return the record's name."""
        raise ValidationError(f"A {self.NOUN} cannot be deactivated here")

    def is_active(self, record_id: Any) -> bool:
        return True

    # -- layout ------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header(icon="")
        self.unavailable = self.unavailable_message()
        if self.unavailable:
            yield Static(self.unavailable, id="unavailable", classes="notice")
        else:
            with Horizontal(id="master-body"):
                with Vertical(id="master-list-pane"):
                    yield self.TABLE_CLASS(id="list", cursor_type="row")
                    yield Static("", id="list-info", classes="dim")
                with Vertical(id="master-form-pane"):
                    yield Label("", id="form-title")
                    with VerticalScroll(id="master-form", classes="form", can_focus=False):
                        yield from self.compose_form()
                        yield Button("Update (F4)", id="update", compact=True)
                    yield Static("", id="saved", classes="saved")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        if self.unavailable:
            return
        table = self.query_one("#list", MasterTable)
        for label, key, width in self.COLUMNS:
            table.add_column(label, key=key, width=width)
        self.reload()
        self._fill(None)
        if table.row_count:
            table.focus()
        else:
            self.focus_field(self.FIRST_FIELD)

    # -- the list ------------------------------------------------------------------------
    @property
    def table(self) -> MasterTable:
        return self.query_one("#list", MasterTable)

    def reload(self, select_id: Any = None) -> None:
        """Fill the list again from the first page; put the cursor on ``select_id``."""
        table = self.table
        keep = self.highlighted_id() if select_id is None else select_id
        table.clear()
        self._loaded, self._exhausted = 0, False
        self._load_more()
        if keep is not None:
            self.move_to(keep)
        self.update_list_info()

    def _load_more(self) -> int:
        if self._exhausted:
            return 0
        rows = self.fetch(self._loaded, self.PAGE_SIZE)
        for record_id, cells in rows:
            self.table.add_row(*cells, key=str(record_id))
        self._loaded += len(rows)
        if self.PAGE_SIZE is None or len(rows) < self.PAGE_SIZE:
            self._exhausted = True
        return len(rows)

    def update_list_info(self) -> None:
        count = self.table.row_count
        more = "" if self._exhausted else "+ (↓ loads more)"
        noun = self.NOUN if count == 1 else f"{self.NOUN}s"
        self.query_one("#list-info", Static).update(
            f"{count}{more} {noun}" if count else f"No {noun} yet — Ctrl+N adds one")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self.PAGE_SIZE is None or self._exhausted:
            return
        if event.cursor_row >= self.table.row_count - 1:
            if self._load_more():
                self.update_list_info()

    def move_to(self, record_id: Any) -> bool:
        table = self.table
        try:
            index = table.get_row_index(str(record_id))
        except Exception:  # not among the loaded rows
            return False
        table.move_cursor(row=index)
        return True

    def highlighted_id(self) -> Any:
        table = self.table
        if not table.row_count:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        except Exception:
            return None
        return self.record_id(key.value)

    def record_id(self, key: str | None) -> Any:
        return int(key) if key is not None and key.isdigit() else key

    def update_row(self, record_id: Any, cells: tuple[Any, ...]) -> None:
        table = self.table
        for (_, column_key, _), value in zip(self.COLUMNS, cells):
            table.update_cell(str(record_id), column_key, value)

    # -- the form ------------------------------------------------------------------------
    def focus_field(self, field: str) -> None:
        try:
            self.query_one(f"#{field}").focus()
        except NoMatches:
            pass

    def _fill(self, record_id: Any | None) -> None:
        self.clear_errors()
        self.editing_id = record_id
        title = self.fill_form(record_id)
        self.query_one("#form-title", Label).update(title)
        self.dirty = False

    def guarded(self, then: Callable[[], None]) -> None:
        """Run ``then`` now, or after the user agrees to drop unsaved changes."""
        if not self.dirty:
            then()
            return

        def answer(discard: bool | None) -> None:
            if discard:
                then()

        self.app.push_screen(ConfirmScreen("The form has unsaved changes. Discard them?",
                                           yes="Discard", no="Keep editing"), answer)

    def action_add_new(self) -> None:
        if self.unavailable:
            return

        def new() -> None:
            self._fill(None)
            self.query_one("#saved", Static).update("")
            self.focus_field(self.FIRST_FIELD)

        self.guarded(new)

    def action_focus_list(self) -> None:
        if not self.unavailable:
            self.table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        record_id = self.record_id(event.row_key.value)

        def edit() -> None:
            self._fill(record_id)
            self.query_one("#saved", Static).update("")
            self.focus_field(self.FIRST_FIELD)

        if record_id == self.editing_id and not self.dirty:
            self.focus_field(self.FIRST_FIELD)
        else:
            self.guarded(edit)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in a field moves on to the next one, as Tab does."""
        event.stop()
        self.focus_next()

    def save(self) -> bool:
        if self.unavailable:
            self.notify(self.unavailable, severity="warning")
            return False
        record_id, name = self.save_record(self.editing_id)
        self.after_save(record_id)
        self._fill(record_id)
        stamp = saved_stamp(name)
        self.query_one("#saved", Static).update(stamp)
        self.notify(stamp, timeout=3)
        return True

    def after_save(self, record_id: Any) -> None:
        """Show the saved record in the list."""
        self.reload(select_id=record_id)

    def action_toggle_active(self) -> None:
        record_id = self.highlighted_id()
        if self.unavailable or record_id is None or self.ACTIVE_FIELD is None:
            return
        active = not self.is_active(record_id)
        try:
            name = self.set_active(record_id, active)
        except ValidationError as error:
            self.notify(error.message, severity="error", timeout=6)
            return
        self.after_active_change(record_id, active)
        self.notify(f"{name} is {'active again' if active else 'deactivated'}", timeout=3)

    def after_active_change(self, record_id: Any, active: bool) -> None:
        """Redraw the list; keep the form's other edits if the record is open."""
        self.reload(select_id=record_id)
        if self.editing_id == record_id and self.ACTIVE_FIELD:
            was_dirty = self.dirty
            widget = self.query_one(f"#{self.ACTIVE_FIELD}")
            if isinstance(widget, Checkbox):
                widget.value = active
            elif isinstance(widget, Select):
                widget.value = active
            if not was_dirty:
                self.dirty = False


def vat_options(current: int | None = None) -> list[tuple[str, int]]:
    """Active VAT classes as Select options, plus ``current`` if it is inactive."""
    options = [(f"{v.name} {format_percent(v.rate)}", v.id)
               for v in catalog.list_vat_classes()]
    if current is not None and all(value != current for _, value in options):
        vat = catalog.get_vat_class(current)
        options.append((f"{vat.name} {format_percent(vat.rate)} (inactive)", vat.id))
    return options
