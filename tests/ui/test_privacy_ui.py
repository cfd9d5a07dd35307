"""The customer page at 80×24: export everything held (F7) and erase on request (F9),
a cashier's erasure approved by a manager's PIN on the spot."""

from __future__ import annotations

import pytest

import json
from pathlib import Path

from textual.widgets import Input

from tests.actors import PINS, staff_team
from tests.ui.keys import SIZE, choose_approver, screen_text, type_text
from tests.ui.test_audit_log_ui import choose
from tests.unit.test_privacy import add_customer
from tui_pos.db.connection import open_database
from tui_pos.db.models import Customer, CustomerNote
from tui_pos.services import audit
from tui_pos.ui.screens.approval import ApprovalScreen
from tui_pos.ui.screens.customers import CustomerPageScreen
from tui_pos.ui.screens.privacy_dialogs import EraseCustomerScreen, ExportDataScreen


def zoe() -> int:
    return add_customer(first_name="Zoë", last_name="Ölçer", email="zoe@example.nl",
                        tags="vip", note="Prefers oat milk").id


async def open_page(app, pilot, customer_id: int) -> CustomerPageScreen:
    await pilot.pause()
    app.push_screen(CustomerPageScreen(customer_id))
    await pilot.pause()
    assert isinstance(app.screen, CustomerPageScreen)
    return app.screen


def cashier_app(store):
    from tui_pos.ui.app import PosApp

    open_database(store["path"])
    team = staff_team()
    return PosApp(database=store["path"], actor=team["Cas"])


@pytest.mark.sqlite_only("the export goes beside the database file")
async def test_f7_writes_everything_held_beside_the_database(app, store):
    customer_id = zoe()
    folder = Path(store["path"]).parent
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_page(app, pilot, customer_id)
        await pilot.press("f7")
        await pilot.pause()
        assert isinstance(app.screen, ExportDataScreen)
        path = app.screen.query_one("#path", Input).value
        assert path == str(folder / "customer-1001.json")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CustomerPageScreen)
        await pilot.pause()
        assert "Everything held about Zoë Ölçer is" in screen_text(app)  # the toast
    data = json.loads((folder / "customer-1001.json").read_text(encoding="utf-8"))
    assert data["customer"]["first_name"] == "Zoë" and data["tags"] == ["vip"]
    assert [n["text"] for n in data["notes"]] == ["Prefers oat milk"]
    assert audit.entries(audit.AuditFilter(kind="customer"))[0].subject == "Customer 1001"


@pytest.mark.sqlite_only("the export goes beside the database file")
async def test_ctrl_e_exports_csv_and_a_bad_file_is_said_at_its_field(app, store):
    customer_id = zoe()
    folder = Path(store["path"]).parent
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_page(app, pilot, customer_id)
        await pilot.press("ctrl+e")
        await pilot.pause()
        await choose(pilot, "format", "CSV")
        path_field = app.screen.query_one("#path", Input)
        assert path_field.value == str(folder / "customer-1001.csv")
        path_field.focus()
        await pilot.press("ctrl+u")
        await type_text(pilot, str(folder))  # a folder, not a file
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExportDataScreen)
        assert "is a folder; give a file name" in screen_text(app)
        await type_text(pilot, "/zoe.csv")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CustomerPageScreen)
    assert "Zoë" in (folder / "zoe.csv").read_text(encoding="utf-8")
    assert len(audit.entries(audit.AuditFilter(kind="customer"))) == 1  # the failed one: none


async def test_a_cashiers_erase_is_approved_by_a_managers_pin(store):
    app = cashier_app(store)
    customer_id = zoe()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_page(app, pilot, customer_id)
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, EraseCustomerScreen)
        await type_text(pilot, "asked at the counter")
        await pilot.press("enter")  # on to the number
        await type_text(pilot, "1002")
        await pilot.press("enter")
        await pilot.pause()
        assert "Type the customer number 1001 to confirm" in screen_text(app)
        await pilot.press("ctrl+u")
        await type_text(pilot, "1001")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ApprovalScreen)
        await choose_approver(pilot, "Mona")
        await type_text(pilot, PINS["Mona"])
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CustomerPageScreen)
        text = screen_text(app)
        assert "Erased customer 1001" in text and "Zoë" not in text
    row = Customer.get_by_id(customer_id)
    assert row.last_name == "Erased customer 1001" and row.email == "" and not row.active
    assert CustomerNote.select().where(CustomerNote.customer == customer_id).count() == 0
    [entry] = audit.entries(audit.AuditFilter(kind="customer"))
    assert (entry.actor, entry.approver, entry.subject) == ("Cas", "Mona", "Customer 1001")


async def test_a_cancelled_pin_erases_nothing(store):
    app = cashier_app(store)
    customer_id = zoe()
    async with app.run_test(size=SIZE) as pilot:
        await open_page(app, pilot, customer_id)
        await pilot.press("alt+e")
        await pilot.pause()
        await type_text(pilot, "asked")
        await pilot.press("enter")
        await type_text(pilot, "1001")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ApprovalScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, EraseCustomerScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CustomerPageScreen)
    assert Customer.get_by_id(customer_id).first_name == "Zoë"
    assert audit.entries(audit.AuditFilter(kind="customer")) == []
