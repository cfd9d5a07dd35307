"""Reports › Audit Log: who changed what, where, approved by whom — newest first.

A manager or above opens it; a cashier is asked for a manager's PIN first
(``audit.open_log``), and nothing of the log is read before that. Filters:
From–To dates, kind and staff member. Pages of ``PAGE`` entries are read by
keyset (``audit.entries(before_id=…)``) as the cursor reaches the end;
Enter shows one entry whole in a pop-up. Every stored text is shown literally.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Footer, Header, Input, Label, Select, Static

from tui_pos.services import audit, staff
from tui_pos.services.actors import Actor
from tui_pos.services.errors import NeedsApproval, ValidationError
from tui_pos.ui.literal import cell, literal
from tui_pos.ui.screens.approval import ApprovalScreen
from tui_pos.ui.screens.base import FieldError, PosModal, PosScreen, option, select_value

PAGE = 100
# (key, header, width): 80 columns less the DataTable's padding of 2 per column
COLUMNS = (("when", "When", 16), ("who", "Who", 10), ("terminal", "Terminal", 8),
           ("approver", "Approver", 8), ("what", "What", 15), ("changes", "Changes", 11))


def _shown(value: object) -> str:
    return "—" if value in (None, "") else str(value)


class AuditEntryScreen(PosModal[None]):
    """One entry whole: every field and each change on its own line."""

    DEFAULT_CSS = """
    AuditEntryScreen .audit-entry { height: auto; max-height: 22; }
    AuditEntryScreen #entry-body { height: auto; max-height: 18; }
    AuditEntryScreen #entry-changes { margin-top: 1; }
    """

    BINDINGS = [Binding("enter,q", "cancel", "Close", id="audit_entry.close")]

    def __init__(self, entry: audit.EntryRow) -> None:
        super().__init__()
        self.entry = entry

    def compose(self) -> ComposeResult:
        e = self.entry
        facts = [("When", e.at.isoformat(sep=" ")), ("Kind", f"{e.kind} — {e.kind_label}"),
                 ("Who", e.actor), ("Terminal", e.terminal or "—"),
                 ("Approver", e.approver or "—"), ("What", e.subject or "—")]
        changes = [f"{field}: {_shown(before)} → {_shown(after)}"
                   for field, (before, after) in e.changes.items()]
        with Vertical(classes="dialog audit-entry"):
            yield Label(literal(f"Audit entry {e.id}"), classes="dialog-title")
            with VerticalScroll(id="entry-body"):
                yield Static(literal("\n".join(f"{k:<9} {v}" for k, v in facts)),
                             id="entry-facts")
                yield Static(literal("\n".join(changes) if changes else "No field changes"),
                             id="entry-changes")
            yield Label("Enter or Esc closes · ↑↓ scroll", classes="dim")

    def on_mount(self) -> None:
        self.query_one("#entry-body").focus()


class AuditLogScreen(PosScreen):
    """The audit log, filtered and paged; a manager's (or an approved) look."""

    TITLE = "Audit Log"
    HELP = ("Every configuration and master change, sign-in, wrong PIN, lock-out, approval "
            "and customer export or erasure: when, who, on which terminal, approved by whom, "
            "what and the fields before → after. Newest first; more load as the cursor "
            "reaches the end. Filter by From and To (YYYY-MM-DD, Enter applies), kind and "
            "staff member (also entries they approved). Enter on an entry shows it whole. "
            "Needs a manager: a cashier is asked for a manager's PIN.")
    BINDINGS = [
        Binding("f5,ctrl+r", "reload", "Apply filter", key_display="F5", id="audit_log.reload"),
        Binding("escape", "back", "Back", id="back"),
    ]
    DEFAULT_CSS = """
    AuditLogScreen .filter-row { height: 1; padding: 0 1; }
    AuditLogScreen .filter-row > Label { width: auto; padding: 0 1; }
    AuditLogScreen .filter-row > Input { width: 12; }
    AuditLogScreen .filter-row > Select { width: 1fr; }
    AuditLogScreen #audit-table { height: 1fr; }
    AuditLogScreen #audit-info { height: 1; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[audit.EntryRow] = []
        self.exhausted = True
        self.opened = False  # the actor may read the log (after approval, if asked)

    def compose(self) -> ComposeResult:
        kinds = [(option(f"{k} — {label}"), k) for k, label in audit.KINDS.items()]
        people = [(option(f"{s.name} ({s.role})"), s.id) for s in staff.list_staff()]
        yield Header(show_clock=False, icon="")
        with Horizontal(classes="filter-row"):
            yield Label("From")
            yield Input(id="from", max_length=10, placeholder="YYYY-MM-DD", compact=True)
            yield Label("To")
            yield Input(id="to", max_length=10, placeholder="YYYY-MM-DD", compact=True)
        with Horizontal(classes="filter-row"):
            yield Label("Kind")
            yield Select(kinds, id="kind", prompt="(all kinds)", compact=True)
            yield Label("Staff")
            yield Select(people, id="staff", prompt="(everyone)", compact=True)
        for field in ("from", "to", "kind", "staff"):
            yield FieldError(id=f"{field}-error")
        yield DataTable(id="audit-table", cursor_type="row")
        yield Static("", id="audit-info", classes="dim")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#audit-table", DataTable)
        for key, header, width in COLUMNS:
            table.add_column(header, width=width, key=key)
        self.query_one("#audit-info", Static).update(literal("Asking for access…"))
        self.ask_access(self.app.actor)

    # -- access --------------------------------------------------------------------------
    def ask_access(self, actor: Actor | None) -> None:
        """Open for a manager; a cashier gets the PIN pop-up; a cancel goes back."""
        try:
            audit.open_log(actor)
        except NeedsApproval as needed:
            if actor is not None and actor.approver is None:
                self.app.push_screen(ApprovalScreen(actor, needed), self._approved)
                return
            self._refused(needed)
            return
        except ValidationError as error:  # nobody signed in
            self._refused(error)
            return
        self.opened = True
        self.reload()
        self.query_one("#audit-table", DataTable).focus()

    def _approved(self, actor: Actor | None) -> None:
        if actor is None:  # the PIN pop-up was cancelled
            self.app.pop_screen()
            return
        self.ask_access(actor)

    def _refused(self, error: ValidationError) -> None:
        self.notify(error.message, severity="error", timeout=8, markup=False)
        self.app.pop_screen()

    # -- loading -------------------------------------------------------------------------
    def current_filter(self) -> audit.AuditFilter:
        return audit.make_filter(self.query_one("#from", Input).value,
                                 self.query_one("#to", Input).value,
                                 kind=select_value(self.query_one("#kind", Select)),
                                 staff_id=select_value(self.query_one("#staff", Select)))

    def action_reload(self) -> None:
        self.reload()

    def reload(self) -> None:
        if not self.opened:
            return
        self.clear_errors()
        try:
            chosen = self.current_filter()
        except ValidationError as error:
            self.show_error(error)
            return
        self.chosen = chosen
        self.rows = []
        self.query_one("#audit-table", DataTable).clear()
        self.load_more()

    def load_more(self) -> None:
        before = self.rows[-1].id if self.rows else None
        page = audit.entries(self.chosen, limit=PAGE, before_id=before)
        self.exhausted = len(page) < PAGE
        table = self.query_one("#audit-table", DataTable)
        for row in page:
            table.add_row(*self.cells(row), key=str(row.id))
        self.rows.extend(page)
        count = len(self.rows)
        info = (f"{count} entr{'y' if count == 1 else 'ies'}" if self.exhausted
                else f"{count} newest entries (more as you scroll)")
        self.query_one("#audit-info", Static).update(
            literal(f"{info} · Enter shows one whole" if count else "No entries"))

    @staticmethod
    def cells(row: audit.EntryRow) -> list:
        widths = {key: width for key, _, width in COLUMNS}
        what = f"{row.kind}: {row.subject}" if row.subject else row.kind
        values = {"when": row.at.strftime("%Y-%m-%d %H:%M"), "who": row.actor,
                  "terminal": row.terminal, "approver": row.approver, "what": what,
                  "changes": row.changes_text()}
        return [cell(values[key], widths[key]) for key, _, _ in COLUMNS]

    # -- events --------------------------------------------------------------------------
    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.reload()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.reload()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if not self.exhausted and event.cursor_row >= len(self.rows) - 1:
            self.load_more()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if 0 <= event.cursor_row < len(self.rows):
            self.app.push_screen(AuditEntryScreen(self.rows[event.cursor_row]))
