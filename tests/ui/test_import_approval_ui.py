"""Import Customers at 80×24 with a cashier signed in: the check needs nobody,
F4 asks a manager's PIN; Esc imports nothing, an approved import is written and
logged once with who asked and who approved."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.actors import PINS, staff_team
from tests.ui.keys import SIZE, choose_approver, open_from_menu, tab_to, type_text
from tui_pos.services import audit, staff
from tui_pos.ui.screens.approval import ApprovalScreen
from tui_pos.ui.screens.import_customers import ImportCustomersScreen

HEADER = "First Name,Last Name,Email,Accepts Email Marketing,Default Address Company\n"


@pytest.fixture
def team(store, monkeypatch):
    monkeypatch.setattr(staff, "SCRYPT_N", 2**10)  # cheap hashes (each records its cost)
    return staff_team("till-1")


def customers_in(db_path: str) -> int:
    con = sqlite3.connect(db_path)
    try:
        return con.execute('SELECT COUNT(*) FROM "customer"').fetchone()[0]
    finally:
        con.close()


async def settle(pilot) -> None:
    """Wait for the screen's check or import (the folder tree's loader never ends)."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete(
        [w for w in pilot.app.workers if w.group == "import"])
    await pilot.pause()


async def checked_file(pilot, path: Path) -> ImportCustomersScreen:
    await open_from_menu(pilot, "Import Customers")
    screen = pilot.app.screen
    assert isinstance(screen, ImportCustomersScreen)
    await tab_to(pilot, "path")
    await pilot.press("end", "ctrl+u")
    await type_text(pilot, str(path))
    await pilot.press("enter")  # loads and checks it: nothing written, nobody asked
    await settle(pilot)
    assert not isinstance(pilot.app.screen, ApprovalScreen)
    return screen


@pytest.mark.sqlite_only("counts the rows in the SQLite file itself")
async def test_a_cashiers_import_waits_for_a_managers_pin(team, store, tmp_path):
    from tui_pos.ui.app import PosApp

    path = tmp_path / "klanten.csv"
    path.write_text(HEADER + "".join(f"Klant{n},Smit,klant{n}@example.nl,no,\n"
                                     for n in range(3)), encoding="utf-8")
    app = PosApp(database=store["path"], actor=team["Cas"], terminal="till-1")
    async with app.run_test(size=SIZE) as pilot:
        screen = await checked_file(pilot, path)
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, ApprovalScreen)
        await pilot.press("escape")  # no manager at hand: nothing imported
        await settle(pilot)
        assert app.screen is screen and customers_in(store["path"]) == 0

        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, ApprovalScreen)
        await choose_approver(pilot, "Mona")
        await type_text(pilot, PINS["Mona"])
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert "Imported: 3 added" in str(screen.query_one("#summary").render())
    assert customers_in(store["path"]) == 3
    [entry] = audit.entries(audit.AuditFilter(kind="import"))
    assert (entry.actor, entry.approver, entry.terminal) == ("Cas", "Mona", "till-1")
    assert entry.subject == "Customers from klanten.csv"
