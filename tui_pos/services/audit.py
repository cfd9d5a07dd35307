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
