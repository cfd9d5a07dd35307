"""Reports › Sales narrowed to a staff member (a Select) and a terminal (typed),
through the keyboard at 80×24."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Select

from tui_pos.db.models import Sale, Staff
from tui_pos.services.sales import SaleDraft, complete_sale
from tui_pos.ui.screens.reports import ReportsScreen

from tests.ui.keys import SIZE, open_from_menu, screen_text, tab_to, type_text
from tests.actors import OWNER


def sell(code: str, staff_id: int, terminal: str) -> None:
    draft = SaleDraft.new()
    draft.add_item(code)
    done = complete_sale(OWNER, draft)
    Sale.update(staff=staff_id, terminal=terminal).where(Sale.id == done.id).execute()


def total_row(screen) -> list[str]:
    table = screen.query_one("#sales", DataTable)
    return [str(c) for c in table.get_row_at(table.row_count - 1)]


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_sales_of_one_staff_member_then_of_one_terminal(app, store):
    ann, bob = (Staff.create(name=n, name_key=n.lower(), role="cashier", pin_hash="x").id
                for n in ("Ann [b]", "Bob"))
    sell("MUG-01", ann, "Kassa 1")   # 12,10
    sell("COF-250", bob, "Kassa 2")  # 6,95
    sell("GIFT-25", bob, "Kassa 1")  # 25,00
    async with app.run_test(size=SIZE) as pilot:
        await open_from_menu(pilot, "Reports")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        assert total_row(screen)[:2] == ["Total", "3"]
        assert "Staff" in screen_text(app) and "Terminal" in screen_text(app)

        await tab_to(pilot, "staff")
        await pilot.press("enter", "down", "enter")  # (all) → Ann [b], shown literally
        await settle(pilot)
        assert screen.query_one("#staff", Select).value == ann
        assert "Ann [b]" in screen_text(app)
        assert total_row(screen)[1] == "1" and total_row(screen)[4] == "12,10"

        await pilot.press("enter", "down", "enter")  # Bob
        await settle(pilot)
        assert total_row(screen)[1] == "2" and total_row(screen)[4] == "31,95"

        await tab_to(pilot, "terminal")
        await type_text(pilot, "Kassa 1")
        await pilot.press("enter")  # Bob on Kassa 1
        await settle(pilot)
        assert screen.query_one("#terminal", Input).value == "Kassa 1"
        assert total_row(screen)[1] == "1" and total_row(screen)[4] == "25,00"
