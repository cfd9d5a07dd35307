"""Importing customers from a file another POS (or tui-pos) wrote.

Two passes over the file, streamed, so memory stays flat as the file grows:

1. **Check.** Every row is read through its layout (``layouts``), matched to
   an existing customer (customer number, then e-mail, then phone, each
   normalised; looked up a batch at a time through indexes) and validated with
   the customer service's own rules (``customers._validated``, its custom-field
   and tag rules). Bad rows are listed with their line and reason. The rows to
   write are spooled to an owner-only temporary file. Nothing is written to
   the database in this pass, so a file with bad rows writes nothing.
2. **Write** (unless a dry run, and only with no bad rows or when only the good
   rows are asked for): one transaction per batch, straight through ``db.bulk``
   (customers and search terms as flat values, tags, custom values and notes by
   ``insert_rows``), instead of ``save_customer``'s dozen statements per customer.

A large file imported from the main thread (the CLI) takes the **pipelined** path
instead (``Pipeline``): a forked process reads and checks every row as a new
customer while this one matches each batch to the store, checks again the rows
that match a stored customer, and writes the batch, all in ONE transaction
committed only when the whole file is checked; a bad row rolls it back (unless
only the good rows are asked for), so the rule above holds.

Importing the same file twice changes nothing: every row then matches the
customer it made and is counted as unchanged. Types, profiles and tags are
matched by name ignoring case and created only when ``create_missing`` says so.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import multiprocessing
import operator
import os
import pickle
import re
import signal
import sys
import tempfile
import threading
from contextlib import contextmanager
from functools import lru_cache
from dataclasses import dataclass, field
from itertools import chain, repeat
from pathlib import Path
from typing import Callable, Iterable, Iterator, NamedTuple

import peewee as pw

from tui_pos.db.bulk import insert_rows, insert_values
from tui_pos.db.models import (
    Customer, CustomerNote, CustomerSearchTerm, CustomerTag, CustomFieldValue, Sequence, Tag,
    database, now,
)
from tui_pos.services import audit, catalog, custom_fields, customers, layouts, masters
from tui_pos.services.actors import Actor, require
from tui_pos.services.customers import CONTACT_FIELDS, CustomerInput
from tui_pos.services.errors import Errors, ValidationError, check
from tui_pos.services.export import FORMULA_STARTS, safe_cell
from tui_pos.services.sheets import Sheet, open_sheet
from tui_pos.services.text import checked, clean, digits, name_key, printable

_digits = customers._digits  # text.digits of a str, its regex compiled once
BATCH = 1000
PIPELINE_BYTES = 512 * 1024  # from this size (~5,000 customers) the pipelined path
SHOWN_PROBLEMS = 1000  # the report keeps this many bad rows; the rejects file gets them all
NOTE_AUTHOR = "import"
Progress = Callable[[str, int], None]  # (phase, rows done)


class Cancelled(Exception):
    """Raised by a ``progress`` callback to stop the import. During the check it
    leaves ``import_customers`` and nothing is written; during writing the import
    stops after the batch just committed and the report says ``cancelled``."""


# -- What the caller gets -------------------------------------------------------------

@dataclass(frozen=True)
class RowProblem:
    line: int
    reason: str


@dataclass
class ImportReport:
    """What an import found and did. ``written``: the database was changed."""

    file: str
    source: str  # "semicolon-separated CSV in UTF-8", "sheet 'Klanten' (1 of 2)"
    layout: str
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    problems: list[RowProblem] = field(default_factory=list)  # the first SHOWN_PROBLEMS
    ignored_columns: tuple[str, ...] = ()
    created: dict[str, list[str]] = field(default_factory=dict)  # "customer type" → names
    dry_run: bool = False
    good_rows_only: bool = False
    written: bool = False
    rejects_file: str = ""
    cancelled: bool = False  # stopped while writing: ``rows_written`` rows are in
    rows_written: int = 0

    @property
    def refused(self) -> bool:
        """Bad rows and the good ones were not asked for alone: nothing written."""
        return self.rejected > 0 and not self.good_rows_only and not self.dry_run

    def summary(self) -> str:
        verb = "would be " if self.dry_run else ""
        counts = (f"{self.added:,} {verb}added, {self.updated:,} {verb}updated, "
                  f"{self.unchanged:,} unchanged, {self.rejected:,} rejected")
        made = "; ".join(f"{kind} {'to create' if self.dry_run else 'created'}: "
                         f"{', '.join(names)}" for kind, names in self.created.items() if names)
        return counts + (f"; {made}" if made else "")


# -- Reading a row -----------------------------------------------------------------------

YES = {"yes", "y", "true", "1", "ja", "j", "x", "subscribed", "opted in", "on"}
NO = {"no", "n", "false", "0", "nee", "unsubscribed", "unknown", "not subscribed", "off",
      "opted out"}
BOOLEAN_FIELDS = (*CONTACT_FIELDS, "newsletter", "active")
DATE_FIELDS = {"birthday": "Birthday", "consent_date": "Consent date"}
MONTHS = {name: number for number, names in enumerate((
    ("jan", "january", "januari"), ("feb", "february", "februari"),
    ("mar", "mrt", "maa", "march", "maart"), ("apr", "april"), ("may", "mei"),
    ("jun", "june", "juni"), ("jul", "july", "juli"), ("aug", "august", "augustus"),
    ("sep", "sept", "september"), ("oct", "okt", "october", "oktober"),
    ("nov", "november"), ("dec", "december")), start=1) for name in names}
# ASCII digits only ([0-9], not \d: int() would read other scripts' digits too)
ISO_DATE = re.compile(r"([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})(?:[t ].*)?")
NUMERIC_DATE = re.compile(r"([0-9]{1,2})[-/.]([0-9]{1,2})[-/.]([0-9]{4})(?:[t ].*)?")
DAY_MONTH_YEAR = re.compile(r"([0-9]{1,2})[ -]([a-z]+)\.?[ -]([0-9]{4})")
MONTH_DAY_YEAR = re.compile(r"([a-z]+)\.? ([0-9]{1,2}),? ([0-9]{4})")


def read_date(text: str, what: str, fieldname: str, order: str = "dmy") -> dt.date | None:
    """A date in any of the usual ways of writing it; empty is None.

    2026-11-24, 2026/11/24, 24-11-2026, 24/11/2026, 24.11.2026 (or 11/24/2026
    where the layout writes the month first; the other order is tried when the
    first cannot be a date), 24 Nov 2026, 24 november 2026, Nov 24, 2026; a
    time after the date is ignored.
    """
    typed = clean(text)
    if not typed:
        return None
    lowered = typed.casefold()
    parts = None
    if m := ISO_DATE.fullmatch(lowered):
        parts = [(int(m[1]), int(m[2]), int(m[3]))]
    elif m := NUMERIC_DATE.fullmatch(lowered):
        a, b, year = int(m[1]), int(m[2]), int(m[3])
        parts = [(year, b, a), (year, a, b)] if order == "dmy" else [(year, a, b), (year, b, a)]
    elif (m := DAY_MONTH_YEAR.fullmatch(lowered)) and m[2] in MONTHS:
        parts = [(int(m[3]), MONTHS[m[2]], int(m[1]))]
    elif (m := MONTH_DAY_YEAR.fullmatch(lowered)) and m[1] in MONTHS:
        parts = [(int(m[3]), MONTHS[m[1]], int(m[2]))]
    for year, month, day in parts or []:
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise ValidationError(f"{what} {typed[:40]!r} is not a date tui-pos can read "
                          "(write it like 2026-11-24 or 24-11-2026)", fieldname)


def read_yes_no(text: str, what: str, fieldname: str, default: bool) -> bool:
    typed = clean(text).casefold()
    if not typed:
        return default
    if typed in YES:
        return True
    if typed in NO:
        return False
    raise ValidationError(f"{what} {typed[:20]!r} must be yes or no", fieldname)


def unescaped(cell: str) -> str:
    """A cell as typed: the ``'`` a spreadsheet-safe export put before ``=``, ``+``,
    ``-`` or ``@`` taken off again (a name like ``'t Hart`` keeps its quote)."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


def mapped(cells: list[str], cmap: layouts.ColumnMap) -> dict[str, str]:
    """Our field → the row's text; where a field has several columns, the first filled."""
    out = {}
    for our_field, positions in cmap.columns.items():
        if len(positions) == 1:
            value = cells[positions[0]]
        else:
            value = ""
            for position in positions:
                value = cells[position]
                if value.strip():
                    break
        out[our_field] = unescaped(value) if value[:1] == "'" else value
    return out


# -- The store as the check sees it ----------------------------------------------------

@dataclass
class Planned:
    """One good row: what to write, resolved as far as pass 1 can."""

    line: int
    customer_id: int | None  # None: a new customer
    values: dict
    tags: list[str]
    custom: dict[int, str | None]
    note: str
    new_type: str = ""  # name of a type to create (create_missing), "" if none
    new_profile: str = ""
    terms: tuple[str, ...] | None = None  # search terms made by the checking process
    stored: list | None = None  # the new row's columns as stored, made by the checking process


class Masters:
    """Types, profiles, VAT classes, custom fields and tags by name, read once."""

    def __init__(self) -> None:
        self.types = {name_key(t.name): t for t in masters.list_types()}
        self.profiles = {name_key(p.name): p for p in masters.list_profiles()}
        self.inactive_profiles = {p.id for p in self.profiles.values() if not p.active}
        self.vat_classes = {name_key(v.name): v for v in
                            catalog.list_vat_classes(include_inactive=True)}
        self.fields = custom_fields.list_fields(include_inactive=False)
        self.fields_by_name = {name_key(f.name): f for f in self.fields}
        self.tags = {key: name for key, name in Tag.select(Tag.name_key, Tag.name).tuples()}
        self.to_create: dict[str, dict[str, str]] = {
            "customer type": {}, "customer profile": {}, "tag": {}}


# -- The import -----------------------------------------------------------------------------

def may_import(actor: Actor) -> Actor:
    """``actor`` if they may import (a manager or above, or approved by one);
    else ``NeedsApproval``. A check or dry run writes nothing and needs no one."""
    require(actor, "manager", "Import customers")
    return actor


def import_customers(actor: Actor, path: str | Path, *, dry_run: bool = False,
                     good_rows_only: bool = False,
                     create_missing: bool = False, rejects: str | Path | None = None,
                     sheet: str | None = None, by_hand: layouts.Layout | None = None,
                     progress: Progress | None = None, batch: int = BATCH) -> ImportReport:
    """Check the whole file, then (unless ``dry_run``) write it, a batch per transaction.

    A file that cannot be read as a customer list raises ValidationError and
    writes nothing. Bad rows are in the report; with any of them nothing is
    written unless ``good_rows_only`` (then they go to ``rejects`` too).
    Writing needs a manager; the import's "import" audit entry (file, counts)
    is written in its last batch's transaction.
    """
    if not dry_run:
        may_import(actor)
    table = open_sheet(path, sheet)
    try:
        rows = table.rows()
        cmap = layouts.recognise(table.header, table.path.name, by_hand)
        known = Masters()
        custom_columns = _custom_columns(cmap, known, table.path.name)
        report = ImportReport(table.path.name, table.describe(), cmap.layout.name,
                              ignored_columns=cmap.ignored, dry_run=dry_run,
                              good_rows_only=good_rows_only)
        check_pass = Check(cmap, known, custom_columns, create_missing, report, progress)
        if not dry_run and _pipelined(table):
            with _Rejects(rejects, table.header) as bad:
                Pipeline(check_pass, table, rows, bad, actor, batch, sheet).run()
                report.rejects_file = bad.written_to
            report.created = {kind: sorted(names.values(), key=name_key)
                              for kind, names in known.to_create.items() if names}
            return report
        with tempfile.TemporaryFile() as spool, _Rejects(rejects, table.header) as bad:
            check_pass.run(rows, spool, bad, batch)
            report.rejects_file = bad.written_to
            report.created = {kind: sorted(names.values(), key=name_key)
                              for kind, names in known.to_create.items() if names}
            if dry_run or report.refused:
                return report
            spool.seek(0)
            writer = Write(known, check_pass.file_numbers, report, progress, actor)
            try:
                writer.run(spool)
            except Cancelled:
                report.cancelled = True
                writer.log_alone()  # the batches written before Esc
            report.rows_written = writer.done
    finally:
        table.close()
    return report


def _custom_columns(cmap: layouts.ColumnMap, known: Masters, filename: str) -> dict[int, int]:
    """Custom field id → column; a column naming a field this store lacks is refused."""
    out, unknown = {}, []
    for name, position in cmap.custom.items():
        found = known.fields_by_name.get(name_key(name))
        if found is None:
            unknown.append(name)
        else:
            out[found.id] = position
    if unknown:
        raise ValidationError(f"{filename} has custom fields this store does not have: "
                              f"{', '.join(unknown)}; add them under Custom Fields (same "
                              "name) and import again")
    return out


class _Rejects:
    """The rejects file: the bad rows as they were, with a Line and a Reason column,
    owner-only, cells safe for spreadsheets. Written only if there are bad rows."""

    def __init__(self, path: str | Path | None, header: list[str]):
        self.path = Path(path) if path else None
        self.header = header
        self.handle = None
        self.writer = None
        self.written_to = ""

    def __enter__(self) -> "_Rejects":
        return self

    def add(self, line: int, cells: list[str], reason: str) -> None:
        if self.path is None:
            return
        if self.writer is None:
            self.handle = _owner_only(self.path)
            self.writer = csv.writer(self.handle, lineterminator="\r\n")
            self.writer.writerow([safe_cell(h) for h in ("Line", "Reason", *self.header)])
            self.written_to = str(self.path)
        self.writer.writerow([line, safe_cell(reason), *(safe_cell(c) for c in cells)])

    def __exit__(self, *exc) -> None:
        if self.handle is not None:
            self.handle.close()


def _owner_only(path: Path):
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(descriptor, 0o600)
    except OSError as exc:
        raise ValidationError(f"the rejects file {path} cannot be written "
                              f"({exc.strerror or exc})") from None
    return os.fdopen(descriptor, "w", encoding="utf-8-sig", newline="")


def _spooled(spool) -> Iterator[list]:
    """The checked batches back from the spool file, in order."""
    while True:
        try:
            yield pickle.load(spool)
        except EOFError:
            return


def _batches(rows: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# -- Pass 1: check ----------------------------------------------------------------------------

@dataclass
class Existing:
    """An existing customer a row matched: its columns, tags, custom values, notes."""

    row: dict
    tags: list[str]
    custom: dict[int, str]
    notes: set[str]


class Check:
    def __init__(self, cmap, known: Masters, custom_columns: dict[int, int],
                 create_missing: bool, report: ImportReport, progress: Progress | None):
        self.cmap = cmap
        self.known = known
        self.custom_columns = custom_columns
        self.create_missing = create_missing
        self.report = report
        self.progress = progress
        self.seen: dict[int, int] = {}  # hash of "n:1001" / "e:a@b.nl" / "p:06…" / "c:42" → line
        self.file_numbers: set[str] = set()  # numbers an automatic number must not take
        self.offline = False  # True in the pipeline's checking process: no database there

    def run(self, rows, spool, bad: _Rejects, batch: int) -> None:
        for chunk in _batches(rows, batch):
            texts = [(line, cells, mapped(cells, self.cmap)) for line, cells in chunk]
            keys = [_keys(values) for _, _, values in texts]
            found = _matches(keys)
            planned = []
            for (line, cells, values), row_keys in zip(texts, keys):
                self.report.rows += 1
                try:
                    plan = self.row(line, cells, values, row_keys, found)
                except ValidationError as exc:
                    self.reject(line, cells, exc, bad)
                    continue
                if plan is not None:
                    planned.append(plan)
            if planned:
                pickle.dump(planned, spool, protocol=pickle.HIGHEST_PROTOCOL)
            if self.progress:
                self.progress("checked", self.report.rows)

    def reject(self, line: int, cells: list[str], exc: ValidationError, bad: _Rejects) -> None:
        reasons = [e.message for e in getattr(exc, "errors", [exc])]
        reason = "; ".join(reasons)
        self.report.rejected += 1
        if len(self.report.problems) < SHOWN_PROBLEMS:
            self.report.problems.append(RowProblem(line, reason))
        bad.add(line, cells, reason)

    def row(self, line: int, cells: list[str], values: dict[str, str], keys: "Keys",
            found: "Found") -> Planned | None:
        """A good row's plan (None: nothing to change), or a ValidationError."""
        customer = found.customer_for(keys)
        existing = found.existing.get(customer) if customer else None
        plan = self.validated(line, cells, values, customer, existing)
        self.remember(plan, keys, line)
        if existing is None:
            self.report.added += 1
            return plan
        if plan.note in existing.notes:  # the same note again is not added twice
            plan.note = ""
        if _same(plan, existing):
            self.report.unchanged += 1
            return None
        self.report.updated += 1
        return plan

    def remember(self, plan: Planned, keys: "Keys", line: int) -> None:
        """Refuse a second row for the same customer; note the file's numbers."""
        marks = [f"n:{plan.values['number']}"] if plan.values["number"] else []
        if not keys.number:  # without a number, the e-mail or phone is who they are
            marks += [f"e:{keys.email}"] if keys.email else []
            marks += [f"p:{p}" for p in keys.phones[:1]] if not keys.email else []
        if plan.customer_id:
            marks.append(f"c:{plan.customer_id}")
        for mark in marks:  # by hash: a 64-bit number costs less memory than the text
            earlier = self.seen.get(hash(mark))
            if earlier is not None:
                what = {"n": "customer number", "e": "e-mail", "p": "phone",
                        "c": "existing customer"}[mark[0]]
                raise ValidationError(f"duplicate: the same {what} as line {earlier}")
        for mark in marks:
            self.seen[hash(mark)] = line
        if plan.values["number"].isdigit():
            self.file_numbers.add(plan.values["number"])

    def validated(self, line: int, cells: list[str], values: dict[str, str],
                  customer_id: int | None, existing: Existing | None) -> Planned:
        """The row through the customer service's rules, over the existing record."""
        errors = Errors()
        data = _base_input(existing)
        order = self.cmap.layout.date_order
        for name, text in values.items():
            if name in customers.TEXT_FIELDS or name in ("email", "phone", "mobile"):
                setattr(data, name, text)
            elif name in DATE_FIELDS:
                setattr(data, name, errors.take(read_date, text, DATE_FIELDS[name], name, order))
            elif name in BOOLEAN_FIELDS:
                setattr(data, name, errors.take(read_yes_no, text, _label(name), name,
                                                name == "active"))
            elif name in ("discount", "credit_limit"):
                setattr(data, name, text.strip().rstrip("%").strip()
                        if name == "discount" else text)
        if "address2" in values and clean(values["address2"]):
            data.address = ", ".join(p for p in (clean(values.get("address", data.address)),
                                                 clean(values["address2"])) if p)
        if values.get("discount_type", "").strip() not in ("", "0") and \
                clean(values.get("discount", "")) not in ("", "0", "0.00"):
            errors.add(ValidationError("a fixed-amount discount cannot be imported, only a "
                                       "percentage", "discount"))
        if "tags" in values:
            data.tags = values["tags"]
        number = errors.take(_checked_number, values["number"]) if "number" in values \
            else data.number
        number = number if number is not None else ""
        if not number and existing is not None:  # an empty cell keeps the customer's number
            number = existing.row["number"]
        data.number = ""  # the number is checked above, against the batch, not per row
        type_id, new_type = self.master(errors, values, "customer_type", data.customer_type_id)
        profile_id, new_profile = self.master(errors, values, "profile", data.profile_id)
        vat_id = self.vat_class(errors, values, data.vat_class_id)
        inactive = profile_id is not None and profile_id in self.known.inactive_profiles
        if inactive and self.offline:  # the service's rule reads the store: not here
            raise _Recheck()
        data.customer_type_id, data.vat_class_id = None, None
        data.profile_id = profile_id if inactive else None  # the service's rule decides
        v = customers._validated(data, customer_id, errors)
        v["number"], v["customer_type"], v["vat_class"] = number, type_id, vat_id
        if not inactive:
            v["profile"] = profile_id
        tags = errors.take(customers.split_tags, data.tags) or []
        tags = self.known_tags(errors, tags)
        custom = self.custom(errors, cells, existing)
        typed_note = values.get("note", "")
        note = typed_note and (errors.take(checked, typed_note, "Note", "note",
                                           customers.NOTE_LIMIT, multiline=True) or "")
        if not (number or v["email"] or v["phone"] or v["mobile"] or errors.has("email")
                or errors.has("phone") or errors.has("mobile")):
            errors.add(ValidationError("no customer number, e-mail or phone: importing again "
                                       "could not find this customer, so it is not added",
                                       "number"))
        errors.raise_any()
        return Planned(line, customer_id, v, tags, custom, note, new_type, new_profile)

    def master(self, errors: Errors, values: dict, kind: str,
               current: int | None) -> tuple[int | None, str]:
        """The id of the type or profile the row names (by name, ignoring case)."""
        if kind not in values:
            return current, ""
        what = "customer type" if kind == "customer_type" else "customer profile"
        name = errors.take(checked, values[kind], what.capitalize(), kind, masters.NAME_LENGTH)
        if not name:
            return None, ""
        table = self.known.types if kind == "customer_type" else self.known.profiles
        row = table.get(name_key(name))
        if row is not None:
            return row.id, ""
        if not self.create_missing:
            errors.add(ValidationError(f"unknown {what} {name!r} (add it first, or import "
                                       "with --create-missing)", kind))
            return None, ""
        self.known.to_create[what].setdefault(name_key(name), name)
        return None, name

    def vat_class(self, errors: Errors, values: dict, current: int | None) -> int | None:
        if "vat_class" not in values:
            return current
        name = errors.take(checked, values["vat_class"], "VAT class", "vat_class", 60)
        if not name:
            return None
        row = self.known.vat_classes.get(name_key(name))
        if row is None:
            errors.add(ValidationError(f"unknown VAT class {name!r}", "vat_class"))
            return None
        return row.id

    def known_tags(self, errors: Errors, tags: list[str]) -> list[str]:
        """The tags by their stored names; unknown ones created only if asked."""
        out = []
        for tag in tags:
            key = name_key(tag)
            if key in self.known.tags:
                out.append(self.known.tags[key])
            elif self.create_missing:
                self.known.to_create["tag"].setdefault(key, tag)
                out.append(self.known.to_create["tag"][key])
            else:
                errors.add(ValidationError(f"unknown tag {tag!r} (import with "
                                           "--create-missing to add it)", "tags"))
        return out

    def custom(self, errors: Errors, cells: list[str],
               existing: Existing | None) -> dict[int, str | None]:
        """Every active custom field's value: from the file where it has a column,
        else what the customer has; each through the service's rule for its kind."""
        current = existing.custom if existing else {}
        out = {}
        for f in self.known.fields:
            position = self.custom_columns.get(f.id)
            raw = unescaped(cells[position]) if position is not None \
                else current.get(f.id, "")
            out[f.id] = errors.take(customers.normalise_custom_value, f, raw)
        return out


class _Recheck(Exception):
    """The checking process cannot decide this row alone: the writer checks it."""


def _label(name: str) -> str:
    return {"contact_email": "Contact by e-mail", "contact_sms": "Contact by SMS",
            "contact_phone": "Contact by phone", "contact_post": "Contact by post",
            "newsletter": "Newsletter", "active": "Active"}[name]


def _checked_number(typed: str) -> str:
    """The customer number's rule, as ``customers`` has it, without the query per row
    (whether it is taken is known from the batch lookup)."""
    text = typed.strip()
    if text.startswith("'") and text[1:2].isdigit():  # Shopify's "'7210448301122"
        text = text[1:]
    number = checked(text, "Customer number", "number", customers.column_limit("number"))
    check(" " not in number, "Customer number is one word of at most 20 characters", "number")
    return number


def _base_input(existing: Existing | None) -> CustomerInput:
    """What the row starts from: the customer as stored, or an empty form."""
    if existing is None:
        return CustomerInput()
    r = existing.row
    text = {name: r[name] for name in (*customers.TEXT_FIELDS, "number", "email", "phone",
                                       "mobile")}
    return CustomerInput(
        **text, birthday=r["birthday"], customer_type_id=r["customer_type"],
        profile_id=r["profile"], discount="" if r["discount"] is None else r["discount"],
        vat_class_id=r["vat_class"], tags=", ".join(existing.tags),
        **{name: bool(r[name]) for name in BOOLEAN_FIELDS},
        consent_date=r["consent_date"],
        credit_limit="" if r["credit_limit"] is None else r["credit_limit"],
        custom=dict(existing.custom))


COMPARED = ("first_name", "last_name", "company", "number", "email", "phone", "mobile",
            "address", "postcode", "city", "country", "birthday", "customer_type", "profile",
            "discount", "vat_class", "additional", *CONTACT_FIELDS, "consent_date",
            "consent_note", "newsletter", "credit_limit", "active")


def _same(plan: Planned, existing: Existing) -> bool:
    """Would writing this row change nothing?"""
    if plan.new_type or plan.new_profile:
        return False
    r = existing.row
    if any(plan.values[name] != r[name] for name in COMPARED):
        return False
    if sorted(map(name_key, plan.tags)) != sorted(map(name_key, existing.tags)):
        return False
    if {k: v for k, v in plan.custom.items() if v is not None} != existing.custom:
        return False
    return not plan.note or plan.note in existing.notes


# -- Matching a batch to the customers already stored -----------------------------------------

class Keys(NamedTuple):
    number: str
    email: str
    phones: tuple[str, ...]


def _keys(values: dict[str, str]) -> Keys:
    number = clean(values.get("number", ""))
    if number.startswith("'") and number[1:2].isdigit():
        number = number[1:]
    phones = tuple(d for d in (_digits(values.get("phone", "")), _digits(values.get("mobile", "")))
                   if len(d) >= 6)
    return Keys(_storable(number, 20), _storable(clean(values.get("email", "")).lower(), 120),
                phones)


def _storable(key: str, limit: int) -> str:
    """A key only a stored customer could have, else "": a value with a control
    character (a NUL the PostgreSQL driver refuses to send) or longer than its
    column is never stored, so it matches nobody; the row's check says why."""
    return key if len(key) <= limit and printable(key) == key else ""


@dataclass
class Found:
    by_number: dict[str, int]
    by_email: dict[str, list[int]]
    by_phone: dict[str, list[int]]
    existing: dict[int, Existing]

    def customer_for(self, keys: Keys) -> int | None:
        """The stored customer this row is: by number, then e-mail, then phone."""
        if keys.number and keys.number in self.by_number:
            return self.by_number[keys.number]
        if keys.email and keys.email in self.by_email:
            return self._one(self.by_email[keys.email], f"the e-mail {keys.email}")
        for phone in keys.phones:
            if phone in self.by_phone:
                return self._one(self.by_phone[phone], f"the phone number {phone}")
        return None

    def _one(self, ids: list[int], what: str) -> int:
        if len(ids) > 1:
            numbers = ", ".join(sorted(self.existing[i].row["number"] for i in ids)[:5])
            raise ValidationError(f"{what} belongs to {len(ids)} customers here ({numbers}); "
                                  "give the customer number to say which")
        return ids[0]


def _lookup(sql: str, values: list) -> list[tuple]:
    """``sql`` with ``IN (…)`` for ``values``, a chunk at a time; the statement is plain
    text (peewee takes longer to write a 500-value IN than the database to answer it)."""
    out = []
    for chunk in _chunks(values):
        marks = ", ".join([database.param] * len(chunk))
        out += database.execute_sql(sql.format(marks=marks), chunk).fetchall()
    return out


def _matches(keys: list[Keys], newest: int | None = None) -> Found:
    """One lookup per kind of key for a whole batch, through indexed columns; with
    ``newest``, only customers up to that id (those stored before the import began)."""
    numbers = list({k.number for k in keys if k.number})
    by_number = dict((n, i) for i, n in _lookup(
        'SELECT "id", "number" FROM "customer" WHERE "number" IN ({marks})', numbers)
        if newest is None or i <= newest)
    emails = {k.email for k in keys if k.email}
    phones = {p for k in keys for p in k.phones}
    candidates: set[int] = set(by_number.values())
    # e-mails and phone digits are search terms (indexed by term)
    candidates.update(c for (c,) in _lookup(
        'SELECT DISTINCT "customer_id" FROM "customer_search_term" WHERE "term" IN ({marks})',
        list(emails | phones)) if newest is None or c <= newest)
    existing = _existing(list(candidates))
    by_email: dict[str, list[int]] = {}
    by_phone: dict[str, list[int]] = {}
    for cid, found in existing.items():
        email = found.row["email"]
        if email in emails:
            by_email.setdefault(email, []).append(cid)
        for phone in {digits(found.row["phone"]), digits(found.row["mobile"])}:
            if phone in phones:
                by_phone.setdefault(phone, []).append(cid)
    return Found(by_number, by_email, by_phone, existing)


def _chunks(items: list, size: int = 500) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _existing(ids: list[int]) -> dict[int, Existing]:
    out: dict[int, Existing] = {}
    for chunk in _chunks(ids):
        for row in Customer.select().where(Customer.id.in_(chunk)).dicts():
            out[row["id"]] = Existing(row, [], {}, set())
        for cid, name in (Tag.select(CustomerTag.customer, Tag.name).join(CustomerTag)
                          .where(CustomerTag.customer.in_(chunk)).tuples()):
            out[cid].tags.append(name)
        for cid, fid, value in (CustomFieldValue.select(
                CustomFieldValue.customer, CustomFieldValue.field, CustomFieldValue.value)
                .where(CustomFieldValue.customer.in_(chunk)).tuples()):
            out[cid].custom[fid] = value
        for cid, text in (CustomerNote.select(CustomerNote.customer, CustomerNote.text)
                          .where(CustomerNote.customer.in_(chunk)).tuples()):
            out[cid].notes.add(text)
    return out


@lru_cache(maxsize=4096)
def _tag_key(tag: str) -> str:
    """``name_key`` of a tag, remembered: a file names the same few tags on many rows."""
    return name_key(tag)


def _terms(p: Planned, text_fields: set[int]) -> set[str]:
    """The search terms of a checked row, as ``customers.search_terms`` makes them."""
    texts = [value for fid, value in p.custom.items() if value and fid in text_fields]
    v = p.values
    return customers.terms_for(v["first_name"], v["last_name"], v["company"], v["additional"],
                               v["number"], v["email"], v["phone"], v["mobile"], p.tags, texts)


# -- Pass 2: write ------------------------------------------------------------------------------

CUSTOMER_FIELDS = [Customer._meta.fields[name] for name in (
    "number", "first_name", "last_name", "company", "sort_name", "email", "phone", "mobile",
    "address", "postcode", "city", "country", "birthday", "customer_type", "profile",
    "discount", "vat_class", "additional", *CONTACT_FIELDS, "consent_date", "consent_note",
    "newsletter", "credit_limit", "active", "created_at", "updated_at")]
UPDATED_FIELDS = [f for f in CUSTOMER_FIELDS if f.name != "created_at"]
# A new customer's columns in CUSTOMER_FIELDS order (the two stamps added per batch); only
# dates and scaled decimals need their field's db_value: text, flags and ids go as they are.
_STORED_ROW = operator.itemgetter(*(f.name for f in CUSTOMER_FIELDS[:-2]))
_CONVERTED = [(i, f.db_value) for i, f in enumerate(CUSTOMER_FIELDS[:-2])
              if not isinstance(f, (pw.CharField, pw.BooleanField, pw.ForeignKeyField))]
TERM_FIELDS = [CustomerSearchTerm.customer, CustomerSearchTerm.term]
_NUMBER_AT, _TYPE_AT, _PROFILE_AT = (
    [f.name for f in CUSTOMER_FIELDS].index(name) for name in ("number", "customer_type",
                                                               "profile"))


def _stored_stamp(stamp: dt.datetime):
    """The time as the database stores it: on SQLite the text sqlite3 would make of
    it (made once here, not once per row by the driver)."""
    if isinstance(database.obj, pw.SqliteDatabase):
        return stamp.isoformat(" ")
    return Customer.created_at.db_value(stamp)


def _stored(values: dict) -> list:
    """A new customer's columns as stored, in CUSTOMER_FIELDS order (without the stamps)."""
    row = list(_STORED_ROW(values))
    for i, to_stored in _CONVERTED:
        if row[i] is not None:
            row[i] = to_stored(row[i])
    return row


class Write:
    def __init__(self, known: Masters, file_numbers: set[str], report: ImportReport,
                 progress: Progress | None, actor: Actor):
        self.known = known
        self.file_numbers = file_numbers
        self.report = report
        self.progress = progress
        self.actor = actor
        self.done = 0
        self.logged = False
        self.master_ids: dict[str, dict[str, int]] | None = None  # kind → name key → id
        self.text_fields = {f.id for f in known.fields if f.kind in ("text", "choice")}

    def log(self, written: int) -> None:
        """The import's audit entry: the file and its counts (no personal data)."""
        r = self.report
        audit.record(self.actor, "import", f"Customers from {r.file}", {
            "rows": [None, r.rows], "added": [None, r.added], "updated": [None, r.updated],
            "unchanged": [None, r.unchanged], "rejected": [None, r.rejected],
            "written": [None, written], "cancelled": [None, r.cancelled]})
        self.logged = True

    def log_alone(self) -> None:
        """The entry in its own transaction, when no batch carried it (cancelled,
        or nothing but new types and profiles to write)."""
        if not self.logged and self.report.written:
            with database.atomic():
                self.log(self.done)

    def run(self, spool) -> None:
        types, profiles = self.create_masters()
        batches = _spooled(spool)
        planned = next(batches, None)
        while planned is not None:
            following = next(batches, None)  # None: this is the last batch
            for plan in planned:
                if plan.new_type:
                    plan.values["customer_type"] = types[name_key(plan.new_type)]
                if plan.new_profile:
                    plan.values["profile"] = profiles[name_key(plan.new_profile)]
            try:
                with database.atomic():
                    self.batch(planned)
                    if following is None:
                        self.log(self.done + len(planned))
            except pw.IntegrityError:
                self.log_alone()  # the batches before this one are in
                raise ValidationError(
                    f"another terminal changed customers while importing; the rows before "
                    f"line {planned[0].line} were imported. Import the file again to finish "
                    "(rows already in are then unchanged)") from None
            self.report.written = True
            self.done += len(planned)
            if self.progress:
                self.progress("written", self.done)
            planned = following
        self.log_alone()

    def resolve_masters(self, planned: list[Planned]) -> None:
        """The pipeline's way: each type and profile the file names is created when
        the first row naming it is written (only with create_missing)."""
        if self.master_ids is None:
            self.master_ids = {
                "customer type": {name_key(t.name): t.id for t in masters.list_types()},
                "customer profile": {name_key(p.name): p.id for p in masters.list_profiles()}}
        for plan in planned:
            if plan.new_type:
                plan.values["customer_type"] = self.master_id("customer type", plan.new_type)
                if plan.stored is not None:
                    plan.stored[_TYPE_AT] = plan.values["customer_type"]
            if plan.new_profile:
                plan.values["profile"] = self.master_id("customer profile", plan.new_profile)
                if plan.stored is not None:
                    plan.stored[_PROFILE_AT] = plan.values["profile"]

    def master_id(self, kind: str, name: str) -> int:
        ids = self.master_ids[kind]
        key = name_key(name)
        if key not in ids:
            save = masters.save_type if kind == "customer type" else masters.save_profile
            ids[key] = save(self.actor, self.known.to_create[kind][key]).id
        return ids[key]

    def create_masters(self) -> tuple[dict[str, int], dict[str, int]]:
        """Create the types and profiles the file names (only with create_missing)."""
        actor = self.actor
        for name in self.known.to_create["customer type"].values():
            masters.save_type(actor, name)
        for name in self.known.to_create["customer profile"].values():
            masters.save_profile(actor, name)
        if self.known.to_create["customer type"] or self.known.to_create["customer profile"]:
            self.report.written = True
        return ({name_key(t.name): t.id for t in masters.list_types()},
                {name_key(p.name): p.id for p in masters.list_profiles()})

    def batch(self, planned: list[Planned]) -> None:
        new = [p for p in planned if p.customer_id is None]
        changed = [p for p in planned if p.customer_id is not None]
        self.number_new(new)
        stamp = now()
        stored_stamp = _stored_stamp(stamp)
        values: list = []
        for p in new:
            values += p.stored if p.stored is not None else _stored(p.values)
            values += (stored_stamp, stored_stamp)
        ids = dict((n, i) for i, n in insert_values(Customer, CUSTOMER_FIELDS, values, len(new),
                                                     returning=("id", "number")))
        for p in new:
            p.customer_id = ids[p.values["number"]]
        for p in changed:
            self.update(p, stamp)
        self.links(planned, [p.customer_id for p in changed], stamp)

    def number_new(self, new: list[Planned]) -> None:
        """Give each new customer without a number the next free one, skipping numbers
        taken in the store or by a later row of the file."""
        wanting = [p for p in new if not p.values["number"]]
        while wanting:
            Sequence.update(value=Sequence.value + len(wanting)).where(
                Sequence.name == "customer").execute()
            last = Sequence.get(Sequence.name == "customer").value
            numbers = [str(1000 + v) for v in range(last - len(wanting) + 1, last + 1)]
            taken = {n for (n,) in _lookup(
                'SELECT "number" FROM "customer" WHERE "number" IN ({marks})', numbers)}
            free = [n for n in numbers if n not in taken and n not in self.file_numbers]
            for p, n in zip(wanting, free):
                p.values["number"] = n
                if p.stored is not None:  # made by the checking process, without the number
                    p.stored[_NUMBER_AT] = n
                    if n not in p.terms:
                        p.terms += (n,)
            wanting = wanting[len(free):]

    def update(self, p: Planned, stamp: dt.datetime) -> None:
        values = {f.name: p.values[f.name] for f in UPDATED_FIELDS if f.name in p.values}
        values["updated_at"] = stamp
        Customer.update(**values).where(Customer.id == p.customer_id).execute()

    def links(self, planned: list[Planned], changed: list[int], stamp: dt.datetime) -> None:
        """Tags, custom values, notes and search terms of the batch's customers."""
        for chunk in _chunks(changed):
            for model in (CustomerTag, CustomFieldValue, CustomerSearchTerm):
                model.delete().where(model.customer.in_(chunk)).execute()
        tag_ids = self.tag_ids(planned)
        text_fields = self.text_fields
        tag_rows: list = []  # customer, tag, customer, tag, …
        custom_rows, note_rows = [], []
        term_values: list = []  # customer, term, customer, term, …
        for p in planned:
            cid = p.customer_id
            for t in p.tags:
                tag_rows += (cid, tag_ids[_tag_key(t)])
            if p.custom:
                custom_rows += [(cid, fid, value) for fid, value in p.custom.items()
                                if value is not None]
            if p.note:
                note_rows.append((cid, stamp, NOTE_AUTHOR, p.note))
            terms = p.terms if p.terms is not None else _terms(p, text_fields)
            term_values += chain.from_iterable(zip(repeat(cid, len(terms)), terms))
        insert_values(CustomerTag, [CustomerTag.customer, CustomerTag.tag], tag_rows,
                      len(tag_rows) // 2)
        insert_rows(CustomFieldValue, [CustomFieldValue.customer, CustomFieldValue.field,
                                       CustomFieldValue.value], custom_rows)
        insert_rows(CustomerNote, [CustomerNote.customer, CustomerNote.created_at,
                                   CustomerNote.author, CustomerNote.text], note_rows)
        insert_values(CustomerSearchTerm, TERM_FIELDS, term_values, len(term_values) // 2)

    def tag_ids(self, planned: list[Planned]) -> dict[str, int]:
        names = {_tag_key(t): t for p in planned for t in p.tags}
        if not names:
            return {}
        (Tag.insert_many([{"name": n, "name_key": k} for k, n in names.items()])
         .on_conflict_ignore().execute())
        ids = {}
        for chunk in _chunks(list(names)):
            ids.update({k: i for i, k in Tag.select(Tag.id, Tag.name_key)
                        .where(Tag.name_key.in_(chunk)).tuples()})
        return ids


# -- The pipelined path: checking in a second process while this one writes ---------------

class _Refused(Exception):
    """A bad row turned up (and not only the good rows were asked for): roll back."""


def _pipelined(table: Sheet) -> bool:
    """A large file, and a process that may fork safely: no other threads running
    (the CLI; the app imports in a worker thread and keeps the two-pass path)."""
    return (table.path.stat().st_size >= PIPELINE_BYTES and _may_fork())


def _may_fork() -> bool:
    return ("fork" in multiprocessing.get_all_start_methods()
            and threading.current_thread() is threading.main_thread()
            and threading.active_count() == 1)


@contextmanager
def _few_collections() -> Iterator[None]:
    """Python's cycle collector seldom, and blind to what existed before: an import
    makes millions of short-lived objects and no cycles to speak of, and each full
    collection would walk every object of the process (both processes inherit this)."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _reason(exc: ValidationError) -> str:
    return "; ".join(e.message for e in getattr(exc, "errors", [exc]))


def _check_as_new(send, rows: Iterator, check_pass: "Check", batch: int) -> None:
    """The checking process: every row read, mapped and checked as a new customer
    (its search terms made too), sent on a batch at a time. It never touches the
    database: a row it cannot decide alone is sent with None, for the writer."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the writer's to answer
    check_pass.offline = True
    try:
        for chunk in _batches(rows, batch):
            items = []
            for line, cells in chunk:
                values = mapped(cells, check_pass.cmap)
                keys = _keys(values)
                try:
                    plan = check_pass.validated(line, cells, values, None, None)
                    result: tuple | str | None = (
                        _stored(plan.values), plan.tags, tuple(plan.custom.items()), plan.note,
                        plan.new_type, plan.new_profile,
                        tuple(_terms(plan, check_pass.text_fields)))
                except ValidationError as exc:
                    result = _reason(exc)
                except _Recheck:
                    result = None
                items.append((line, cells, tuple(keys), result))
            send.send(items)
        send.send(None)
    except ValidationError as exc:  # the file itself cannot be read on (its line named)
        send.send(("unreadable", exc.message))
    finally:
        send.close()


class Pipeline:
    """Check and write at once: a forked process checks each row as a new customer,
    this one matches the batch to the store (rows matching a stored customer are
    checked again over it, as in the two-pass path), and writes it, all in one
    transaction. The commit comes only after the last row is checked; with a bad
    row (and not good rows only) the transaction is rolled back and the rest of the
    file only checked, so nothing is written, as in the two-pass path."""

    def __init__(self, check_pass: "Check", table: Sheet, rows: Iterator, bad: _Rejects,
                 actor: Actor, batch: int, sheet: str | None):
        self.check = check_pass
        self.report = check_pass.report
        self.table = table
        self.rows = rows
        self.bad = bad
        self.actor = actor
        self.batch = batch
        self.sheet = sheet
        self.newest = 0  # the highest customer id before the import: matches stop there

    def run(self) -> None:
        check_pass = self.check
        check_pass.text_fields = {f.id for f in check_pass.known.fields
                                  if f.kind in ("text", "choice")}
        check_pass.file_numbers = self.file_numbers()
        context = multiprocessing.get_context("fork")
        receive, send = context.Pipe(duplex=False)
        sys.stdout.flush()  # or the forked copy would print what is still buffered again
        sys.stderr.flush()
        with _few_collections():
            child = context.Process(target=_check_as_new, daemon=True,
                                    args=(send, self.rows, check_pass, self.batch))
            child.start()
            send.close()
            try:
                self.check_and_write(self.batches(receive))
            finally:
                receive.close()
                if child.is_alive():
                    child.kill()
                child.join()

    def file_numbers(self) -> set[str]:
        """The file's customer numbers, read ahead: an automatic number given while
        writing must not take one that a later row brings."""
        if "number" not in self.check.cmap.columns:
            return set()
        out = set()
        ahead = open_sheet(self.table.path, self.sheet)
        try:
            positions = self.check.cmap.columns["number"]
            for _, cells in ahead.rows():
                for position in positions:
                    number = cells[position].strip().lstrip("'")
                    if number.isdigit():
                        out.add(number)
        finally:
            ahead.close()
        return out

    def batches(self, receive) -> Iterator[list]:
        while True:
            try:
                message = receive.recv()
            except EOFError:
                raise RuntimeError("the import's checking process stopped") from None
            if message is None:
                return
            if isinstance(message, tuple):  # ("unreadable", why)
                raise ValidationError(message[1])
            yield message

    def check_and_write(self, batches: Iterator[list]) -> None:
        report = self.report
        writer = Write(self.check.known, self.check.file_numbers, report, None, self.actor)
        try:
            with database.atomic():
                self.newest = Customer.select(pw.fn.MAX(Customer.id)).scalar() or 0
                for items in batches:
                    planned = self.checked(items)
                    if report.refused:
                        raise _Refused()
                    writer.resolve_masters(planned)
                    writer.batch(planned)
                    writer.done += len(planned)
                if writer.done:
                    writer.log(writer.done)
        except _Refused:
            for items in batches:  # the rest only checked, to list every bad row
                self.checked(items)
            return
        except pw.IntegrityError:
            raise ValidationError("another terminal changed customers while importing; "
                                  "nothing was imported. Import the file again") from None
        report.written = writer.logged
        report.rows_written = writer.done
        if report.written and self.check.progress:
            try:
                self.check.progress("written", writer.done)
            except Cancelled:
                pass  # every row is in already

    def checked(self, items: list) -> list[Planned]:
        """The batch's rows matched to the store and taken or rejected, as ``Check.run``."""
        check_pass = self.check
        keys = [Keys(*row_keys) for _, _, row_keys, _ in items]
        found = _matches(keys, self.newest) if self.newest else Found({}, {}, {}, {})
        planned = []
        for (line, cells, _, result), row_keys in zip(items, keys):
            self.report.rows += 1
            try:
                plan = self.row(line, cells, row_keys, result, found)
            except ValidationError as exc:
                check_pass.reject(line, cells, exc, self.bad)
                continue
            if plan is not None:
                planned.append(plan)
        if check_pass.progress:
            check_pass.progress("checked", self.report.rows)
        return planned

    def row(self, line: int, cells: list[str], keys: Keys, result: tuple | str | None,
            found: Found) -> Planned | None:
        check_pass = self.check
        if result is None or found.customer_for(keys) is not None:
            return check_pass.row(line, cells, mapped(cells, check_pass.cmap), keys, found)
        if isinstance(result, str):
            raise ValidationError(result)
        stored, tags, custom, note, new_type, new_profile, terms = result
        plan = Planned(line, None, {"number": stored[_NUMBER_AT]}, tags, dict(custom), note,
                       new_type, new_profile, terms, stored)
        self.adopt(plan)
        check_pass.remember(plan, keys, line)
        self.report.added += 1
        return plan

    def adopt(self, plan: Planned) -> None:
        """What the checking process noted in its own copy of ``Masters`` (types,
        profiles and tags to create), noted here, in the file's order."""
        known = self.check.known
        if plan.new_type:
            known.to_create["customer type"].setdefault(name_key(plan.new_type), plan.new_type)
        if plan.new_profile:
            known.to_create["customer profile"].setdefault(name_key(plan.new_profile),
                                                           plan.new_profile)
        if plan.tags:
            tags = []
            for tag in plan.tags:
                key = _tag_key(tag)
                tags.append(known.tags.get(key) or known.to_create["tag"].setdefault(key, tag))
            plan.tags = tags
