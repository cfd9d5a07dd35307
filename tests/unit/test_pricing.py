"""The pricing engine (SPEC §2): properties over many bills, and hand-worked
Dutch receipts."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from tui_pos.services.pricing import (
    BILL, CUSTOMER, ITEM, NONE, OVERRIDE, TYPE, LineInput, PricingContext, VatChoice,
    allocate, price_bill,
)

D = Decimal
CENT = D("0.01")
HOOG = VatChoice("Hoog", D("21"))
LAAG = VatChoice("Laag", D("9"))
NUL = VatChoice("Nul", D("0"))

PROPERTY = settings(max_examples=150, deadline=None)


def half_up(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# -- strategies ---------------------------------------------------------------------

def cents(lo: int, hi: int):
    return st.integers(lo, hi).map(lambda n: D(n) / 100)


percents = st.integers(0, 10000).map(lambda n: (D(n) / 100).quantize(CENT))
vat_choices = st.sampled_from([HOOG, LAAG, NUL, VatChoice("Super", D("25.5")),
                               VatChoice("Full", D("100"))])
quantities = st.one_of(
    st.integers(1, 20).map(D),
    st.integers(1, 5000).map(lambda n: D(n) / 1000),   # weighed goods
    st.integers(-5, -1).map(D),                          # returns
)
maybe_percent = st.one_of(st.none(), percents)
maybe_vat = st.one_of(st.none(), vat_choices)


@st.composite
def line_inputs(draw):
    return LineInput(
        quantity=draw(quantities),
        unit_price=draw(cents(0, 100000)),
        item_vat=draw(vat_choices),
        discountable=draw(st.booleans()),
        discount_override=draw(st.one_of(st.none(), st.none(), percents)),
        vat_override=draw(st.one_of(st.none(), st.none(), vat_choices)),
    )


@st.composite
def contexts(draw):
    return PricingContext(
        prices_include_vat=draw(st.booleans()),
        vat_rounding=draw(st.sampled_from(["receipt", "line"])),
        customer_discount=draw(maybe_percent),
        customer_vat=draw(st.one_of(st.none(), st.none(), vat_choices)),
        type_discount=draw(maybe_percent),
        type_vat=draw(st.one_of(st.none(), st.none(), vat_choices)),
        bill_discount=draw(maybe_percent),
        bill_vat=draw(st.one_of(st.none(), st.none(), vat_choices)),
    )


bills = st.lists(line_inputs(), min_size=1, max_size=8)


# -- properties ---------------------------------------------------------------------

@PROPERTY
@given(bills, contexts())
def test_total_is_the_sum_of_the_lines(lines, ctx):
    bill = price_bill(lines, ctx)
    line_sum = sum((p.amount for p in bill.lines), D(0))
    assert bill.subtotal == line_sum
    if ctx.prices_include_vat:
        assert bill.total == line_sum
    else:
        assert bill.total == line_sum + sum((p.vat_amount for p in bill.lines), D(0))
        assert bill.total == line_sum + bill.vat_total
    for p in bill.lines:
        assert p.amount == p.gross - p.discount_amount
        assert p.amount == p.amount.quantize(CENT)
        assert p.gross == half_up(p.quantity * p.unit_price)


@PROPERTY
@given(bills, contexts())
def test_vat_summary_matches_the_lines(lines, ctx):
    bill = price_bill(lines, ctx)
    assert bill.vat_total == sum((p.vat_amount for p in bill.lines), D(0))
    assert sorted(r.rate for r in bill.vat_summary) == sorted({p.vat.rate for p in bill.lines})
    for row in bill.vat_summary:
        assert row.base + row.vat == row.total
        at_rate = [p for p in bill.lines if p.vat.rate == row.rate]
        assert row.vat == sum((p.vat_amount for p in at_rate), D(0))
        amount = sum((p.amount for p in at_rate), D(0))
        assert row.total == (amount if ctx.prices_include_vat else amount + row.vat)
    assert sum((r.total for r in bill.vat_summary), D(0)) == bill.total


@PROPERTY
@given(bills, contexts())
def test_non_discountable_lines_are_never_discounted(lines, ctx):
    bill = price_bill(lines, ctx)
    for p in bill.lines:
        if not p.source.discountable:
            assert p.discount_amount == 0
            assert p.discount_percent == 0
            assert p.discount_source == NONE
            assert p.amount == p.gross


@PROPERTY
@given(bills, contexts(), st.sampled_from(["bill", "customer", "type", "override"]))
def test_a_zero_discount_changes_nothing(lines, ctx, where):
    plain_ctx = PricingContext(prices_include_vat=ctx.prices_include_vat,
                               vat_rounding=ctx.vat_rounding, customer_vat=ctx.customer_vat,
                               type_vat=ctx.type_vat, bill_vat=ctx.bill_vat)
    plain_lines = [LineInput(x.quantity, x.unit_price, x.item_vat, x.discountable, None,
                             x.vat_override) for x in lines]
    if where == "override":
        zero_lines = [LineInput(x.quantity, x.unit_price, x.item_vat, x.discountable, D(0),
                                x.vat_override) for x in lines]
        zero_ctx = plain_ctx
    else:
        zero_lines = plain_lines
        zero_ctx = PricingContext(**{**plain_ctx.__dict__, f"{where}_discount": D(0)})
    plain, zero = price_bill(plain_lines, plain_ctx), price_bill(zero_lines, zero_ctx)
    assert [p.amount for p in zero.lines] == [p.amount for p in plain.lines]
    assert [p.vat_amount for p in zero.lines] == [p.vat_amount for p in plain.lines]
    assert zero.vat_summary == plain.vat_summary
    assert zero.total == plain.total
    assert zero.discount_total == 0


@PROPERTY
@given(cents(-100000, 100000), st.lists(cents(-50000, 50000), min_size=1, max_size=12))
def test_allocate_always_sums_exactly_to_the_total(total, weights):
    shares = allocate(total, weights)
    assert len(shares) == len(weights)
    assert sum(shares, D(0)) == total
    assert all(s == s.quantize(CENT) for s in shares)


@PROPERTY
@given(cents(0, 100000), st.lists(cents(1, 50000), min_size=1, max_size=12))
def test_allocate_shares_are_within_a_cent_of_their_proportion(total, weights):
    shares = allocate(total, weights)
    weight_sum = sum(weights, D(0))
    for share, w in zip(shares, weights):
        assert abs(share - total * w / weight_sum) < CENT


@PROPERTY
@given(bills, contexts(), percents)
def test_bill_discount_total_is_the_rounded_percentage_of_its_lines(lines, ctx, pct):
    ctx = PricingContext(**{**ctx.__dict__, "bill_discount": pct})
    bill = price_bill(lines, ctx)
    on_bill = [p for p in bill.lines if p.discount_source == BILL]
    expected = half_up(sum((p.gross for p in on_bill), D(0)) * pct / 100)
    assert sum((p.discount_amount for p in on_bill), D(0)) == expected
    for p, x in zip(bill.lines, lines):
        # the bill discount reaches exactly the discountable lines without an override
        assert (p.discount_source == BILL) == (x.discountable and x.discount_override is None)


# -- hand-worked Dutch receipts (prices incl. VAT unless said otherwise) ------------------

def line(qty, price, vat, **kw) -> LineInput:
    return LineInput(D(qty), D(price), vat, **kw)


def test_a_21_percent_item_incl_vat():
    bill = price_bill([line("1", "12.10", HOOG)])
    (row,) = bill.vat_summary
    assert (row.rate, row.base, row.vat, row.total) == (D("21"), D("10.00"), D("2.10"),
                                                         D("12.10"))
    assert bill.total == D("12.10")
    assert bill.lines[0].vat_source == ITEM


def test_three_coffees_at_9_percent_incl_vat():
    bill = price_bill([line("3", "6.95", LAAG)])
    (row,) = bill.vat_summary
    assert bill.total == D("20.85")
    assert row.vat == D("1.72")  # 20.85 × 9/109 = 1.7215 → 1.72
    assert row.base == D("19.13")


def test_mixed_rates_incl_vat_give_a_summary_per_rate():
    bill = price_bill([line("1", "12.10", HOOG), line("3", "6.95", LAAG)])
    assert bill.total == D("32.95")
    assert [(r.rate, r.base, r.vat, r.total) for r in bill.vat_summary] == [
        (D("21"), D("10.00"), D("2.10"), D("12.10")),
        (D("9"), D("19.13"), D("1.72"), D("20.85")),
    ]
    assert bill.vat_total == D("3.82")


def test_prices_excl_vat():
    ctx = PricingContext(prices_include_vat=False)
    bill = price_bill([line("1", "10.00", HOOG), line("2", "4.99", LAAG)], ctx)
    assert bill.subtotal == D("19.98")
    assert [(r.rate, r.base, r.vat, r.total) for r in bill.vat_summary] == [
        (D("21"), D("10.00"), D("2.10"), D("12.10")),
        (D("9"), D("9.98"), D("0.90"), D("10.88")),  # 9.98 × 9 % = 0.8982 → 0.90
    ]
    assert bill.total == D("22.98")


def test_a_tax_exempt_customer_type_pays_the_net_price():
    ctx = PricingContext(type_vat=NUL)
    bill = price_bill([line("1", "12.10", HOOG)], ctx)
    (p,) = bill.lines
    assert p.unit_price == D("10.00")
    assert p.vat == NUL and p.vat_source == TYPE
    assert p.vat_amount == 0
    assert bill.total == D("10.00")
    assert bill.vat_summary[0].vat == 0 and bill.vat_summary[0].base == D("10.00")


def test_a_staff_type_discount_of_15_percent():
    ctx = PricingContext(type_discount=D("15"))
    bill = price_bill([line("1", "12.10", HOOG), line("1", "25.00", NUL, discountable=False)],
                      ctx)
    mug, gift = bill.lines
    assert (mug.discount_percent, mug.discount_source) == (D("15"), TYPE)
    assert mug.discount_amount == D("1.82")  # 1.815 → 1.82
    assert mug.amount == D("10.28")
    assert mug.vat_amount == D("1.78")  # 10.28 × 21/121 = 1.784 → 1.78
    assert gift.discount_amount == 0 and gift.amount == D("25.00")
    assert bill.total == D("35.28")
    assert bill.discount_total == D("1.82")


def test_discount_precedence_override_then_bill_then_customer_then_type():
    item = line("1", "100.00", HOOG)
    overridden = line("1", "100.00", HOOG, discount_override=D("20"))
    full = PricingContext(type_discount=D("15"), customer_discount=D("10"),
                          bill_discount=D("5"))
    cases = [
        (overridden, full, D("20"), OVERRIDE),
        (item, full, D("5"), BILL),
        (item, PricingContext(type_discount=D("15"), customer_discount=D("10")), D("10"),
         CUSTOMER),
        (item, PricingContext(type_discount=D("15")), D("15"), TYPE),
        (item, PricingContext(), D("0"), NONE),
    ]
    for inp, ctx, pct, source in cases:
        (p,) = price_bill([inp], ctx).lines
        assert (p.discount_percent, p.discount_source) == (pct, source)
        assert p.discount_amount == pct  # 100.00 × pct %
        assert p.amount == D("100.00") - pct


def test_an_override_of_zero_beats_the_customer_discount():
    ctx = PricingContext(customer_discount=D("10"))
    (p,) = price_bill([line("1", "50.00", HOOG, discount_override=D("0"))], ctx).lines
    assert p.discount_source == OVERRIDE and p.amount == D("50.00")


def test_vat_precedence_override_then_bill_then_customer_then_type_then_item():
    ov = VatChoice("Override", D("5"))
    item = line("1", "10.00", HOOG)
    overridden = line("1", "10.00", HOOG, vat_override=ov)
    full = dict(bill_vat=LAAG, customer_vat=NUL, type_vat=VatChoice("T", D("13")))
    cases = [
        (overridden, full, ov, OVERRIDE),
        (item, full, LAAG, BILL),
        (item, {k: v for k, v in full.items() if k != "bill_vat"}, NUL, CUSTOMER),
        (item, {"type_vat": full["type_vat"]}, full["type_vat"], TYPE),
        (item, {}, HOOG, ITEM),
    ]
    for inp, kw, vat, source in cases:
        ctx = PricingContext(prices_include_vat=False, **kw)
        (p,) = price_bill([inp], ctx).lines
        assert (p.vat, p.vat_source) == (vat, source)
        assert p.vat_amount == half_up(D("10.00") * vat.rate / 100)


def test_a_bill_discount_is_spread_with_the_last_cent_placed_deterministically():
    ctx = PricingContext(bill_discount=D("10"))
    bill = price_bill([line("1", "3.33", HOOG), line("1", "3.33", HOOG),
                       line("1", "3.34", LAAG), line("1", "25.00", NUL, discountable=False)],
                      ctx)
    # 10 % of 10.00 = 1.00, spread 0.333/0.333/0.334 → floors 0.33/0.33/0.33, last cent
    # to the largest remainder (the third line)
    assert [p.discount_amount for p in bill.lines] == [D("0.33"), D("0.33"), D("0.34"), D("0")]
    assert bill.discount_total == D("1.00")
    assert bill.total == D("34.00")


def test_vat_rounding_per_line_differs_from_per_receipt():
    lines = [line("1", "1.00", HOOG), line("1", "1.00", HOOG), line("1", "1.00", HOOG)]
    per_receipt = price_bill(lines, PricingContext(vat_rounding="receipt"))
    per_line = price_bill(lines, PricingContext(vat_rounding="line"))
    # per receipt: 3.00 × 21/121 = 0.5207 → 0.52; per line: 1.00 × 21/121 = 0.1736 → 0.17, × 3
    assert per_receipt.vat_summary[0].vat == D("0.52")
    assert per_receipt.vat_summary[0].base == D("2.48")
    assert sorted(p.vat_amount for p in per_receipt.lines) == [D("0.17"), D("0.17"), D("0.18")]
    assert per_line.vat_summary[0].vat == D("0.51")
    assert per_line.vat_summary[0].base == D("2.49")
    assert [p.vat_amount for p in per_line.lines] == [D("0.17")] * 3
    assert per_receipt.total == per_line.total == D("3.00")


def test_vat_rounding_per_line_excl_vat_changes_the_total():
    # excl.: per receipt 0.36 × 21 % = 0.0756 → 0.08; per line 0.0252 → 0.03, × 3 = 0.09
    lines = [line("1", "0.12", HOOG)] * 3
    receipt = price_bill(lines, PricingContext(prices_include_vat=False))
    per_line = price_bill(lines, PricingContext(prices_include_vat=False, vat_rounding="line"))
    assert receipt.vat_total == D("0.08") and receipt.total == D("0.44")
    assert per_line.vat_total == D("0.09") and per_line.total == D("0.45")


def test_a_return_line_prices_negative_and_still_balances():
    bill = price_bill([line("2", "12.10", HOOG), line("-1", "12.10", HOOG)],
                      PricingContext(customer_discount=D("10")))
    assert [p.amount for p in bill.lines] == [D("21.78"), D("-10.89")]
    assert bill.total == D("10.89")
    assert bill.vat_summary[0].vat + bill.vat_summary[0].base == D("10.89")


def test_an_empty_bill_is_zero():
    bill = price_bill([])
    assert bill.total == 0 and bill.vat_summary == [] and bill.lines == []
