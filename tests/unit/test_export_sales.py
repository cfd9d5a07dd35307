"""Exporting sales: one row per sale line or per sale, CSV and .xlsx, filtered
by business date, read a page at a time by keyset, cells safe for spreadsheets."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import replace
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.cli_run import one_line, run
from tui_pos.db.connection import close_database, open_database
from tui_pos.db.models import Sale, SaleLine
from tui_pos.services import customers, export_sales
from tui_pos.services.customers import CustomerInput
from tui_pos.services.errors import ValidationError
from tui_pos.services.sales import SaleDraft, complete_sale
from tests.actors import CASHIER, OWNER
from tests.registers import open_registers

D = Decimal
HOSTILE = '=HYPERLINK("http://evil.example","x")'


def sell(shop) -> None:
    """Three sales on three days: a staff customer with a hostile name, a bill
    discount and two lines paid by card; a walk-in paying cash with change; one mug."""
    who = customers.save_customer(OWNER, CustomerInput(
        first_name=HOSTILE, last_name="Smit", customer_type_id=shop.types["Staff"].id,
        profile_id=shop.profiles["Retail"].id)).id
    draft = SaleDraft.new()
    draft.add_item("MUG-01", "2")
    draft.add_item("COF-250", "1.5")
    draft.set_customer(who)
    draft.set_bill_discount(OWNER, "10")
    complete_sale(replace(CASHIER, name="Anna"), draft, method="card",
                  at=dt.datetime(2026, 11, 1, 10, 15, 30))
    draft = SaleDraft.new()
    draft.add_item("GIFT-25")
    complete_sale(replace(CASHIER, name="-Bob"), draft, tendered="50", at=dt.datetime(2026, 11, 2, 9, 0))
    draft = SaleDraft.new()
    draft.add_item("MUG-01")
    complete_sale(OWNER, draft, at=dt.datetime(2026, 11, 3, 17, 45))


def exported(per="line", date_from=None, date_to=None) -> list[dict[str, str]]:
    out = io.StringIO()
    export_sales.write_sales_csv(out, per, date_from, date_to)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == [c.header for c in export_sales.sales_columns(per)]
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def test_one_row_per_line_with_the_sales_snapshot(shop):
    sell(shop)
    rows = exported("line")
    assert [(r["Sale number"], r["Line"], r["SKU"]) for r in rows] == [
        ("1", "1", "MUG-01"), ("1", "2", "COF-250"), ("2", "1", "GIFT-25"), ("3", "1", "MUG-01")]
    mug = rows[0]
    assert mug["Date"] == "2026-11-01" and mug["Sold at"] == "2026-11-01T10:15:30"
    assert mug["Status"] == "completed" and mug["Cashier"] == "Anna"
    assert mug["Terminal"] == CASHIER.terminal  # where it was rung up
    assert mug["Customer name"] == "'" + HOSTILE + " Smit"  # a formula never runs
    assert mug["Customer type"] == "Staff" and mug["Customer profile"] == "Retail"
    assert mug["Quantity"] == "2" and rows[1]["Quantity"] == "1.5"
    assert mug["Unit price"] == "12.10" and mug["VAT class"] == "Hoog" and mug["VAT %"] == "21.00"
    assert mug["Discount %"] == "15.00" and mug["Discount source"] == "type"
    assert mug["Bill discount %"] == "10.00" and mug["Prices incl. VAT"] == "yes"
    stored = SaleLine.select().order_by(SaleLine.id)
    for row, line in zip(rows, stored):  # every money cell is the stored amount, exactly
        assert D(row["Line discount"]) == line.discount_amount
        assert D(row["Bill discount"]) == line.bill_discount_amount
        assert D(row["Amount"]) == line.amount
    assert rows[2]["Cashier"] == "'-Bob" and rows[2]["Customer name"] == ""
    assert rows[2]["Bill discount %"] == "" and rows[2]["Bill discount"] == "0.00"


def test_one_row_per_sale_with_totals_and_payment(shop):
    sell(shop)
    rows = exported("sale")
    assert [r["Sale number"] for r in rows] == ["1", "2", "3"]
    for row, sale in zip(rows, Sale.select().order_by(Sale.number)):
        for header, value in (("Subtotal", sale.subtotal), ("Discount total", sale.discount_total),
                              ("VAT total", sale.vat_total), ("Total", sale.total),
                              ("Paid", sale.paid), ("Change", sale.change)):
            assert D(row[header]) == value, header
    card, cash = rows[0], rows[1]
    assert card["Payment method"] == "card" and card["Bill discount %"] == "10.00"
    assert D(card["Discount total"]) > 0
    assert (cash["Payment method"], cash["Paid"], cash["Change"], cash["Total"]) == (
        "cash", "50.00", "25.00", "25.00")


def test_dates_filter_by_business_day_inclusive(shop):
    sell(shop)
    assert [r["Sale number"] for r in exported("sale", "2026-11-02", "2026-11-02")] == ["2"]
    assert [r["Sale number"] for r in exported("sale", "2026-11-02")] == ["2", "3"]
    assert [r["SKU"] for r in exported("line", None, "2026-11-01")] == ["MUG-01", "COF-250"]
    assert exported("line", "2027-01-01") == []


@pytest.mark.parametrize("dates", [("2026-13-01", None), ("yesterday", None),
                                   ("2026-11-03", "2026-11-01")])
def test_bad_dates_are_refused_before_reading(db, dates):
    with pytest.raises(ValidationError):
        export_sales.sales_records("line", *dates)


def test_rows_are_per_line_or_per_sale_only(db):
    with pytest.raises(ValidationError):
        export_sales.sales_columns("item")


@pytest.mark.parametrize("page", [1, 2, 3])
def test_keyset_pages_neither_skip_nor_repeat(shop, monkeypatch, page):
    sell(shop)
    whole_lines, whole_sales = exported("line"), exported("sale")
    monkeypatch.setattr(export_sales, "LINE_PAGE", page)
    monkeypatch.setattr(export_sales, "SALE_PAGE", page)
    assert exported("line") == whole_lines
    assert exported("sale") == whole_sales


def test_records_stream_a_page_at_a_time(shop, monkeypatch):
    """Nothing is read before the first row is asked for, and one page of lines is
    one query: rows are never gathered into a list of the whole export."""
    sell(shop)
    monkeypatch.setattr(export_sales, "LINE_PAGE", 2)
    queries = []
    database = Sale._meta.database.obj  # the real database behind peewee's proxy
    real = database.execute_sql

    def counted(sql, params=None, *args, **kwargs):
        queries.append(sql)
        return real(sql, params, *args, **kwargs)
    monkeypatch.setattr(database, "execute_sql", counted)
    records = export_sales.sales_records("line")
    assert queries == []
    next(records), next(records)
    assert len(queries) == 1
    next(records)
    assert len(queries) == 2


@pytest.mark.sqlite_only("reads SQLite's EXPLAIN QUERY PLAN")
@pytest.mark.parametrize("dates", [(None, None), (dt.date(2026, 11, 2), None),
                                   (dt.date(2026, 11, 1), dt.date(2026, 11, 30))])
def test_no_page_sorts_its_rows(shop, dates):
    """Each page walks the business date index from where the last one ended:
    SQLite never sorts (a sort would read the whole rest of the range per page)."""
    sell(shop)
    database = Sale._meta.database
    for query in (export_sales.line_page([Sale.number], *dates),
                  export_sales.line_page([Sale.number], *dates, (dt.date(2026, 11, 2), 2, 3)),
                  export_sales.sale_page([Sale.number], *dates),
                  export_sales.sale_page([Sale.number], *dates, (dt.date(2026, 11, 2), 2))):
        sql, params = query.sql()
        plan = " ".join(str(row[-1]) for row in
                        database.execute_sql("EXPLAIN QUERY PLAN " + sql, params))
        assert "sale_business_date" in plan and "TEMP B-TREE" not in plan, plan


def test_rows_come_by_business_date_then_number(shop):
    """A sale recorded later for an earlier day (a web-shop order) sorts by its day."""
    sell(shop)
    draft = SaleDraft.new()
    draft.add_item("COF-250")
    complete_sale(OWNER, draft, at=dt.datetime(2026, 10, 31, 12, 0))
    assert [r["Sale number"] for r in exported("sale")] == ["4", "1", "2", "3"]
    assert [r["Sale number"] for r in exported("line")] == ["4", "1", "1", "2", "3"]


# -- .xlsx -----------------------------------------------------------------------------

def test_xlsx_cells_are_numbers_dates_and_text(shop, tmp_path):
    sell(shop)
    path = tmp_path / "lines.xlsx"
    assert export_sales.export_sales_to(path, "line", file_format="xlsx") == 4
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    sheet = load_workbook(path).active
    header = [c.value for c in sheet[1]]
    mug = {h: c for h, c in zip(header, sheet[2])}
    assert mug["Sale number"].value == 1 and mug["Sale number"].data_type == "n"
    assert mug["Date"].value == dt.datetime(2026, 11, 1) and mug["Date"].is_date
    assert mug["Sold at"].value == dt.datetime(2026, 11, 1, 10, 15, 30)
    assert mug["Unit price"].value == 12.1 and mug["Unit price"].number_format == "#,##0.00"
    assert mug["Quantity"].value == 2 and mug["Discount %"].value == 15
    amount = SaleLine.get(SaleLine.position == 1, SaleLine.sku == "MUG-01",
                          SaleLine.sale == Sale.get(Sale.number == 1)).amount
    assert D(str(mug["Amount"].value)) == amount and mug["Amount"].data_type == "n"
    name = mug["Customer name"]
    assert name.value == HOSTILE + " Smit" and name.data_type == "s"  # text, not a formula
    assert mug["Cashier"].value == "Anna"
    with zipfile.ZipFile(path) as book:
        xml = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "HYPERLINK" in xml
    assert [c.value for c in sheet[4]][header.index("Cashier")] == "-Bob"


def test_xlsx_per_sale(shop, tmp_path):
    sell(shop)
    path = tmp_path / "sales.xlsx"
    assert export_sales.export_sales_to(path, "sale", file_format="xlsx") == 3
    book = load_workbook(path)
    sheet = book["Sales"]
    header = [c.value for c in sheet[1]]
    cash = {h: c.value for h, c in zip(header, sheet[3])}
    assert (cash["Paid"], cash["Change"], cash["Payment method"]) == (50, 25, "cash")


# -- The command line ----------------------------------------------------------------------

@pytest.fixture
def store(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("TUI_POS_DATABASE", raising=False)
    path = str(tmp_path / "shop.db")
    assert run(capsys, "init", "--db", path)[0] == 0
    open_database(path)
    open_registers()  # a sale needs an open register on its terminal
    from types import SimpleNamespace

    from tui_pos.db.models import VatClass
    from tui_pos.services import catalog, masters
    from tui_pos.services.catalog import ItemInput
    vat = {v.name: v for v in VatClass.select()}  # init made Hoog, Laag and Nul
    for sku, price, rate in (("MUG-01", "12.10", "Hoog"), ("COF-250", "6.95", "Laag"),
                             ("GIFT-25", "25.00", "Nul")):
        catalog.save_item(OWNER, ItemInput(sku=sku, name=sku, price=price,
                                           vat_class_id=vat[rate].id))
    sell(SimpleNamespace(types={"Staff": masters.save_type(OWNER, "Staff", discount="15")},
                         profiles={"Retail": masters.save_profile(OWNER, "Retail")}))
    close_database()
    return path


def test_cli_sales_to_stdout_per_sale_and_per_line(store, capsys):
    code, out, err = run(capsys, "export", "sales", "--per", "sale", "--db", store)
    assert code == 0 and err == ""
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][:2] == ["Sale number", "Date"] and len(rows) == 4
    code, out, err = run(capsys, "export", "sales", "--from", "2026-11-03", "--db", store)
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0 and [r[0] for r in rows[1:]] == ["3"] and "SKU" in rows[0]


def test_cli_sales_xlsx_to_a_file(store, capsys, tmp_path):
    target = tmp_path / "s.xlsx"
    code, out, err = run(capsys, "--db", store, "export", "sales", "--format", "xlsx",
                         "--out", str(target))
    assert code == 0 and out == f"tui-pos: 4 sale lines written to {target}\n"
    assert load_workbook(target).sheetnames == ["Sale lines"]
    assert oct(target.stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize("argv, says", [
    (("--format", "xlsx"), "--out"),
    (("--from", "2026-13-01", "--out", "OUT"), "From must be a date"),
    (("--from", "2026-11-03", "--to", "2026-11-01", "--out", "OUT"), "after the To date"),
    (("--out", "MISSING/s.csv"), "cannot be written"),
    (("--out", "STORE"), "is the database itself"),
    (("--out", "STORE-wal"), "is the database itself"),
])
def test_cli_refusals_are_one_line_and_write_nothing(store, capsys, tmp_path, argv, says):
    argv = [a.replace("OUT", str(tmp_path / "s.csv")).replace("MISSING", str(tmp_path / "no"))
            .replace("STORE", store) for a in argv]
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    code, out, err = run(capsys, "export", "sales", "--db", store, *argv)
    assert code == 1 and out == "" and says in one_line(err)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before


def test_cli_stops_quietly_when_the_reader_goes_away(store, capsys, monkeypatch):
    """`tui-pos export sales | head -1`: the pipe closes early; no error, exit 0."""
    import os
    import sys

    from tui_pos.cli import main

    read, write = os.pipe()
    os.close(read)
    pipe = open(write, "w", buffering=1)  # a line at a time, as a pipe to head is read
    monkeypatch.setattr(sys, "stdout", pipe)
    try:
        code = main(["export", "sales", "--db", store])
    finally:
        close_database()
        pipe.close()
    assert code == 0 and capsys.readouterr().err == ""


def test_more_rows_than_a_sheet_holds_is_refused_and_nothing_written(shop, tmp_path,
                                                                     monkeypatch):
    from tui_pos.services import export

    sell(shop)
    monkeypatch.setattr(export, "XLSX_MAX_ROWS", 4)  # the header and three rows
    assert export_sales.export_sales_to(tmp_path / "s.xlsx", "sale", file_format="xlsx") == 3
    with pytest.raises(ValidationError, match="more than 3 rows"):
        export_sales.export_sales_to(tmp_path / "l.xlsx", "line", file_format="xlsx")
    assert sorted(p.name for p in tmp_path.iterdir() if "xlsx" in p.name) == ["s.xlsx"]
