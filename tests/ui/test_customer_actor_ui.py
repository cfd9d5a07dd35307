"""A customer's page at 80×24 with a cashier signed in: a note carries the
cashier's name; deactivating asks a manager's PIN (Esc changes nothing) and is
logged by the customer's number with the approver."""

from __future__ import annotations

import pytest

from tests.actors import PINS, staff_team
from tests.ui.keys import SIZE, choose_approver, type_text
from tui_pos.db.models import Customer
from tui_pos.services import audit, customers, staff
from tui_pos.services.customers import CustomerInput
from tui_pos.ui.screens.approval import ApprovalScreen
from tui_pos.ui.screens.base import ConfirmScreen
from tui_pos.ui.screens.customers import CustomerPageScreen


@pytest.fixture
def team(store, monkeypatch):
    monkeypatch.setattr(staff, "SCRYPT_N", 2**10)  # cheap hashes (each records its cost)
    return staff_team("till-1")


async def approve_as(pilot, name: str) -> None:
    await choose_approver(pilot, name)
    await type_text(pilot, PINS[name])
    await pilot.press("enter")
    await pilot.pause()


async def deactivate(pilot) -> None:
    await pilot.press("d")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ConfirmScreen)
    await pilot.press("y")
    await pilot.pause()


async def test_a_cashiers_note_and_a_deactivation_approved_on_the_spot(team, store):
    from tui_pos.ui.app import PosApp

    c = customers.save_customer(team["Mona"], CustomerInput(first_name="Jan",
                                                            last_name="Smit"))
    app = PosApp(database=store["path"], actor=team["Cas"], terminal="till-1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(CustomerPageScreen(c.id))
        await pilot.pause()
        page = app.screen
        await pilot.press("n")
        await pilot.pause()
        await type_text(pilot, "Wants oat milk")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is page
        assert [(n.author, n.text) for n in customers.notes(c.id)] == [("Cas", "Wants oat milk")]

        await deactivate(pilot)
        assert isinstance(app.screen, ApprovalScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is page and Customer.get_by_id(c.id).active
        assert audit.entries(audit.AuditFilter(kind="customer")) == []

        await deactivate(pilot)
        await approve_as(pilot, "Mona")
        assert app.screen is page
    assert not Customer.get_by_id(c.id).active
    [entry] = audit.entries(audit.AuditFilter(kind="customer"))
    assert (entry.subject, entry.actor, entry.approver) == (f"Customer {c.number}", "Cas",
                                                            "Mona")
    assert entry.changes == {"active": [True, False]}
