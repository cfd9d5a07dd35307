"""Paid web-shop orders recorded as sales (``tui-pos import orders FILE``).

The file's format is in docs/webshop-orders.md. Two passes:

1. **Check** the whole file before writing anything: it must be JSON text
   under ``MAX_BYTES`` holding ``{"orders": [...]}``, or a CSV/.xlsx with one
   row per order line (read by ``sheets``, grouped into the same orders); else
   one ValidationError, nothing written. Each order is then sorted: seen before (its number is in
   ``web_order``), not paid (skipped and listed), bad (refused with its number
   and the reason: unknown SKU, bad quantity or price, missing name or e-mail,
   control characters, ...) or good: its lines priced on a ``SaleDraft`` at
   the order's own prices.
2. **Record** each good order in its own transaction: the customer is matched
   (e-mail, then phone, normalised: the importer's matching) or created through
   ``customers.save_customer``; a newsletter opt-in records newsletter and
   e-mail consent with the order's date; the sale is completed (payment
   "web shop", profile "Web shop", ``created_at`` = paid_at) with its
   ``web_order`` row in the sale's transaction. An order that fails here is
   refused and leaves nothing; the orders before and after it are recorded.

Importing the same file again records nothing new: every order is then
"already imported".
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from tui_pos.db.models import CustomerProfile, WebOrder, database, now
from tui_pos.money import parse_money, parse_quantity
from tui_pos.services import audit, config, customers, importer, masters, sales, sheets
from tui_pos.services.actors import Actor, require
from tui_pos.services.customers import CustomerInput
from tui_pos.services.errors import Errors, ValidationError, as_field, check
from tui_pos.services.text import checked, name_key

MAX_BYTES = 20 * 1024 * 1024  # a day's (or a year's) orders are far smaller; refuse first
MAX_ORDERS = 100_000
MAX_LINES = 500  # lines on one order
FORMAT = "tui-pos web orders 1"
PROFILE = "Web shop"  # the customer profile every web-shop sale is recorded under
CASHIER = "web shop"
LATE = dt.timedelta(hours=1)  # a paid_at this far ahead of our clock is a mistake
NUMBER_LIMIT = WebOrder._meta.fields["order_number"].max_length


# -- What the caller gets -------------------------------------------------------------

@dataclass(frozen=True)
class OrderProblem:
    order: str  # the order number, or "#3" (its place in the file) when it has none
    reason: str


@dataclass
class OrdersReport:
    """What an import of orders found and did (each order its own transaction)."""

    file: str
    orders: int = 0
    recorded: list[str] = field(default_factory=list)
    unpaid: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    refused: list[OrderProblem] = field(default_factory=list)
    customers_created: int = 0

    def summary(self) -> str:
        text = (f"{len(self.recorded):,} recorded, {len(self.unpaid):,} skipped (unpaid), "
                f"{len(self.already):,} already imported, {len(self.refused):,} refused")
        if self.refused:
            text += ("; each order is its own transaction: the refused ones were not "
                     "recorded, the others were")
        return text


# -- The file ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Order:
    """A paid order that passed the check, ready to record."""

    number: str
    paid_at: dt.datetime
    customer: CustomerInput  # as a new customer would be saved (consent included)
    draft: sales.SaleDraft


def read_orders(path: str | Path) -> list:
    """The file's list of orders, from JSON or (one row per line) CSV or .xlsx;
    a file that is neither is refused whole."""
    path = Path(path)
    raw = _bytes(path)
    if not raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"[")):
        return _orders_of({"orders": _sheet_orders(path)}, path.name)
    if b"\x00" in raw[:65536]:
        raise ValidationError(f"{path.name} is a binary file, not a JSON file of orders")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(f"{path.name} is not UTF-8 text, so not a JSON file of "
                              "orders") from None
    try:
        data = json.loads(text, parse_float=Decimal, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise ValidationError(f"{path.name} is not valid JSON (line {exc.lineno} column "
                              f"{exc.colno}: {exc.msg})") from None
    except (ValueError, RecursionError):  # an integer of thousands of digits, deep nesting
        raise ValidationError(f"{path.name} is not a JSON file of orders tui-pos can read") \
            from None
    return _orders_of(data, path.name)


def _bytes(path: Path) -> bytes:
    return sheets.read_bytes(path, max_bytes=MAX_BYTES)


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number")


def _orders_of(data, filename: str) -> list:
    check(isinstance(data, dict) and isinstance(data.get("orders"), list),
          f'{filename} is JSON but not a file of orders: expected {{"orders": [...]}} '
          "(see docs/webshop-orders.md)")
    check(data.get("format", FORMAT) == FORMAT,
          f"{filename} says it is in another format; tui-pos reads {FORMAT!r}")
    include = data.get("prices_include_vat", True)
    check(isinstance(include, bool), f"{filename}: prices_include_vat must be true or false")
    store = config.get_settings().prices_include_vat
    check(include == store,
          f"{filename} gives prices {'incl.' if include else 'excl.'} VAT but this store's "
          f"prices are {'incl.' if store else 'excl.'} VAT (Business Configuration); "
          "nothing imported")
    orders = data["orders"]
    check(len(orders) <= MAX_ORDERS, f"{filename} holds {len(orders):,} orders; at most "
          f"{MAX_ORDERS:,} at a time (split it)")
    return orders


# A spreadsheet: one row per order line, the order's own columns repeated on each.
SHEET_COLUMNS = ("order_number", "paid", "paid_at", "first_name", "last_name", "company",
                 "email", "phone", "street", "postcode", "city", "country", "newsletter",
                 "sku", "quantity", "unit_price", "total")
SHEET_REQUIRED = ("order_number", "paid", "paid_at", "first_name", "last_name", "email",
                  "sku", "quantity", "unit_price")
MAX_SHEET_ROWS = 200_000


def _sheet_orders(path: Path) -> list[dict]:
    """The rows of a CSV or .xlsx grouped into orders shaped as the JSON's."""
    table = sheets.open_sheet(path)
    try:
        where = {name_key(h).replace(" ", "_"): i for i, h in enumerate(table.header)}
        missing = [c for c in SHEET_REQUIRED if c not in where]
        check(not missing, f"{path.name} is neither JSON nor a sheet of web-shop orders: "
              f"the columns {', '.join(missing)} are missing (see docs/webshop-orders.md)")
        orders: dict[str, dict] = {}
        for count, (_, cells) in enumerate(table.rows(), start=1):
            check(count <= MAX_SHEET_ROWS, f"{path.name} has more than {MAX_SHEET_ROWS:,} "
                  "rows; split it")
            row = {c: cells[where[c]] if c in where else "" for c in SHEET_COLUMNS}
            order = orders.setdefault(row["order_number"].strip(), _sheet_order(row))
            order["lines"].append({k: row[k] for k in ("sku", "quantity", "unit_price")})
    finally:
        table.close()
    return list(orders.values())


def _sheet_order(row: dict[str, str]) -> dict:
    """An order from its first row: yes/no cells as true/false, empty total as none."""
    def yes_no(text: str, blank):
        word = text.strip().casefold()
        if not word:
            return blank
        return True if word in importer.YES else False if word in importer.NO else text

    person = {k: row[k] for k in ("first_name", "last_name", "company", "email", "phone")}
    person["address"] = {k: row[k] for k in ("street", "postcode", "city", "country")}
    person["newsletter"] = yes_no(row["newsletter"], False)
    return {"order_number": row["order_number"], "paid": yes_no(row["paid"], None),
            "paid_at": row["paid_at"], "customer": person, "lines": [],
            "total": row["total"] if row["total"].strip() else None}


# -- Pass 1: check ------------------------------------------------------------------------

def check_orders(entries: list, report: OrdersReport) -> list[Order]:
    """Sort every order: already imported, unpaid, refused, or good (returned)."""
    numbers = [_number(entry) for entry in entries]
    recorded_before = _recorded([n for n in numbers if isinstance(n, str)])
    seen: set[str] = set()
    good = []
    for place, (entry, number) in enumerate(zip(entries, numbers), start=1):
        report.orders += 1
        label = number if isinstance(number, str) else f"#{place}"
        try:
            if isinstance(number, ValidationError):
                raise number
            check(number not in seen, "the same order number is earlier in the file")
            seen.add(number)
            if number in recorded_before:
                report.already.append(number)
                continue
            paid = entry.get("paid")
            check(isinstance(paid, bool), "paid must be true or false")
            if not paid:
                report.unpaid.append(number)
                continue
            good.append(checked_order(number, entry))
        except ValidationError as exc:
            report.refused.append(OrderProblem(label, _reasons(exc)))
    return good


def _number(entry) -> str | ValidationError:
    """The order's number as text, or the error saying why it has none."""
    if not isinstance(entry, dict):
        return ValidationError("an order must be a JSON object")
    raw = entry.get("order_number")
    if isinstance(raw, int) and not isinstance(raw, bool) and 0 <= raw < 10**NUMBER_LIMIT:
        raw = str(raw)
    try:
        return checked(raw, "Order number", "order_number", NUMBER_LIMIT, required=True)
    except ValidationError as exc:
        return exc


def _recorded(numbers: list[str]) -> set[str]:
    """Which of these order numbers are already in ``web_order``."""
    out: set[str] = set()
    for start in range(0, len(numbers), 500):
        chunk = numbers[start:start + 500]
        out.update(n for (n,) in WebOrder.select(WebOrder.order_number)
                   .where(WebOrder.order_number.in_(chunk)).tuples())
    return out


def _reasons(exc: ValidationError) -> str:
    return "; ".join(e.message for e in getattr(exc, "errors", [exc]))


def checked_order(number: str, entry: dict) -> Order:
    """A paid order through every rule that can be checked before writing."""
    paid_at = _paid_at(entry.get("paid_at"))
    customer = _customer_input(number, entry.get("customer"), paid_at.date())
    draft = _draft(entry.get("lines"))
    total = entry.get("total")
    if total is not None:
        stated = _money(total, "total", "The order's total")
        priced = draft.priced().total
        check(priced == stated, f"the lines add up to {priced} but the order's total is "
              f"{stated}", "total")
    return Order(number, paid_at, customer, draft)


def _paid_at(raw) -> dt.datetime:
    text = checked(raw, "paid_at", "paid_at", 40, required=True)
    try:
        if not text.isascii():  # fromisoformat would read other scripts' digits
            raise ValueError(text)
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"paid_at {text[:40]!r} is not an ISO date and time like "
                              "2026-11-20T14:03:00+01:00", "paid_at") from None
    if moment.tzinfo is not None:  # the store keeps local time
        moment = moment.astimezone().replace(tzinfo=None)
    moment = moment.replace(microsecond=0)
    check(moment.year >= customers.FIRST_YEAR and moment <= now() + LATE,
          f"paid_at {text!r} is in the future", "paid_at")
    return moment


def _customer_input(number: str, raw, day: dt.date) -> CustomerInput:
    check(isinstance(raw, dict), "the order has no customer", "customer")
    address = raw.get("address") or {}
    check(isinstance(address, dict), "the customer's address must be a JSON object",
          "address")
    newsletter = raw.get("newsletter", False)
    check(isinstance(newsletter, bool), "newsletter must be true or false", "newsletter")
    texts = {name: raw.get(name, "") for name in ("first_name", "last_name", "company",
                                                    "email", "phone")}
    texts.update({name: address.get(key, "") for name, key in (
        ("address", "street"), ("postcode", "postcode"), ("city", "city"),
        ("country", "country"))})
    data = CustomerInput(**texts, newsletter=newsletter, contact_email=newsletter,
                         consent_date=min(day, dt.date.today()) if newsletter else "",
                         consent_note=f"Newsletter opt-in with web order {number}"
                         if newsletter else "")
    errors = Errors()
    errors.check(any(isinstance(texts[n], str) and texts[n].strip()
                     for n in ("first_name", "last_name")),
                 "the customer's name is missing", "last_name")
    values = customers._validated(data, None, errors)  # the customer form's own rules
    if not errors.has("email"):
        errors.check(bool(values["email"]), "the customer's e-mail is missing", "email")
    errors.raise_any()
    return data


def _draft(lines) -> sales.SaleDraft:
    """The order's lines on a bill at the order's prices (the web price is what the
    customer paid, so it wins over the shelf price)."""
    check(isinstance(lines, list) and bool(lines), "the order has no lines", "lines")
    check(len(lines) <= MAX_LINES, f"the order has more than {MAX_LINES} lines", "lines")
    draft = sales.SaleDraft.new()
    for place, line in enumerate(lines, start=1):
        try:
            check(isinstance(line, dict), "a line must be a JSON object")
            sku = checked(line.get("sku"), "SKU", "sku", 40, required=True)
            quantity = line.get("quantity")
            check(isinstance(quantity, (str, int, Decimal)) and not isinstance(quantity, bool),
                  'quantity must be a number like 2 or "0.5"', "quantity")
            quantity = as_field("quantity", parse_quantity, quantity)
            check(quantity > 0, "quantity must be more than zero (refunds are made at the "
                  "counter)", "quantity")
            price = _money(line.get("unit_price"), "unit_price", "Unit price")
            draft.add_item(sku, quantity, unit_price=price)
        except ValidationError as exc:
            raise ValidationError(f"line {place}: {exc.message}", exc.field) from None
    return draft


def _money(raw, fieldname: str, what: str) -> Decimal:
    check(isinstance(raw, str), f'{what} must be a decimal string like "12.10"', fieldname)
    try:
        return parse_money(raw, what)
    except ValidationError as exc:
        raise ValidationError(exc.message, fieldname) from None


# -- Pass 2: record -----------------------------------------------------------------------

def import_orders(actor: Actor, path: str | Path) -> OrdersReport:
    """Check the whole file, then record each good paid order in its own transaction.

    A manager's (or the command line's) job; one "import" audit entry with the
    file name and the counts, written after the last order's transaction (each
    order is its own: the entry records what the import did as a whole)."""
    require(actor, "manager", "Import web-shop orders")
    entries = read_orders(path)
    report = OrdersReport(Path(path).name)
    good = check_orders(entries, report)
    if good:
        _record_all(actor, good, report)
    with database.atomic():
        audit.record(actor, "import", f"Web-shop orders from {report.file}", {
            "orders": [None, report.orders], "recorded": [None, len(report.recorded)],
            "unpaid": [None, len(report.unpaid)], "already": [None, len(report.already)],
            "refused": [None, len(report.refused)],
            "customers_created": [None, report.customers_created]})
    return report


def _record_all(actor: Actor, good: list[Order], report: OrdersReport) -> None:
    profile_id = web_profile(actor)
    for order in good:
        try:
            created = record_order(actor, order, profile_id)
        except ValidationError as exc:
            if _recorded([order.number]):  # another import recorded it meanwhile
                report.already.append(order.number)
            else:
                report.refused.append(OrderProblem(order.number, _reasons(exc)))
            continue
        report.recorded.append(order.number)
        report.customers_created += created


def web_profile(actor: Actor) -> int:
    """The "Web shop" customer profile, created (by ``actor``) if missing; refused if
    deactivated."""
    found = CustomerProfile.get_or_none(CustomerProfile.name_key == name_key(PROFILE))
    if found is None:
        return masters.save_profile(actor, PROFILE).id
    check(found.active, f"the customer profile {found.name!r} is inactive; activate it "
          "under Customer Profiles to import web-shop orders (nothing imported)")
    return found.id


def record_order(actor: Actor, order: Order, profile_id: int) -> bool:
    """The customer, the sale and its ``web_order`` row, all or nothing.
    True when a new customer was made."""
    with database.atomic():
        customer_id, created = order_customer(actor, order)
        draft = order.draft
        # The customer as the sale records them; the web shop priced the order, so
        # their counter discount and VAT class do not apply (VAT: each item's class).
        draft.customer = replace(sales.attach_info(customer_id), discount=None, vat=None,
                                 type_discount=None, type_vat=None)
        draft.set_profile(profile_id)
        # the web shop rang it up; the import (who, where) is in the audit log
        seller = replace(actor, staff_id=None, name=CASHIER)
        sales.complete_sale(seller, draft, method=sales.WEB_SHOP, at=order.paid_at,
                            web_order=order.number)
    return created


def order_customer(actor: Actor, order: Order) -> tuple[int, bool]:
    """(customer id, made now): matched by e-mail, then phone, else created."""
    data = order.customer
    keys = importer._keys({"email": data.email, "phone": data.phone})
    customer_id = importer._matches([keys]).customer_for(keys)
    if customer_id is None:
        return customers.save_customer(actor, data).id, True
    changed = _with_order(customers.to_input(customers.get_customer(customer_id)), data)
    if changed is not None:
        customers.save_customer(actor, changed, customer_id)
    return customer_id, False


FILLED = ("email", "phone", "address", "postcode", "city", "country")


def _with_order(current: CustomerInput, order: CustomerInput) -> CustomerInput | None:
    """A matched customer with the order's e-mail, phone and address where theirs are
    empty, and a newsletter opt-in; None if that changes nothing (never overwrites,
    never withdraws consent)."""
    new = replace(current)
    for name in FILLED:
        if not getattr(new, name).strip():
            setattr(new, name, getattr(order, name))
    if order.newsletter and not (current.newsletter and current.contact_email):
        new.newsletter = new.contact_email = True
        new.consent_date = order.consent_date
        new.consent_note = current.consent_note or order.consent_note
    return None if new == current else new
