"""Sales trend: completed sales per profile or type, by day, ISO week or month."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from tui_pos.db.models import Sale
from tui_pos.services import masters, trends
from tui_pos.services.errors import ValidationError
from tui_pos.services.sales import SaleDraft, complete_sale
from tests.actors import OWNER

D = Decimal


def sell(day: str, code: str, qty: str = "1", profile_id=None):
    draft = SaleDraft.new()
    if profile_id is not None:
        draft.set_profile(profile_id)
    draft.add_item(code, qty)
    at = dt.datetime.combine(dt.date.fromisoformat(day), dt.time(12, 0))
    return complete_sale(OWNER, draft, at=at)


@pytest.fixture
def sold(shop):
    """Sales around the turn of 2025/2026: 2025-12-29 (a Monday) is in ISO week 2026-W01."""
    retail, wholesale = shop.profiles["Retail"].id, shop.profiles["Wholesale"].id
    sell("2025-12-27", "MUG-01", "1", retail)      # 12.10  2025-W52
    sell("2025-12-29", "MUG-01", "2", retail)      # 24.20  2026-W01
    sell("2026-01-01", "COF-250", "1", wholesale)  # 6.95   2026-W01
    sell("2026-01-04", "GIFT-25", "1")             # 25.00  2026-W01, no profile
    sell("2026-01-05", "MUG-01", "1", wholesale)   # 12.10  2026-W02
    return {"retail": retail, "wholesale": wholesale}


def by_name(trend):
    return {s.name: s.totals for s in trend.series}


def test_weeks_are_iso_weeks_across_the_year_boundary(sold):
    trend = trends.sales_trend("profile", "week", "2025-12-22", "2026-01-11")
    assert trend.labels == ("2025-W52", "2026-W01", "2026-W02")
    assert trend.starts == (dt.date(2025, 12, 22), dt.date(2025, 12, 29), dt.date(2026, 1, 5))
    assert by_name(trend) == {
        "Retail": (D("12.10"), D("24.20"), D("0.00")),
        "Wholesale": (D("0.00"), D("6.95"), D("12.10")),
        "(no profile)": (D("0.00"), D("25.00"), D("0.00")),
    }
    # biggest named series first, the sales without a profile last
    assert [s.name for s in trend.series] == ["Retail", "Wholesale", "(no profile)"]
    assert [s.named for s in trend.series] == [True, True, False]
    assert (trend.sales, trend.total) == (5, D("80.35"))


def test_days_include_the_empty_ones_and_months_fold_them(sold):
    days = trends.sales_trend("profile", "day", "2025-12-27", "2025-12-30")
    assert days.labels == ("2025-12-27", "2025-12-28", "2025-12-29", "2025-12-30")
    assert by_name(days) == {"Retail": (D("12.10"), D("0.00"), D("24.20"), D("0.00"))}
    months = trends.sales_trend("profile", "month", "2025-12-01", "2026-01-31")
    assert months.labels == ("2025-12", "2026-01")
    assert by_name(months) == {"Retail": (D("36.30"), D("0.00")),
                               "Wholesale": (D("0.00"), D("19.05")),
                               "(no profile)": (D("0.00"), D("25.00"))}


def test_the_range_bounds_are_inclusive_even_inside_a_bucket(sold):
    trend = trends.sales_trend("profile", "week", "2025-12-30", "2026-01-04")
    assert trend.labels == ("2026-W01",)
    # 2025-12-29 is in the week but before the range: not counted
    assert by_name(trend) == {"Wholesale": (D("6.95"),), "(no profile)": (D("25.00"),)}


def test_by_type_uses_the_type_the_sale_recorded(shop):
    from tui_pos.services import customers
    from tui_pos.services.customers import CustomerInput

    daan = customers.save_customer(OWNER, CustomerInput(
        first_name="Daan", last_name="Smit", customer_type_id=shop.types["Staff"].id)).id
    draft = SaleDraft.new()
    draft.set_customer(daan)
    draft.add_item("MUG-01", "1")
    complete_sale(OWNER, draft, at=dt.datetime(2026, 3, 2, 12))
    sell("2026-03-02", "COF-250")
    trend = trends.sales_trend("type", "day", "2026-03-02", "2026-03-02")
    assert by_name(trend) == {"Staff": (D("10.28"),), "(no type)": (D("6.95"),)}


def test_profile_names_are_the_snapshots_taken_at_the_sale(sold, shop):
    masters.save_profile(OWNER, "Groothandel", profile_id=sold["wholesale"])  # renamed later
    sell("2026-01-06", "MUG-01", "1", sold["wholesale"])
    trend = trends.sales_trend("profile", "week", "2026-01-05", "2026-01-11")
    assert by_name(trend) == {"Wholesale": (D("12.10"),), "Groothandel": (D("12.10"),)}


def test_only_completed_sales_count(sold):
    Sale.update(status="voided").where(Sale.business_date == dt.date(2026, 1, 4)).execute()
    trend = trends.sales_trend("profile", "week", "2026-01-01", "2026-01-04")
    assert by_name(trend) == {"Wholesale": (D("6.95"),)}


def test_no_sales_gives_buckets_and_no_series(shop):
    trend = trends.sales_trend("profile", "month", "2026-01-15", "2026-03-01")
    assert trend.labels == ("2026-01", "2026-02", "2026-03")
    assert trend.series == ()
    assert (trend.sales, trend.total) == (0, D("0"))


def test_beyond_top_the_rest_is_one_other_series(shop):
    ids = [masters.save_profile(OWNER, f"P{n}").id for n in range(4)]
    for n, profile_id in enumerate(ids):
        sell("2026-05-01", "MUG-01", str(n + 1), profile_id)
    trend = trends.sales_trend("profile", "day", "2026-05-01", "2026-05-01", top=2)
    assert [(s.name, s.total, s.sales, s.named) for s in trend.series] == [
        ("P3", D("48.40"), 1, True), ("P2", D("36.30"), 1, True),
        (trends.OTHER, D("36.30"), 2, False)]


def test_names_lose_control_characters_but_keep_markup_literally(shop):
    profile = masters.save_profile(OWNER, "[red]VIP[/red]")
    sell("2026-05-01", "MUG-01", "1", profile.id)
    Sale.update(profile_name="[red]VIP[/red]\x1b[2J").execute()  # as an old row might hold
    trend = trends.sales_trend("profile", "day", "2026-05-01", "2026-05-01")
    assert [s.name for s in trend.series] == ["[red]VIP[/red][2J"]


@pytest.mark.parametrize("args, field", [
    (("month", "week", "2026-01-01", "2026-01-31"), "by"),
    (("profile", "year", "2026-01-01", "2026-01-31"), "bucket"),
    (("profile", "week", None, "2026-01-31"), "from"),
    (("profile", "week", "2026-01-01", ""), "to"),
    (("profile", "week", "2026-02-01", "2026-01-31"), "to"),
    (("profile", "day", "2020-01-01", "2026-01-31"), "from"),
    (("profile", "day", "1-1-2026", "2026-01-31"), "from"),
])
def test_bad_arguments_are_validation_errors(db, args, field):
    with pytest.raises(ValidationError) as error:
        trends.sales_trend(*args)
    assert error.value.field == field


def test_quick_ranges_end_today():
    today = dt.date(2026, 11, 25)  # a Wednesday
    assert trends.quick_range("30d", today) == (dt.date(2026, 10, 27), today)
    assert trends.quick_range("13w", today) == (dt.date(2026, 8, 31), today)
    assert trends.quick_range("year", today) == (dt.date(2026, 1, 1), today)
    assert trends.quick_range("12m", today) == (dt.date(2025, 12, 1), today)
    assert trends.quick_range("12m", dt.date(2026, 12, 3)) == (dt.date(2026, 1, 1),
                                                               dt.date(2026, 12, 3))
    with pytest.raises(ValidationError):
        trends.quick_range("forever", today)


@settings(max_examples=40, deadline=None)
@given(st.dates(dt.date(2000, 1, 1), dt.date(2090, 12, 31)), st.integers(0, 800),
       st.sampled_from(trends.BUCKETS))
def test_every_day_of_the_range_falls_in_exactly_one_bucket(start, length, bucket):
    end = start + dt.timedelta(days=length)
    starts = trends.bucket_starts(start, end, bucket)
    assert starts == sorted(set(starts))
    assert starts[0] <= start and trends.bucket_start(end, bucket) == starts[-1]
    for day in (start, end, start + dt.timedelta(days=length // 2)):
        assert trends.bucket_start(day, bucket) in starts
    labels = [trends.bucket_label(s, bucket) for s in starts]
    assert len(set(labels)) == len(labels)
