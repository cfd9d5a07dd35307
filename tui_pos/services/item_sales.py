"""Item sales summed per day and per month, so *by item* reports read a few
thousand rows instead of every sale line (issue 9: ≤ 100 ms for a year); and
(schema 7) the sales per day and customer, profile and type, which the reports
by customer, profile, type and day read instead of every sale.

``record(sale_id, day)`` adds one completed sale's lines, in the sale's own
transaction (``complete_sale`` calls it; a return calls it too: its negative
lines subtract). A void calls ``unrecord``, which takes the voided sale's lines
back out. Anything else that changes what a completed sale counts must call
``rebuild`` for the days it touched, or the by-item report drifts.

Two tables (schema step 5): ``item_sales_day`` per day, SKU, profile and
customer type (0 = none), for ranges with a filter and for the odd days at a
range's ends; ``item_sales_month`` per month and SKU, for the whole months in
between. The sums are the very integer expressions the line-level report used
(``LINE_VAT``, ``LINE_GROSS``), so both give the same cents. Portable SQL:
``INSERT … SELECT … GROUP BY … ON CONFLICT … DO UPDATE`` runs on SQLite ≥ 3.24
and PostgreSQL ≥ 9.5.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from tui_pos.db.models import database

# integer SQL for a sale line's VAT and gross (cents; rates in hundredths of a percent)
LINE_VAT = ("CASE WHEN s.prices_include_vat THEN "
            "(l.amount * l.vat_rate * 2 + (10000 + l.vat_rate)) / (2 * (10000 + l.vat_rate)) "
            "ELSE (l.amount * l.vat_rate * 2 + 10000) / 20000 END")
LINE_GROSS = f"CASE WHEN s.prices_include_vat THEN l.amount ELSE l.amount + {LINE_VAT} END"
LINE_DISCOUNT = "l.discount_amount + l.bill_discount_amount"
SUMS = ("quantity", "gross", "vat", "discount", "lines")
_SELECT_SUMS = (f"SUM(l.quantity), SUM({LINE_GROSS}), SUM({LINE_VAT}), "
                f"SUM({LINE_DISCOUNT}), COUNT(*)")
DAY_KEY = ("business_date", "sku", "profile_id", "customer_type_id")
MONTH_KEY = ("month", "sku")


def _add(table: str, key: tuple[str, ...], extra: tuple[str, ...] = ()) -> str:
    return ", ".join(f'"{c}" = "{table}"."{c}" + excluded."{c}"' for c in SUMS) + "".join(
        f', "{c}" = excluded."{c}"' for c in extra)


@lru_cache(maxsize=4)
def _record_sql(param: str) -> tuple[str, str]:
    day = ("INSERT INTO item_sales_day (business_date, sku, profile_id, customer_type_id, "
           "quantity, gross, vat, discount, lines) "
           "SELECT s.business_date, l.sku, COALESCE(s.profile_id, 0), "
           f"COALESCE(s.customer_type_id, 0), {_SELECT_SUMS} "
           "FROM sale_line AS l JOIN sale AS s ON s.id = l.sale_id "
           f"WHERE l.sale_id = {param} AND s.status = 'completed' "
           "GROUP BY s.business_date, l.sku, s.profile_id, s.customer_type_id "
           f"ON CONFLICT ({', '.join(DAY_KEY)}) DO UPDATE SET {_add('item_sales_day', DAY_KEY)}")
    month = ("INSERT INTO item_sales_month (month, sku, quantity, gross, vat, discount, lines, "
             f"last_line_id) SELECT {param}, l.sku, {_SELECT_SUMS}, MAX(l.id) "
             "FROM sale_line AS l JOIN sale AS s ON s.id = l.sale_id "
             f"WHERE l.sale_id = {param} AND s.status = 'completed' GROUP BY l.sku "
             f"ON CONFLICT ({', '.join(MONTH_KEY)}) DO UPDATE SET "
             f"{_add('item_sales_month', MONTH_KEY, ('last_line_id',))}")
    return day, month


# Schema 7: the sales themselves (not their lines) per day, customer, profile and type,
# for the reports grouped by customer, profile, type or day.
CUSTOMER_KEY = ("business_date", "customer_id", "profile_id", "customer_type_id")
CUSTOMER_SUMS = ("sales", "gross", "vat", "discount")
_CUSTOMER_COLUMNS = ("INSERT INTO customer_sales_day (business_date, customer_id, profile_id, "
                     "customer_type_id, sales, gross, vat, discount) SELECT s.business_date, "
                     "COALESCE(s.customer_id, 0), COALESCE(s.profile_id, 0), "
                     "COALESCE(s.customer_type_id, 0), ")
_CUSTOMER_UPSERT = (f"ON CONFLICT ({', '.join(CUSTOMER_KEY)}) DO UPDATE SET " + ", ".join(
    f'"{c}" = "customer_sales_day"."{c}" + excluded."{c}"' for c in CUSTOMER_SUMS))


@lru_cache(maxsize=4)
def _customer_sql(param: str, sign: str) -> str:
    """One sale added to (sign "") or taken from (sign "-") its customer's day."""
    return (f"{_CUSTOMER_COLUMNS}{sign}1, {sign}s.total, {sign}s.vat_total, "
            f"{sign}s.discount_total FROM sale AS s WHERE s.id = {param}"
            + (" AND s.status = 'completed' " if not sign else " ") + _CUSTOMER_UPSERT)


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def record(sale_id: int, day: dt.date) -> None:
    """Add a completed sale's lines to the day and month sums (inside the caller's
    transaction; ``day`` is the sale's business date)."""
    day_sql, month_sql = _record_sql(database.param)
    database.execute_sql(day_sql, (sale_id,))
    database.execute_sql(month_sql, (month_of(day), sale_id))
    database.execute_sql(_customer_sql(database.param, ""), (sale_id,))


@lru_cache(maxsize=4)
def _unrecord_sql(param: str) -> tuple[str, str, str, str]:
    """``record``'s statements subtracting instead of adding (whatever the sale's
    status: a void calls it as the sale turns "void"), then the rows left empty."""
    negated = (f"-SUM(l.quantity), -SUM({LINE_GROSS}), -SUM({LINE_VAT}), "
               f"-SUM({LINE_DISCOUNT}), -COUNT(*)")
    day = ("INSERT INTO item_sales_day (business_date, sku, profile_id, customer_type_id, "
           "quantity, gross, vat, discount, lines) "
           "SELECT s.business_date, l.sku, COALESCE(s.profile_id, 0), "
           f"COALESCE(s.customer_type_id, 0), {negated} "
           "FROM sale_line AS l JOIN sale AS s ON s.id = l.sale_id "
           f"WHERE l.sale_id = {param} "
           "GROUP BY s.business_date, l.sku, s.profile_id, s.customer_type_id "
           f"ON CONFLICT ({', '.join(DAY_KEY)}) DO UPDATE SET {_add('item_sales_day', DAY_KEY)}")
    month = ("INSERT INTO item_sales_month (month, sku, quantity, gross, vat, discount, lines, "
             f"last_line_id) SELECT {param}, l.sku, {negated}, MAX(l.id) "
             "FROM sale_line AS l JOIN sale AS s ON s.id = l.sale_id "
             f"WHERE l.sale_id = {param} GROUP BY l.sku "
             f"ON CONFLICT ({', '.join(MONTH_KEY)}) DO UPDATE SET "
             f"{_add('item_sales_month', MONTH_KEY)}")
    empty_days = f"DELETE FROM item_sales_day WHERE business_date = {param} AND lines = 0"
    empty_months = f"DELETE FROM item_sales_month WHERE month = {param} AND lines = 0"
    return day, month, empty_days, empty_months


def unrecord(sale_id: int, day: dt.date) -> None:
    """Take a sale's lines back out of the day and month sums (a void; inside the
    caller's transaction; ``day`` is the sale's business date). An item left with
    no line that day or month loses its row, as ``rebuild`` would leave it."""
    day_sql, month_sql, empty_days, empty_months = _unrecord_sql(database.param)
    database.execute_sql(day_sql, (sale_id,))
    database.execute_sql(month_sql, (month_of(day), sale_id))
    database.execute_sql(empty_days, (day,))
    database.execute_sql(empty_months, (month_of(day),))
    database.execute_sql(_customer_sql(database.param, "-"), (sale_id,))
    database.execute_sql(f"DELETE FROM customer_sales_day WHERE business_date = "
                         f"{database.param} AND sales = 0", (day,))


def rebuild(start: dt.date, end: dt.date) -> None:
    """Sum the day and month tables again from the sale lines, for every month that
    touches [start, end] (after sales there were changed or deleted by hand)."""
    first = month_of(start)
    last = (month_of(end) + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)
    param = database.param
    with database.atomic():
        database.execute_sql(f"DELETE FROM item_sales_day WHERE business_date >= {param} "
                             f"AND business_date <= {param}",
                             (first.isoformat(), last.isoformat()))
        database.execute_sql(f"DELETE FROM item_sales_month WHERE month >= {param} "
                             f"AND month <= {param}", (first.isoformat(), last.isoformat()))
        database.execute_sql(f"DELETE FROM customer_sales_day WHERE business_date >= {param} "
                             f"AND business_date <= {param}",
                             (first.isoformat(), last.isoformat()))
        fill(database, first, last)
        database.execute_sql(
            f"{_CUSTOMER_COLUMNS}COUNT(*), SUM(s.total), SUM(s.vat_total), "
            "SUM(s.discount_total) FROM sale AS s WHERE s.status = 'completed' "
            f"AND s.business_date >= {param} AND s.business_date <= {param} "
            "GROUP BY s.business_date, COALESCE(s.customer_id, 0), COALESCE(s.profile_id, 0), "
            "COALESCE(s.customer_type_id, 0)", (first.isoformat(), last.isoformat()))


def fill(db, first: dt.date | None = None, last: dt.date | None = None) -> None:
    """Insert the sums of every completed sale in [first, last] (whole months; None:
    all) into empty day and month rows: one INSERT … SELECT per table and month."""
    param = db.param
    bounds = db.execute_sql("SELECT MIN(business_date), MAX(business_date) FROM sale "
                            "WHERE status = 'completed'").fetchone()
    if bounds[0] is None:
        return
    low, high = (v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v)[:10])
                 for v in bounds)
    low, high = max(low, first or low), min(high, last or high)
    month = month_of(low)
    while month <= high:
        following = (month + dt.timedelta(days=31)).replace(day=1)
        span = (month.isoformat(), (following - dt.timedelta(days=1)).isoformat())
        lines = ("FROM sale_line AS l JOIN sale AS s ON s.id = l.sale_id "
                 f"WHERE s.status = 'completed' AND s.business_date >= {param} "
                 f"AND s.business_date <= {param}")
        db.execute_sql(
            "INSERT INTO item_sales_day (business_date, sku, profile_id, customer_type_id, "
            "quantity, gross, vat, discount, lines) SELECT s.business_date, l.sku, "
            f"COALESCE(s.profile_id, 0), COALESCE(s.customer_type_id, 0), {_SELECT_SUMS} "
            f"{lines} GROUP BY s.business_date, l.sku, s.profile_id, s.customer_type_id", span)
        db.execute_sql(
            "INSERT INTO item_sales_month (month, sku, quantity, gross, vat, discount, lines, "
            f"last_line_id) SELECT {param}, l.sku, {_SELECT_SUMS}, MAX(l.id) {lines} "
            "GROUP BY l.sku", (month, *span))
        month = following
