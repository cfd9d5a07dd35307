"""Master › Customer › Customers (Lightspeed "Klanten"): find, add, open.

``CustomersScreen`` is the search filling the screen; Enter opens the
``CustomerPageScreen``: the record read-only, its notes, its sales history and
totals, with keys to edit, add a note and (de)activate.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Footer, Header, Input, Label, Static

from tui_pos.money import format_date, format_money, format_percent
from tui_pos.services import config, customers
from tui_pos.ui.literal import cell, fit, literal
from tui_pos.ui.screens.approval import attempt
from tui_pos.ui.screens.base import ConfirmScreen, FieldError, PosModal, PosScreen
from tui_pos.ui.screens.customer_form import CustomerFormScreen
from tui_pos.ui.screens.privacy_dialogs import EraseCustomerScreen, ExportDataScreen
from tui_pos.ui.widgets.customer_search import CustomerSearch

LABEL_WIDTH = 13
PROFILE_WIDTH = 20  # the history's profile column
NAME_IN_TEXT = 40  # a name quoted in a title or question is cut to this many cells


class CustomersScreen(PosScreen):
    """Every customer, found as you type."""

    TITLE = "Customers"
    HELP = ("Type part of a name, the customer number, a phone number, an e-mail address, "
            "a tag or the membership number (Additional): the list follows each key. "
            "↓ moves into the list, Enter opens the customer's page. "
            "F2, Ctrl+N or + adds a customer; F8 (Ctrl+D) shows deactivated customers too.")
    BINDINGS = [
        Binding("f2,ctrl+n", "new", "+ New", key_display="F2", id="customers.new"),
        Binding("plus", "new", "+ New", show=False, id="customers.new_plus"),
        Binding("escape", "back", "Back", id="back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="")
        yield CustomerSearch(id="customers-search")
        yield Footer()

    @property
    def search(self) -> CustomerSearch:
        return self.query_one(CustomerSearch)

    def on_screen_resume(self) -> None:
        self.search.refresh_results()

    def on_customer_search_chosen(self, event: CustomerSearch.Chosen) -> None:
        event.stop()
        self.app.push_screen(CustomerPageScreen(event.customer_id))

    def action_new(self) -> None:
        def created(customer_id: int | None) -> None:
            if customer_id is not None:
                self.app.push_screen(CustomerPageScreen(customer_id))

        # Searched and found no one: what was typed is most likely the new name.
        typed = "" if self.search.hits else self.search.query_input.value
        self.app.push_screen(CustomerFormScreen(initial_name=typed), created)


class CustomerNoteScreen(PosModal[bool]):
    """A note for a customer: Enter or F4 keeps it, Esc drops it (dismisses None)."""

    BINDINGS = [
        Binding("f4,ctrl+g", "apply", "Save", key_display="F4", id="customer_note.save"),
    ]
    APPLY_ON_ENTER = True

    def __init__(self, customer_id: int, name: str) -> None:
        super().__init__()
        self.customer_id, self.customer_name = customer_id, name

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Content("Note for ") + literal(self.customer_name, NAME_IN_TEXT),
                        classes="dialog-title")
            yield Input(id="note", compact=True, placeholder="Kept with the date and your name")
            yield FieldError(id="note-error")
            yield Label("Enter saves · Esc cancels", classes="dim")

    def on_mount(self) -> None:
        self.query_one("#note", Input).focus()

    def action_apply(self) -> None:
        self.clear_errors()
        text = self.query_one("#note", Input).value
        attempt(self, lambda actor: customers.add_note(actor, self.customer_id, text),
                lambda _: self.dismiss(True), lambda error: self.show_error(error, "note"))


def _padded(text: str, width: int) -> str:
    """``text`` filled with spaces to ``width`` terminal cells."""
    return text + " " * max(width - cell_len(text), 0)


def _lines(pairs: list[tuple[str, object]], width: int = LABEL_WIDTH) -> Content:
    """``label  value`` lines, the values shown literally on one line each (the
    column cuts them with an ellipsis)."""
    return Content("\n").join(
        Content.styled(_padded(fit(label, width - 1), width), "dim")
        + literal(" ".join(str(value).split()))
        for label, value in pairs)


class CustomerPageScreen(PosScreen):
    """One customer: the record, custom fields, totals, history and notes."""

    TITLE = "Customer"
    HELP = ("The customer's page. F4 or E edits the record, N adds a note, D deactivates "
            "(or reactivates) the customer; a deactivated customer keeps their history but "
            "is no longer offered for sales. F7 (Ctrl+E) exports everything held about "
            "them to a file; F9 (Alt+E) erases them on request (a manager's PIN; the sales "
            "stay, renamed). S shows the credit account's statement (payments on account "
            "and adjustments there). ↑↓ and PgUp/PgDn scroll.")
    BINDINGS = [
        Binding("f4,e", "edit", "Edit", id="customer_page.edit"),
        Binding("n", "note", "Note", id="customer_page.note"),
        Binding("d", "deactivate", "Deactivate", id="customer_page.deactivate"),
        Binding("d", "reactivate", "Reactivate", id="customer_page.reactivate"),
        Binding("f7,ctrl+e", "export_data", "Export", key_display="F7",
                id="customer_page.export"),
        # not in the Footer (80 columns): F1, the help text and the page name them
        Binding("s", "statement", "Statement", show=False, id="customer_page.statement"),
        Binding("f9,alt+e", "erase", "Erase", key_display="F9", show=False,
                id="customer_page.erase"),
        Binding("escape", "back", "Back", id="back"),
    ]

    def __init__(self, customer_id: int) -> None:
        super().__init__()
        self.customer_id = customer_id
        self.customer = customers.get_customer(customer_id)

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="")
        with VerticalScroll(id="cp-body"):
            with Horizontal(classes="cp-columns"):
                yield Static("", id="cp-left", classes="cp-column")
                yield Static("", id="cp-right", classes="cp-column")
            yield Static("", id="cp-extra")
            yield Label("Notes (newest first) — N adds one", classes="cp-section")
            yield Static("", id="cp-notes")
            yield Label("Sales", classes="cp-section")
            yield Static("", id="cp-totals")
            yield Static("", id="cp-balance")
            table = DataTable(id="cp-history", cursor_type="none", show_cursor=False)
            table.can_focus = False
            yield table
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#cp-history", DataTable)
        table.add_column("No.", key="number")
        table.add_column("Date", key="date")
        table.add_column("Lines", key="lines")
        table.add_column("Total", key="total")
        table.add_column("Profile", key="profile")
        self.load()
        self.query_one("#cp-body").focus()

    # -- showing ----------------------------------------------------------------------
    def load(self) -> None:
        c = self.customer = customers.get_customer(self.customer_id)
        settings = config.get_settings()
        title = fit(f"{c.number} {c.display_name}", 2 * NAME_IN_TEXT)
        self.sub_title = title if c.active else f"{title} (deactivated)"
        self._show_record(c, settings)
        self._show_history(c, settings)
        self._show_account(c, settings)
        self._show_notes(c, settings.locale)
        self.refresh_bindings()

    def _show_record(self, c: customers.CustomerDetail, settings: config.Settings) -> None:
        locale = settings.locale
        place = " ".join(p for p in (c.postcode, c.city) if p)
        left = [("Number", c.number), ("Name", f"{c.first_name} {c.last_name}".strip()),
                ("Company", c.company), ("E-mail", c.email), ("Phone", c.phone),
                ("Mobile", c.mobile), ("Address", c.address), ("City", place),
                ("Country", c.country), ("Birthday", format_date(c.birthday, locale)),
                ("Since", format_date(c.created_at, locale))]
        self.query_one("#cp-left", Static).update(_lines([p for p in left if p[1]]))

        right: list[tuple[str, str]] = []
        if settings.show_customer_type:
            right.append(("Type", c.type_name or "—"))
        if settings.show_customer_profile:
            right.append(("Profile", c.profile_name or "—"))
        right.append(("Discount", format_percent(c.discount, locale) if c.discount is not None
                      else "from the type" if settings.show_customer_type else "none"))
        if c.vat_class_id:
            right.append(("VAT class", f"{c.vat_class_name} {format_percent(c.vat_rate, locale)}"))
        right.append(("Additional", c.additional))
        if c.credit_limit is not None:
            right.append(("Credit limit", format_money(c.credit_limit, settings.currency,
                                                       locale)))
        ways = [name for name, on in (("e-mail", c.contact_email), ("SMS", c.contact_sms),
                                      ("phone", c.contact_phone), ("post", c.contact_post)) if on]
        right.append(("Contact", ", ".join(ways) if ways else "no consent given"))
        right.append(("Consent on", format_date(c.consent_date, locale)))
        right.append(("  how", c.consent_note))
        right.append(("Newsletter", "yes" if c.newsletter else "no"))
        right.append(("Status", "active" if c.active else "deactivated"))
        self.query_one("#cp-right", Static).update(_lines([p for p in right if p[1]]))

        extra: list[tuple[str, str]] = [("Tags", ", ".join(c.tags) or "—")]
        extra += [(v.name, v.value or "—") for v in c.custom]
        width = min(max(cell_len(label) for label, _ in extra) + 2, 24)
        self.query_one("#cp-extra", Static).update(_lines(extra, max(width, LABEL_WIDTH)))

    def _show_history(self, c: customers.CustomerDetail, settings: config.Settings) -> None:
        locale = settings.locale
        past = customers.history(c.id)
        if past.sale_count:
            last = format_date(past.last_visit, locale) if past.last_visit else "—"
            spent = format_money(past.total_spent, settings.currency, locale)
            totals = (f"{past.sale_count} sale{'s' if past.sale_count != 1 else ''} · spent "
                      f"{spent} · last visit {last}")
            if past.sale_count > len(past.sales):
                totals += f" · the latest {len(past.sales)} below"
        else:
            totals = "No sales yet"
        self.query_one("#cp-totals", Static).update(literal(totals))
        table = self.query_one("#cp-history", DataTable)
        table.clear()
        for sale in past.sales:
            table.add_row(cell(sale.number),
                          cell(f"{format_date(sale.created_at, locale)} "
                               f"{sale.created_at:%H:%M}"),
                          cell(sale.lines, justify="right"),
                          cell(format_money(sale.total, locale=locale), justify="right"),
                          cell(sale.profile_name or "", PROFILE_WIDTH))
        table.display = bool(past.sales)

    def _show_account(self, c: customers.CustomerDetail, settings: config.Settings) -> None:
        from tui_pos.services import accounts
        from tui_pos.ui.screens.account import balance_words

        info = accounts.account_info(c.id)
        words = balance_words(info, settings.locale, settings.currency)
        words = f"Account {words}" if info.has_account else f"Account balance: {words}"
        self.query_one("#cp-balance", Static).update(literal(f"{words} — S: statement"))

    def _show_notes(self, c: customers.CustomerDetail, locale: str) -> None:
        notes = customers.notes(c.id)
        shown = Content("\n").join(
            Content.styled(f"{format_date(note.created_at, locale)} {note.created_at:%H:%M} "
                           f"{fit(note.author or '—', 20)}: ", "dim") + literal(note.text)
            for note in notes)
        self.query_one("#cp-notes", Static).update(shown if notes else Content("No notes"))

    # -- keys -------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "deactivate":
            return self.customer.active
        if action == "reactivate":
            return not self.customer.active
        return True

    def action_edit(self) -> None:
        def edited(customer_id: int | None) -> None:
            if customer_id is not None:
                self.load()

        self.app.push_screen(CustomerFormScreen(self.customer_id), edited)

    def action_note(self) -> None:
        def added(saved: bool | None) -> None:
            if saved:
                self.load()

        self.app.push_screen(CustomerNoteScreen(self.customer_id,
                                                self.customer.display_name), added)

    def _set_active(self, active: bool, question: str, yes: str) -> None:
        def changed(_) -> None:
            self.load()
            self.notify(f"{self.short_name} is "
                        f"{'active again' if active else 'deactivated'}", timeout=3,
                        markup=False)

        def answer(sure: bool | None) -> None:
            if sure:  # deactivating asks a manager's PIN first
                attempt(self, lambda actor: customers.set_active(actor, self.customer_id, active),
                        changed, lambda error: self.notify(error.message, severity="error",
                                                           markup=False))

        self.app.push_screen(ConfirmScreen(question, yes=yes, no="Cancel"), answer)

    def action_deactivate(self) -> None:
        self._set_active(False, f"Deactivate {self.short_name}? Their history "
                                "stays; they are no longer offered for sales.", "Deactivate")

    def action_reactivate(self) -> None:
        self._set_active(True, f"Reactivate {self.short_name}?", "Reactivate")

    def on_screen_resume(self) -> None:
        """Back from the statement (a payment or adjustment there): the balance again."""
        if self.is_mounted:
            self._show_account(self.customer, config.get_settings())

    def action_statement(self) -> None:
        from tui_pos.ui.screens.account import StatementScreen

        self.app.push_screen(StatementScreen(self.customer_id))

    def action_export_data(self) -> None:
        def written(path) -> None:
            if path is not None:
                self.notify(f"Everything held about {self.short_name} is written to {path}",
                            timeout=8, markup=False)

        self.app.push_screen(ExportDataScreen(self.customer_id, self.customer.number,
                                              self.short_name, self.app.receipts_dir), written)

    def action_erase(self) -> None:
        def erased(done) -> None:
            if done is not None:
                self.load()
                self.notify(f"Customer {done.number} is erased: {done.notes_removed} notes "
                            f"removed, {done.sales_renamed} sales kept with the name replaced",
                            timeout=8, markup=False)

        self.app.push_screen(EraseCustomerScreen(self.customer_id, self.customer.number,
                                                 self.short_name, self.app.receipts_dir),
                             erased)

    @property
    def short_name(self) -> str:
        """The customer's name for a question or message: plain text, cut short."""
        return fit(self.customer.display_name, NAME_IN_TEXT)
