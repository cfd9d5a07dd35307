"""Search customers as you type: an Input over a lazily paged DataTable.

Every keystroke asks ``customers.search_customers`` for one page (the service
answers in about a millisecond, so the search runs synchronously and results
can never arrive out of order). The next page is fetched only when the cursor
reaches the last row; the table never holds more than the pages a person has
scrolled through.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, Label, Static

from tui_pos.services import config, customers
from tui_pos.ui.literal import cell, fit, literal

PAGE_SIZE = 30
# Column key → heading; widths are shared out by ``_column_widths``.
COLUMNS = (("number", "Number"), ("name", "Name"), ("phone", "Phone"),
           ("email", "E-mail"), ("city", "City"), ("type", "Type"))
# Printable keys that, typed while the table has the focus, go on with the search.
SEARCH_CHARS = set("@.-_'")


def _column_widths(total: int, show_type: bool = True) -> dict[str, int]:
    """Share ``total`` cells between the columns (without Type when the shop does
    not use customer types).

    Each column has one cell of padding per side, and one cell is kept for the
    vertical scrollbar, so the table never needs a horizontal one.
    """
    columns = len(COLUMNS) if show_type else len(COLUMNS) - 1
    room = max(total - 2 * columns - 1, 44)
    wide = room >= 90
    fixed = {"number": 8 if wide else 6, "phone": 15 if wide else 12}
    if show_type:
        fixed["type"] = 14 if wide else 9
    rest = room - sum(fixed.values())
    name = max(rest * 46 // 100, 12)
    email = max(rest * 34 // 100, 8)
    city = max(rest - name - email, 5)
    return {**fixed, "name": name, "email": email, "city": city}


class QueryInput(Input):
    """The search box: searches in the same turn as the key that changed it.

    (Waiting for the bubbling ``Input.Changed`` would miss the frame the key
    itself is painted in and show the rows one frame later.)
    """

    def watch_value(self, value: str) -> None:
        for ancestor in self.ancestors:
            if isinstance(ancestor, CustomerSearch):
                ancestor.search_if_changed(value)
                return


class ResultsTable(DataTable):
    """The hits; Up on the first row goes back to the search box; Home/End go to
    the first/last row (there is nothing to scroll sideways)."""

    def action_cursor_up(self) -> None:
        if self.cursor_row <= 0:
            self.post_message(CustomerSearch.BackToQuery())
            return
        super().action_cursor_up()

    def action_scroll_home(self) -> None:
        self.action_scroll_top()

    def action_scroll_end(self) -> None:
        self.action_scroll_bottom()


class CustomerSearch(Vertical):
    """Find a customer by name, number, phone, e-mail, tag or Additional."""

    DEFAULT_CSS = """
    CustomerSearch {
        height: 1fr;
    }
    CustomerSearch > #customer-find {
        height: 1;
        margin-bottom: 1;
    }
    CustomerSearch #customer-find > Label {
        width: auto;
        padding-right: 1;
        text-style: bold;
    }
    CustomerSearch #customer-query {
        width: 1fr;
    }
    CustomerSearch > #customer-results {
        height: 1fr;
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
    }
    CustomerSearch > #customer-status {
        height: 1;
        color: $text-muted;
    }
    """

    BINDINGS = [
        Binding("f8", "toggle_inactive", "Show deactivated", key_display="F8",
                id="customer_search.inactive"),
        # priority: the search box's own Ctrl+D deletes a character
        Binding("ctrl+d", "toggle_inactive", "Show/hide deactivated customers",
                show=False, priority=True, id="customer_search.inactive_ctrl"),
        Binding("down", "into_table", "Results", show=False, id="customer_search.results"),
    ]

    class Chosen(Message):
        """A customer was picked (Enter on a row, or Enter on the only hit)."""

        def __init__(self, search: "CustomerSearch", customer_id: int) -> None:
            super().__init__()
            self.search = search
            self.customer_id = customer_id

        @property
        def control(self) -> "CustomerSearch":
            return self.search

    class BackToQuery(Message):
        """Up on the first row: the focus goes back to the search box."""

    def __init__(self, query: str = "", page_size: int = PAGE_SIZE,
                 include_inactive: bool = False, *, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.initial_query = query
        self.page_size = page_size
        self.include_inactive = include_inactive
        self._query = None  # what the rows were found for
        self._cursor: tuple | None = None  # the service's cursor for the next page
        self._shown: set[int] = set()
        self._hits: list[customers.CustomerHit] = []
        self._widths: dict[str, int] = {}
        self._status = ""
        # Show Customer Type off: the shop does not use types, so no Type column.
        self.show_type = config.get_settings().show_customer_type
        self.columns = tuple((key, heading) for key, heading in COLUMNS
                             if key != "type" or self.show_type)

    # -- building ---------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Horizontal(id="customer-find"):
            yield Label("Find")
            yield QueryInput(self.initial_query, id="customer-query", compact=True,
                        select_on_focus=False,
                        placeholder="name, number, phone, e-mail, tag, membership no.")
        table = ResultsTable(id="customer-results", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("", id="customer-status", markup=False)

    def on_mount(self) -> None:
        self._set_columns(self.size.width or 78)
        self.search(self.initial_query)
        self.query_input.focus()
        self.query_input.cursor_position = len(self.initial_query)

    def on_resize(self, event: events.Resize) -> None:
        width = self.size.width  # inside the padding (the event's size is outside it)
        if _column_widths(width, self.show_type) != self._widths:
            self._set_columns(width)
            self._fill(self._hits, keep=self.highlighted_id)

    def _set_columns(self, width: int) -> None:
        self._widths = _column_widths(width, self.show_type)
        table = self.table
        table.clear(columns=True)
        for key, heading in self.columns:
            table.add_column(heading, key=key, width=self._widths[key])

    # -- the parts --------------------------------------------------------------------
    @property
    def query_input(self) -> Input:
        return self.query_one("#customer-query", Input)

    @property
    def table(self) -> DataTable:
        return self.query_one("#customer-results", DataTable)

    @property
    def hits(self) -> list[customers.CustomerHit]:
        """The customers in the table, in order (only the pages loaded so far)."""
        return list(self._hits)

    @property
    def has_more(self) -> bool:
        return self._cursor is not None

    @property
    def highlighted_id(self) -> int | None:
        table = self.table
        if not table.row_count:
            return None
        return self._hits[min(table.cursor_row, len(self._hits) - 1)].id

    # -- searching --------------------------------------------------------------------
    def search(self, query: str, keep: int | None = None) -> None:
        """Show the first page for ``query`` (``keep``: put the cursor on that id)."""
        self._query = query
        page = customers.search_customers(query, limit=self.page_size,
                                          include_inactive=self.include_inactive)
        self._cursor = page.cursor
        self._shown = set()
        self._fill(self._take(page.hits), keep=keep)

    def search_if_changed(self, query: str) -> None:
        if self.is_mounted and query != self._query:
            self.search(query)

    def refresh_results(self) -> None:
        """Search again for what is typed (after a customer was changed elsewhere)."""
        self.search(self.query_input.value, keep=self.highlighted_id)

    def load_more(self) -> bool:
        """Append the next page; False when there is none."""
        added: list[customers.CustomerHit] = []
        # A customer found by several terms comes back on later pages: skip them,
        # and keep going (a few pages at most) until something new turns up.
        for _ in range(5):
            if self._cursor is None:
                break
            page = customers.search_customers(self._query or "", limit=self.page_size,
                                              after=self._cursor,
                                              include_inactive=self.include_inactive)
            self._cursor = page.cursor
            added = self._take(page.hits)
            if added:
                break
        if not added:
            self._show_status()
            return False
        self._hits.extend(added)
        self.table.add_rows([self._row(hit) for hit in added])
        self._show_status()
        return True

    def _take(self, hits: list[customers.CustomerHit]) -> list[customers.CustomerHit]:
        fresh = [hit for hit in hits if hit.id not in self._shown]
        self._shown.update(hit.id for hit in fresh)
        return fresh

    def _fill(self, hits: list[customers.CustomerHit], keep: int | None = None) -> None:
        self._hits = list(hits)
        table = self.table
        table.clear()
        table.add_rows([self._row(hit) for hit in self._hits])
        if keep is not None:
            for index, hit in enumerate(self._hits):
                if hit.id == keep:
                    table.move_cursor(row=index, animate=False)
                    break
        self._show_status()

    def _row(self, hit: customers.CustomerHit) -> list:
        """The hit's cells, shown literally and cut to their column by terminal cells."""
        name = hit.name if hit.active else f"{hit.name} (inactive)"
        style = "" if hit.active else "dim"
        values = {"number": hit.number, "name": name, "phone": hit.phone, "email": hit.email,
                  "city": hit.city, "type": hit.type_name}
        return [cell(values[key], self._widths.get(key), style=style)
                for key, _ in self.columns]

    def _show_status(self) -> None:
        count = len(self._hits)
        query = (self._query or "").strip()
        if count == 0:
            text = f"No customer matches {fit(query, 40)!r}" if query else "No customers yet"
        elif self.has_more:
            text = f"{count} shown, more below"
        else:
            text = f"{count} customer{'s' if count != 1 else ''}"
        text += " · deactivated shown (F8)" if self.include_inactive else " · F8 shows deactivated"
        if text != self._status:  # an update re-lays the screen out: only when it changed
            self._status = text
            self.query_one("#customer-status", Static).update(literal(text))  # typed: no markup

    def _exact_hit(self) -> int | None:
        """The one row that matches what was typed exactly (number, name or a whole term)."""
        query = (self._query or "").strip()
        if not query:
            return None
        prefix = customers.query_prefix(query)
        folded = query.casefold()
        exact = [hit.id for hit in self._hits
                 if hit.number.casefold() == folded or hit.name.casefold() == folded
                 or hit.matched == prefix]
        return exact[0] if len(exact) == 1 else None

    # -- events -----------------------------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "customer-query":
            event.stop()
            self.search_if_changed(event.value)  # already done by QueryInput

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "customer-query":
            return
        event.stop()
        if len(self._hits) == 1 and not self.has_more:
            self.post_message(self.Chosen(self, self._hits[0].id))
            return
        exact = self._exact_hit()
        if exact is not None:
            self.post_message(self.Chosen(self, exact))
        elif self._hits:
            self.table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if 0 <= event.cursor_row < len(self._hits):
            self.post_message(self.Chosen(self, self._hits[event.cursor_row].id))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        if self.has_more and event.cursor_row >= self.table.row_count - 1:
            self.load_more()

    def on_customer_search_back_to_query(self, event: BackToQuery) -> None:
        event.stop()
        self.query_input.focus()

    def on_key(self, event: events.Key) -> None:
        """Typing while the results have the focus goes on with the search."""
        if not self.table.has_focus:
            return
        char = event.character
        if event.key == "backspace" or (char and (char.isalnum() or char in SEARCH_CHARS)):
            event.stop()
            event.prevent_default()
            box = self.query_input
            box.focus()
            if event.key == "backspace":
                box.value = box.value[:-1]
            else:
                box.value += char
            box.cursor_position = len(box.value)

    # -- actions ----------------------------------------------------------------------
    def action_into_table(self) -> None:
        if self.table.row_count:
            self.table.focus()

    def action_toggle_inactive(self) -> None:
        self.include_inactive = not self.include_inactive
        self.search(self.query_input.value, keep=self.highlighted_id)
        self.notify("Deactivated customers shown" if self.include_inactive
                    else "Deactivated customers hidden", timeout=2)
