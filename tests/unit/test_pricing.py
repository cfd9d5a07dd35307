"""The pricing engine (SPEC §2): properties over many bills, and hand-worked
Dutch receipts."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from tui_pos.services.pricing import (
    BILL, CUSTOMER, ITEM, NONE, OVERRIDE, TYPE, LineInput, PricingContext, VatChoice,
    allocate, percentage_of, price_bill,
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
        assert p.amount == p.gross - p.discount_amount - p.bill_discount_amount
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
            assert p.bill_discount_amount == 0 and p.bill_discount_percent is None
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


def with_bill_discount(ctx: PricingContext, pct: Decimal | None) -> PricingContext:
    return PricingContext(**{**ctx.__dict__, "bill_discount": pct})


@PROPERTY
@given(bills, contexts(), percents)
def test_bill_discount_parts_add_up_to_the_rounded_percentage_of_the_discounted_lines(
        lines, ctx, pct):
    bill = price_bill(lines, with_bill_discount(ctx, pct))
    on_bill = [p for p in bill.lines if p.discountable]
    base = sum((p.gross - p.discount_amount for p in on_bill), D(0))
    assert sum((p.bill_discount_amount for p in on_bill), D(0)) == half_up(base * pct / 100)
    assert bill.bill_discount_total == half_up(base * pct / 100)
    assert bill.discount_total == sum((p.discount_amount + p.bill_discount_amount
                                       for p in bill.lines), D(0))
    for p in bill.lines:
        # the bill discount reaches exactly the discountable lines, overridden or not
        assert (p.bill_discount_percent == pct) == (p.discountable and pct != 0)
        # each part is within a cent of its own percentage, never turning a line's sign
        own = (p.gross - p.discount_amount) * pct / 100 if p.discountable else 0
        assert abs(p.bill_discount_amount - own) < CENT


@PROPERTY
@given(bills, contexts(), percents)
def test_a_bill_discount_never_replaces_a_line_discount(lines, ctx, pct):
    without = price_bill(lines, with_bill_discount(ctx, None))
    with_it = price_bill(lines, with_bill_discount(ctx, pct))
    for a, b in zip(without.lines, with_it.lines):
        assert (b.discount_percent, b.discount_source, b.discount_amount) == \
            (a.discount_percent, a.discount_source, a.discount_amount)
        assert a.bill_discount_amount == 0 and a.bill_discount_percent is None


@PROPERTY
@given(bills, contexts(), percents)
def test_a_bill_discount_never_raises_a_line(lines, ctx, pct):
    without = price_bill(lines, with_bill_discount(ctx, None))
    with_it = price_bill(lines, with_bill_discount(ctx, pct))
    for a, b in zip(without.lines, with_it.lines):
        # a sale costs no more, a return refunds no more: never past zero either
        if a.amount >= 0:
            assert 0 <= b.amount <= a.amount
        else:
            assert a.amount <= b.amount <= 0


positive_bills = st.lists(line_inputs().filter(lambda x: x.quantity > 0), min_size=1,
                          max_size=8)


@PROPERTY
@given(positive_bills, contexts(), percents)
def test_a_bill_discount_never_raises_the_total(lines, ctx, pct):
    without = price_bill(lines, with_bill_discount(ctx, None))
    with_it = price_bill(lines, with_bill_discount(ctx, pct))
    assert with_it.total <= without.total
    assert with_it.vat_total <= without.vat_total  # VAT falls with it
    assert with_it.total == sum((p.amount for p in with_it.lines), D(0)) + (
        0 if ctx.prices_include_vat else with_it.vat_total)


@PROPERTY
@given(bills, contexts())
def test_a_bill_discount_of_zero_is_no_bill_discount(lines, ctx):
    assert price_bill(lines, with_bill_discount(ctx, D(0))) == \
        price_bill(lines, with_bill_discount(ctx, None))


@PROPERTY
@given(line_inputs().filter(lambda x: x.discountable), contexts(), percents)
def test_the_bill_discount_compounds_on_the_line_discount(inp, ctx, pct):
    (p,) = price_bill([inp], with_bill_discount(ctx, pct)).lines
    d1, d2 = p.discount_percent / 100, pct / 100
    assert abs(p.amount - p.gross * (1 - d1) * (1 - d2)) <= CENT
    assert p.bill_discount_amount == half_up((p.gross - p.discount_amount) * d2)


@PROPERTY
@given(st.lists(cents(-50000, 50000), min_size=1, max_size=12), percents)
def test_percentage_of_stays_within_a_cent_of_each_amount_s_own_percentage(amounts, pct):
    shares = percentage_of(amounts, pct)
    assert sum(shares, D(0)) == half_up(sum(amounts, D(0)) * pct / 100)
    for share, amount in zip(shares, amounts):
        assert abs(share - amount * pct / 100) < CENT
        assert abs(share) <= abs(amount) and share * amount >= 0


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


def test_discount_precedence_override_then_customer_then_type():
    item = line("1", "100.00", HOOG)
    overridden = line("1", "100.00", HOOG, discount_override=D("20"))
    full = PricingContext(type_discount=D("15"), customer_discount=D("10"))
    cases = [
        (overridden, full, D("20"), OVERRIDE),
        (item, full, D("10"), CUSTOMER),
        (item, PricingContext(type_discount=D("15")), D("15"), TYPE),
        (item, PricingContext(), D("0"), NONE),
    ]
    for inp, ctx, pct, source in cases:
        (p,) = price_bill([inp], ctx).lines
        assert (p.discount_percent, p.discount_source) == (pct, source)
        assert p.discount_amount == pct  # 100.00 × pct %
        assert p.amount == D("100.00") - pct


def test_a_bill_discount_comes_on_top_of_every_line_discount():
    """SPEC §2: the bill discount applies after the line's own, compounded."""
    bill_5 = dict(bill_discount=D("5"))
    cases = [  # line, context, line discount (source), amount after both
        (line("1", "100.00", HOOG, discount_override=D("20")),
         PricingContext(customer_discount=D("10"), **bill_5), (D("20"), OVERRIDE), D("76.00")),
        (line("1", "100.00", HOOG),
         PricingContext(customer_discount=D("10"), type_discount=D("15"), **bill_5),
         (D("10"), CUSTOMER), D("85.50")),
        (line("1", "100.00", HOOG), PricingContext(type_discount=D("15"), **bill_5),
         (D("15"), TYPE), D("80.75")),
        (line("1", "100.00", HOOG), PricingContext(**bill_5), (D("0"), NONE), D("95.00")),
    ]
    for inp, ctx, (pct, source), amount in cases:
        (p,) = price_bill([inp], ctx).lines
        assert (p.discount_percent, p.discount_source) == (pct, source)
        assert p.bill_discount_percent == D("5")
        assert p.amount == amount == (D("100.00") * (1 - pct / 100) * D("0.95")).quantize(CENT)
        assert p.bill_discount_amount == D("100.00") - p.discount_amount - amount


def test_a_staff_customer_gets_the_bill_discount_on_top_and_labour_stays_whole():
    """Staff −15 %, 5 % off the bill: 2 × €12.10 + €60.50 labour (not discountable)."""
    ctx = PricingContext(type_discount=D("15"), bill_discount=D("5"))
    bill = price_bill([line("2", "12.10", HOOG),
                       line("1", "60.50", HOOG, discountable=False)], ctx)
    mugs, labour = bill.lines
    # worked with Decimal: 24.20 × 15 % = 3.63; 20.57 × 5 % = 1.0285 → 1.03
    gross = D("2") * D("12.10")
    staff = half_up(gross * D("15") / 100)
    extra = half_up((gross - staff) * D("5") / 100)
    assert (gross, staff, gross - staff, extra, gross - staff - extra) == (
        D("24.20"), D("3.63"), D("20.57"), D("1.03"), D("19.54"))
    assert (mugs.gross, mugs.discount_amount, mugs.bill_discount_amount, mugs.amount) == (
        gross, staff, extra, D("19.54"))
    assert (mugs.discount_percent, mugs.discount_source, mugs.bill_discount_percent) == (
        D("15"), TYPE, D("5"))
    assert (labour.amount, labour.discount_amount, labour.bill_discount_amount) == (
        D("60.50"), 0, 0)
    assert labour.bill_discount_percent is None
    assert bill.total == D("19.54") + D("60.50") == D("80.04")
    assert bill.discount_total == D("4.66")
    (row,) = bill.vat_summary
    assert row.vat == half_up(D("80.04") * 21 / 121) == D("13.89")  # 13.891…
    assert (row.base, row.total) == (D("66.15"), D("80.04"))
    # the bill discount replaced the staff discount before: 24.20 − 1.21 = 22.99
    assert mugs.amount < D("22.99")


def test_a_bill_discount_on_a_sale_and_a_return_stays_within_each_line():
    """Sum near zero: each line's part is its own 50 %, not a share of 0.01."""
    ctx = PricingContext(bill_discount=D("50"))
    bill = price_bill([line("1", "100.00", HOOG), line("-1", "99.99", HOOG)], ctx)
    # 50.00 and −49.995: 0.005 → 0.01 in all; the cent to the larger remainder
    assert [p.bill_discount_amount for p in bill.lines] == [D("50.00"), D("-49.99")]
    assert [p.amount for p in bill.lines] == [D("50.00"), D("-50.00")]
    assert bill.total == 0


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
    assert [p.bill_discount_amount for p in bill.lines] == [D("0.33"), D("0.33"), D("0.34"),
                                                            D("0")]
    assert [p.discount_amount for p in bill.lines] == [D("0")] * 4
    assert bill.discount_total == bill.bill_discount_total == D("1.00")
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
