"""Reports narrowed to the staff member who rang the sales up and to the
terminal they were made on (both recorded by each sale since schema 4)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from tui_pos.db.models import Sale, SaleLine, Staff
from tui_pos.services import reports
from tui_pos.services.errors import ValidationError
from tui_pos.services.reports import ReportFilter
from tui_pos.services.sales import SaleDraft, complete_sale
from tests.actors import OWNER


def sell(day: str, items, profile_id=None, staff_id=None, terminal=""):
    draft = SaleDraft.new()
    if profile_id is not None:
        draft.set_profile(profile_id)
    for code, qty in items:
        draft.add_item(code, qty)
    at = dt.datetime.combine(dt.date.fromisoformat(day), dt.time(12, 0))
    done = complete_sale(OWNER, draft, at=at)
    # who and where, as the till records them (set here: this test is about reading them)
    Sale.update(staff=staff_id, terminal=terminal).where(Sale.id == done.id).execute()
    return done


@pytest.fixture
def sold(shop):
    ann, bob = (Staff.create(name=n, name_key=n.lower(), role="cashier", pin_hash="x").id
                for n in ("Ann", "Bob"))
    retail = shop.profiles["Retail"].id
    sales = [
        sell("2026-03-02", [("MUG-01", "2")], retail, ann, "Kassa 1"),
        sell("2026-03-03", [("COF-250", "3"), ("MUG-01", "1")], retail, ann, "Kassa 2"),
        sell("2026-03-04", [("GIFT-25", "1")], None, bob, "Kassa 2"),
        sell("2026-03-05", [("MUG-01", "5")], retail, None, ""),
    ]
    return {"ann": ann, "bob": bob, "retail": retail, "sales": sales}


def gross(sales) -> Decimal:
    return sum((s.total for s in sales), Decimal(0))


@pytest.mark.parametrize("by", ["profile", "type", "customer", "day", "item"])
def test_by_staff_member_and_terminal(sold, by):
    s = sold["sales"]
    for where, expected in [
        (ReportFilter(staff_id=sold["ann"]), s[:2]),
        (ReportFilter(staff_id=sold["bob"]), s[2:3]),
        (ReportFilter(terminal="Kassa 2"), s[1:3]),
        (ReportFilter(staff_id=sold["ann"], terminal="Kassa 2"), s[1:2]),
        (ReportFilter(staff_id=sold["bob"], profile_id=sold["retail"]), []),
        (ReportFilter(terminal="Kassa 9"), []),
    ]:
        page = reports.sales_page(by, "2026-03-01", "2026-03-31", where)
        assert page.totals.gross == gross(expected), (by, where)
        assert sum(r.gross for r in page.rows) == gross(expected)
        if by != "item":
            assert page.totals.count == len(expected)


def test_by_item_for_one_staff_member_counts_their_lines(sold):
    page = reports.sales_page("item", "2026-03-01", "2026-03-31",
                              ReportFilter(staff_id=sold["ann"]))
    assert {r.key: r.count for r in page.rows} == {"MUG-01": Decimal("3"),
                                                   "COF-250": Decimal("3")}
    ids = [s.id for s in sold["sales"][:2]]
    assert page.totals.count == sum(l.quantity for l in SaleLine.select()
                                    .where(SaleLine.sale.in_(ids)))


def test_a_terminal_name_with_control_characters_finds_what_its_clean_name_does(sold):
    plain = reports.sales_page("day", None, None, ReportFilter(terminal="Kassa 1"))
    noisy = reports.sales_page("day", None, None, ReportFilter(terminal="Kassa\x1b 1"))
    assert plain.totals == noisy.totals and plain.totals.count == 1


def test_named_filter_finds_names_ignoring_case_and_refuses_unknown_ones(sold):
    where = reports.named_filter("RETAIL", None, "ann", " Kassa 2 ")
    assert where == ReportFilter(profile_id=sold["retail"], staff_id=sold["ann"],
                                 terminal="Kassa 2")
    for args, field in [(("Nope",), "profile"), ((None, "Nope"), "type"),
                        ((None, None, "Zed"), "staff")]:
        with pytest.raises(ValidationError, match="There is no") as caught:
            reports.named_filter(*args)
        assert caught.value.field == field


def test_cli_report_for_one_staff_member_on_one_terminal(sold, db_file, capsys):
    from tests.cli_run import run
    code, out, err = run(capsys, "report", "sales", "--by", "day", "--from", "2026-03-01",
                         "--to", "2026-03-31", "--staff", "Ann", "--terminal", "Kassa 2",
                         "--format", "csv", "--db", db_file)
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert [r[1] for r in rows[1:]] == ["2026-03-03", "*"]
    assert rows[-1][5] == f"{sold['sales'][1].total:.2f}"
    code, out, err = run(capsys, "report", "sales", "--by", "day", "--staff", "Zed",
                         "--db", db_file)
    assert code != 0 and out == "" and "There is no staff member called 'Zed'" in err
