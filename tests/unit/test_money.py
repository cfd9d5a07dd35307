"""Money, percentages and quantities: exact decimals, clear refusals, integer cents."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tui_pos.db.models import Payment, Sale, SaleVat
from tui_pos.money import (
    from_minor, parse_money, parse_percent, parse_quantity, round_money, to_minor,
)

D = Decimal


# -- parse_money -------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("2.50", D("2.50")),
    ("2,50", D("2.50")),       # Dutch decimal comma
    (" 12,1 ", D("12.10")),
    ("7", D("7.00")),
    ("0", D("0.00")),
    ("1 000,00", D("1000.00")),
    (D("3.5"), D("3.50")),
    (4, D("4.00")),
])
def test_parse_money_accepts_good_input(text, expected):
    value = parse_money(text)
    assert value == expected
    assert value.as_tuple().exponent == -2  # always exactly two places


@pytest.mark.parametrize("text, words", [
    ("abc", "must be a number"),
    ("2,50,1", "must be a number"),
    ("NaN", "must be a number"),
    ("Infinity", "must be a number"),
    ("", "is required"),
    ("   ", "is required"),
    ("-1.00", "cannot be negative"),
    ("-0,01", "cannot be negative"),
    ("1.005", "more than two decimals"),
    ("2,499", "more than two decimals"),
    ("99999999999", "too large"),
])
def test_parse_money_refuses_bad_input_with_a_clear_message(text, words):
    with pytest.raises(ValueError) as info:
        parse_money(text, "Price")
    message = str(info.value)
    assert words in message
    assert message.startswith("Price")  # names the field the person typed in


def test_parse_money_allows_negative_only_when_asked():
    assert parse_money("-2,50", allow_negative=True) == D("-2.50")


# -- parse_percent -----------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("21", D("21.00")), ("9", D("9.00")), ("0", D("0.00")), ("100", D("100.00")),
    ("12,5", D("12.50")), ("15.25", D("15.25")),
])
def test_parse_percent_accepts_0_to_100(text, expected):
    assert parse_percent(text) == expected


@pytest.mark.parametrize("text, words", [
    ("100.01", "between 0 and 100"),
    ("101", "between 0 and 100"),
    ("-5", "between 0 and 100"),
    ("ten", "must be a number"),
    ("12.345", "more than two decimals"),
    ("", "is required"),
])
def test_parse_percent_refuses_bad_input(text, words):
    with pytest.raises(ValueError) as info:
        parse_percent(text, "Discount")
    assert words in str(info.value)
    assert str(info.value).startswith("Discount")


# -- parse_quantity ----------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("1", D("1.000")), ("3", D("3.000")), ("1,5", D("1.500")), ("0.125", D("0.125")),
    ("-2", D("-2.000")),  # a return
])
def test_parse_quantity_accepts_good_input(text, expected):
    assert parse_quantity(text) == expected


@pytest.mark.parametrize("text, words", [
    ("0", "cannot be zero"),
    ("0,000", "cannot be zero"),
    ("-0", "cannot be zero"),
    ("two", "must be a number"),
    ("1.2345", "more than three decimals"),
    ("1000000", "too large"),
    ("", "is required"),
])
def test_parse_quantity_refuses_bad_input(text, words):
    with pytest.raises(ValueError) as info:
        parse_quantity(text)
    assert words in str(info.value)
    assert str(info.value).startswith("Quantity")


# -- rounding ----------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("0.005", "0.01"), ("0.004", "0.00"), ("2.675", "2.68"), ("2.665", "2.67"),
    ("1.815", "1.82"), ("-0.005", "-0.01"), ("-1.815", "-1.82"), ("10", "10.00"),
    ("0.0049999", "0.00"),
])
def test_round_money_is_half_up_away_from_zero(value, expected):
    result = round_money(D(value))
    assert result == D(expected)
    assert str(result) == expected


def test_minor_units_are_exact_and_refuse_fractions_of_a_cent():
    assert to_minor(D("12.10")) == 1210
    assert to_minor(D("-0.01")) == -1
    assert to_minor(D("1.500"), 3) == 1500
    assert from_minor(1210) == D("12.10")
    assert str(from_minor(5)) == "0.05"
    with pytest.raises(ValueError):
        to_minor(D("0.105"))


# -- MoneyField in SQLite -----------------------------------------------------------

def _sale(number: int, total: str):
    value = D(total)
    return Sale.create(number=number, business_date="2026-01-02", prices_include_vat=True,
                       subtotal=value, discount_total=D("0"), vat_total=D("0"), total=value,
                       paid=value, change=D("0"))


@pytest.mark.sqlite_only("reads the storage class with SQLite's typeof()")
def test_money_field_stores_integer_cents_and_sums_exactly(db):
    a = _sale(1, "0.10")
    b = _sale(2, "0.20")
    rows = db.execute_sql(
        "SELECT total, typeof(total), typeof(paid) FROM sale ORDER BY number").fetchall()
    assert rows == [(10, "integer", "integer"), (20, "integer", "integer")]
    (raw_sum,) = db.execute_sql("SELECT SUM(total) FROM sale").fetchone()
    assert raw_sum == 30
    assert from_minor(raw_sum) == D("0.30")  # a float sum would give 0.30000000000000004
    # and back: the model reads exact Decimals
    assert Sale.get_by_id(a.id).total == D("0.10")
    assert Sale.get_by_id(b.id).total + Sale.get_by_id(a.id).total == D("0.30")
    assert isinstance(Sale.get_by_id(a.id).total, Decimal)


@pytest.mark.sqlite_only("reads the storage class with SQLite's typeof()")
def test_percent_and_money_fields_round_trip_on_child_rows(db):
    sale = _sale(1, "12.10")
    SaleVat.create(sale=sale, rate=D("21"), base=D("10.00"), vat=D("2.10"), total=D("12.10"))
    Payment.create(sale=sale, method="cash", amount=D("12.10"))
    raw = db.execute_sql("SELECT rate, typeof(rate), base, vat FROM sale_vat").fetchone()
    assert raw == (2100, "integer", 1000, 210)
    row = SaleVat.get()
    assert (row.rate, row.base, row.vat, row.total) == (D("21.00"), D("10.00"), D("2.10"),
                                                         D("12.10"))


def test_money_field_refuses_fractions_of_a_cent(db):
    with pytest.raises(ValueError):
        _sale(1, "0.105")
    assert Sale.select().count() == 0
