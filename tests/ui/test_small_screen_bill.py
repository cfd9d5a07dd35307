"""Any screen: below 80×24 (here 60×20) the bill keeps the TOTAL amount whole,
each line's amount and the current line visible; the customer form's last box
(Newsletter) can be reached and ticked."""

from __future__ import annotations

from textual.widgets import Checkbox, DataTable

from tests.ui.keys import SIZE, screen_text, tab_to, type_text
from tui_pos.ui.widgets.bill_layout import bill_columns, totals_line
from tui_pos.ui.screens.sales_bill import SalesBillScreen

SMALL = (60, 20)


def test_the_columns_fit_and_the_total_column_is_always_there():
    assert [key for _, key, _ in bill_columns(80)] == ["n", "item", "qty", "price", "disc",
                                                       "vat", "total"]
    for width in range(44, 120):
        columns = bill_columns(width)
        used = sum(w + 2 for _, _, w in columns) + 2  # cell padding, a scrollbar
        assert columns[-1] == ("Total", "total", 10)
        assert used <= width or width < 40 + 4, width
    assert [key for _, key, _ in bill_columns(60)] == ["n", "item", "qty", "price", "total"]


def test_the_totals_line_gives_up_its_first_parts_never_the_total():
    parts = ["Lines 3", "Discount 4,66", "VAT incl. 7,73", "TOTAL EUR 44,54"]
    assert totals_line(parts, 80) == "   ".join(parts)
    assert totals_line(parts, 40) == "VAT incl. 7,73   TOTAL EUR 44,54"
    assert totals_line(parts, 10) == "TOTAL EUR 44,54"


async def ring_up(app, pilot, *codes) -> SalesBillScreen:
    await pilot.press("ctrl+g")  # the Sales Bill
    await pilot.pause()
    await pilot.press("enter")  # walk-in
    for code in codes:
        await type_text(pilot, code)
        await pilot.press("enter")
        await pilot.pause()
    return app.screen


async def test_at_60x20_the_bill_shows_the_whole_total_and_every_line_amount(app):
    async with app.run_test(size=SMALL) as pilot:
        screen = await ring_up(app, pilot, "3*MUG-01", "COF-250", "GIFT-25")
        await pilot.press("shift+tab")  # onto the table: the current line
        await pilot.press("shift+tab")
        await pilot.pause()
        text = screen_text(app)
        lines = text.splitlines()
        assert any(line.rstrip().endswith("TOTAL EUR 68,25") for line in lines), text
        for amount in ("36,30", "6,95", "25,00"):
            assert amount in text
        assert isinstance(app.focused, DataTable)
        assert "GIFT-25" in text  # the current line's detail
        assert "not discountable" in text


async def test_a_terminal_made_smaller_lays_the_bill_out_again(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await ring_up(app, pilot, "3*MUG-01")
        assert len(screen.query_one("#lines", DataTable).columns) == 7
        await pilot.resize_terminal(*SMALL)
        await pilot.pause()
        assert len(screen.query_one("#lines", DataTable).columns) == 5
        assert "TOTAL EUR 36,30" in screen_text(app)
        await pilot.resize_terminal(*SIZE)
        await pilot.pause()
        assert len(screen.query_one("#lines", DataTable).columns) == 7


async def test_at_60x20_the_customer_form_reaches_newsletter(app):
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("ctrl+g")
        await pilot.pause()
        await pilot.press("ctrl+n")  # a new customer for the sale
        await pilot.pause()
        await tab_to(pilot, "newsletter")
        await pilot.press("space")
        await pilot.pause()
        box = app.focused
        assert isinstance(box, Checkbox) and box.value
        assert app.screen.region.contains_region(box.region)
        assert "Newsletter" in screen_text(app)


async def test_a_terminal_too_small_for_the_lines_says_the_size_the_bill_needs(app):
    async with app.run_test(size=(40, 20)) as pilot:
        screen = await ring_up(app, pilot, "3*MUG-01")
        text = screen_text(app)
        assert not screen.query_one("#lines", DataTable).display
        assert "36,30" in text  # the TOTAL, whole
        assert "needs 42×10" in text and "this terminal is 40×20" in text
        await pilot.resize_terminal(*SMALL)
        await pilot.pause()
        assert screen.query_one("#lines", DataTable).display
        assert "needs 42" not in screen_text(app)
