"""A customer's privacy: export everything held about them, erase them on request.

``export_customer`` gathers the record, custom fields, tags, notes, contact
preferences with the consent date, and every sale with its lines and
payments; ``to_json`` / ``to_csv`` write it for a person to read (one JSON
document, or one CSV file in titled sections). Each export is in the audit
log (kind "customer", subject the customer's number).

``erase_customer`` (manager or above) anonymises the customer in one
transaction: the name becomes "Erased customer <number>", every other
personal field is cleared, tags, custom values and notes are removed, the
search no longer finds them by anything personal, the consent history is
kept only as a count, the customer is deactivated. The sales stay for the
books (bookkeeping law keeps them for years) with the name replaced, in the
sale and in its stored receipt text; the receipt files on disk are written
again from it. The audit entry names the number only. docs/privacy.md says
what stays and why.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import peewee as pw

from tui_pos.db.models import (
    CustomField, CustomFieldValue, Customer, CustomerNote, CustomerProfile, CustomerSearchTerm,
    CustomerTag, CustomerType, ParkedBill, Payment, Sale, SaleLine, Tag, VatClass, database,
    now,
)
from tui_pos.services import audit
from tui_pos.services.actors import Actor, require
from tui_pos.services.customers import fold_fast, index_customer
from tui_pos.services.errors import NotFound, ValidationError
from tui_pos.services.export import _is_the_database, safe_cell
from tui_pos.services.text import checked, printable

FORMATS = ("json", "csv")
REASON_LENGTH = 200
ERASED = "Erased customer"
PAGE = 500  # sales whose lines are read per query

# The personal columns an erasure clears (the name is replaced, not cleared).
PERSONAL = {
    "first_name": "", "company": "", "email": "", "phone": "", "mobile": "", "address": "",
    "postcode": "", "city": "", "country": "", "birthday": None, "additional": "",
    "contact_email": False, "contact_sms": False, "contact_phone": False,
    "contact_post": False, "newsletter": False,
}
RECORD_FIELDS = (
    "number", "first_name", "last_name", "company", "email", "phone", "mobile", "address",
    "postcode", "city", "country", "birthday", "customer_type", "profile", "discount",
    "vat_class", "additional", "credit_limit", "active", "created_at", "updated_at",
)
CONTACT_FIELDS = ("contact_email", "contact_sms", "contact_phone", "contact_post",
                  "newsletter", "consent_date", "consent_note")
SALE_FIELDS = ("number", "created_at", "business_date", "status", "customer_name",
               "customer_type", "profile", "bill_discount", "subtotal", "discount_total",
               "vat_total", "total", "paid", "change")
LINE_FIELDS = ("position", "sku", "name", "quantity", "unit_price", "discount_percent",
               "discount_amount", "bill_discount_amount", "vat_class", "vat_rate", "amount")


def erased_name(number: str) -> str:
    return f"{ERASED} {number}"


def subject(number: str) -> str:
    """A customer as the audit log names them: by number, never by personal data
    (as services/customers.py does for a deactivation)."""
    return f"Customer {number}"


def _customer(customer_id: object) -> Customer:
    found = None
    if isinstance(customer_id, int) and not isinstance(customer_id, bool):
        found = Customer.get_or_none(Customer.id == customer_id)
    if found is None:
        raise NotFound("That customer does not exist", "customer")
    return found


def customer_id_for(number: str) -> int:
    """The id of the customer with this number (as typed on the command line)."""
    number = printable(str(number or "")).strip()[:Customer.number.max_length + 1]
    found = Customer.select(Customer.id).where(Customer.number == number).first()
    if found is None:
        raise NotFound(f"There is no customer number {number}", "customer")
    return found.id


# -- export ---------------------------------------------------------------------------------

@contextmanager
def _writing(what: str):
    """A transaction whose database failure (locked, read-only) is a ValidationError:
    nothing was written."""
    try:
        with database.atomic():
            yield
    except pw.OperationalError as exc:
        raise ValidationError(f"{what} failed, nothing was changed ({exc}); "
                              "try again") from None


def export_customer(actor: Actor, customer_id: int) -> dict:
    """Everything held about one customer, as plain values (Decimal, date, str);
    the export is recorded in the audit log (the number only)."""
    with _writing("The export"):
        require(actor, "cashier", "Export a customer's data")
        c = _customer(customer_id)
        data = {
            "exported_at": now(),
            "customer": _record(c),
            "contact": {name: getattr(c, name) for name in CONTACT_FIELDS},
            "custom_fields": _custom_fields(c.id),
            "tags": [t.name for t in Tag.select(Tag.name).join(CustomerTag)
                     .where(CustomerTag.customer == c.id).order_by(Tag.name_key)],
            "notes": [{"at": n.created_at, "author": n.author, "text": n.text}
                      for n in CustomerNote.select().where(CustomerNote.customer == c.id)
                      .order_by(CustomerNote.created_at, CustomerNote.id)],
            "sales": _sales(c.id),
        }
        audit.record(actor, "customer", subject(c.number), {"action": [None, "exported"]})
    return data


def _name(model, row_id) -> str:
    if row_id is None:
        return ""
    row = model.get_or_none(model.id == row_id)
    return row.name if row else ""


def _record(c: Customer) -> dict:
    record = {name: getattr(c, name) for name in RECORD_FIELDS
              if name not in ("customer_type", "profile", "vat_class")}
    record["customer_type"] = _name(CustomerType, c.customer_type_id)
    record["profile"] = _name(CustomerProfile, c.profile_id)
    record["vat_class"] = _name(VatClass, c.vat_class_id)
    return {name: record[name] for name in RECORD_FIELDS}


def _custom_fields(customer_id: int) -> list[dict]:
    rows = (CustomFieldValue.select(CustomField.name, CustomFieldValue.value)
            .join(CustomField).where(CustomFieldValue.customer == customer_id)
            .order_by(CustomField.position, CustomField.id).tuples())
    return [{"field": name, "value": value} for name, value in rows]


def _sales(customer_id: int) -> list[dict]:
    sales = []
    query = (Sale.select().where(Sale.customer == customer_id)
             .order_by(Sale.created_at, Sale.id))
    for sale in query:
        sales.append({
            "number": sale.number, "created_at": sale.created_at,
            "business_date": sale.business_date, "status": sale.status,
            "customer_name": sale.customer_name, "customer_type": sale.customer_type_name,
            "profile": sale.profile_name, "bill_discount": sale.bill_discount,
            "subtotal": sale.subtotal, "discount_total": sale.discount_total,
            "vat_total": sale.vat_total, "total": sale.total, "paid": sale.paid,
            "change": sale.change, "lines": [], "payments": [], "_id": sale.id})
    for start in range(0, len(sales), PAGE):
        page = {s["_id"]: s for s in sales[start:start + PAGE]}
        for line in (SaleLine.select().where(SaleLine.sale.in_(list(page)))
                     .order_by(SaleLine.sale, SaleLine.position)):
            page[line.sale_id]["lines"].append({
                "position": line.position, "sku": line.sku, "name": line.name,
                "quantity": line.quantity, "unit_price": line.unit_price,
                "discount_percent": line.discount_percent,
                "discount_amount": line.discount_amount,
                "bill_discount_amount": line.bill_discount_amount,
                "vat_class": line.vat_class_name, "vat_rate": line.vat_rate,
                "amount": line.amount})
        for pay in (Payment.select().where(Payment.sale.in_(list(page)))
                    .order_by(Payment.sale, Payment.id)):
            page[pay.sale_id]["payments"].append({"method": pay.method, "amount": pay.amount})
    for sale in sales:
        del sale["_id"]
    return sales


# -- writing an export ------------------------------------------------------------------------

def _plain(value: object) -> object:
    """A JSON value: Decimals as exact strings, dates as ISO text."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def to_json(data: dict) -> str:
    """One JSON document, UTF-8 text as it is (not \\u escapes), Decimals as strings."""
    return json.dumps(_plain(data), ensure_ascii=False, indent=2) + "\n"


def _csv_value(value: object) -> str:
    """A CSV cell: numbers as they are, text safe for a spreadsheet."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, Decimal)):
        return format(value, "f") if isinstance(value, Decimal) else str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    return safe_cell(value)


def to_csv(data: dict) -> str:
    """One CSV file in titled sections (a title row, a header row, the rows, a blank
    row): Record, Contact and consent, Custom fields, Tags, Notes, Sales, Sale lines,
    Payments. Opens in any spreadsheet; text cells are safe (no formulas)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")

    def section(title: str, header: list[str], rows: list[list[object]]) -> None:
        writer.writerow([title])
        writer.writerow(header)
        writer.writerows([[_csv_value(v) for v in row] for row in rows])
        writer.writerow([])

    number = data["customer"]["number"]
    writer.writerow([safe_cell(f"Customer {number}: everything held, exported "
                               f"{_csv_value(data['exported_at'])}")])
    writer.writerow([])
    section("Record", ["Field", "Value"], [[k, v] for k, v in data["customer"].items()])
    section("Contact and consent", ["Field", "Value"],
            [[k, v] for k, v in data["contact"].items()])
    section("Custom fields", ["Field", "Value"],
            [[f["field"], f["value"]] for f in data["custom_fields"]])
    section("Tags", ["Tag"], [[t] for t in data["tags"]])
    section("Notes", ["Date", "Author", "Text"],
            [[n["at"], n["author"], n["text"]] for n in data["notes"]])
    section("Sales", [f for f in SALE_FIELDS],
            [[s[f] for f in SALE_FIELDS] for s in data["sales"]])
    section("Sale lines", ["sale", *LINE_FIELDS],
            [[s["number"], *[line[f] for f in LINE_FIELDS]]
             for s in data["sales"] for line in s["lines"]])
    section("Payments", ["sale", "method", "amount"],
            [[s["number"], p["method"], p["amount"]] for s in data["sales"]
             for p in s["payments"]])
    return out.getvalue()


def render(data: dict, file_format: str = "json") -> str:
    if file_format not in FORMATS:
        raise ValidationError(f"The format must be one of {', '.join(FORMATS)}", "format")
    return to_json(data) if file_format == "json" else to_csv(data)


def check_path(path: str | Path) -> Path:
    """Where an export may go: a file name, not a folder, not the database."""
    if not str(path or "").strip():
        raise ValidationError("Give a file name", "path")
    target = Path(os.path.expanduser(str(path).strip()))
    if target.is_dir():
        raise ValidationError(f"{target} is a folder; give a file name", "path")
    if _is_the_database(target):
        raise ValidationError(f"{target} is the database itself; choose another file", "path")
    return target


def write_export(data: dict, path: str | Path, file_format: str = "json") -> Path:
    """Write the export to ``path``: owner-only (0600), atomically (a temporary
    file renamed into place), never over the database itself."""
    text = render(data, file_format)
    target = check_path(path)
    temporary = target.with_name(f".{target.name}.partial")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise ValidationError(f"{target} cannot be written ({exc.strerror or exc})",
                              "path") from None
    return target


def export_customer_to(actor: Actor, customer_id: int, path: str | Path,
                       file_format: str = "json") -> Path:
    """Export one customer to a file. The audit entry is written only if the file is:
    both in one transaction."""
    check_path(path)
    with _writing("The export"):
        data = export_customer(actor, customer_id)
        return write_export(data, path, file_format)


def default_file_name(number: str, file_format: str = "json") -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in number) or "customer"
    return f"customer-{safe}.{file_format}"


# -- erase ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Erasure:
    """What an erasure did, for the message after it."""

    number: str
    sales_renamed: int
    notes_removed: int
    receipts_rewritten: int = 0
    receipt_problem: str = ""


def consent_count(c: Customer) -> int:
    """The consent history as a count: the ways of contact (and the newsletter)
    the customer had agreed to."""
    return sum(bool(getattr(c, name)) for name in
               ("contact_email", "contact_sms", "contact_phone", "contact_post", "newsletter"))


def is_erased(c: Customer) -> bool:
    """Nothing personal left: the erased name, no personal field, note, tag or value."""
    if (c.first_name, c.last_name, c.company) != ("", erased_name(c.number), ""):
        return False
    if any(getattr(c, name) != empty for name, empty in PERSONAL.items()):
        return False
    return not (CustomerNote.select().where(CustomerNote.customer == c.id).exists()
                or CustomerTag.select().where(CustomerTag.customer == c.id).exists()
                or CustomFieldValue.select().where(CustomFieldValue.customer == c.id).exists())


def erase_customer(actor: Actor, customer_id: int, reason: str,
                   receipts_dir: str | Path | None = None) -> Erasure:
    """Anonymise one customer (manager or above), all in one transaction; then write
    their receipt files in ``receipts_dir`` again without the name."""
    reason = checked(reason, "Reason", "reason", REASON_LENGTH, required=True)
    with _writing("The erasure"):
        require(actor, "manager", "Erase a customer's data")
        c = _customer(customer_id)
        if is_erased(c):
            raise ValidationError(f"Customer {c.number} is already erased", "customer")
        notes = CustomerNote.delete().where(CustomerNote.customer == c.id).execute()
        _anonymise(c)
        renamed = _rename_sales(c.id, c.number)
        ParkedBill.update(customer_name=erased_name(c.number)).where(  # the recall list
            ParkedBill.customer == c.id).execute()
        audit.record(actor, "customer", subject(c.number),
                     {"action": [None, "erased"], "reason": [None, reason]})
    rewritten, problem = _rewrite_receipts(receipts_dir, [n for n, _ in renamed])
    return Erasure(c.number, len(renamed), notes, rewritten, problem)


def _anonymise(c: Customer) -> None:
    name = erased_name(c.number)
    values = dict(PERSONAL, last_name=name, sort_name=fold_fast(name)[:250],
                  consent_note=f"consent history: {consent_count(c)}",
                  active=False, updated_at=now())
    Customer.update(**values).where(Customer.id == c.id).execute()
    CustomerTag.delete().where(CustomerTag.customer == c.id).execute()
    CustomFieldValue.delete().where(CustomFieldValue.customer == c.id).execute()
    CustomerSearchTerm.delete().where(CustomerSearchTerm.customer == c.id).execute()
    index_customer(Customer.get_by_id(c.id), [], {})  # found by number and "erased" only


def _rename_sales(customer_id: int, number: str) -> list[tuple[int, str]]:
    """Every sale of the customer keeps its amounts, with the erased name in the sale
    and on the line "Customer: …" of its stored receipt. Returns (number, receipt)."""
    name = erased_name(number)
    Sale.update(customer_name=name).where(Sale.customer == customer_id).execute()
    renamed = []
    for sale_id, sale_number, text in (Sale.select(Sale.id, Sale.number, Sale.receipt_text)
                                       .where(Sale.customer == customer_id).tuples()):
        new_text = receipt_without_name(text or "", name, number)
        if new_text != text:
            Sale.update(receipt_text=new_text).where(Sale.id == sale_id).execute()
        renamed.append((sale_number, new_text))
    return renamed


def receipt_without_name(text: str, name: str, number: str) -> str:
    """The receipt with its "Customer: <name> (<number>)" line naming ``name``."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.startswith("Customer: "):
            lines[i] = f"Customer: {name} ({number})"
            break
    return "\n".join(lines)


def _rewrite_receipts(folder: str | Path | None, numbers: list[int]) -> tuple[int, str]:
    """Write the receipt files that exist again from the (renamed) sales. A file that
    cannot be written is said, not raised: the erasure itself is committed."""
    if folder is None or not numbers or not Path(folder).is_dir():
        return 0, ""
    from tui_pos.services.receipts import receipt_path, write_receipt

    written = 0
    for start in range(0, len(numbers), PAGE):
        page = numbers[start:start + PAGE]
        for number, text in (Sale.select(Sale.number, Sale.receipt_text)
                             .where(Sale.number.in_(page)).tuples()):
            if not receipt_path(folder, number).exists():
                continue
            try:
                write_receipt(folder, number, text)
            except ValidationError as error:
                return written, error.message
            written += 1
    return written, ""
