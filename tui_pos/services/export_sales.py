"""Exporting sales: one row per sale line, or one row per sale, as CSV or .xlsx.

In business-date order, then by sale number and line. Read a page at a time
by keyset — (business date, sale, line) — so the last page costs what the first
does and memory stays flat however many sales there are. Every value is the sale's own snapshot
(names, rates, discounts as they were when it was sold), never a live join.
"""

from __future__ import annotations

from tui_pos.db.models import Payment, Sale, SaleLine
from tui_pos.services.errors import check
from tui_pos.services.export import (
    DATE, DATETIME, INTEGER, MONEY, PERCENT, QUANTITY, TEXT, YESNO, Column, write_csv,
    write_file,
)
from tui_pos.services.reports import date_range

PER = ("line", "sale")
LINE_PAGE = 2000  # sale lines read per query
SALE_PAGE = 1000  # sales read per query

# (column, what it is read from) — the same first columns in both layouts.
SALE_PART = (
    (Column("Sale number", INTEGER), Sale.number),
    (Column("Date", DATE), Sale.business_date),
    (Column("Sold at", DATETIME), Sale.created_at),
    (Column("Status"), Sale.status),
    (Column("Cashier"), Sale.cashier),
    (Column("Terminal"), Sale.terminal),
    (Column("Customer number"), Sale.customer_number),
    (Column("Customer name"), Sale.customer_name),
    (Column("Customer type"), Sale.customer_type_name),
    (Column("Customer profile"), Sale.profile_name),
    (Column("Prices incl. VAT", YESNO), Sale.prices_include_vat),
)
LINE_PART = (
    (Column("Line", INTEGER), SaleLine.position),
    (Column("SKU"), SaleLine.sku),
    (Column("Item"), SaleLine.name),
    (Column("Quantity", QUANTITY), SaleLine.quantity),
    (Column("Unit price", MONEY), SaleLine.unit_price),
    (Column("Discount %", PERCENT), SaleLine.discount_percent),
    (Column("Discount source"), SaleLine.discount_source),
    (Column("Line discount", MONEY), SaleLine.discount_amount),
    (Column("Bill discount %", PERCENT), SaleLine.bill_discount_percent),
    (Column("Bill discount", MONEY), SaleLine.bill_discount_amount),
    (Column("VAT class"), SaleLine.vat_class_name),
    (Column("VAT %", PERCENT), SaleLine.vat_rate),
    (Column("Amount", MONEY), SaleLine.amount),
)
TOTALS_PART = (
    (Column("Bill discount %", PERCENT), Sale.bill_discount),
    (Column("Subtotal", MONEY), Sale.subtotal),
    (Column("Discount total", MONEY), Sale.discount_total),
    (Column("VAT total", MONEY), Sale.vat_total),
    (Column("Total", MONEY), Sale.total),
    (Column("Paid", MONEY), Sale.paid),
    (Column("Change", MONEY), Sale.change),
)
PAYMENT_COLUMN = Column("Payment method", TEXT)


def sales_columns(per: str = "line") -> list[Column]:
    """The columns of a sales export, one row per sale ``line`` or per ``sale``."""
    _check_per(per)
    if per == "line":
        return [c for c, _ in (*SALE_PART, *LINE_PART)]
    return [*(c for c, _ in (*SALE_PART, *TOTALS_PART)), PAYMENT_COLUMN]


def sales_records(per: str = "line", date_from=None, date_to=None):
    """Every sale (``per="sale"``) or sale line (``per="line"``) whose business
    date is in [date_from, date_to] (inclusive days, either end open), by date
    then sale number, as lists of typed values in ``sales_columns(per)`` order."""
    _check_per(per)
    start, end = date_range(date_from, date_to)
    if per == "line":
        return _line_records(start, end)
    return _sale_records(start, end)


def _check_per(per: str) -> None:
    check(per in PER, f"One row per {' or per '.join(PER)}, not {per!r}", "per")


def _in_range(query, start, end):
    if start:
        query = query.where(Sale.business_date >= start)
    if end:
        query = query.where(Sale.business_date <= end)
    return query


def _line_records(start, end):
    fields = [f for _, f in (*SALE_PART, *LINE_PART)]
    after = None
    while True:
        page = list(line_page(fields, start, end, after).tuples())
        if not page:
            return
        for row in page:
            yield list(row[:-3])
        after = page[-1][-3:]


def line_page(fields, start, end, after: tuple | None = None):
    """The page of lines after ``after`` = (business date, sale id, line id), which
    the query gives as its last three values.

    That order is the business date index's own (a sale's id grows with its
    number, a line's with its position), so no page sorts anything and the
    last page costs what the first does, with or without a date range."""
    query = (SaleLine.select(*fields, Sale.business_date, Sale.id, SaleLine.id).join(Sale)
             .order_by(Sale.business_date, Sale.id, SaleLine.id).limit(LINE_PAGE))
    if after is not None:
        day, sale, line = after
        query = query.where(Sale.business_date >= day,
                            (Sale.business_date > day) | (Sale.id > sale)
                            | ((Sale.id == sale) & (SaleLine.id > line)))
    return _in_range(query, start, end)


def sale_page(fields, start, end, after: tuple | None = None):
    """The page of sales after ``after`` = (business date, sale id): the query's
    first two values."""
    query = (Sale.select(Sale.business_date, Sale.id, *fields)
             .order_by(Sale.business_date, Sale.id).limit(SALE_PAGE))
    if after is not None:
        day, sale = after
        query = query.where(Sale.business_date >= day,
                            (Sale.business_date > day) | (Sale.id > sale))
    return _in_range(query, start, end)


def _sale_records(start, end):
    fields = [f for _, f in (*SALE_PART, *TOTALS_PART)]
    after = None
    while True:
        page = list(sale_page(fields, start, end, after).tuples())
        if not page:
            return
        methods: dict[int, list[str]] = {}
        for sale_id, method in (Payment.select(Payment.sale, Payment.method)
                                .where(Payment.sale.in_([row[1] for row in page]))
                                .order_by(Payment.id).tuples()):
            if method not in methods.setdefault(sale_id, []):
                methods[sale_id].append(method)
        for row in page:
            yield [*row[2:], ", ".join(methods.get(row[1], []))]
        after = page[-1][:2]


def write_sales_csv(out, per: str = "line", date_from=None, date_to=None) -> int:
    """Write the sales export as CSV to the text stream ``out``; returns the rows."""
    return write_csv(out, sales_columns(per), sales_records(per, date_from, date_to))


def export_sales_to(path, per: str = "line", date_from=None, date_to=None,
                    file_format: str = "csv") -> int:
    """Write the sales export to ``path`` as CSV or .xlsx (owner-only, atomically)."""
    records = sales_records(per, date_from, date_to)  # bad dates refused before the file
    return write_file(path, sales_columns(per), records, file_format,
                      sheet="Sale lines" if per == "line" else "Sales")
