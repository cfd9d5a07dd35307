"""Business Configuration and the masters at 80×24 with staff signed in: a cashier's
save asks for a manager's PIN on the spot and is retried approved; a wrong PIN or
Esc writes nothing; a manager saves without a pop-up; the menu marks what needs one."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input

from tests.actors import OWNER, PINS, staff_team
from tests.ui.keys import (
    SIZE, choose_approver, open_from_menu, screen_text, tab_to, type_text,
)
from tui_pos.db.models import AuditEntry
from tui_pos.services import audit, catalog, config, masters, staff
from tui_pos.ui.screens.approval import ApprovalScreen
from tui_pos.ui.screens.base import FieldError
from tui_pos.ui.screens.configuration import BusinessConfigScreen
from tui_pos.ui.screens.items import ItemsScreen


@pytest.fixture
def team(store, monkeypatch):
    monkeypatch.setattr(staff, "SCRYPT_N", 2**10)  # cheap hashes (each records its cost)
    return staff_team()


def app_for(store, actor):
    from tui_pos.ui.app import PosApp

    return PosApp(database=store["path"], actor=actor, terminal="till-1")


def error_at(screen, field: str) -> str:
    label = screen.query_one(f"#{field}-error", FieldError)
    return str(label.render()) if label.has_class("-shown") else ""


async def retype(pilot, field: str, text: str) -> None:
    """Tab to the field, delete what it holds, type ``text``."""
    await tab_to(pilot, field)
    held = len(pilot.app.focused.value)
    await pilot.press("end", *["backspace"] * held)
    await type_text(pilot, text)


async def rename_store(pilot, name: str) -> BusinessConfigScreen:
    await open_from_menu(pilot, "Business Configuration")
    screen = pilot.app.screen
    assert isinstance(screen, BusinessConfigScreen)
    await tab_to(pilot, "store_name")
    await type_text(pilot, name)
    await pilot.press("f4")
    await pilot.pause()
    return screen


async def test_a_cashiers_configuration_change_is_approved_by_a_managers_pin(team, store):
    app = app_for(store, team["Cas"])
    async with app.run_test(size=SIZE) as pilot:
        screen = await rename_store(pilot, "De Hoek")
        assert isinstance(app.screen, ApprovalScreen)
        assert "Change Business Configuration: a manager's PIN" in screen_text(app)
        assert config.get_settings().store_name == ""  # nothing yet
        await choose_approver(pilot, "Mona")
        await type_text(pilot, PINS["Mona"])
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen and not screen.dirty
        assert "Saved ✓" in screen_text(app)
    assert config.get_settings().store_name == "De Hoek"
    [entry] = audit.entries(audit.AuditFilter(kind="config"))
    assert (entry.actor, entry.approver, entry.terminal) == ("Cas", "Mona", "till-1")
    assert entry.changes == {"store_name": ["", "De Hoek"]}


async def test_a_wrong_pin_or_esc_writes_nothing(team, store):
    app = app_for(store, team["Cas"])
    async with app.run_test(size=SIZE) as pilot:
        screen = await rename_store(pilot, "Wrong")
        popup = app.screen
        assert isinstance(popup, ApprovalScreen)
        await choose_approver(pilot, "Mona")
        await type_text(pilot, "0000")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is popup
        assert "Wrong PIN" in error_at(popup, "pin")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and screen.dirty  # the change is still in the form
        assert screen.query_one("#store_name", Input).value == "Wrong"
    assert config.get_settings().store_name == ""
    assert audit.entries(audit.AuditFilter(kind="config")) == []
    assert audit.entries()[0].kind == "approval-failed"  # the wrong PIN itself is logged


async def test_a_manager_saves_the_staff_settings_without_a_pop_up(team, store):
    app = app_for(store, team["Mona"])
    async with app.run_test(size=SIZE) as pilot:
        await open_from_menu(pilot, "Business Configuration")
        screen = app.screen
        assert screen.query_one("#discount_limit", Input).value == "20"
        await retype(pilot, "discount_limit", "25,5")
        await retype(pilot, "idle_minutes", "3")
        await pilot.press("f4")
        await pilot.pause()
        assert app.screen is screen and not screen.dirty
        assert screen.query_one("#discount_limit", Input).value == "25,5"
    s = config.get_settings()
    assert (str(s.discount_limit), s.idle_minutes) == ("25.50", 3)
    [entry] = audit.entries(audit.AuditFilter(kind="config"))
    assert (entry.actor, entry.approver) == ("Mona", "")
    assert entry.changes == {"discount_limit": ["20.00", "25.50"], "idle_minutes": [10, 3]}


async def test_a_bad_idle_time_is_shown_at_its_field_and_nothing_is_written(team, store):
    app = app_for(store, team["Olga"])
    async with app.run_test(size=SIZE) as pilot:
        await open_from_menu(pilot, "Business Configuration")
        screen = app.screen
        await retype(pilot, "idle_minutes", "999")
        await pilot.press("f4")
        await pilot.pause()
        assert "0 to 240" in error_at(screen, "idle_minutes")
    assert config.get_settings().idle_minutes == 10
    assert not AuditEntry.select().where(AuditEntry.kind == "config").exists()


async def test_a_cashier_deactivating_an_item_is_asked_and_the_approver_recorded(team, store):
    app = app_for(store, team["Chris"])
    async with app.run_test(size=SIZE) as pilot:
        await open_from_menu(pilot, "Items")
        screen = app.screen
        assert isinstance(screen, ItemsScreen)
        table = screen.query_one("#list", DataTable)
        sku = str(table.get_row_at(table.cursor_row)[0])
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ApprovalScreen)
        assert "Deactivate item: a manager's PIN" in screen_text(app)
        await choose_approver(pilot, "Olga")
        await type_text(pilot, PINS["Olga"])
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
    item = next(i for i in catalog.list_items(include_inactive=True) if i.sku == sku)
    assert item.active is False
    entry = audit.entries(audit.AuditFilter(kind="master"))[0]
    assert (entry.actor, entry.approver) == ("Chris", "Olga")
    assert entry.changes == {"active": [True, False]} and sku in entry.subject


async def test_the_menu_marks_what_needs_a_manager_and_a_cashier_still_sees_it(team, store):
    app = app_for(store, team["Cas"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Business Configuration  [manager]" in text
        assert "Items  [manager]" in text and "VAT Classes  [manager]" in text
        assert "Sales Bill  [manager]" not in text and "Sales Bill" in text


async def test_the_palette_marks_what_needs_a_manager(team, store):
    app = app_for(store, team["Cas"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "VAT Classes")
        await pilot.pause()
        text = screen_text(app)
        assert "VAT Classes" in text and "Master › Inventory: VAT rates [manager]" in text


async def test_a_cashier_deleting_a_type_is_asked_and_esc_keeps_it(team, store):
    masters.save_type(OWNER, "Wholesale", discount="10")
    app = app_for(store, team["Cas"])
    async with app.run_test(size=SIZE) as pilot:
        await open_from_menu(pilot, "Customer Types")
        screen = app.screen
        await pilot.press("down", "delete", "y")  # Wholesale; "Delete it?" yes
        await pilot.pause()
        assert isinstance(app.screen, ApprovalScreen)
        assert "Delete customer type: a manager's PIN" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert [t.name for t in masters.list_types()] == ["Staff", "Wholesale"]
        await pilot.press("delete", "y")
        await pilot.pause()
        await choose_approver(pilot, "Mona")
        await type_text(pilot, PINS["Mona"])
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
    assert [t.name for t in masters.list_types()] == ["Staff"]
    entry = audit.entries(audit.AuditFilter(kind="master"))[0]
    assert (entry.actor, entry.approver) == ("Cas", "Mona")
    assert "Wholesale" in entry.subject and "deleted" in entry.subject
