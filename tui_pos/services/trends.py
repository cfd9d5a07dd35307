"""Sales trend: completed sales per profile (or customer type) over time, by
day, ISO week or month, for the Sales Trend chart.

One GROUP BY in SQL over ``sale`` (business day × the profile or type name
the sale recorded), summing integer cents; the days are folded into weeks or
months here in Python, so the same query runs on SQLite and PostgreSQL.
A range of at most ``MAX_DAYS`` days means at most a few thousand groups.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from decimal import Decimal

import peewee as pw

from tui_pos.db.models import Sale
from tui_pos.money import ZERO, from_minor
from tui_pos.services.errors import ValidationError, check
from tui_pos.services.reports import NO_PROFILE, NO_TYPE, parse_day
from tui_pos.services.text import printable

BY = ("profile", "type")
BUCKETS = ("day", "week", "month")
MAX_DAYS = 3 * 366 + 1  # three years, day by day at most ~1,100 points a series
OTHER = "(other)"
# the quick ranges the screen cycles through: key → what the screen shows
RANGES = {
    "13w": "last 13 weeks",
    "30d": "last 30 days",
    "year": "this year",
    "12m": "last 12 months",
}


@dataclass(frozen=True)
class TrendSeries:
    """One line of the chart: a profile's (or type's) totals, one per bucket."""

    name: str  # as the sale recorded it, control characters removed
    totals: tuple[Decimal, ...]
    total: Decimal
    sales: int
    named: bool = True  # False for "(no profile)", "(no type)" and "(other)"


@dataclass(frozen=True)
class SalesTrend:
    by: str
    bucket: str
    start: dt.date
    end: dt.date
    labels: tuple[str, ...]  # one a bucket: 2026-11-24 / 2026-W48 / 2026-11
    starts: tuple[dt.date, ...]  # the first day of each bucket (may be before ``start``)
    series: tuple[TrendSeries, ...]  # biggest total first, the unnamed ones last

    @property
    def total(self) -> Decimal:
        return sum((s.total for s in self.series), ZERO)

    @property
    def sales(self) -> int:
        return sum(s.sales for s in self.series)


# -- buckets ----------------------------------------------------------------------------

def bucket_start(day: dt.date, bucket: str) -> dt.date:
    """The first day of the bucket ``day`` falls in (a week starts on Monday, ISO)."""
    if bucket == "week":
        return day - dt.timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    return day


def bucket_label(first: dt.date, bucket: str) -> str:
    if bucket == "week":
        year, week, _ = first.isocalendar()
        return f"{year}-W{week:02d}"
    if bucket == "month":
        return f"{first.year}-{first.month:02d}"
    return first.isoformat()


def bucket_starts(start: dt.date, end: dt.date, bucket: str) -> list[dt.date]:
    """Every bucket from the one holding ``start`` to the one holding ``end``."""
    first, starts = bucket_start(start, bucket), []
    while first <= end:
        starts.append(first)
        if bucket == "week":
            first += dt.timedelta(days=7)
        elif bucket == "month":
            first = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        else:
            first += dt.timedelta(days=1)
    return starts


def quick_range(name: str, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """A named range (see ``RANGES``) ending today."""
    check(name in RANGES, f"Range is one of: {', '.join(RANGES.values())}", "range")
    today = today or dt.date.today()
    if name == "30d":
        return today - dt.timedelta(days=29), today
    if name == "13w":  # thirteen whole ISO weeks, this one included
        return bucket_start(today, "week") - dt.timedelta(weeks=12), today
    if name == "year":
        return today.replace(month=1, day=1), today
    year, month = (today.year, today.month - 11) if today.month == 12 else \
        (today.year - 1, today.month + 1)
    return dt.date(year, month, 1), today


# -- the query --------------------------------------------------------------------------

def sales_trend(by: str = "profile", bucket: str = "week", start=None, end=None,
                top: int = 6) -> SalesTrend:
    """Completed sales from ``start`` to ``end`` (inclusive days, both required,
    at most ``MAX_DAYS`` apart) per profile or type, summed per bucket.

    The ``top`` biggest series are kept by name; the others are added up as
    "(other)"; sales without a profile (type) are one series of their own."""
    check(by in BY, "Trend by profile or type", "by")
    check(bucket in BUCKETS, "Bucket by day, week or month", "bucket")
    check(isinstance(top, int) and 1 <= top <= 20, "Show 1 to 20 series", "top")
    first, last = parse_day(start, "From"), parse_day(end, "To")
    if first is None or last is None:
        raise ValidationError("A trend needs both a From and a To date",
                              "from" if first is None else "to")
    check(first <= last, "The From date is after the To date", "to")
    check((last - first).days < MAX_DAYS,
          f"A trend covers at most {MAX_DAYS} days; pick a shorter range", "from")

    starts = bucket_starts(first, last, bucket)
    index = {day: i for i, day in enumerate(starts)}
    cents: dict[str, list[int]] = {}
    counts: dict[str, int] = {}
    for day, name, count, total in _day_totals(by, first, last):
        if isinstance(day, str):  # a driver that hands dates back as text
            day = dt.date.fromisoformat(day[:10])
        key = printable(name or "").strip()
        row = cents.setdefault(key, [0] * len(starts))
        row[index[bucket_start(day, bucket)]] += int(total or 0)
        counts[key] = counts.get(key, 0) + count
    return SalesTrend(by, bucket, first, last,
                      tuple(bucket_label(day, bucket) for day in starts), tuple(starts),
                      _series(cents, counts, by, top))


def _day_totals(by: str, first: dt.date, last: dt.date):
    """(business day, profile or type name as sold, sales, total cents): one
    GROUP BY, portable SQL."""
    name = Sale.profile_name if by == "profile" else Sale.customer_type_name
    return (Sale
            .select(Sale.business_date, name, pw.fn.COUNT(Sale.id), pw.fn.SUM(Sale.total))
            .where((Sale.status == "completed") & (Sale.business_date >= first)
                   & (Sale.business_date <= last))
            .group_by(Sale.business_date, name)
            .tuples())


def _series(cents: dict[str, list[int]], counts: dict[str, int], by: str,
            top: int) -> tuple[TrendSeries, ...]:
    """Biggest first (ties by name); beyond ``top``, one "(other)"; the sales
    without a profile or type last."""
    unnamed = cents.pop("", None)
    order = sorted(cents, key=lambda k: (-sum(cents[k]), k.casefold(), k))
    series = [_one(k, cents[k], counts[k]) for k in order[:top]]
    rest = order[top:]
    if rest:
        summed = [sum(cents[k][i] for k in rest) for i in range(len(cents[rest[0]]))]
        series.append(_one(OTHER, summed, sum(counts[k] for k in rest), named=False))
    if unnamed is not None:
        series.append(_one(NO_PROFILE if by == "profile" else NO_TYPE, unnamed,
                           counts[""], named=False))
    return tuple(series)


def _one(name: str, cents: list[int], sales: int, named: bool = True) -> TrendSeries:
    return TrendSeries(name, tuple(from_minor(c) for c in cents), from_minor(sum(cents)),
                       sales, named)
