"""Sales Trend at 80×24: opened from the menu, switched with its keys, its
legend literal and its series told apart by marker with NO_COLOR."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.ui.keys import SIZE, open_from_menu, screen_text
from tui_pos.services import config, masters
from tui_pos.services.sales import SaleDraft, complete_sale
from tui_pos.ui.screens.sales_trend import MARKERS
from tests.actors import OWNER

D = Decimal
TODAY = dt.date.today()


def sell(days_ago: int, code: str, qty: str = "1", profile_id=None) -> None:
    draft = SaleDraft.new()
    if profile_id is not None:
        draft.set_profile(profile_id)
    draft.add_item(code, qty)
    complete_sale(OWNER, draft, at=dt.datetime.combine(TODAY - dt.timedelta(days=days_ago),
                                                dt.time(12, 0)))


@pytest.fixture
def sold(store):
    """Three profiles (one named like markup) and a sale without a profile, this week
    and two weeks ago: every quick range holds today's sales."""
    config.set_switch(OWNER, "show_customer_profile", True)
    vip = masters.save_profile(OWNER, "[red]VIP[/red]").id
    retail = masters.save_profile(OWNER, "Retail").id
    web = masters.save_profile(OWNER, "Web shop").id
    sell(0, "MUG-01", "3", vip)      # 36.30
    sell(14, "MUG-01", "1", vip)     # 12.10
    sell(0, "COF-250", "2", retail)  # 13.90
    sell(0, "GIFT-25", "1", web)     # 25.00
    sell(0, "COF-250", "1")          # 6.95 no profile
    return store


async def open_trend(pilot):
    await open_from_menu(pilot, "Sales Trend")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    screen = pilot.app.screen
    assert screen.TITLE == "Sales Trend"
    return screen


def legend_of(app) -> str:
    return str(app.screen.query_one("#trend-legend").render())


async def test_opens_from_the_menu_with_each_profile_in_the_legend(app, sold):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_trend(pilot)
        trend = screen.trend
        assert (trend.by, trend.bucket) == ("profile", "week")
        assert [(s.name, s.total) for s in trend.series] == [
            ("[red]VIP[/red]", D("48.40")), ("Web shop", D("25.00")),
            ("Retail", D("13.90")), ("(no profile)", D("6.95"))]
        text = screen_text(app)
        # the markup-like name literally, each with its own marker, in the legend
        for marker, name in zip(MARKERS, ("[red]VIP[/red]", "Web shop", "Retail",
                                          "(no profile)")):
            assert f"{marker} {name}" in text
        assert "4 sales" not in text and "5 sales" in text
        assert trend.labels[-1] in text  # this week's label on the x axis


async def test_keys_switch_by_bucket_and_range(app, sold):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_trend(pilot)
        await pilot.press("f5")  # by customer type
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.trend.by == "type"
        assert [s.name for s in screen.trend.series] == ["(no type)"]
        assert "(no type)" in legend_of(app) and "VIP" not in legend_of(app)
        assert "By customer type" in screen_text(app)

        await pilot.press("ctrl+o")  # back to profiles, by the Ctrl alias
        await pilot.press("f6")  # per month
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert (screen.trend.by, screen.trend.bucket) == ("profile", "month")
        assert screen.trend.labels[-1] == f"{TODAY.year}-{TODAY.month:02d}"
        assert "per month" in screen_text(app)

        await pilot.press("ctrl+w")  # per day
        await pilot.press("f7")  # last 30 days
        await app.workers.wait_for_complete()
        await pilot.pause()
        trend = screen.trend
        assert (trend.bucket, len(trend.labels)) == ("day", 30)
        assert trend.labels[-1] == TODAY.isoformat()
        vip = trend.series[0]
        assert (vip.totals[-1], vip.totals[-15]) == (D("36.30"), D("12.10"))
        assert "last 30 days" in screen_text(app)

        await pilot.press("ctrl+r")  # this year
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.trend.start == TODAY.replace(month=1, day=1)


async def test_no_color_still_tells_the_series_apart_by_marker(monkeypatch, sold):
    monkeypatch.setenv("NO_COLOR", "1")
    from tui_pos.ui.app import PosApp

    app = PosApp(database=sold["path"], actor=OWNER)
    async with app.run_test(size=SIZE) as pilot:
        assert app.no_color
        await open_trend(pilot)
        text = screen_text(app)
        chart = str(app.screen.query_one("#trend-chart").render())
        legend = legend_of(app)
        for marker in MARKERS[:4]:
            assert marker in chart, marker  # each series drawn with its own marker
            assert marker in legend
        assert "[red]VIP[/red]" in text


async def test_profiles_off_an_empty_range_by_type_says_so(app, store):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_trend(pilot)
        assert screen.trend.series == () and screen.trend.by == "type"
        assert "no completed sales in this range" in screen_text(app)
        assert legend_of(app) == ""
        await pilot.press("f5")  # Customer Profile is off: stays by type, says why
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.trend.by == "type"
        assert "Customer Profile is off: by type" in screen_text(app)



async def test_the_palette_opens_it_and_escape_goes_back(app, sold):
    from tui_pos.ui.screens.menu import MainMenuScreen

    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Sales Trend")
        await pilot.pause()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.TITLE == "Sales Trend"
        assert "Web shop" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainMenuScreen)
