"""Reports (TruePOS FAQ Q5): sales by profile, type, customer or day for a
date range, filtered by profile and type, exported as CSV; and the customer
list filtered by profile, type or tag. The sums come from ``reports``."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import (
    DataTable, Footer, Header, Input, Label, Select, Static, TabbedContent, TabPane,
)

from tui_pos.money import format_money
from tui_pos.services import config, masters, reports
from tui_pos.services.errors import ValidationError
from tui_pos.ui.literal import cell, literal
from tui_pos.ui.screens.base import FieldError, PosScreen, select_value

GROUP_LABELS = {"profile": "Profile", "type": "Customer type", "customer": "Customer",
                "day": "Day"}
CUSTOMER_PAGE = 50


def first_of_month(today: dt.date) -> dt.date:
    return today.replace(day=1)


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
    HELP = ("Sales: choose the dates (YYYY-MM-DD), what to group by and, if you like, a "
            "profile or type; F5 (or Enter in a date) runs the report. F7 or Ctrl+E "
            "writes the report shown as a CSV file beside the database.\n"
            "Customer list: the active customers of a profile, type or tag (Enter in "
            "the tag runs it); the list loads more as the cursor reaches its end.\n"
            "F6 switches between Sales and Customer list.")
    BINDINGS = [
        Binding("f5,ctrl+r", "run", "Run", priority=True, key_display="F5", id="reports.run"),
        Binding("f6", "switch_tab", "Sales/Customers", priority=True, id="reports.tab"),
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
        self.shown: tuple[str, list[reports.SalesRow]] | None = None
        self._customers_loaded = 0
        self._customers_exhausted = True

    # -- layout ------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        today = dt.date.today()
        groups = [g for g in reports.GROUPINGS if g != "profile" or self.show_profile]
        profiles = [(option_label(p), p.id)
                    for p in masters.list_profiles()] if self.show_profile else []
        types = [(option_label(t), t.id) for t in masters.list_types()]
        yield Header(icon="")
        with TabbedContent(id="tabs", initial="sales-tab"):
            with TabPane("Sales", id="sales-tab"):
                with Horizontal(classes="filter-row"):
                    yield Label("From")
                    yield Input(first_of_month(today).isoformat(), id="from",
                                max_length=10, compact=True)
                    yield Label("To")
                    yield Input(today.isoformat(), id="to", max_length=10, compact=True)
                    yield Label("Group by")
                    yield Select([(GROUP_LABELS[g], g) for g in groups], id="by",
                                 allow_blank=False, value=groups[0], compact=True)
                with Horizontal(classes="filter-row"):
                    if self.show_profile:
                        yield Label("Profile")
                        yield Select(profiles, id="profile", prompt="(all)", compact=True)
                    yield Label("Type")
                    yield Select(types, id="type", prompt="(all)", compact=True)
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

    def run_sales(self) -> bool:
        for field in ("from", "to", "by"):
            self.query_one(f"#{field}-error", FieldError).clear()
        by = select_value(self.query_one("#by", Select)) or "type"
        profile_id = (select_value(self.query_one("#profile", Select))
                      if self.show_profile else None)
        try:
            rows = reports.sales_by(by, self.query_one("#from", Input).value,
                                    self.query_one("#to", Input).value,
                                    profile_id=profile_id,
                                    type_id=select_value(self.query_one("#type", Select)))
        except ValidationError as error:
            self.show_error(error, default_field="from")
            return False
        self.shown = (by, rows)
        self.draw_sales(by, rows)
        return True

    def draw_sales(self, by: str, rows: list[reports.SalesRow]) -> None:
        table = self.query_one("#sales", DataTable)
        table.clear(columns=True)
        table.add_column(GROUP_LABELS[by], key="label", width=24)
        for label, key in (("Sales", "sales"), ("Discount", "discount"), ("VAT", "vat"),
                           (f"Total {self.currency}", "total")):
            table.add_column(cell(label, justify="right"), key=key)

        def cells(row: reports.SalesRow, style: str = "") -> list:
            return [cell(row.label, 24, style=style),
                    *(cell(value, style=style, justify="right") for value in
                      (str(row.sales), self.money(row.discount), self.money(row.vat),
                       self.money(row.total)))]

        for row in rows:
            table.add_row(*cells(row), key=row.key or row.label)
        total = reports.totals(rows)
        table.add_row(*cells(total, "bold"), key="__total__")
        what = f"{len(rows)} {GROUP_LABELS[by].lower()}{'s' if len(rows) != 1 else ''}"
        self.query_one("#sales-info", Static).update(
            f"{what}, {total.sales} sale{'s' if total.sales != 1 else ''} — F7 exports CSV"
            if rows else "No completed sales in this period")

    def money(self, value) -> str:
        return format_money(value, locale=self.locale)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "tag":
            self.load_customers()
        else:
            self.run_sales()

    def on_select_changed(self, event: Select.Changed) -> None:
        if not self.is_mounted:
            return
        if event.select.id in ("by", "profile", "type"):
            self.run_sales()
        elif event.select.id in ("c-profile", "c-type"):
            self.load_customers()

    def export_folder(self) -> Path:
        target = self.app.database_target
        if "://" in target:
            return Path(self.app.receipts_dir).parent
        return Path(target).expanduser().resolve().parent

    def action_export(self) -> None:
        if not self.run_sales() or self.shown is None:
            return
        by, rows = self.shown
        path = self.export_folder() / f"sales-by-{by}-{dt.date.today():%Y%m%d}.csv"
        try:
            write_owner_only(path, reports.as_csv(by, rows))
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
        self.load_more_customers()

    def load_more_customers(self) -> None:
        if self._customers_exhausted:
            return
        rows = reports.customer_list(**self.customer_filters(), limit=CUSTOMER_PAGE,
                                     offset=self._customers_loaded)
        table = self.query_one("#customers", DataTable)
        for row in rows:
            cells = [cell(row.number), cell(row.name, 26)]
            if self.show_profile:
                cells.append(cell(row.profile, 10))
            cells += [cell(row.type, 10), cell(row.phone, 13)]
            table.add_row(*cells, key=str(row.id))
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
        if event.data_table.id == "customers" and \
                event.cursor_row >= event.data_table.row_count - 1:
            self.load_more_customers()

    def action_switch_tab(self) -> None:
        tabs = self.query_one("#tabs", TabbedContent)
        tabs.active = "customers-tab" if tabs.active == "sales-tab" else "sales-tab"
        self.query_one("#customers" if tabs.active == "customers-tab" else "#sales",
                       DataTable).focus()
