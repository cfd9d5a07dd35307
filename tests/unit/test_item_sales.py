"""The by-item report reads day and month sums written with each sale (schema 5):
they must give exactly what summing the sale lines gives, for any range and filter,
and the migration must fill them from the lines already sold."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from tui_pos.db import migrations
from tui_pos.db.models import BusinessConfig, Item, ItemSalesDay, ItemSalesMonth, database
from tui_pos.services import customers, item_sales, reports
from tui_pos.services.customers import CustomerInput
from tui_pos.services.reports import ReportFilter
from tui_pos.services.sales import SaleDraft, complete_sale
from tests.actors import OWNER

DAYS = ["2026-01-30", "2026-01-31", "2026-02-01", "2026-02-14", "2026-02-28",
        "2026-03-01", "2026-03-02", "2026-03-31", "2026-04-15"]


def sell(day: str, items, profile_id=None, customer_id=None):
    draft = SaleDraft.new()
    if customer_id is not None:
        draft.set_customer(customer_id)
    if profile_id is not None:
        draft.set_profile(profile_id)
    for code, qty in items:
        draft.add_item(code, qty)
    at = dt.datetime.combine(dt.date.fromisoformat(day), dt.time(12, 0))
    return complete_sale(OWNER, draft, at=at)


@pytest.fixture
def sold(shop):
    retail, wholesale = shop.profiles["Retail"].id, shop.profiles["Wholesale"].id
    staff = customers.save_customer(OWNER, CustomerInput(
        first_name="Daan", last_name="Smit", customer_type_id=shop.types["Staff"].id)).id
    items = ["MUG-01", "COF-250", "GIFT-25", "LAB-REP"]
    for n, day in enumerate(DAYS):
        sell(day, [(items[n % 4], str(n + 1)), (items[(n + 1) % 4], "-1"),
                   (items[(n + 2) % 4], "2")],
             retail if n % 3 == 0 else wholesale if n % 3 == 1 else None,
             staff if n % 2 else None)
        if n == 4:  # prices excl. VAT from here on: the other VAT sum
            BusinessConfig.update(prices_include_vat=False).execute()
    return {"retail": retail, "wholesale": wholesale, "staff": shop.types["Staff"].id}


def from_lines(start, end, where=ReportFilter()) -> list[tuple]:
    sql, params = reports._lines_grouped(start, end, where, database.param)
    return sorted((k, int(n), int(g), int(v), int(d))
                  for k, n, g, v, d, _ in database.execute_sql(sql, params).fetchall())


def from_summary(start, end, where=ReportFilter()) -> list[tuple]:
    sql, params = reports._item_summary(start, end, where, database.param)
    return sorted((k, int(n), int(g), int(v), int(d))
                  for k, n, g, v, d, _ in database.execute_sql(sql, params).fetchall())


def test_every_range_and_filter_sums_as_the_lines_do(sold):
    bounds = [None, *map(dt.date.fromisoformat, DAYS), dt.date(2026, 2, 27)]
    filters = [ReportFilter(), ReportFilter(profile_id=sold["retail"]),
               ReportFilter(type_id=sold["staff"]),
               ReportFilter(profile_id=sold["wholesale"], type_id=sold["staff"])]
    checked = 0
    for start, end in itertools.product(bounds, bounds):
        if start and end and start > end:
            continue
        for where in filters:
            assert from_summary(start, end, where) == from_lines(start, end, where), \
                (start, end, where)
            checked += 1
    assert checked > 150
    assert from_summary(None, None)  # not trivially empty


def test_the_page_by_item_reads_the_sums(sold):
    page = reports.sales_page("item", "2026-01-31", "2026-03-31")
    lines = from_lines(dt.date(2026, 1, 31), dt.date(2026, 3, 31))
    assert sorted(r.key for r in page.rows) == [k for k, *_ in lines]
    assert page.totals.gross * 100 == sum(g for _, _, g, _, _ in lines)
    ItemSalesMonth.delete().execute()  # the whole months come from the month table
    assert reports.sales_page("item", "2026-01-31", "2026-03-31").totals.gross \
        < page.totals.gross


def test_whole_months_and_the_odd_days():
    d = dt.date.fromisoformat
    assert reports.whole_months(d("2026-01-15"), d("2026-04-10")) == (
        (d("2026-02-01"), d("2026-03-01")),
        [(d("2026-01-15"), d("2026-01-31")), (d("2026-04-01"), d("2026-04-10"))])
    assert reports.whole_months(d("2026-02-01"), d("2026-02-28")) == (
        (d("2026-02-01"), d("2026-02-01")), [])
    assert reports.whole_months(d("2026-02-02"), d("2026-02-27")) == (
        None, [(d("2026-02-02"), d("2026-02-27"))])
    assert reports.whole_months(None, d("2026-02-27")) == (
        (None, d("2026-01-01")), [(d("2026-02-01"), d("2026-02-27"))])
    assert reports.whole_months(d("2026-12-31"), None) == ((d("2027-01-01"), None),
                                                          [(d("2026-12-31"), d("2026-12-31"))])


def test_a_deleted_item_keeps_the_name_its_lines_recorded(sold):
    Item.update(sku="MUG-OLD").where(Item.sku == "MUG-01").execute()  # MUG-01 is gone
    page = reports.sales_page("item", limit=10)
    assert {r.key: r.label for r in page.rows}["MUG-01"] == "Stoneware mug"


def test_rebuild_puts_back_what_the_lines_say(sold):
    expected = from_summary(None, None)
    ItemSalesDay.update(quantity=0).execute()
    ItemSalesMonth.delete().execute()
    item_sales.rebuild(dt.date(2026, 1, 1), dt.date(2026, 4, 30))
    assert from_summary(None, None) == expected == from_lines(None, None)


def test_the_migration_fills_the_sums_from_the_sales_already_made(sold):
    expected = from_summary(None, None)
    database.execute_sql("DROP TABLE item_sales_day")
    database.execute_sql("DROP TABLE item_sales_month")
    database.execute_sql('DROP INDEX "%s"' % next(
        i.name for i in database.get_indexes("sale") if "discount_total" in i.columns))
    step_5 = migrations.MIGRATIONS[4]  # version 5 → its step, on a store that has sales
    assert step_5 is migrations._v5_report_summaries
    with database.atomic():
        step_5(database)
    assert from_summary(None, None) == expected == from_lines(None, None)
    assert ItemSalesMonth.select().count() > 0


# -- Schema 7: the sales per day and customer, for the reports grouped by sale -----------

def from_sales(by: str, start, end, where=ReportFilter()) -> list[tuple]:
    """The grouping summed over the sales themselves (what the summary must equal)."""
    conds, params = reports._where(start, end, where, database.param)
    key = reports._KEYS[by]
    sql = (f"SELECT {key}, COUNT(*), SUM(s.total), SUM(s.vat_total), SUM(s.discount_total) "
           f"FROM sale AS s WHERE {' AND '.join(conds)} GROUP BY {key}")
    return sorted((str(k or 0), int(n), int(g), int(v), int(d))
                  for k, n, g, v, d in database.execute_sql(sql, params).fetchall())


def from_sales_summary(by: str, start, end, where=ReportFilter()) -> list[tuple]:
    sql, params = reports._sales_summary(by, start, end, where, database.param)
    return sorted((str(k or 0), int(n), int(g), int(v), int(d))
                  for k, n, g, v, d, _ in database.execute_sql(sql, params).fetchall())


def assert_summary_is_the_sales(sold) -> int:
    bounds = [None, *map(dt.date.fromisoformat, DAYS[::2])]
    filters = [ReportFilter(), ReportFilter(profile_id=sold["retail"]),
               ReportFilter(type_id=sold["staff"])]
    checked = 0
    for by in ("customer", "profile", "type", "day"):
        for start, end in itertools.product(bounds, bounds):
            if start and end and start > end:
                continue
            for where in filters:
                assert from_sales_summary(by, start, end, where) == \
                    from_sales(by, start, end, where), (by, start, end, where)
                checked += 1
    return checked


def test_the_reports_by_sale_read_sums_equal_to_the_sales(sold):
    assert assert_summary_is_the_sales(sold) > 150
    assert from_sales_summary("customer", None, None)  # not trivially empty
    page = reports.sales_page("customer", DAYS[0], DAYS[-1])
    assert page.totals.gross * 100 == sum(g for _, _, g, _, _ in
                                          from_sales("customer", None, None))


def test_returns_and_voids_keep_the_sums_true(sold, shop):
    from tui_pos.services import returns
    from tests.actors import MANAGER

    today = dt.date.today().isoformat()
    kept = sell(today, [("MUG-01", "3"), ("COF-250", "1")], customer_id=None)
    voided = sell(today, [("COF-250", "2")], profile_id=sold["retail"])
    line = returns.returnable(kept.number).lines[0]
    returns.complete_return(MANAGER, kept.number, [(line.id, "1")])
    returns.void_sale(MANAGER, voided.number, "rang up twice")
    assert assert_summary_is_the_sales(sold) > 150
    day = from_sales_summary("day", dt.date.today(), dt.date.today())
    assert [n for _, n, *_ in day] == [2]  # the sale and its return; the void is out


def test_the_migration_fills_the_sales_summary_and_rebuild_puts_it_back(sold):
    expected = from_sales_summary("customer", None, None)
    database.execute_sql("DELETE FROM customer_sales_day")
    item_sales.rebuild(dt.date(2026, 1, 1), dt.date(2026, 4, 30))
    assert from_sales_summary("customer", None, None) == expected
    database.execute_sql("DROP TABLE customer_sales_day")
    step_7 = migrations.MIGRATIONS[6]
    assert step_7 is migrations._v7_customer_sales_day
    with database.atomic():
        step_7(database)
    assert from_sales_summary("customer", None, None) == expected \
        == from_sales("customer", None, None)
