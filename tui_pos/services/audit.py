"""The audit log: who changed what, where, approved by whom — append-only.

``record`` is called by a service inside the transaction of the change it
records, so there is no change without its entry and no entry without its
change (a failed change rolls both back). The program never updates or
deletes an entry. ``entries`` pages the log newest first for the screen and
``tui-pos audit``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal

from tui_pos.db.models import AuditEntry
from tui_pos.services.actors import Actor
from tui_pos.services.text import printable

# The kinds of entry, in the words of the audit screen's filter.
KINDS = {
    "config": "Business Configuration changed",
    "master": "Master record added or changed",
    "staff": "Staff added or changed",
    "sign-in": "Signed in",
    "sign-out": "Signed out",
    "sign-in-failed": "Wrong PIN",
    "lock-out": "Locked out after wrong PINs",
    "approval": "Override approved by a manager",
    "approval-failed": "Approval refused",
    "customer": "Customer deactivated, exported or erased",
    "import": "Import",
    "void": "Sale voided",
    "refund": "Refund",
    "account": "Credit account payment or adjustment",
    "park": "Bill parked",
    "recall": "Parked bill recalled",
}

SUBJECT_LENGTH = 250
CHANGES_LENGTH = 20_000


def shown(value: object) -> object:
    """A value as the log keeps it: JSON-safe, text printable."""
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [shown(v) for v in value]
    return printable(str(value))


def diff(before: dict, after: dict) -> dict[str, list]:
    """{field: [before, after]} for every field whose value changed (or is new)."""
    changed = {}
    for key in after:
        old, new = shown(before.get(key)), shown(after[key])
        if old != new:
            changed[key] = [old, new]
    return changed


def record(actor: Actor, kind: str, subject: str = "",
           changes: dict[str, list] | None = None) -> None:
    """Write one entry. Call it inside the change's transaction."""
    if kind not in KINDS:
        raise ValueError(f"unknown audit kind {kind!r}")  # a programming error
    text = json.dumps(changes, ensure_ascii=False, sort_keys=True) if changes else ""
    approver = actor.approver
    AuditEntry.create(
        at=dt.datetime.now().replace(microsecond=0),
        kind=kind,
        staff=actor.staff_id,
        actor=printable(actor.name)[:60],
        terminal=printable(actor.terminal)[:60],
        approver=approver.staff_id if approver else None,
        approver_name=printable(approver.name)[:60] if approver else "",
        subject=printable(subject)[:SUBJECT_LENGTH],
        changes=text[:CHANGES_LENGTH],
    )


@dataclass(frozen=True)
class EntryRow:
    id: int
    at: dt.datetime
    kind: str
    actor: str
    terminal: str
    approver: str
    subject: str
    changes: dict

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    def changes_text(self) -> str:
        """'field: before → after; …' on one line."""
        return "; ".join(f"{k}: {_text(v[0])} → {_text(v[1])}"
                         for k, v in self.changes.items())


def _text(value: object) -> str:
    return "—" if value in (None, "") else str(value)


@dataclass(frozen=True)
class AuditFilter:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    staff_id: int | None = None
    actor: str | None = None  # a name as recorded, e.g. "cli:root"
    kind: str | None = None


def entries(filter: AuditFilter = AuditFilter(), limit: int = 100,
            before_id: int | None = None) -> list[EntryRow]:
    """Newest first; the next page starts ``before_id`` = the last row's id."""
    query = AuditEntry.select().order_by(AuditEntry.id.desc()).limit(max(1, min(limit, 10_000)))
    if filter.date_from:
        query = query.where(AuditEntry.at >= dt.datetime.combine(filter.date_from, dt.time()))
    if filter.date_to:
        end = dt.datetime.combine(filter.date_to + dt.timedelta(days=1), dt.time())
        query = query.where(AuditEntry.at < end)
    if filter.staff_id is not None:
        query = query.where((AuditEntry.staff == filter.staff_id)
                            | (AuditEntry.approver == filter.staff_id))
    if filter.actor:
        query = query.where(AuditEntry.actor == filter.actor)
    if filter.kind:
        query = query.where(AuditEntry.kind == filter.kind)
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    return [_row(e) for e in query]


def _row(e: AuditEntry) -> EntryRow:
    try:
        changes = json.loads(e.changes) if e.changes else {}
    except ValueError:
        changes = {"?": [None, e.changes]}
    return EntryRow(id=e.id, at=e.at, kind=e.kind, actor=e.actor, terminal=e.terminal,
                    approver=e.approver_name, subject=e.subject, changes=changes)


# -- reading the log: the screen and ``tui-pos audit`` ---------------------------------------

def open_log(actor: Actor) -> None:
    """The audit log on screen is for a manager or above; a cashier asks for a
    manager's approval, and that approved look is itself an entry."""
    import peewee as pw

    from tui_pos.db.models import database
    from tui_pos.services.actors import rank, require
    from tui_pos.services.errors import ValidationError

    require(actor, "manager", "Open the audit log")
    if rank(actor.role) < rank("manager"):  # allowed by its approver
        try:
            with database.atomic():
                record(actor, "approval", "Open the audit log")
        except pw.OperationalError as exc:  # locked, or a read-only store: not opened
            raise ValidationError(f"The approval could not be logged ({exc}); "
                                  "try again") from None


def parse_day(text: str | dt.date | None, what: str, field: str) -> dt.date | None:
    """A date typed as YYYY-MM-DD (empty: none)."""
    from tui_pos.services.errors import ValidationError

    if text is None or isinstance(text, dt.date):
        return text
    text = printable(str(text)).strip()
    if not text:
        return None
    try:
        if len(text) != 10:
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"{what} must be a date like 2026-11-24, not {text[:40]!r}",
                              field) from None


def make_filter(date_from: object = None, date_to: object = None, staff: str | None = None,
                kind: str | None = None, staff_id: int | None = None) -> AuditFilter:
    """An ``AuditFilter`` from what was typed: dates YYYY-MM-DD, a staff member's name
    (or a command-line actor such as "cli:root"), a kind from ``KINDS``."""
    from tui_pos.db.models import Staff
    from tui_pos.services.errors import ValidationError
    from tui_pos.services.text import name_key

    start = parse_day(date_from, "From", "from")
    end = parse_day(date_to, "To", "to")
    if start and end and start > end:
        raise ValidationError("The From date is after the To date", "to")
    kind = printable(kind or "").strip() or None
    if kind is not None and kind not in KINDS:
        raise ValidationError(f"Unknown kind {kind[:40]!r}: one of {', '.join(KINDS)}", "kind")
    actor = None
    name = printable(staff or "").strip()
    if name.startswith("cli:"):
        actor = name[:60]
    elif name:
        found = Staff.get_or_none(Staff.name_key == name_key(name[:60]))
        if found is None:
            raise ValidationError(f"No staff member is called {name[:60]!r}", "staff")
        staff_id = found.id
    return AuditFilter(date_from=start, date_to=end, staff_id=staff_id, actor=actor, kind=kind)


CSV_HEADER = ["id", "when", "kind", "who", "terminal", "approver", "subject", "changes"]


def entry_cells(row: EntryRow) -> list[str]:
    """One entry as CSV cells: text safe for a spreadsheet (no formulas)."""
    from tui_pos.services.export import safe_cell

    return [str(row.id), row.at.isoformat(sep=" "), row.kind, safe_cell(row.actor),
            safe_cell(row.terminal), safe_cell(row.approver), safe_cell(row.subject),
            safe_cell(row.changes_text())]


def write_csv(out, rows: list[EntryRow]) -> None:
    import csv

    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(entry_cells(row) for row in rows)


TABLE_WIDTHS = (19, 14, 16, 12, 12)  # when, kind, who, terminal, approver


def table(rows: list[EntryRow]) -> str:
    """The entries for a person at a terminal: fixed columns, then what and the changes."""
    def cut(text: str, width: int) -> str:
        text = " ".join(printable(text).split())
        return (text if len(text) <= width else text[:width - 1] + "…").ljust(width)

    header = ["When", "Kind", "Who", "Terminal", "Approver"]
    lines = ["  ".join(cut(h, w) for h, w in zip(header, TABLE_WIDTHS)) + "  What"]
    for row in rows:
        cells = [row.at.isoformat(sep=" "), row.kind, row.actor, row.terminal, row.approver]
        what = " ".join(printable(" · ".join(p for p in (row.subject, row.changes_text())
                                                       if p)).split())
        lines.append("  ".join(cut(c, w) for c, w in zip(cells, TABLE_WIDTHS)) + "  " + what)
    return "\n".join(lines) + "\n"
