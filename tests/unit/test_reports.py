"""Reports: sales by profile/type/customer/day over a date range, and the
customer list filtered by profile, type or tag."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from tui_pos.services import customers, masters, reports
from tui_pos.services.customers import CustomerInput
from tui_pos.services.errors import ValidationError
from tui_pos.services.sales import SaleDraft, complete_sale
from tests.actors import OWNER

D = Decimal


def sell(day: str, items: list[tuple[str, str]], profile_id=None, customer_id=None):
    draft = SaleDraft.new()
    if customer_id is not None:
        draft.set_customer(customer_id)  # the profile follows the customer's
    if profile_id is not None:
        draft.set_profile(profile_id)
    for code, qty in items:
        draft.add_item(code, qty)
    at = dt.datetime.combine(dt.date.fromisoformat(day), dt.time(12, 0))
    return complete_sale(OWNER, draft, at=at)


@pytest.fixture
def sold(shop):
    retail, wholesale = shop.profiles["Retail"].id, shop.profiles["Wholesale"].id
    daan = customers.save_customer(OWNER, CustomerInput(
        first_name="Daan", last_name="Smit", customer_type_id=shop.types["Staff"].id,
        profile_id=retail, tags="staff")).id
    sell("2026-02-28", [("MUG-01", "5")], retail)                # before the range
    sell("2026-03-01", [("MUG-01", "1")], retail)                # 12.10
    sell("2026-03-02", [("COF-250", "3")], retail)               # 20.85
    sell("2026-03-02", [("MUG-01", "1")], customer_id=daan)      # 10.28 (staff 15 %)
    sell("2026-03-03", [("MUG-01", "2")], wholesale)             # 24.20
    sell("2026-03-04", [("GIFT-25", "1")])                       # 25.00, no profile
    sell("2026-03-31", [("COF-250", "1")])                       # 6.95, no profile
    sell("2026-04-01", [("GIFT-25", "4")], wholesale)            # after the range
    return {"retail": retail, "wholesale": wholesale, "daan": daan}


def test_sales_by_profile_over_a_date_range(sold):
    rows = reports.sales_by("profile", "2026-03-01", "2026-03-31")
    got = {r.label: (r.sales, r.total, r.vat, r.discount) for r in rows}
    assert got == {
        "Retail": (3, D("43.23"), D("2.10") + D("1.72") + D("1.78"), D("1.82")),
        "(no profile)": (2, D("31.95"), D("0.57"), D("0")),
        "Wholesale": (1, D("24.20"), D("4.20"), D("0")),
    }
    assert [r.label for r in rows] == ["Retail", "(no profile)", "Wholesale"]  # by total
    assert {r.key for r in rows} == {str(sold["retail"]), str(sold["wholesale"]), ""}
    total = reports.totals(rows)
    assert (total.sales, total.total) == (6, D("99.38"))


def test_the_range_is_inclusive_and_open_ended(sold):
    assert sum(r.sales for r in reports.sales_by("profile")) == 8
    assert sum(r.sales for r in reports.sales_by("profile", "2026-03-31")) == 2
    assert sum(r.sales for r in reports.sales_by("profile", None, "2026-03-01")) == 2
    one_day = reports.sales_by("profile", "2026-03-02", "2026-03-02")
    assert [(r.label, r.sales, r.total) for r in one_day] == [("Retail", 2, D("31.13"))]


def test_filter_by_profile_and_group_by_type_day_customer(sold):
    rows = reports.sales_by("day", "2026-03-01", "2026-03-03", profile_id=sold["retail"])
    assert [(r.key, r.sales, r.total) for r in rows] == [
        ("2026-03-01", 1, D("12.10")), ("2026-03-02", 2, D("31.13"))]
    by_type = reports.sales_by("type", "2026-03-01", "2026-03-31")
    assert {r.label: r.sales for r in by_type} == {"(no type)": 5, "Staff": 1}
    by_customer = reports.sales_by("customer", "2026-03-01", "2026-03-31")
    assert {r.label: r.total for r in by_customer} == {"(walk-in)": D("89.10"),
                                                       "Daan Smit": D("10.28")}


def test_as_csv(sold):
    rows = reports.sales_by("profile", "2026-03-01", "2026-03-31")
    parsed = list(csv.reader(io.StringIO(reports.as_csv("profile", rows))))
    assert parsed[0] == ["profile", "sales", "discount", "vat", "total"]
    assert parsed[1:] == [
        ["Retail", "3", "1.82", "5.60", "43.23"],
        ["(no profile)", "2", "0.00", "0.57", "31.95"],
        ["Wholesale", "1", "0.00", "4.20", "24.20"],
    ]


def test_as_table(sold):
    rows = reports.sales_by("profile", "2026-03-01", "2026-03-31")
    text = reports.as_table("profile", rows, "EUR")
    lines = text.splitlines()
    assert lines[0].split() == ["Profile", "Sales", "Discount", "VAT", "Total", "EUR"]
    assert set(lines[1]) == {"-"}
    assert lines[2].split() == ["Retail", "3", "1.82", "5.60", "43.23"]
    assert lines[-1].split() == ["Total", "6", "1.82", "10.37", "99.38"]
    assert len({len(line) for line in lines}) == 1  # the columns line up


def test_an_empty_report_still_has_headers_and_zero_totals(db):
    rows = reports.sales_by("profile", "2026-03-01", "2026-03-31")
    assert rows == []
    assert reports.as_csv("profile", rows) == "profile,sales,discount,vat,total\n"
    assert reports.as_table("profile", rows).splitlines()[-1].split() == [
        "Total", "0", "0.00", "0.00", "0.00"]


@pytest.mark.parametrize("date_from, date_to, field", [
    ("2026-13-01", None, "from"), ("01-03-2026", None, "from"), ("gisteren", None, "from"),
    (None, "2026-02-30", "to"), ("2026-03-31", "2026-03-01", "to"),
])
def test_bad_dates_are_refused(db, date_from, date_to, field):
    with pytest.raises(ValidationError) as info:
        reports.sales_by("profile", date_from, date_to)
    assert info.value.field == field


def test_unknown_grouping_is_refused(db):
    with pytest.raises(ValidationError) as info:
        reports.sales_by("colour")
    assert info.value.field == "by"


# -- customer list -----------------------------------------------------------------------

@pytest.fixture
def listed(shop):
    retail, wholesale = shop.profiles["Retail"].id, shop.profiles["Wholesale"].id
    staff = shop.types["Staff"].id

    def add(first, last, **kw):
        return customers.save_customer(OWNER, CustomerInput(first_name=first, last_name=last,
                                                     **kw)).id

    ids = {
        "anna": add("Anna", "Jansen", profile_id=retail, tags="vip, coffee"),
        "bram": add("Bram", "Bakker", profile_id=wholesale, tags="horeca"),
        "cees": add("Cees", "Visser", profile_id=retail, customer_type_id=staff, tags="staff"),
        "dirk": add("Dirk", "Mulder", tags="VIP"),
        "eva": add("Eva", "Aalders", profile_id=retail, tags="vip"),
    }
    customers.set_active(OWNER, ids["eva"], False)
    return {"ids": ids, "retail": retail, "wholesale": wholesale, "staff": staff}


def test_customer_list_filtered_by_profile(listed):
    rows = reports.customer_list(profile_id=listed["retail"])
    assert [r.name for r in rows] == ["Anna Jansen", "Cees Visser"]  # by last name
    assert {r.profile for r in rows} == {"Retail"}
    with_inactive = reports.customer_list(profile_id=listed["retail"], include_inactive=True)
    assert [r.name for r in with_inactive] == ["Eva Aalders", "Anna Jansen", "Cees Visser"]
    assert reports.count_customers(profile_id=listed["retail"]) == 2


def test_customer_list_filtered_by_tag_ignoring_case(listed):
    assert [r.name for r in reports.customer_list(tag="vip")] == ["Anna Jansen",
                                                                   "Dirk Mulder"]
    assert [r.name for r in reports.customer_list(tag=" VIP ")] == ["Anna Jansen",
                                                                     "Dirk Mulder"]
    assert [r.name for r in reports.customer_list(tag="vip", profile_id=listed["retail"])] \
        == ["Anna Jansen"]
    assert reports.customer_list(tag="nobody") == []


def test_customer_list_filtered_by_type(listed):
    rows = reports.customer_list(type_id=listed["staff"])
    assert [(r.name, r.type) for r in rows] == [("Cees Visser", "Staff")]
    assert reports.count_customers(type_id=listed["staff"]) == 1


def test_customer_list_pages_by_keyset(listed):
    first = reports.customer_list(limit=2)
    second = reports.customer_list(limit=2, after=first[-1].cursor)
    third = reports.customer_list(limit=2, after=second[-1].cursor)
    assert [r.name for r in first + second] == ["Bram Bakker", "Anna Jansen", "Dirk Mulder",
                                                "Cees Visser"]
    assert third == []


def test_customer_list_keyset_keeps_namesakes_apart(shop):
    ids = [customers.save_customer(OWNER, CustomerInput(first_name="Jan", last_name="Smit")).id
           for _ in range(3)]
    seen = []
    after = None
    while page := reports.customer_list(limit=1, after=after):
        seen += [r.id for r in page]
        after = page[-1].cursor
    assert seen == sorted(ids)  # same sort_name: by id, none skipped or shown twice


def test_customer_list_does_not_page_with_offset():
    import inspect
    assert ".offset(" not in inspect.getsource(reports.customer_list)


def test_a_renamed_type_does_not_change_past_sales_counts(sold, shop):
    masters.save_type(OWNER, "Personeel", discount="50", type_id=shop.types["Staff"].id)
    rows = reports.sales_by("type", "2026-03-01", "2026-03-31")
    staff_row = next(r for r in rows if r.key == str(shop.types["Staff"].id))
    assert (staff_row.sales, staff_row.total, staff_row.discount) == (1, D("10.28"), D("1.82"))


# -- paged reports -----------------------------------------------------------------------

def test_by_item_counts_quantity_and_splits_vat(sold):
    page = reports.sales_page("item", "2026-03-01", "2026-03-31")
    got = [(r.key, r.label, r.count, r.net, r.vat, r.gross, r.discount) for r in page.rows]
    assert got == [
        ("MUG-01", "Stoneware mug", D("4"), D("38.50"), D("8.08"), D("46.58"), D("1.82")),
        ("COF-250", "Coffee beans 250 g", D("4"), D("25.51"), D("2.29"), D("27.80"), D("0")),
        ("GIFT-25", "Gift card 25", D("1"), D("25.00"), D("0"), D("25.00"), D("0")),
    ]
    t = page.totals
    assert (t.count, t.net, t.vat, t.gross, t.discount) == (
        D("9"), D("89.01"), D("10.37"), D("99.38"), D("1.82"))
    assert (page.groups, page.next_cursor) == (3, None)


def test_by_customer_pages_by_keyset_with_totals_for_the_whole_range(sold, shop):
    more = [customers.save_customer(OWNER, CustomerInput(first_name=f"Klant{i}", last_name="Test")).id
            for i in range(3)]
    for cid in more:
        sell("2026-03-10", [("COF-250", "1")], customer_id=cid)  # three ties at 6.95
    first = reports.sales_page("customer", "2026-03-01", "2026-03-31", limit=2)
    assert [r.label for r in first.rows] == ["(walk-in)", "Daan Smit"]
    assert first.groups == 5 and first.next_cursor
    second = reports.sales_page("customer", "2026-03-01", "2026-03-31", limit=2,
                                after=first.next_cursor)
    third = reports.sales_page("customer", "2026-03-01", "2026-03-31", limit=2,
                               after=second.next_cursor)
    assert [r.key for r in second.rows + third.rows] == [str(i) for i in more]  # ties by id
    assert third.next_cursor is None
    for page in (first, second, third):  # every page carries the range's totals
        assert (page.totals.count, page.totals.gross) == (9, D("99.38") + 3 * D("6.95"))
    assert first.rows[0].net == first.rows[0].gross - first.rows[0].vat


def test_a_page_past_the_end_is_empty_with_the_totals(sold):
    first = reports.sales_page("profile", "2026-03-01", "2026-03-31", limit=3)
    assert first.next_cursor is not None  # exactly 3 rows: one more (empty) page
    after = reports.sales_page("profile", "2026-03-01", "2026-03-31", limit=3,
                               after=first.next_cursor)
    assert after.rows == () and after.next_cursor is None
    assert (after.totals.count, after.totals.gross, after.groups) == (6, D("99.38"), 3)


def test_paged_filters_and_days(sold, shop):
    page = reports.sales_page("day", "2026-03-01", "2026-03-03",
                              reports.ReportFilter(profile_id=sold["retail"]), limit=1)
    assert [(r.key, r.count, r.gross) for r in page.rows] == [("2026-03-01", 1, D("12.10"))]
    nxt = reports.sales_page("day", "2026-03-01", "2026-03-03",
                             reports.ReportFilter(profile_id=sold["retail"]), limit=1,
                             after=page.next_cursor)
    assert [(r.key, r.count, r.gross) for r in nxt.rows] == [("2026-03-02", 2, D("31.13"))]
    staff = reports.sales_page("item", None, None,
                               reports.ReportFilter(type_id=shop.types["Staff"].id))
    assert [(r.key, r.count, r.gross) for r in staff.rows] == [("MUG-01", D("1"), D("10.28"))]


@pytest.mark.parametrize("by, after", [
    ("customer", "nonsense"), ("customer", "12:abc"), ("item", "x:MUG"),
    ("day", "0:2026-02-30"), ("profile", "9" * 20 + ":1"), ("item", "1:" + "x" * 90)])
def test_a_bad_cursor_is_refused(db, by, after):
    with pytest.raises(ValidationError) as info:
        reports.sales_page(by, after=after)
    assert info.value.field == "after"


@pytest.mark.parametrize("limit", [0, -1, 1001, "5"])
def test_a_bad_page_size_is_refused(db, limit):
    with pytest.raises(ValidationError) as info:
        reports.sales_page("customer", limit=limit)
    assert info.value.field == "limit"


@pytest.mark.parametrize("name, start", [
    ("today", "2026-11-25"), ("this-week", "2026-11-23"), ("this-month", "2026-11-01"),
    ("last-30-days", "2026-10-27")])
def test_quick_ranges_end_today(name, start):
    today = dt.date(2026, 11, 25)  # a Wednesday
    assert reports.quick_range(name, today) == (dt.date.fromisoformat(start), today)


def test_an_unknown_range_is_refused():
    with pytest.raises(ValidationError) as info:
        reports.quick_range("yesterday")
    assert info.value.field == "range"


def test_page_csv_is_machine_readable_with_a_totals_row(sold):
    page = reports.sales_page("item", "2026-03-01", "2026-03-31", limit=2)
    parsed = list(csv.reader(io.StringIO(reports.page_csv(page))))
    assert parsed[0] == ["item", "key", "quantity", "net", "vat", "gross", "discount"]
    assert parsed[1] == ["Stoneware mug", "MUG-01", "4.000", "38.50", "8.08", "46.58", "1.82"]
    assert parsed[-1] == ["Total", "*", "9.000", "89.01", "10.37", "99.38", "1.82"]
    assert len(parsed) == 4  # the page's two rows between header and totals


def test_page_table_in_the_store_locale(sold):
    page = reports.sales_page("customer", "2026-03-01", "2026-03-31")
    lines = reports.page_table(page, "EUR", "nl_NL").splitlines()
    assert lines[0].split() == ["Customer", "Sales", "Net", "VAT", "Gross", "EUR", "Discount"]
    assert lines[2].split() == ["(walk-in)", "5", "80,51", "8,59", "89,10", "0,00"]
    assert lines[-1].split() == ["Total", "6", "89,01", "10,37", "99,38", "1,82"]
    assert len({len(line) for line in lines}) == 1


def test_cli_report_pages_with_after(sold, db_file, capsys):
    from tests.cli_run import run
    code, out, err = run(capsys, "report", "sales", "--by", "item", "--from", "2026-03-01",
                         "--to", "2026-03-31", "--limit", "2", "--format", "csv",
                         "--db", db_file)
    assert code == 0
    assert [r[1] for r in csv.reader(io.StringIO(out))][1:] == ["MUG-01", "COF-250", "*"]
    cursor = err.split("--after ")[1].strip()
    code, out, err = run(capsys, "report", "sales", "--by", "item", "--from", "2026-03-01",
                         "--to", "2026-03-31", "--limit", "2", "--after", cursor,
                         "--format", "csv", "--db", db_file)
    assert code == 0 and err == ""  # the last page: no next cursor
    assert [r[1] for r in csv.reader(io.StringIO(out))][1:] == ["GIFT-25", "*"]


def test_cli_report_quick_range(sold, db_file, capsys):
    from tests.cli_run import run
    today = dt.date.today().isoformat()
    sell(today, [("MUG-01", "1")])
    code, out, err = run(capsys, "report", "sales", "--by", "day", "--range", "today",
                         "--format", "csv", "--db", db_file)
    assert code == 0, err
    assert [r[1] for r in csv.reader(io.StringIO(out))][1:] == [today, "*"]


@pytest.mark.parametrize("argv, says", [
    (("--range", "today", "--from", "2026-03-01"), "not both"),
    (("--range", "yesterday"), "yesterday"),
    (("--limit", "0"), "1 to 1000"),
    (("--after", "garbage"), "cursor"),
])
def test_cli_report_refuses_before_touching_the_database(tmp_path, capsys, argv, says):
    from tests.cli_run import one_line, run
    code, out, err = run(capsys, "report", "sales", "--by", "customer", *argv,
                         "--db", str(tmp_path / "x.db"))
    assert code != 0 and out == ""
    assert says in one_line(err)
    assert list(tmp_path.iterdir()) == []


def test_items_list_pages_by_sku_keyset(shop):
    from tui_pos.services import catalog
    every = [i.sku for i in catalog.list_items(include_inactive=True, limit=1000)]
    paged, after = [], None
    while page := catalog.list_items(include_inactive=True, limit=2, after=after):
        paged += [i.sku for i in page]
        after = page[-1].sku
    assert paged == every == sorted(every) and len(every) >= 3


def test_report_csv_holds_every_page(sold, monkeypatch):
    monkeypatch.setattr(reports, "MAX_PAGE", 1)  # one row a page: three pages
    text = reports.report_csv("item", "2026-03-01", "2026-03-31")
    assert [r[1] for r in csv.reader(io.StringIO(text))] == [
        "key", "MUG-01", "COF-250", "GIFT-25", "*"]


@pytest.mark.parametrize("by", reports.PAGED_GROUPINGS)
def test_walking_pages_of_one_gives_the_whole_report(sold, by):
    whole = reports.sales_page(by, limit=1000)
    walked, after = [], None
    while True:
        page = reports.sales_page(by, limit=1, after=after)
        walked += page.rows
        assert page.totals == whole.totals and page.groups == whole.groups
        if page.next_cursor is None:
            break
        after = page.next_cursor
    assert walked == list(whole.rows) and len(walked) == whole.groups >= 2
