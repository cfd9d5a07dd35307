"""Reports (TruePOS FAQ Q5): sales by profile, type, customer, day or item for
a quick range or From–To, filtered by profile and type, paged (top rows by
gross, the next page loaded by keyset as the cursor reaches the end) with the
range's totals, exported as CSV; and the customer list filtered by profile,
type or tag, paged by keyset. The sums come from ``reports``."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import (
    DataTable, Footer, Header, Input, Label, Select, Static, TabbedContent, TabPane,
)
from textual.worker import Worker, WorkerState

from tui_pos.db.connection import close_database

from tui_pos.money import format_money, format_quantity
from tui_pos.services import config, masters, reports, staff
from tui_pos.services.errors import ValidationError
from tui_pos.ui.literal import cell, literal
from tui_pos.ui.screens.base import FieldError, PosScreen, select_value

GROUP_LABELS = {"profile": "Profile", "type": "Customer type", "customer": "Customer",
                "day": "Day", "item": "Item"}
CUSTOMER_PAGE = 50
SALES_PAGE = 50
TOTAL_KEY = "__total__"
DEFAULT_RANGE = "this-month"


def option_label(master):
    """A profile or type as a Select option: its name literally, never markup."""
    return literal(master.name if master.active else f"{master.name} (inactive)")


def write_owner_only(path: Path, text: str) -> None:
    """The export holds customers' names: a 0600 file, as the database is."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)


class ReportsScreen(PosScreen):
    TITLE = "Reports"
    HELP = ("Sales: pick a range (today, this week, this month, the last 30 days) or type "
            "From and To (YYYY-MM-DD: the range becomes Custom), what to group by and, if "
            "you like, a profile, type, staff member or terminal (its name as the sales "
            "recorded it); F5 (or Enter in a date or the terminal) runs the report. The "
            "best-selling rows come first with the totals of the whole range at the "
            "bottom; more rows load as the cursor reaches the end. F7 or Ctrl+E writes "
            "the whole report as a CSV file beside the database.\n"
            "Customer list: the active customers of a profile, type or tag (Enter in "
            "the tag runs it); the list loads more as the cursor reaches its end.\n"
            "F6 switches between Sales and Customer list.")
    BINDINGS = [
        Binding("f5,ctrl+r", "run", "Run", priority=True, key_display="F5", id="reports.run"),
        Binding("f6,ctrl+t", "switch_tab", "Sales/Customers", priority=True, key_display="F6",
                id="reports.tab"),
        Binding("f7,ctrl+e", "export", "Export CSV", priority=True, key_display="F7",
                id="reports.export"),
        Binding("escape", "back", "Back", id="back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        settings = config.get_settings()
        self.show_profile = settings.show_customer_profile
        self.currency = settings.currency
        self.locale = settings.locale
        self.shown: reports.ReportPage | None = None  # the last page loaded
        self._asked: tuple | None = None  # (by, start, end, filter) of the rows shown
        self._sales_rows = 0
        self._loading = False  # a page is being added up
        self._customers_loaded = 0
        self._customers_after: tuple[str, int] | None = None
        self._customers_exhausted = True

    # -- layout ------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        start, end = reports.quick_range(DEFAULT_RANGE)
        groups = [g for g in GROUP_LABELS if g != "profile" or self.show_profile]
        profiles = [(option_label(p), p.id)
                    for p in masters.list_profiles()] if self.show_profile else []
        types = [(option_label(t), t.id) for t in masters.list_types()]
        staff_members = [(option_label(m), m.id) for m in staff.list_staff()]
        ranges = [(reports.RANGE_LABELS[r], r) for r in (*reports.RANGES, "custom")]
        yield Header(icon="")
        with TabbedContent(id="tabs", initial="sales-tab"):
            with TabPane("Sales", id="sales-tab"):
                with Horizontal(classes="filter-row"):
                    yield Label("Range")
                    yield Select(ranges, id="range", allow_blank=False, value=DEFAULT_RANGE,
                                 compact=True)
                    yield Label("From")
                    yield Input(start.isoformat(), id="from", max_length=10, compact=True)
                    yield Label("To")
                    yield Input(end.isoformat(), id="to", max_length=10, compact=True)
                with Horizontal(classes="filter-row"):
                    yield Label("Group by")
                    yield Select([(GROUP_LABELS[g], g) for g in groups], id="by",
                                 allow_blank=False, value=groups[0], compact=True)
                    if self.show_profile:
                        yield Label("Profile")
                        yield Select(profiles, id="profile", prompt="(all)", compact=True)
                    yield Label("Type")
                    yield Select(types, id="type", prompt="(all)", compact=True)
                with Horizontal(classes="filter-row"):
                    yield Label("Staff")
                    yield Select(staff_members, id="staff", prompt="(all)", compact=True)
                    yield Label("Terminal")
                    yield Input(id="terminal", placeholder="(all)", max_length=60,
                                compact=True)
                for field in ("from", "to", "by"):
                    yield FieldError(id=f"{field}-error")
                yield DataTable(id="sales", cursor_type="row")
                yield Static("", id="sales-info", classes="dim")
            with TabPane("Customer list", id="customers-tab"):
                with Horizontal(classes="filter-row"):
                    if self.show_profile:
                        yield Label("Profile")
                        yield Select(profiles, id="c-profile", prompt="(all)", compact=True)
                    yield Label("Type")
                    yield Select(types, id="c-type", prompt="(all)", compact=True)
                    yield Label("Tag")
                    yield Input(id="tag", placeholder="e.g. vip", max_length=60, compact=True)
                yield DataTable(id="customers", cursor_type="row")
                yield Static("", id="customers-info", classes="dim")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        customers = self.query_one("#customers", DataTable)
        columns = [("Number", 8), ("Name", 26)]
        if self.show_profile:
            columns.append(("Profile", 10))
        columns += [("Type", 10), ("Phone", 13)]
        for label, width in columns:
            customers.add_column(label, width=width)
        self.run_sales()
        self.load_customers()
        self.query_one("#sales", DataTable).focus()

    # -- sales --------------------------------------------------------------------------
    def action_run(self) -> None:
        if self.query_one("#tabs", TabbedContent).active == "customers-tab":
            self.load_customers()
        else:
            self.run_sales()

    def sales_request(self) -> tuple[str, dt.date | None, dt.date | None, reports.ReportFilter]:
        """What the form asks for, checked by the service (a bad date names its field)."""
        by = select_value(self.query_one("#by", Select)) or "type"
        profile_id = (select_value(self.query_one("#profile", Select))
                      if self.show_profile else None)
        start, end = reports.date_range(self.query_one("#from", Input).value,
                                        self.query_one("#to", Input).value)
        terminal = self.query_one("#terminal", Input).value.strip()
        where = reports.ReportFilter(profile_id=profile_id,
                                     type_id=select_value(self.query_one("#type", Select)),
                                     staff_id=select_value(self.query_one("#staff", Select)),
                                     terminal=terminal or None)
        return by, start, end, where

    def run_sales(self) -> bool:
        """Check the form, then add up the first page in a worker (a year of a busy
        shop takes a moment); the table is drawn from scratch when it arrives."""
        for field in ("from", "to", "by"):
            self.query_one(f"#{field}-error", FieldError).clear()
        try:
            asked = self.sales_request()
            reports.check_page_request(asked[0], SALES_PAGE, None)
        except ValidationError as error:
            self.show_error(error, default_field="from")
            return False
        self._asked = asked
        self._loading = True
        self.query_one("#sales-info", Static).update("adding up…")
        self.fetch_sales(asked, None)
        return True

    def load_more_sales(self) -> None:
        """The next page after the last row shown (keyset: it costs what the first did)."""
        if self.shown is None or self.shown.next_cursor is None or self._asked is None \
                or self._loading:
            return
        self._loading = True
        self.fetch_sales(self._asked, self.shown.next_cursor)

    @work(thread=True, exclusive=True, group="report", exit_on_error=False)
    def fetch_sales(self, asked: tuple, after: str | None) -> tuple:
        """In a thread: one page of the report; returned with what was asked."""
        try:
            return asked, after, reports.sales_page(*asked, limit=SALES_PAGE, after=after)
        finally:
            close_database()  # this thread's connection

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "report":
            return
        if event.state == WorkerState.ERROR:
            self._loading = False
            self.notify(f"The report could not be made: {event.worker.error}",
                        severity="error", timeout=8, markup=False)
        elif event.state == WorkerState.SUCCESS:
            asked, after, page = event.worker.result
            if asked != self._asked:
                return  # an answer to a request made before the last
            self._loading = False
            if after is None:
                self.start_sales_table(asked[0])
            elif self.shown is None or after != self.shown.next_cursor:
                return
            self.add_sales_page(page)

    def start_sales_table(self, by: str) -> None:
        table = self.query_one("#sales", DataTable)
        table.clear(columns=True)
        self._sales_rows = 0
        table.add_column(GROUP_LABELS[by], key="label", width=18)
        for label, key in ((reports.count_heading(by), "count"), ("Net", "net"),
                           ("VAT", "vat"), (f"Gross {self.currency}", "gross"),
                           ("Discount", "discount")):
            table.add_column(cell(label, justify="right"), key=key)

    def sales_cells(self, by: str, row: reports.ReportRow, style: str = "") -> list:
        count = format_quantity(row.count, self.locale) if by == "item" else str(row.count)
        return [cell(row.label, 18, style=style),
                *(cell(value, style=style, justify="right") for value in
                  (count, self.money(row.net), self.money(row.vat), self.money(row.gross),
                   self.money(row.discount)))]

    def add_sales_page(self, page: reports.ReportPage) -> None:
        """The page's rows after those shown; the range's totals stay the last row."""
        table = self.query_one("#sales", DataTable)
        if self._sales_rows:
            table.remove_row(TOTAL_KEY)
        for row in page.rows:
            table.add_row(*self.sales_cells(page.by, row), key=f"row:{row.key}")
        table.add_row(*self.sales_cells(page.by, page.totals, "bold"), key=TOTAL_KEY)
        self._sales_rows += len(page.rows)
        self.shown = page
        self.update_sales_info()

    def update_sales_info(self) -> None:
        page = self.shown
        if page is None:
            return
        if not page.groups:
            self.query_one("#sales-info", Static).update("No completed sales in this period")
            return
        noun = GROUP_LABELS[page.by].lower()
        sales = (f"{format_quantity(page.totals.count, self.locale)} sold" if page.by == "item"
                 else f"{page.totals.count} sale{'s' if page.totals.count != 1 else ''}")
        more = " — ↓ at the end loads more" if page.next_cursor else " — F7 exports CSV"
        self.query_one("#sales-info", Static).update(literal(
            f"{self._sales_rows} of {page.groups} {noun}{'s' if page.groups != 1 else ''}, "
            f"{sales}{more}"))

    def money(self, value) -> str:
        return format_money(value, locale=self.locale)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "tag":
            self.load_customers()
        else:
            self.run_sales()

    def on_input_changed(self, event: Input.Changed) -> None:
        """Dates typed by hand make the range Custom."""
        if event.input.id not in ("from", "to") or not self.is_mounted:
            return
        ranges = self.query_one("#range", Select)
        name = select_value(ranges)
        if name in reports.RANGES:
            start, end = reports.quick_range(name)
            if (self.query_one("#from", Input).value, self.query_one("#to", Input).value) \
                    != (start.isoformat(), end.isoformat()):
                ranges.value = "custom"

    def on_select_changed(self, event: Select.Changed) -> None:
        if not self.is_mounted:
            return
        if event.select.id == "range":
            if event.value in reports.RANGES:
                start, end = reports.quick_range(event.value)
                self.query_one("#from", Input).value = start.isoformat()
                self.query_one("#to", Input).value = end.isoformat()
                self.run_sales()
        elif event.select.id in ("by", "profile", "type", "staff"):
            self.run_sales()
        elif event.select.id in ("c-profile", "c-type"):
            self.load_customers()

    def export_folder(self) -> Path:
        target = self.app.database_target
        if "://" in target:
            return Path(self.app.receipts_dir).parent
        return Path(target).expanduser().resolve().parent

    def action_export(self) -> None:
        """The whole report the form asks for (every page, then the totals) as one CSV."""
        for field in ("from", "to", "by"):
            self.query_one(f"#{field}-error", FieldError).clear()
        try:
            asked = self.sales_request()
            text = reports.report_csv(*asked)
        except ValidationError as error:
            self.show_error(error, default_field="from")
            return
        by = asked[0]
        path = self.export_folder() / f"sales-by-{by}-{dt.date.today():%Y%m%d}.csv"
        try:
            write_owner_only(path, text)
        except OSError as error:
            self.notify(f"Could not write {path}: {error.strerror or error}",
                        severity="error", timeout=8, markup=False)
            return
        self.query_one("#sales-info", Static).update(
            literal(f"Written {path.name} in {path.parent}"))
        self.notify(f"Sales by {by} written to {path}", timeout=6, markup=False)

    # -- customer list ---------------------------------------------------------------------
    def customer_filters(self) -> dict:
        profile = (select_value(self.query_one("#c-profile", Select))
                   if self.show_profile else None)
        return dict(profile_id=profile, type_id=select_value(self.query_one("#c-type", Select)),
                    tag=self.query_one("#tag", Input).value.strip() or None)

    def load_customers(self) -> None:
        table = self.query_one("#customers", DataTable)
        table.clear()
        self._customers_loaded, self._customers_exhausted = 0, False
        self._customers_after = None
        self.load_more_customers()

    def load_more_customers(self) -> None:
        """The next page after the last customer shown (keyset on name, id)."""
        if self._customers_exhausted:
            return
        rows = reports.customer_list(**self.customer_filters(), limit=CUSTOMER_PAGE,
                                     after=self._customers_after)
        table = self.query_one("#customers", DataTable)
        for row in rows:
            cells = [cell(row.number), cell(row.name, 26)]
            if self.show_profile:
                cells.append(cell(row.profile, 10))
            cells += [cell(row.type, 10), cell(row.phone, 13)]
            table.add_row(*cells, key=str(row.id))
        if rows:
            self._customers_after = rows[-1].cursor
        self._customers_loaded += len(rows)
        self._customers_exhausted = len(rows) < CUSTOMER_PAGE
        filters = self.customer_filters()
        count = self._customers_loaded
        if filters["tag"] is None:
            total = reports.count_customers(filters["profile_id"], filters["type_id"])
            info = f"{count} of {total} customers"
        else:
            info = f"{count}{'' if self._customers_exhausted else '+'} customers"
        if not self._customers_exhausted:
            info += " — ↓ at the end loads more"
        self.query_one("#customers-info", Static).update(info if count else "No customers match")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        table = event.data_table
        if table.id == "customers" and event.cursor_row >= table.row_count - 1:
            self.load_more_customers()
        elif table.id == "sales" and event.cursor_row >= table.row_count - 2:
            self.load_more_sales()  # the last row before the totals

    def action_switch_tab(self) -> None:
        tabs = self.query_one("#tabs", TabbedContent)
        tabs.active = "customers-tab" if tabs.active == "sales-tab" else "sales-tab"
        self.query_one("#customers" if tabs.active == "customers-tab" else "#sales",
                       DataTable).focus()
