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
    Customer, CustomerProfile, CustomerTag, CustomerType, Item, ItemSalesMonth, Sale, SaleLine,
    Staff, Tag,
)
from tui_pos.money import ZERO, format_money, format_quantity, from_minor
from tui_pos.services import item_sales
from tui_pos.services.errors import ValidationError, check
from tui_pos.services.export import safe_cell
from tui_pos.services.text import name_key, printable, query_text

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
    sort_name: str = ""  # with ``id``, where the next page starts (``after``)

    @property
    def cursor(self) -> tuple[str, int]:
        return self.sort_name, self.id


def customer_list(profile_id: int | None = None, type_id: int | None = None,
                  tag: str | None = None, include_inactive: bool = False,
                  limit: int = 100,
                  after: tuple[str, int] | None = None) -> list[CustomerListRow]:
    """Customers by name, ``limit`` at a time: the next page starts after the last row's
    ``cursor`` (keyset on the (sort_name, id) index), so page 5,000 costs what page 1 does."""
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
    if after is not None:
        # a row value: SQLite (and PostgreSQL) seek the (sort_name, id) index with it;
        # the same test spelt with OR made SQLite walk the index from the start
        query = query.where(pw.Tuple(Customer.sort_name, Customer.id) > pw.Tuple(*after))
    query = query.order_by(Customer.sort_name, Customer.id).limit(limit)
    return [CustomerListRow(c.id, c.number, c.display_name,
                            c.profile.name if c.profile_id else "",
                            c.customer_type.name if c.customer_type_id else "",
                            c.email, c.mobile or c.phone, c.sort_name) for c in query]


def count_customers(profile_id: int | None = None, type_id: int | None = None) -> int:
    query = Customer.select().where(Customer.active == True)  # noqa: E712
    if profile_id is not None:
        query = query.where(Customer.profile == profile_id)
    if type_id is not None:
        query = query.where(Customer.customer_type == type_id)
    return query.count()


# -- Paged reports: top N by total, next page by keyset ----------------------------------

PAGED_GROUPINGS = ("profile", "type", "customer", "day", "item")
NO_ITEM = "(no SKU)"
RANGES = ("today", "this-week", "this-month", "last-30-days")
RANGE_LABELS = {"today": "Today", "this-week": "This week", "this-month": "This month",
                "last-30-days": "Last 30 days", "custom": "Custom"}
MAX_PAGE = 1000


def quick_range(name: str, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """A quick range as inclusive days ending today: this week starts on Monday."""
    today = today or dt.date.today()
    check(name in RANGES, f"A range is one of: {', '.join(RANGES)}", "range")
    start = {"today": today,
             "this-week": today - dt.timedelta(days=today.weekday()),
             "this-month": today.replace(day=1),
             "last-30-days": today - dt.timedelta(days=29)}[name]
    return start, today


@dataclass(frozen=True)
class ReportFilter:
    """What a report is narrowed to: a profile, a customer type, the staff member
    who rang the sales up, the terminal (its name as the sale recorded it)."""
    profile_id: int | None = None
    type_id: int | None = None
    staff_id: int | None = None
    terminal: str | None = None

    @property
    def by_who_or_where(self) -> bool:
        """Staff and terminal are not in the by-item sums: those read the lines."""
        return self.staff_id is not None or self.terminal is not None


def named_filter(profile: str | None = None, customer_type: str | None = None,
                 staff_name: str | None = None, terminal: str | None = None) -> ReportFilter:
    """A filter from names as typed (ignoring case): an unknown profile, type or
    staff member is a ValidationError naming it; a terminal is taken as written."""
    found: dict[str, int | None] = {}
    for key, model, typed, what in (("profile_id", CustomerProfile, profile, "profile"),
                                    ("type_id", CustomerType, customer_type, "customer type"),
                                    ("staff_id", Staff, staff_name, "staff member")):
        if typed is None:
            found[key] = None
            continue
        row = model.get_or_none(model.name_key == name_key(query_text(typed)))
        check(row is not None, f"There is no {what} called {query_text(typed)!r}",
              key.removesuffix("_id"))
        found[key] = row.id
    text = query_text(terminal) if terminal is not None else ""
    return ReportFilter(**found, terminal=text or None)


@dataclass(frozen=True)
class ReportRow:
    key: str
    label: str
    count: Decimal | int  # sales; for items the quantity sold
    net: Decimal          # excl. VAT
    vat: Decimal
    gross: Decimal        # incl. VAT
    discount: Decimal


@dataclass(frozen=True)
class ReportPage:
    by: str
    start: dt.date | None
    end: dt.date | None
    rows: tuple[ReportRow, ...]
    totals: ReportRow     # the whole range, not just this page
    groups: int           # rows in the whole report
    next_cursor: str | None  # None on the last page


_SALE_SUMS = ("COUNT(*) AS n, SUM(s.total) AS gross, SUM(s.vat_total) AS vat, "
              "SUM(s.discount_total) AS discount, 0 AS ref")
_ITEM_SUMS = (f"SUM(l.quantity) AS n, SUM({item_sales.LINE_GROSS}) AS gross, "
              f"SUM({item_sales.LINE_VAT}) AS vat, SUM({item_sales.LINE_DISCOUNT}) AS discount, "
              "0 AS ref")
_SUMMARY_SUMS = ("SUM(quantity) AS n, SUM(gross) AS gross, SUM(vat) AS vat, "
                 "SUM(discount) AS discount, 0 AS ref")
# grouped by the bare column (so an index led by it can give the groups in order);
# an empty profile, type or customer becomes key 0 after grouping, for the keyset
_KEYS = {"profile": "s.profile_id", "type": "s.customer_type_id",
         "customer": "s.customer_id", "day": "s.business_date", "item": "l.sku"}


def _where(start, end, where: ReportFilter, param: str) -> tuple[list[str], list]:
    conds, params = ["s.status = 'completed'"], []
    if start:
        conds.append(f"s.business_date >= {param}")
        params.append(start.isoformat())
    if end:
        conds.append(f"s.business_date <= {param}")
        params.append(end.isoformat())
    if where.profile_id is not None:
        conds.append(f"s.profile_id = {param}")
        params.append(int(where.profile_id))
    if where.type_id is not None:
        conds.append(f"s.customer_type_id = {param}")
        params.append(int(where.type_id))
    if where.staff_id is not None:
        conds.append(f"s.staff_id = {param}")
        params.append(int(where.staff_id))
    if where.terminal is not None:
        conds.append(f"s.terminal = {param}")
        params.append(query_text(where.terminal))
    return conds, params


def _cursor(by: str, after: str | None) -> tuple[int, str | int] | None:
    """An ``--after`` cursor back as (gross in cents, key), or ``(0, day)`` for days;
    refused unless it has the shape a page gives."""
    if after is None or after == "":
        return None
    refused = ValidationError(
        "That cursor is not one this report gave (use the one printed under a page)", "after")
    total, sep, key = str(after).partition(":")
    if not sep or len(str(after)) > 80:
        raise refused
    try:
        cents = int(total)
        if by == "day":
            key = dt.date.fromisoformat(key).isoformat()
        elif by != "item":
            key = int(key)
    except ValueError:
        raise refused from None
    if abs(cents) >= 10 ** 15:
        raise refused
    return cents, key


def cursor_of(by: str, key, gross_cents: int) -> str:
    return f"{gross_cents}:{key}"


def _grouped(by: str, start, end, where: ReportFilter, param: str) -> tuple[str, list]:
    """The range's groups as one SELECT (k, n, gross, vat, discount, ref) and its
    parameters. By item it reads the day and month sums (``item_sales``), not the lines."""
    if by == "item":
        if where.by_who_or_where:
            return _lines_grouped(start, end, where, param)
        return _item_summary(start, end, where, param)
    if not where.by_who_or_where:
        return _sales_summary(by, start, end, where, param)
    conds, params = _where(start, end, where, param)
    source = "FROM sale AS s"
    return (f"SELECT {_KEYS[by]} AS k, {_SALE_SUMS} {source} "
            f"WHERE {' AND '.join(conds)} GROUP BY {_KEYS[by]}"), params


# the summary's column for each grouping by sale (schema 7, services/item_sales.py)
_SUMMARY_KEYS = {"profile": "profile_id", "type": "customer_type_id",
                 "customer": "customer_id", "day": "business_date"}


def _sales_summary(by: str, start, end, where: ReportFilter, param: str) -> tuple[str, list]:
    """By customer, profile, type or day from the sales summed per day and customer
    (``customer_sales_day``): a year is ~90k index entries, not 150k sales. What it
    must equal is the same grouping over ``sale`` (the staff/terminal path above)."""
    conds, params = [], []
    for column, op, value in (("business_date", ">=", start and start.isoformat()),
                              ("business_date", "<=", end and end.isoformat()),
                              ("profile_id", "=", where.profile_id),
                              ("customer_type_id", "=", where.type_id)):
        if value is not None:
            conds.append(f"{column} {op} {param}")
            params.append(value if isinstance(value, str) else int(value))
    key = _SUMMARY_KEYS[by]
    return (f"SELECT {key} AS k, SUM(sales) AS n, SUM(gross) AS gross, SUM(vat) AS vat, "
            "SUM(discount) AS discount, 0 AS ref FROM customer_sales_day"
            + (f" WHERE {' AND '.join(conds)}" if conds else "")
            + f" GROUP BY {key} HAVING SUM(sales) <> 0"), params


def _lines_grouped(start, end, where: ReportFilter, param: str) -> tuple[str, list]:
    """By item straight from the sale lines: what the summary tables must equal."""
    conds, params = _where(start, end, where, param)
    return ("SELECT l.sku AS k, " + _ITEM_SUMS +
            " FROM sale_line AS l JOIN sale AS s ON s.id = l.sale_id "
            f"WHERE {' AND '.join(conds)} GROUP BY l.sku"), params


def whole_months(start: dt.date | None, end: dt.date | None):
    """[start, end] as whole months (first days, None: open) and the odd days at either
    end: ``(months or None, [(from, to), ...])``."""
    first = start if start is None or start.day == 1 else \
        item_sales.month_of(start + dt.timedelta(days=31 - start.day + 1))
    if end is None:
        last = None
    elif (end + dt.timedelta(days=1)).day == 1:
        last = item_sales.month_of(end)
    else:
        last = item_sales.month_of(item_sales.month_of(end) - dt.timedelta(days=1))
    if first is not None and last is not None and first > last:
        return None, [(start, end)]
    edges = []
    if start is not None and start < first:
        edges.append((start, first - dt.timedelta(days=1)))
    if end is not None and end >= (after := item_sales.month_of(last + dt.timedelta(days=31))):
        edges.append((after, end))
    return (first, last), edges


def _item_summary(start, end, where: ReportFilter, param: str) -> tuple[str, list]:
    parts, params = [], []

    def days(low, high, conds=()):
        conds = list(conds)
        if low:
            conds.append(f"business_date >= {param}")
            params.append(low.isoformat())
        if high:
            conds.append(f"business_date <= {param}")
            params.append(high.isoformat())
        parts.append("SELECT sku, quantity, gross, vat, discount FROM item_sales_day"
                     + (f" WHERE {' AND '.join(conds)}" if conds else ""))

    if where.profile_id is not None or where.type_id is not None:
        conds = []
        for column, value in (("profile_id", where.profile_id),
                              ("customer_type_id", where.type_id)):
            if value is not None:
                conds.append(f"{column} = {param}")
                params.append(int(value))
        days(start, end, conds)
    else:
        months, edges = whole_months(start, end)
        if months is not None:
            conds = []
            for op, value in ((">=", months[0]), ("<=", months[1])):
                if value is not None:
                    conds.append(f"month {op} {param}")
                    params.append(value.isoformat())
            parts.append("SELECT sku, quantity, gross, vat, discount FROM item_sales_month"
                         + (f" WHERE {' AND '.join(conds)}" if conds else ""))
        for low, high in edges:
            days(low, high)
    return (f"SELECT sku AS k, {_SUMMARY_SUMS} FROM ({' UNION ALL '.join(parts)}) AS u "
            "GROUP BY sku"), params


def _page_sql(by: str, grouped: str, param: str, seek: bool) -> str:
    """One statement: the groups of the range (``g``, made once), the range's totals
    over every group (``t``), then the page after the cursor: top ``limit`` by gross
    (days by date). (Window sums over ``g`` instead of ``t`` cost ~10 % more by customer.)"""
    key = "k" if by in ("day", "item") else "COALESCE(k, 0)"
    totals = ("SELECT COUNT(*) AS t_groups, SUM(n) AS t_n, SUM(gross) AS t_gross, "
              "SUM(vat) AS t_vat, SUM(discount) AS t_discount FROM g")
    if by == "day":
        order, where = "g.k", f"g.k > {param}"
    else:
        order = "g.gross DESC, g.k"
        where = f"(g.gross < {param} OR (g.gross = {param} AND g.k > {param}))"
    return (f"WITH g AS (SELECT {key} AS k, n, gross, vat, discount, ref FROM ({grouped}) AS x), "
            f"t AS ({totals}) "
            "SELECT g.k, g.n, g.gross, g.vat, g.discount, g.ref, t.t_groups, t.t_n, t.t_gross, "
            "t.t_vat, t.t_discount FROM g, t" + (f" WHERE {where}" if seek else "")
            + f" ORDER BY {order} LIMIT {param}")


def _totals_sql(grouped: str) -> str:
    return ("SELECT COUNT(*), SUM(n), SUM(gross), SUM(vat), SUM(discount) "
            f"FROM ({grouped}) AS g")


def check_page_request(by: str, limit: int, after: str | None):
    """The grouping, page size and cursor checked (before any database is opened)."""
    check(by in PAGED_GROUPINGS, f"Group by one of: {', '.join(PAGED_GROUPINGS)}", "by")
    check(isinstance(limit, int) and not isinstance(limit, bool) and 1 <= limit <= MAX_PAGE,
          f"A page holds 1 to {MAX_PAGE} rows", "limit")
    return _cursor(by, after)


def sales_page(by: str, date_from=None, date_to=None, where: ReportFilter | None = None,
               limit: int = 50, after: str | None = None) -> ReportPage:
    """Completed sales in [date_from, date_to] grouped ``by``: the top ``limit`` groups by
    gross after ``after`` (a cursor from the previous page), with the whole range's totals.
    Each page is one statement whose cost does not grow with the page number."""
    cursor = check_page_request(by, limit, after)
    start, end = date_range(date_from, date_to)
    where = where or ReportFilter()
    database = Sale._meta.database
    param = database.param
    grouped, params = _grouped(by, start, end, where, param)
    seek = [] if cursor is None else (
        [cursor[1]] if by == "day" else [cursor[0], cursor[0], cursor[1]])
    raw = database.execute_sql(_page_sql(by, grouped, param, bool(seek)),
                               [*params, *seek, limit]).fetchall()
    if raw:
        t = raw[0]
        groups, total = t[6], _row(by, "", "Total", t[7], t[8], t[9], t[10])
    else:  # past the last page (or nothing sold): the totals alone
        t = database.execute_sql(_totals_sql(grouped), params).fetchone()
        groups, total = t[0] or 0, _row(by, "", "Total", t[1], t[2], t[3], t[4])
    labels = _labels(by, [(r[0], r[5]) for r in raw])
    rows = tuple(_row(by, r[0], labels.get(r[0], ""), r[1], r[2], r[3], r[4]) for r in raw)
    last = raw[-1] if len(raw) == limit else None
    nxt = None
    if last is not None:
        key = last[0].isoformat() if isinstance(last[0], dt.date) else last[0]
        nxt = f"0:{key}" if by == "day" else cursor_of(by, key, last[2])
    return ReportPage(by, start, end, rows, total, groups, nxt)


def _row(by, key, label, n, gross, vat, discount) -> ReportRow:
    gross, vat = from_minor(gross or 0), from_minor(vat or 0)
    count = from_minor(n or 0, 3) if by == "item" else (n or 0)
    if isinstance(key, dt.date):
        key = key.isoformat()
    return ReportRow(str(key), label, count, gross - vat, vat, gross,
                     from_minor(discount or 0))


def _labels(by: str, keys: list[tuple]) -> dict:
    """Names for one page's keys only (the GROUP BY carries numbers, not text): a
    customer as their latest sale names them (as before paging), a profile or type by
    its name now, an item by its name now or, deleted since, its sale line's."""
    if by == "day":
        return {k: (k.isoformat() if isinstance(k, dt.date) else str(k)) for k, _ in keys}
    if by == "item":
        skus = [k for k, _ in keys]
        found = {i.sku: i.name for i in Item.select(Item.sku, Item.name)
                 .where(Item.sku.in_(skus))} if skus else {}
        missing = [k for k in skus if k not in found]
        gone = [r.ref for r in ItemSalesMonth.select(
            pw.fn.MAX(ItemSalesMonth.last_line_id).alias("ref"))
            .where(ItemSalesMonth.sku.in_(missing)).group_by(ItemSalesMonth.sku)
            ] if missing else []
        if gone:
            found.update({line.sku: line.name for line in
                          SaleLine.select(SaleLine.sku, SaleLine.name)
                          .where(SaleLine.id.in_(gone))})
        return {k: found.get(k) or NO_ITEM for k in skus}
    ids = [k for k, _ in keys if k]
    if by == "customer":  # the name the customer's latest sale recorded (history)
        latest = (Sale.select(pw.fn.MAX(Sale.id)).where(Sale.customer.in_(ids))
                  .group_by(Sale.customer))
        names = {s.customer_id: s.customer_name for s in
                 Sale.select(Sale.customer, Sale.customer_name).where(Sale.id.in_(latest))
                 } if ids else {}
        return {k: names.get(k) or NO_CUSTOMER if k else NO_CUSTOMER for k, _ in keys}
    model, empty = {"profile": (CustomerProfile, NO_PROFILE),
                    "type": (CustomerType, NO_TYPE)}[by]
    names = {r.id: r.name for r in model.select(model.id, model.name)
             .where(model.id.in_(ids))} if ids else {}
    return {k: names.get(k, empty) if k else empty for k, _ in keys}


PAGE_HEADERS = {**HEADERS, "item": "Item"}


def count_heading(by: str) -> str:
    return "Quantity" if by == "item" else "Sales"


def page_csv(page: ReportPage) -> str:
    """One page and the range's totals (key ``*`` names the totals row), machine-readable:
    plain decimal points, names made safe for a spreadsheet (``safe_cell``)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([PAGE_HEADERS[page.by].lower().replace(" ", "_"), "key",
                     count_heading(page.by).lower(), "net", "vat", "gross", "discount"])
    for r, key in [*((r, r.key) for r in page.rows), (page.totals, "*")]:
        writer.writerow([safe_cell(r.label), safe_cell(key), str(r.count), f"{r.net:.2f}",
                         f"{r.vat:.2f}", f"{r.gross:.2f}", f"{r.discount:.2f}"])
    return out.getvalue()


def page_table(page: ReportPage, currency: str = "", locale: str | None = None) -> str:
    """For a terminal: money in the store's locale, names without control characters,
    the range's totals under the page."""
    def money(value: Decimal) -> str:
        return format_money(value, locale=locale)

    def count(value) -> str:
        return format_quantity(value, locale=locale) if page.by == "item" else str(value)

    def cells(r: ReportRow) -> tuple:
        return (terminal_text(r.label), count(r.count), money(r.net), money(r.vat),
                money(r.gross), money(r.discount))

    head = (PAGE_HEADERS[page.by], count_heading(page.by), "Net", "VAT",
            terminal_text(f"Gross {currency}"), "Discount")
    body = [cells(r) for r in page.rows]
    foot = cells(page.totals)
    widths = [max(text_width(row[i]) for row in [head, *body, foot]) for i in range(6)]

    def pad(text: str, width: int, right: bool = False) -> str:
        space = " " * (width - text_width(text))
        return space + text if right else text + space

    def line(row):
        return "  ".join([pad(row[0], widths[0]),
                          *(pad(c, w, right=True) for c, w in zip(row[1:], widths[1:]))])

    rule = "-" * text_width(line(head))
    return "\n".join([line(head), rule, *map(line, body), rule, line(foot)]) + "\n"


def report_csv(by: str, date_from=None, date_to=None,
               where: ReportFilter | None = None) -> str:
    """The whole report as one CSV: every page in order, then the totals row."""
    page = sales_page(by, date_from, date_to, where, limit=MAX_PAGE)
    rows = list(page.rows)
    while page.next_cursor is not None:
        page = sales_page(by, date_from, date_to, where, limit=MAX_PAGE,
                          after=page.next_cursor)
        rows += page.rows
    return page_csv(ReportPage(by, page.start, page.end, tuple(rows), page.totals,
                               page.groups, None))


# -- voids (issue #6: a voided sale leaves every report above and is listed here) ----------

@dataclass(frozen=True)
class VoidRow:
    number: int
    at: dt.datetime  # when it was voided
    kind: str  # "sale" or "return"
    cashier: str  # who rang the sale up
    voided_by: str
    approver: str
    reason: str
    total: Decimal


def voided_sales(date_from=None, date_to=None) -> list[VoidRow]:
    """The voided sales of [date_from, date_to] (their business days, inclusive; either
    end open), in the order they were rung up."""
    from tui_pos.db.models import SaleVoid

    start, end = date_range(date_from, date_to)
    query = (SaleVoid.select(Sale.number, SaleVoid.at, Sale.kind, Sale.cashier,
                             SaleVoid.staff_name, SaleVoid.approver_name, SaleVoid.reason,
                             Sale.total)
             .join(Sale, on=(SaleVoid.sale == Sale.id)).order_by(Sale.business_date, Sale.number))
    if start:
        query = query.where(Sale.business_date >= start)
    if end:
        query = query.where(Sale.business_date <= end)
    return [VoidRow(*row) for row in query.tuples()]
