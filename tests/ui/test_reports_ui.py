"""Reports through the keyboard: sales by profile after a real sale, bad
dates at the field, CSV export beside the database, the customer list."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest
from textual.widgets import DataTable, OptionList, Select, TabbedContent

from tui_pos.db.connection import close_database
from tui_pos.services import config, customers, masters, reports
from tui_pos.services.customers import CustomerInput
from tui_pos.services.sales import SaleDraft, complete_sale
from tui_pos.ui.screens.reports import ReportsScreen

from tests.ui.keys import SIZE, open_from_menu, screen_text
from tests.actors import OWNER


def rows(screen, table_id: str) -> list[list[str]]:
    table = screen.query_one(f"#{table_id}", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def settle(pilot) -> None:
    """The report's pages are added up in a worker: wait for it, then for the screen."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_reports(pilot) -> ReportsScreen:
    menu = pilot.app.screen.query_one("#menu", OptionList)
    while menu.get_option_at_index(menu.highlighted).id != "Reports":
        await pilot.press("down")
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ReportsScreen)
    return pilot.app.screen


def sell(code: str, customer_id: int | None = None, profile_id: int | None = None) -> None:
    draft = SaleDraft.new()
    if customer_id is not None:
        draft.set_customer(customer_id)
    if profile_id is not None:
        draft.set_profile(profile_id)
    draft.add_item(code)
    complete_sale(OWNER, draft)


def retail_store():
    config.set_switch(OWNER, "show_customer_profile", True)
    retail = masters.save_profile(OWNER, "Retail")
    masters.save_profile(OWNER, "Wholesale")
    jan = customers.save_customer(OWNER, CustomerInput(first_name="Jan", last_name="de Vries",
                                                profile_id=retail.id, tags="vip"))
    return retail, jan


async def test_a_sale_with_a_profile_shows_in_sales_by_profile(app):
    retail, jan = retail_store()
    sell("MUG-01", customer_id=jan.id)  # the profile follows the customer's
    sell("COF-250")  # walk-in, no profile
    assert {r.label: str(r.total) for r in reports.sales_by("profile")} == \
        {"Retail": "12.10", "(no profile)": "6.95"}
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_reports(pilot)
        assert screen.query_one("#by", Select).value == "profile"
        await pilot.press("f5")
        await settle(pilot)
        table = rows(screen, "sales")
        # money in the store's locale (nl_NL: a decimal comma)
        assert table[0] == ["Retail", "1", "10,00", "2,10", "12,10", "0,00"]
        assert table[1][0] == "(no profile)" and table[1][-2] == "6,95"
        assert table[-1] == ["Total", "2", "16,38", "2,67", "19,05", "0,00"]
        text = screen_text(app)
        assert "Retail" in text and "12,10" in text and "19,05" in text


async def test_filter_by_profile_and_group_by_type(app):
    retail, jan = retail_store()
    sell("MUG-01", customer_id=jan.id)
    sell("COF-250")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_reports(pilot)
        screen.query_one("#profile", Select).focus()
        await pilot.press("enter", "down", "enter")  # the first profile: Retail
        await settle(pilot)
        assert screen.query_one("#profile", Select).value == retail.id
        assert [r[0] for r in rows(screen, "sales")] == ["Retail", "Total"]
        screen.query_one("#by", Select).focus()
        await pilot.press("enter", "down", "enter")  # Customer type
        await settle(pilot)
        assert rows(screen, "sales")[0] == ["(no type)", "1", "10,00", "2,10", "12,10", "0,00"]


async def test_without_the_profile_switch_there_is_no_profile_grouping(app):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_reports(pilot)
        by = screen.query_one("#by", Select)
        assert by.value == "type"
        assert "profile" not in [value for _, value in by._options]
        assert not screen.query("#profile")
        assert "Profile" not in screen_text(app)


async def test_bad_date_is_shown_at_the_date_field(app):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_reports(pilot)
        screen.query_one("#from").focus()
        await pilot.press("ctrl+u", *"2026-13-01", "enter")
        await settle(pilot)
        error = screen.query_one("#from-error")
        assert error.display and "From must be a date like" in str(error.render())
        assert "From must be a date like" in screen_text(app)
        assert app.focused.id == "from"
        # From after To is refused at To
        await pilot.press("ctrl+u", *"2030-01-01", "f5")
        await settle(pilot)
        assert not screen.query_one("#from-error").display
        assert "after the To date" in str(screen.query_one("#to-error").render())


@pytest.mark.sqlite_only("a file beside the SQLite database / a read-only SQLite file")
async def test_export_writes_the_shown_report_beside_the_database(app, store):
    retail, jan = retail_store()
    sell("MUG-01", customer_id=jan.id)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_reports(pilot)
        await pilot.press("f7")
        await settle(pilot)
        path = Path(store["path"]).parent / f"sales-by-profile-{dt.date.today():%Y%m%d}.csv"
        assert path.read_text(encoding="utf-8") == (
            "profile,key,sales,net,vat,gross,discount\n"
            f"Retail,{retail.id},1,10.00,2.10,12.10,0.00\nTotal,*,1,10.00,2.10,12.10,0.00\n")
        assert str(path.name) in screen_text(app)


async def test_customer_list_by_profile_and_tag(app):
    retail, jan = retail_store()
    customers.save_customer(OWNER, CustomerInput(first_name="Anna", last_name="Jansen"))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_reports(pilot)
        await pilot.press("f6")
        await settle(pilot)
        assert screen.query_one("#tabs", TabbedContent).active == "customers-tab"
        assert sorted(r[1] for r in rows(screen, "customers")) == ["Anna Jansen",
                                                                   "Jan de Vries"]
        assert "2 of 2 customers" in screen_text(app)
        screen.query_one("#tag").focus()
        await pilot.press(*"VIP", "enter")
        await settle(pilot)
        assert [r[1:3] for r in rows(screen, "customers")] == [["Jan de Vries", "Retail"]]


async def test_customer_list_pages(app):
    for n in range(120):
        customers.save_customer(OWNER, CustomerInput(first_name=f"Klant{n:03d}"))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_reports(pilot)
        await pilot.press("ctrl+t")  # F6's alias, for terminals without F-keys
        await settle(pilot)
        table = screen.query_one("#customers", DataTable)
        assert table.row_count == 50
        assert "50 of 120 customers" in screen_text(app)
        await pilot.press("ctrl+end")
        await settle(pilot)
        assert table.row_count == 100


async def test_names_are_shown_literally_in_every_report_and_filter(app):
    """Names that look like markup are text: in the sales by profile, type and
    customer, the customer list and the filters' options."""
    config.set_switch(OWNER, "show_customer_profile", True)
    vip = masters.save_profile(OWNER, "[red]VIP[/red]")
    masters.save_profile(OWNER, "Horeca [b]x[/b]")
    kind = masters.save_type(OWNER, "Staff [/]", discount="0")
    who = customers.save_customer(OWNER, CustomerInput(
        first_name="[link=x]y[/link]", last_name="[@click=app.quit]",
        profile_id=vip.id, customer_type_id=kind.id))
    sell("MUG-01", customer_id=who.id)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_reports(pilot)
        assert rows(screen, "sales")[0][0] == "[red]VIP[/red]"
        assert "[red]VIP[/red]" in screen_text(app)
        assert rows(screen, "sales")[0][1:] == ["1", "10,00", "2,10", "12,10", "0,00"]
        screen.query_one("#by", Select).focus()
        await pilot.press("enter", "down", "enter")  # Customer type
        await settle(pilot)
        assert rows(screen, "sales")[0][0] == "Staff [/]"
        assert "Staff [/]" in screen_text(app)
        await pilot.press("enter", "down", "enter")  # Customer
        await settle(pilot)
        # cut to the column by terminal cells, never inside what looks like a tag
        assert rows(screen, "sales")[0][0] == "[link=x]y[/link]…"
        assert "[link=x]y[/link]…" in screen_text(app)
        # the profile filter's options, opened with the keyboard
        screen.query_one("#profile", Select).focus()
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "[red]VIP[/red]" in text and "Horeca [b]x[/b]" in text
        await pilot.press("escape")
        await pilot.press("f6")
        await settle(pilot)
        assert rows(screen, "customers")[0][1:4] == [
            "[link=x]y[/link] [@click=…", "[red]VIP[…", "Staff [/]"]  # cut to the columns
        screen.query_one("#c-type", Select).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert "Staff [/]" in screen_text(app)
        assert app.is_running  # [@click=app.quit] was never a link


@pytest.mark.sqlite_only("a file beside the SQLite database / a read-only SQLite file")
async def test_export_makes_formula_names_harmless_and_the_file_owner_only(app, store):
    formula = masters.save_type(OWNER, '=HYPERLINK("http://x","y")', discount="0")
    who = customers.save_customer(OWNER, CustomerInput(first_name="Jan", customer_type_id=formula.id))
    sell("MUG-01", customer_id=who.id)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_reports(pilot)  # grouped by type (no profile switch)
        await pilot.press("f7")
        await settle(pilot)
    path = Path(store["path"]).parent / f"sales-by-type-{dt.date.today():%Y%m%d}.csv"
    assert path.read_text(encoding="utf-8").splitlines()[1] == \
        f'"\'=HYPERLINK(""http://x"",""y"")",{formula.id},1,10.00,2.10,12.10,0.00'
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.fixture
def read_only(store, monkeypatch):
    """The store's file and folder made read-only, as for a user who may only look."""
    from tui_pos.db import connection

    path = Path(store["path"])
    close_database()
    os.chmod(path, 0o444)
    os.chmod(path.parent, 0o555)
    if os.geteuid() == 0:  # root may write anything: see it as another user would
        monkeypatch.setattr(connection, "is_writable", lambda _path: False)
    yield path
    os.chmod(path.parent, 0o755)
    os.chmod(path, 0o644)


@pytest.mark.sqlite_only("a file beside the SQLite database / a read-only SQLite file")
async def test_a_read_only_store_says_so_reports_and_refuses_to_save(store, read_only):
    from tui_pos.ui.app import PosApp

    before = sorted(p.name for p in read_only.parent.iterdir())
    app = PosApp(database=str(read_only))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert app.sub_title == "read-only"
        assert "read-only for you" in screen_text(app)
        screen = await open_reports(pilot)
        assert rows(screen, "sales")[-1][0] == "Total"
        await pilot.press("escape")
        await settle(pilot)
        await open_from_menu(pilot, "Business Configuration")
        await pilot.press("f4")
        await settle(pilot)
        text = screen_text(app)  # the toast wraps its line
        assert "This database is read-only: nothing" in text and "can be saved" in text
        assert app.is_running
    assert sorted(p.name for p in read_only.parent.iterdir()) == before


async def test_quick_range_sets_the_dates_and_typed_dates_make_it_custom(app):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_reports(pilot)
        today = dt.date.today()
        assert screen.query_one("#from").value == today.replace(day=1).isoformat()
        screen.query_one("#range", Select).focus()
        await pilot.press("enter", "up", "up", "enter")  # This month -> Today
        await settle(pilot)
        assert screen.query_one("#range", Select).value == "today"
        assert (screen.query_one("#from").value, screen.query_one("#to").value) == \
            (today.isoformat(), today.isoformat())
        screen.query_one("#from").focus()
        await pilot.press("ctrl+u", *"2020-01-01", "enter")
        await settle(pilot)
        assert screen.query_one("#range", Select).value == "custom"
        assert "Custom" in screen_text(app)


async def test_sales_by_item_page_by_page_with_the_totals_last(app, monkeypatch):
    from tui_pos.ui.screens import reports as screen_module
    monkeypatch.setattr(screen_module, "SALES_PAGE", 2)
    for code in ("MUG-01", "MUG-01", "COF-250", "GIFT-25"):
        sell(code)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_reports(pilot)
        screen.query_one("#by", Select).focus()
        await pilot.press("enter", "end", "enter")  # Item, the last grouping
        await settle(pilot)
        assert screen.query_one("#by", Select).value == "item"
        table = rows(screen, "sales")
        assert [r[0] for r in table] == ["Gift card 25", "Stoneware mug", "Total"]
        assert table[1][1:] == ["2", "20,00", "4,20", "24,20", "0,00"]
        assert table[-1] == ["Total", "4", "51,38", "4,77", "56,15", "0,00"]
        assert "2 of 3 items" in screen_text(app)
        screen.query_one("#sales", DataTable).focus()
        await pilot.press("down")  # onto the last row before the totals: the next page
        await settle(pilot)
        table = rows(screen, "sales")
        assert [r[0] for r in table] == ["Gift card 25", "Stoneware mug",
                                         "Coffee beans 250 g", "Total"]
        assert table[-1][0] == "Total" and table[-1][4] == "56,15"
        assert "3 of 3 items" in screen_text(app)
