"""Master › Staff at 80×24: the list, adding and changing staff with the PIN typed twice,
a cashier's save approved by a manager's PIN on the spot, the last owner kept."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Input

from tests.actors import PINS, staff_team
from tests.ui.keys import (
    SIZE, choose, choose_approver, open_from_menu, screen_text, tab_to, type_text,
)
from tui_pos.db.models import Staff
from tui_pos.services import audit, staff
from tui_pos.ui.screens.approval import ApprovalScreen
from tui_pos.ui.screens.base import FieldError
from tui_pos.ui.screens.staff import StaffScreen


@pytest.fixture
def team(store):
    return staff_team()


def table_rows(screen) -> list[list[str]]:
    table = screen.query_one("#list", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def error_at(screen, field: str) -> str:
    label = screen.query_one(f"#{field}-error", FieldError)
    return str(label.render()) if label.has_class("-shown") else ""


async def open_staff(pilot) -> StaffScreen:
    await open_from_menu(pilot, "Staff")
    assert isinstance(pilot.app.screen, StaffScreen)
    return pilot.app.screen


async def add_new(pilot, name: str, pin: str, again: str) -> None:
    await pilot.press("ctrl+n")
    await type_text(pilot, name)
    await tab_to(pilot, "pin")
    await type_text(pilot, pin)
    await pilot.press("tab")
    await type_text(pilot, again)
    await pilot.press("f4")
    await pilot.pause()


def staff_app(store, actor):
    from tui_pos.ui.app import PosApp

    return PosApp(database=store["path"], actor=actor, terminal="till-1")


async def test_the_list_shows_role_status_and_a_lock(team, store):
    Staff.update(locked_until=dt.datetime.now() + dt.timedelta(minutes=5)).where(
        Staff.name == "Chris").execute()
    app = staff_app(store, team["Olga"])
    async with app.run_test(size=SIZE) as pilot:
        assert "Master › Staff" in screen_text(app)
        screen = await open_staff(pilot)
        rows = table_rows(screen)
        assert [r[:3] for r in rows] == [["Cas", "cashier", "Active"],
                                         ["Chris", "cashier", "Active"],
                                         ["Mona", "manager", "Active"],
                                         ["Olga", "owner", "Active"]]
        assert rows[0][3] == "" and rows[1][3].startswith("to ")
        assert "4 staff members" in screen_text(app)


async def test_an_owner_adds_a_cashier_with_the_pin_typed_twice(team, store):
    app = staff_app(store, team["Olga"])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_staff(pilot)
        await add_new(pilot, "Nina", "4826", "4862")
        assert error_at(screen, "pin2") == "The two PINs differ: type it again"
        assert not Staff.select().where(Staff.name == "Nina").exists()

        await tab_to(pilot, "pin2")
        await type_text(pilot, "4826")
        await pilot.press("f4")
        await pilot.pause()
        assert ["Nina", "cashier", "Active", ""] in table_rows(screen)
        assert screen.query_one("#pin", Input).value == ""  # the PIN is never shown again
        assert "Saved ✓ Nina" in screen_text(app)
    nina = staff.find_staff("Nina")
    assert staff.sign_in(nina.id, "4826", "till-1").name == "Nina"
    entry = audit.entries(audit.AuditFilter(kind="staff"))[0]
    assert (entry.actor, entry.subject) == ("Olga", "new staff Nina")


async def test_a_poor_pin_is_refused_at_its_field(team, store):
    app = staff_app(store, team["Olga"])
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_staff(pilot)
        await add_new(pilot, "Nina", "1111", "1111")
        assert "one digit repeated" in error_at(screen, "pin")
        assert not Staff.select().where(Staff.name == "Nina").exists()


async def test_editing_a_member_changes_the_role_and_keeps_the_pin(team, store):
    app = staff_app(store, team["Olga"])
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_staff(pilot)
        await pilot.press("enter")  # Cas, the first row
        assert screen.query_one("#name", Input).value == "Cas"
        await choose(pilot, "role", "Manager")
        await pilot.press("f4")
        await pilot.pause()
        assert ["Cas", "manager", "Active", ""] in table_rows(screen)
    cas = staff.find_staff("Cas")
    assert staff.sign_in(cas.id, PINS["Cas"], "till-1").role == "manager"
    assert audit.entries(audit.AuditFilter(kind="staff"))[0].changes == {
        "role": ["cashier", "manager"]}


async def test_a_cashiers_save_is_approved_by_a_managers_pin_on_the_spot(team, store):
    app = staff_app(store, team["Cas"])
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_staff(pilot)
        await add_new(pilot, "Nina", "4826", "4826")
        assert isinstance(app.screen, ApprovalScreen)
        assert "Changing staff: a manager's PIN, please" in screen_text(app)
        await choose_approver(pilot, "Mona")
        await type_text(pilot, PINS["Mona"])
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert ["Nina", "cashier", "Active", ""] in table_rows(screen)
    entry = audit.entries(audit.AuditFilter(kind="staff"))[0]
    assert (entry.actor, entry.approver, entry.subject) == ("Cas", "Mona", "new staff Nina")


async def test_a_cancelled_approval_writes_nothing(team, store):
    app = staff_app(store, team["Cas"])
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_staff(pilot)
        before = len(audit.entries())
        await add_new(pilot, "Nina", "4826", "4826")
        assert isinstance(app.screen, ApprovalScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and screen.dirty
    assert not Staff.select().where(Staff.name == "Nina").exists()
    assert len(audit.entries()) == before


async def test_the_last_owner_cannot_be_deactivated_and_a_cashier_can(team, store):
    app = staff_app(store, team["Olga"])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_staff(pilot)
        for _ in range(3):
            await pilot.press("down")  # Olga, the last row
        await pilot.press("d")
        await pilot.pause()
        assert "The last owner cannot be" in screen_text(app)  # a toast, wrapped
        assert table_rows(screen)[3][:3] == ["Olga", "owner", "Active"]
        for _ in range(3):
            await pilot.press("up")  # Cas
        await pilot.press("d")
        await pilot.pause()
        assert table_rows(screen)[0][:3] == ["Cas", "cashier", "Inactive"]
    assert not staff.find_staff("Cas").active
