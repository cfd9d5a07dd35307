"""The .xlsx writer (export.write_xlsx) makes the sheet XML itself: what a
spreadsheet reads back is every value as its kind, the header bold and frozen,
text never a formula, and a sheet's row limit kept."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tui_pos.services import export
from tui_pos.services.errors import ValidationError
from tui_pos.services.export import Column

COLUMNS = [Column("Name"), Column("Total", export.MONEY), Column("Discount", export.PERCENT),
           Column("Qty", export.QUANTITY), Column("Count", export.INTEGER),
           Column("Day", export.DATE), Column("At", export.DATETIME),
           Column("Active", export.YESNO), Column("Value", export.NUMBER)]
ROWS = [
    ["=HYPERLINK(\"x\")", Decimal("-1234.50"), Decimal("15.00"), Decimal("1.500"), 7,
     dt.date(2026, 2, 28), dt.datetime(2026, 11, 25, 17, 3, 9), True, Decimal("1E+3")],
    ["  Zoë <b>&amp;</b> 王  ", None, None, Decimal("-2"), 0, dt.date(1900, 3, 1),
     dt.datetime(2026, 1, 1, 0, 0, 0, 250000), False, "not a number"],
]


def written(columns=COLUMNS, rows=ROWS, sheet="Sales"):
    out = io.BytesIO()
    assert export.write_xlsx(out, sheet, columns, rows) == len(rows)
    out.seek(0)
    return load_workbook(out)[sheet]


def test_values_come_back_as_their_kind():
    ws = written()
    got = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert got[0] == ["=HYPERLINK(\"x\")", Decimal("-1234.50"), 15, 1.5, 7,
                      dt.datetime(2026, 2, 28), dt.datetime(2026, 11, 25, 17, 3, 9), "yes", 1000]
    assert got[1] == ["  Zoë <b>&amp;</b> 王  ", None, None, -2, 0, dt.datetime(1900, 3, 1),
                      dt.datetime(2026, 1, 1, 0, 0, 0, 250000), "no", "not a number"]
    assert ws["A2"].data_type == "s"  # text, not a formula
    assert [ws[f"{c}2"].number_format for c in "BCEFG"] == [
        "#,##0.00", "0.00", "0", "yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss"]


def test_the_header_is_bold_frozen_and_sized():
    ws = written()
    assert [c.value for c in ws[1]] == [c.header for c in COLUMNS]
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].width == 10
    assert ws.title == "Sales"


def test_a_long_row_of_columns_gets_letters_past_z():
    columns = [Column(f"C{i}", export.INTEGER) for i in range(30)]
    ws = written(columns, [list(range(30))])
    assert ws["AD2"].value == 29 and ws["AA1"].value == "C26"


def test_more_rows_than_a_sheet_holds_is_refused(monkeypatch):
    monkeypatch.setattr(export, "XLSX_MAX_ROWS", 3)
    with pytest.raises(ValidationError, match="more than 2 rows"):
        export.write_xlsx(io.BytesIO(), "S", [Column("N")], [["a"], ["b"], ["c"]])
