"""A master screen: the list on the left, the record's form on the right.

Every master (Customer Profile, Customer Types, Custom Fields, VAT Classes,
Items) is the same shape, so the shape lives here once:

- ``MasterTable``: the list; ``a`` adds, Enter edits, ``d`` deactivates or
  reactivates, Delete deletes (where the master allows it).
- ``MasterListScreen``: a ``FormScreen`` (F4 / Ctrl+G / Update button save;
  unsaved changes by snapshot) whose subclasses say which columns, which
  fields, and which service calls. It pages the list when the subclass sets
  ``PAGE_SIZE``: the next page is fetched when the cursor reaches the last
  loaded row, by keyset where the subclass gives ``fetch_page`` (a cursor: the
  last row's sort key), else through ``fetch(offset, limit)``. Every cell, title and message shows the shop's text literally.

The screens keep no business rules: they call the services and show a
``ValidationError`` at the field it names. Masters are a manager's: the
services refuse a cashier with ``NeedsApproval``, and every save and
(de)activation goes through ``attempt``, which asks a manager's PIN on the spot
and saves again with the approver recorded.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.widgets import Button, Checkbox, DataTable, Footer, Header, Label, Select, Static
from textual.widgets.data_table import CellDoesNotExist, RowDoesNotExist

from tui_pos.services import config
from tui_pos.services.actors import Actor
from tui_pos.services.errors import ValidationError
from tui_pos.ui.literal import cell, literal
from tui_pos.ui.screens.approval import attempt
from tui_pos.ui.screens.base import SAVE, ConfirmScreen, FormScreen

Row = tuple[Any, tuple[Any, ...]]  # (record id, cells)


def status_text(active: bool) -> Text:
    return Text("Active") if active else Text("Inactive", style="dim")


def saved_stamp(what: str) -> str:
    return f"Saved ✓ {what} {dt.datetime.now():%H:%M}".replace("  ", " ")


def fill_width(columns: tuple[tuple[str, str, int | None], ...],
               pane: int) -> tuple[tuple[str, str, int | None], ...]:
    """Give the column without a width what is left of the pane: the pane's
    border and the table's scrollbar take one cell each, and every column one
    cell of padding either side."""
    fixed = sum(width + 2 for _, _, width in columns if width is not None)
    rest = max(pane - 2 - fixed - 2, 4)
    return tuple((label, key, rest if width is None else width)
                 for label, key, width in columns)


class MasterTable(DataTable):
    """The list of a master. Its keys work while it has the focus."""

    BINDINGS = [
        Binding("a", "screen.add_new", "Add", show=False, id="master.add"),
        Binding("d", "screen.toggle_active", "(De)activate", id="master.toggle"),
        # a row list: Home/End go to the first/last row (and End loads the next page)
        Binding("home", "scroll_top", "First row", show=False, id="master.first"),
        Binding("end", "scroll_bottom", "Last row", show=False, id="master.last"),
    ]


class MasterListScreen(FormScreen):
    """List + form. Subclasses fill in the class attributes and the hooks."""

    ENTER_MOVES_ON = True  # Enter in a field moves on, as Tab does (the app's binding)

    NOUN = "record"  # "profile", "customer type" … as the shop says it
    NOUNS = ""  # the plural, when it is not NOUN + "s" ("VAT classes")
    # (label, key, width); the one column with width None (the name) takes the rest
    COLUMNS: tuple[tuple[str, str, int | None], ...] = ()
    LIST_PANE = 42  # the list pane's width at 80 columns, its border included
    FIRST_FIELD = "name"
    PAGE_SIZE: int | None = None  # None: the service returns the whole (small) list
    ACTIVE_FIELD: str | None = "active"  # a Checkbox/Select of the form, if any
    TABLE_CLASS: type[MasterTable] = MasterTable
    RIGHT_ALIGNED: frozenset[str] = frozenset()  # column keys of money and numbers

    BINDINGS = [
        SAVE,
        Binding("ctrl+n", "add_new", "Add new", id="master.new"),
        Binding("ctrl+l", "focus_list", "Back to the list", show=False, id="master.list"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.editing_id: Any = None
        self.unavailable: str | None = None
        self._columns = self.COLUMNS
        self._loaded = 0
        self._exhausted = False
        self._cursor: Any = None  # where the next page starts (``fetch_page``)
        # the store's locale (Business Configuration): money, numbers and dates in its marks
        self.locale = config.get_settings().locale

    # -- what a subclass says ------------------------------------------------------------
    def unavailable_message(self) -> str | None:
        """A reason this master cannot be used now (e.g. a feature switch is off)."""
        return None

    def notice_message(self) -> str | None:
        """A line above the list, e.g. that a feature switch is off."""
        return None

    def compose_form(self) -> ComposeResult:
        raise NotImplementedError

    def fetch(self, offset: int, limit: int | None) -> list[Row]:
        """Rows of the list: (id, cells). ``limit`` is None when not paged."""
        raise NotImplementedError

    def fetch_page(self, after: Any, limit: int | None) -> tuple[list[Row], Any]:
        """The page after cursor ``after`` (None: the first page) and the cursor after
        its last row. A long list overrides this to page by keyset; by default it pages
        through ``fetch(offset, limit)``, which suits the small masters."""
        return self.fetch(self._loaded, limit), None

    def fill_form(self, record_id: Any | None) -> str:
        """Put the record (or, with None, an empty new one) in the form; return its title."""
        raise NotImplementedError

    def save_record(self, actor: Actor, record_id: Any | None) -> tuple[Any, str]:
        """Save the form through the service as ``actor``; return (id, name).
        Raises ValidationError (NeedsApproval for a cashier)."""
        raise NotImplementedError

    def set_active(self, actor: Actor, record_id: Any, active: bool) -> str:
        """Activate/deactivate through the service as ``actor``; return the record's name."""
        raise ValidationError(f"A {self.NOUN} cannot be deactivated here")

    def is_active(self, record_id: Any) -> bool:
        return True

    # -- layout ------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header(icon="")
        self.unavailable = self.unavailable_message()
        if self.unavailable:
            yield Static(literal(self.unavailable), id="unavailable", classes="notice")
        else:
            notice = self.notice_message()
            if notice:
                yield Static(literal(notice), id="notice", classes="notice")
            with Horizontal(id="master-body"):
                with Vertical(id="master-list-pane") as pane:
                    pane.styles.width = self.LIST_PANE
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
        self.add_columns()
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
        self._loaded, self._exhausted, self._cursor = 0, False, None
        self._load_more()
        if keep is not None:
            self.move_to(keep)
        self.update_list_info()

    def _load_more(self) -> int:
        if self._exhausted:
            return 0
        rows, self._cursor = self.fetch_page(self._cursor, self.PAGE_SIZE)
        for record_id, cells in rows:
            self.table.add_row(*self.shown(cells), key=str(record_id))
        self._loaded += len(rows)
        if self.PAGE_SIZE is None or len(rows) < self.PAGE_SIZE:
            self._exhausted = True
        return len(rows)

    def columns(self) -> tuple[tuple[str, str, int | None], ...]:
        """The list's columns: (label, key, width). A screen may size them to its data."""
        return fill_width(self.COLUMNS, self.LIST_PANE)

    def add_columns(self) -> None:
        self._columns = self.columns()
        for label, key, width in self._columns:
            self.table.add_column(self.heading(label, key, width), key=key, width=width)

    def refit_columns(self, select_id: Any = None) -> None:
        """Size the columns again if the data now needs other widths (a bigger price)."""
        if self.columns() != self._columns:
            self.table.clear(columns=True)
            self.add_columns()
            self.reload(select_id=select_id)

    def heading(self, label: str, key: str, width: int | None) -> Text:
        """A column's heading; money and number columns are right-aligned."""
        return Text(label, justify="right" if key in self.RIGHT_ALIGNED else "left")

    def update_list_info(self) -> None:
        count = self.table.row_count
        more = "" if self._exhausted else "+ (↓ loads more)"
        noun = self.NOUN if count == 1 else (self.NOUNS or f"{self.NOUN}s")
        self.query_one("#list-info", Static).update(literal(
            f"{count}{more} {noun}" if count else f"No {noun} yet — Ctrl+N adds one"))

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
        except RowDoesNotExist:  # not among the loaded rows
            return False
        table.move_cursor(row=index)
        return True

    def highlighted_id(self) -> Any:
        table = self.table
        if not table.row_count:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        except CellDoesNotExist:
            return None
        return self.record_id(key.value)

    def record_id(self, key: str | None) -> Any:
        return int(key) if key is not None and key.isdigit() else key

    def update_row(self, record_id: Any, cells: tuple[Any, ...]) -> None:
        table = self.table
        for (_, column_key, _), value in zip(self._columns, self.shown(cells)):
            table.update_cell(str(record_id), column_key, value)

    def shown(self, cells: tuple[Any, ...]) -> list[Text]:
        """The row's cells for the table: the shop's text literally (a ``str`` cell
        would be read as markup), the right-aligned columns right-aligned."""
        out = []
        for (_, key, _), value in zip(self._columns, cells):
            if isinstance(value, Text):
                out.append(value)
            else:
                out.append(cell(value, justify="right" if key in self.RIGHT_ALIGNED else "left"))
        return out

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
        self.query_one("#form-title", Label).update(literal(title))
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


    def save(self) -> bool:
        """Save through ``attempt``: a cashier is asked for a manager's PIN first.
        Returns False: ``saved`` marks the form clean once the record is stored."""
        if self.unavailable:
            self.notify(self.unavailable, severity="warning", markup=False)
            return False
        editing = self.editing_id
        attempt(self, lambda actor: self.save_record(actor, editing), self.saved)
        return False

    def saved(self, result: tuple[Any, str]) -> None:
        record_id, name = result
        self.after_save(record_id)
        self._fill(record_id)
        stamp = saved_stamp(name)
        self.query_one("#saved", Static).update(literal(stamp))
        self.notify(stamp, timeout=3, markup=False)

    def after_save(self, record_id: Any) -> None:
        """Show the saved record in the list."""
        self.reload(select_id=record_id)

    def action_toggle_active(self) -> None:
        record_id = self.highlighted_id()
        if self.unavailable or record_id is None or self.ACTIVE_FIELD is None:
            return
        active = not self.is_active(record_id)
        self.change_active(record_id, active)

    def change_active(self, record_id: Any, active: bool) -> None:
        """(De)activate through ``attempt`` (a manager's PIN for a cashier)."""
        def done(name: str) -> None:
            self.after_active_change(record_id, active)
            self.notify(f"{name} is {'active again' if active else 'deactivated'}",
                        timeout=3, markup=False)

        def failed(error: ValidationError) -> None:
            self.notify(error.message, severity="error", timeout=6, markup=False)

        attempt(self, lambda actor: self.set_active(actor, record_id, active), done, failed)

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

