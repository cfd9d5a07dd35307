"""Reports (TruePOS FAQ Q5): sales grouped by profile, type, customer or day,
and the customer list filtered by profile, type or tag. Sums run in the
database over integer cents; nothing is loaded row by row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

import peewee as pw

from tui_pos.db.models import (
    Customer, CustomerProfile, CustomerTag, CustomerType, Sale, Tag,
)
from tui_pos.money import ZERO, format_money, from_minor
from tui_pos.services.errors import ValidationError, check
from tui_pos.services.export import safe_cell
from tui_pos.services.text import name_key, printable

GROUPINGS = ("profile", "type", "customer", "day")
NO_PROFILE = "(no profile)"
NO_TYPE = "(no type)"
NO_CUSTOMER = "(walk-in)"


@dataclass(frozen=True)
class SalesRow:
    key: str
    label: str
    sales: int
    subtotal: Decimal  # sum of line amounts
    discount: Decimal
    vat: Decimal
    total: Decimal


def parse_day(text: str | dt.date | None, what: str) -> dt.date | None:
    if text is None or isinstance(text, dt.date):
        return text
    text = text.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"{what} must be a date like 2026-11-24, not {text!r}",
                              what.lower()) from None


def date_range(date_from=None, date_to=None) -> tuple[dt.date | None, dt.date | None]:
    """A From–To range of inclusive days, parsed and checked (either end may be open)."""
    start, end = parse_day(date_from, "From"), parse_day(date_to, "To")
    if start and end:
        check(start <= end, "The From date is after the To date", "to")
    return start, end


def sales_by(by: str, date_from=None, date_to=None, profile_id: int | None = None,
             type_id: int | None = None) -> list[SalesRow]:
    """Completed sales in [date_from, date_to] (inclusive days), grouped ``by``."""
    check(by in GROUPINGS, f"Group by one of: {', '.join(GROUPINGS)}", "by")
    start, end = date_range(date_from, date_to)
    if by == "profile":
        key, label = Sale.profile, CustomerProfile.name
    elif by == "type":
        key, label = Sale.customer_type, CustomerType.name
    elif by == "customer":
        key, label = Sale.customer, pw.fn.MAX(Sale.customer_name)
    else:
        key, label = Sale.business_date, pw.fn.MAX(Sale.business_date)
    query = Sale.select(
        key.alias("k"), label.alias("label"), pw.fn.COUNT(Sale.id).alias("n"),
        pw.fn.SUM(Sale.subtotal).alias("subtotal"),
        pw.fn.SUM(Sale.discount_total).alias("discount"),
        pw.fn.SUM(Sale.vat_total).alias("vat"), pw.fn.SUM(Sale.total).alias("total"),
    ).where(Sale.status == "completed")
    if by == "profile":
        query = query.join(CustomerProfile, pw.JOIN.LEFT_OUTER, on=(Sale.profile == CustomerProfile.id))
        group = (Sale.profile, CustomerProfile.name)
    elif by == "type":
        query = query.join(CustomerType, pw.JOIN.LEFT_OUTER, on=(Sale.customer_type == CustomerType.id))
        group = (Sale.customer_type, CustomerType.name)
    else:
        group = (key,)
    if start:
        query = query.where(Sale.business_date >= start)
    if end:
        query = query.where(Sale.business_date <= end)
    if profile_id is not None:
        query = query.where(Sale.profile == profile_id)
    if type_id is not None:
        query = query.where(Sale.customer_type == type_id)
    rows = []
    for r in query.group_by(*group).dicts():
        k = r["k"]
        if by == "day":
            text = k.isoformat() if isinstance(k, dt.date) else str(k)
            label_text = text
        else:
            text = "" if k is None else str(k)
            empty = {"profile": NO_PROFILE, "type": NO_TYPE, "customer": NO_CUSTOMER}[by]
            label_text = (r["label"] or empty) if k is not None else empty
        rows.append(SalesRow(text, label_text, r["n"], from_minor(r["subtotal"] or 0),
                             from_minor(r["discount"] or 0), from_minor(r["vat"] or 0),
                             from_minor(r["total"] or 0)))
    if by == "day":
        rows.sort(key=lambda row: row.key)
    else:
        rows.sort(key=lambda row: (-row.total, row.label.casefold()))
    return rows


def totals(rows: list[SalesRow]) -> SalesRow:
    return SalesRow("", "Total", sum(r.sales for r in rows),
                    sum((r.subtotal for r in rows), ZERO), sum((r.discount for r in rows), ZERO),
                    sum((r.vat for r in rows), ZERO), sum((r.total for r in rows), ZERO))


HEADERS = {"profile": "Profile", "type": "Customer type", "customer": "Customer", "day": "Day"}


def as_csv(by: str, rows: list[SalesRow]) -> str:
    """Machine-readable: plain decimal points; names made safe for a
    spreadsheet (``safe_cell``), numbers left as numbers."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([HEADERS[by].lower().replace(" ", "_"), "sales", "discount", "vat", "total"])
    for r in rows:
        writer.writerow([safe_cell(r.label), r.sales, f"{r.discount:.2f}", f"{r.vat:.2f}",
                         f"{r.total:.2f}"])
    return out.getvalue()


def terminal_text(text: str) -> str:
    """One line a terminal shows as written: control characters dropped."""
    return " ".join(printable(text).split())


def text_width(text: str) -> int:
    """Terminal columns: wide (CJK) characters take two, combining marks none."""
    return sum(0 if unicodedata.combining(c) else
               2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def as_table(by: str, rows: list[SalesRow], currency: str = "",
             locale: str | None = None) -> str:
    """For a terminal: money in the store's locale, names without control characters."""
    def money(value: Decimal) -> str:
        return format_money(value, locale=locale)

    head = (HEADERS[by], "Sales", "Discount", "VAT", terminal_text(f"Total {currency}"))
    body = [(terminal_text(r.label), str(r.sales), money(r.discount), money(r.vat),
             money(r.total)) for r in rows]
    t = totals(rows)
    foot = (t.label, str(t.sales), money(t.discount), money(t.vat), money(t.total))
    widths = [max(text_width(row[i]) for row in [head, *body, foot]) for i in range(5)]

    def pad(text: str, width: int, right: bool = False) -> str:
        space = " " * (width - text_width(text))
        return space + text if right else text + space

    def line(cells):
        return "  ".join([pad(cells[0], widths[0]),
                          *(pad(c, w, right=True) for c, w in zip(cells[1:], widths[1:]))])

    rule = "-" * text_width(line(head))
    return "\n".join([line(head), rule, *map(line, body), rule, line(foot)]) + "\n"


# -- Customer list --------------------------------------------------------------------

@dataclass(frozen=True)
class CustomerListRow:
    id: int
    number: str
    name: str
    profile: str
    type: str
    email: str
    phone: str


def customer_list(profile_id: int | None = None, type_id: int | None = None,
                  tag: str | None = None, include_inactive: bool = False,
                  limit: int = 100, offset: int = 0) -> list[CustomerListRow]:
    query = (Customer.select(Customer, CustomerProfile, CustomerType)
             .join(CustomerProfile, pw.JOIN.LEFT_OUTER, on=(Customer.profile == CustomerProfile.id))
             .switch(Customer)
             .join(CustomerType, pw.JOIN.LEFT_OUTER, on=(Customer.customer_type == CustomerType.id)))
    if profile_id is not None:
        query = query.where(Customer.profile == profile_id)
    if type_id is not None:
        query = query.where(Customer.customer_type == type_id)
    if tag:
        tagged = (CustomerTag.select(CustomerTag.customer).join(Tag)
                  .where(Tag.name_key == name_key(tag)))
        query = query.where(Customer.id.in_(tagged))
    if not include_inactive:
        query = query.where(Customer.active == True)  # noqa: E712
    query = query.order_by(Customer.sort_name, Customer.id).limit(limit).offset(offset)
    return [CustomerListRow(c.id, c.number, c.display_name,
                            c.profile.name if c.profile_id else "",
                            c.customer_type.name if c.customer_type_id else "",
                            c.email, c.mobile or c.phone) for c in query]


def count_customers(profile_id: int | None = None, type_id: int | None = None) -> int:
    query = Customer.select().where(Customer.active == True)  # noqa: E712
    if profile_id is not None:
        query = query.where(Customer.profile == profile_id)
    if type_id is not None:
        query = query.where(Customer.customer_type == type_id)
    return query.count()
