"""Reports › Audit Log at 80×24: newest first, filtered by kind, an entry whole, and a
cashier who needs a manager's PIN to open it."""

from __future__ import annotations

from textual.widgets import DataTable, Input, OptionList

from tests.actors import PINS, staff_team
from tests.ui.keys import (
    SIZE, choose, choose_approver, open_from_menu, screen_text, tab_to, type_text,
)
from tui_pos.services import audit, staff
from tui_pos.ui.screens.approval import ApprovalScreen
from tui_pos.ui.screens.audit_log import AuditEntryScreen, AuditLogScreen
from tui_pos.ui.screens.menu import MainMenuScreen


def team_with_a_sign_in():
    team = staff_team()
    staff.sign_in(team["Mona"].staff_id, PINS["Mona"], "till-2")
    return team


def shown_rows(screen) -> list[list[str]]:
    table = screen.query_one("#audit-table", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_the_menu_marks_it_and_the_log_shows_newest_first(app):
    team_with_a_sign_in()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        menu = app.screen.query_one("#menu", OptionList)
        labels = [str(menu.get_option_at_index(i).prompt) for i in range(menu.option_count)]
        assert "   Audit Log  [manager]" in labels
        await pilot.press("end")  # the menu is longer than 24 rows: End scrolls to the last
        assert menu.get_option_at_index(menu.highlighted).id == "Audit Log"
        assert "Audit Log  [manager]" in screen_text(app)  # shown, not read as markup
        await open_from_menu(pilot, "Audit Log")
        screen = app.screen
        assert isinstance(screen, AuditLogScreen)
        rows = shown_rows(screen)
        newest = audit.entries(limit=100)
        assert len(rows) == len(newest)
        assert rows[0][1:3] == ["Mona", "till-2"] and rows[0][4].startswith("sign-in")
        assert "Audit Log" in screen_text(app)


async def test_filter_by_kind_with_the_keyboard(app):
    team_with_a_sign_in()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_from_menu(pilot, "Audit Log")
        screen = app.screen
        assert len({r[4].split(":")[0] for r in shown_rows(screen)}) > 1
        await choose(pilot, "kind", "staff")
        rows = shown_rows(screen)
        assert len(rows) == 4 and {r[4].split(":")[0] for r in rows} == {"staff"}
        assert "4 entries" in str(screen.query_one("#audit-info").render())
        await choose(pilot, "staff", "Mona")
        rows = shown_rows(screen)
        assert rows == []  # Mona made no staff change (the command line did)


async def test_a_bad_date_is_said_at_its_field(app):
    team_with_a_sign_in()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_from_menu(pilot, "Audit Log")
        before = shown_rows(app.screen)
        await tab_to(pilot, "from")
        await type_text(pilot, "2026-13-01")
        await pilot.press("enter")
        await pilot.pause()
        assert "From must be a date" in screen_text(app)
        assert shown_rows(app.screen) == before
        await pilot.press("ctrl+u")
        await type_text(pilot, "2000-01-01")
        await tab_to(pilot, "to")
        await type_text(pilot, "2000-12-31")
        await pilot.press("enter")
        await pilot.pause()
        assert shown_rows(app.screen) == []
        assert "No entries" in screen_text(app)


async def test_enter_shows_one_entry_whole(app):
    team_with_a_sign_in()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_from_menu(pilot, "Audit Log")
        await choose(pilot, "kind", "staff")
        await tab_to(pilot, "audit-table")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AuditEntryScreen)
        text = screen_text(app)
        assert "Staff added or changed" in text
        assert "role: — → cashier" in text and "name: — → Chris" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, AuditLogScreen)


async def test_a_cashier_opens_it_with_a_managers_pin(store):
    from tui_pos.ui.app import PosApp

    from tui_pos.db.connection import open_database

    open_database(store["path"])
    team = team_with_a_sign_in()
    app = PosApp(database=store["path"], actor=team["Cas"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_from_menu(pilot, "Audit Log")
        assert isinstance(app.screen, ApprovalScreen)
        assert "Open the audit log: a manager's PIN, please" in screen_text(app)
        await choose_approver(pilot, "Mona")
        await type_text(pilot, "0000")  # wrong: nothing is shown
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ApprovalScreen)
        assert app.screen.query_one("#pin", Input).value == ""
        await type_text(pilot, PINS["Mona"])
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AuditLogScreen)
        rows = shown_rows(app.screen)
        assert rows[0][1] == "Cas" and rows[0][3] == "Mona"
        assert rows[0][4] == "approval: Open…"
        assert audit.entries(limit=1)[0].subject == "Open the audit log"


async def test_a_cashier_who_cancels_is_back_at_the_menu(store):
    from tui_pos.ui.app import PosApp

    from tui_pos.db.connection import open_database

    open_database(store["path"])
    team = team_with_a_sign_in()
    app = PosApp(database=store["path"], actor=team["Cas"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_from_menu(pilot, "Audit Log")
        assert isinstance(app.screen, ApprovalScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainMenuScreen)
        assert not any(isinstance(s, AuditLogScreen) for s in app.screen_stack)


async def test_more_entries_load_as_the_cursor_reaches_the_end(app):
    from tui_pos.db.models import database
    from tui_pos.services.actors import cli_actor

    with database.atomic():
        for n in range(130):
            audit.record(cli_actor("till-9"), "config", f"change {n}")
    total = len(audit.entries(limit=1000))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_from_menu(pilot, "Audit Log")
        screen = app.screen
        assert len(shown_rows(screen)) == 100
        assert "100 newest entries" in screen_text(app)
        await tab_to(pilot, "audit-table")
        await pilot.press("ctrl+end")  # the cursor to the last row: the next page loads
        await pilot.pause()
        rows = shown_rows(screen)
        assert len(rows) == total
        assert sum(r[4].startswith("config") for r in rows) == 130
