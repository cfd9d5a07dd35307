"""The pricing engine (SPEC §2): one function family for bill, receipt and reports.

Pure functions over plain values — no database, no UI. A bill is priced as:

1. **VAT class** per line, first that applies: the cashier's line override →
   a bill-wide override → the customer's own VAT class → the customer type's →
   the item's. When shelf prices include VAT and the effective rate differs
   from the item's, the unit price is re-based: net = price / (1 + item rate),
   new price = net × (1 + effective rate), rounded half-up to the cent (a
   €12.10 item at 21 % costs €10.00 for a tax-exempt customer).
2. **Gross** = quantity × unit price, rounded half-up to the cent.
3. **Discount** (only on discountable lines; labour and non-discountable
   items never): the line override → the bill discount → the customer's own
   → the customer type's → none. A line discount is rounded half-up per line;
   the bill discount is computed once over the lines it applies to and spread
   over them in proportion, the last cents going to the largest remainders
   (ties: the earlier line), so VAT falls with it.
4. **VAT** per rate over the receipt, rounded half-up once per rate (or per
   line when the shop chooses ``vat_rounding="line"``); each line carries its
   share so that the line shares add up to the summary exactly.

The receipt's total is the sum of its lines (prices incl. VAT) or the sum of
its lines plus the VAT summary (prices excl. VAT).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from typing import Sequence

from tui_pos.money import CENT, HUNDRED, ZERO, round_money

# Where a value came from, shown on the bill and stored on each sale line.
OVERRIDE = "override"
BILL = "bill"
CUSTOMER = "customer"
TYPE = "type"
ITEM = "item"
NONE = "none"


@dataclass(frozen=True)
class VatChoice:
    name: str
    rate: Decimal


@dataclass(frozen=True)
class LineInput:
    quantity: Decimal
    unit_price: Decimal  # the shelf price, incl. or excl. VAT as the shop prices
    item_vat: VatChoice
    discountable: bool = True
    discount_override: Decimal | None = None
    vat_override: VatChoice | None = None


@dataclass(frozen=True)
class PricingContext:
    prices_include_vat: bool = True
    vat_rounding: str = "receipt"  # "receipt": once per rate; "line": per line
    customer_discount: Decimal | None = None
    customer_vat: VatChoice | None = None
    type_discount: Decimal | None = None
    type_vat: VatChoice | None = None
    bill_discount: Decimal | None = None
    bill_vat: VatChoice | None = None


@dataclass(frozen=True)
class PricedLine:
    source: LineInput
    unit_price: Decimal
    gross: Decimal
    discount_percent: Decimal
    discount_source: str
    discount_amount: Decimal
    amount: Decimal  # gross − discount; incl. VAT when prices include VAT
    vat: VatChoice
    vat_source: str
    vat_amount: Decimal  # this line's share of its rate's VAT

    @property
    def discountable(self) -> bool:
        return self.source.discountable

    @property
    def quantity(self) -> Decimal:
        return self.source.quantity


@dataclass(frozen=True)
class VatSummaryRow:
    rate: Decimal
    base: Decimal
    vat: Decimal
    total: Decimal


@dataclass(frozen=True)
class PricedBill:
    lines: list[PricedLine] = field(default_factory=list)
    vat_summary: list[VatSummaryRow] = field(default_factory=list)
    prices_include_vat: bool = True

    @property
    def subtotal(self) -> Decimal:
        """The sum of the line amounts."""
        return sum((line.amount for line in self.lines), ZERO).quantize(CENT)

    @property
    def gross_total(self) -> Decimal:
        return sum((line.gross for line in self.lines), ZERO).quantize(CENT)

    @property
    def discount_total(self) -> Decimal:
        return sum((line.discount_amount for line in self.lines), ZERO).quantize(CENT)

    @property
    def vat_total(self) -> Decimal:
        return sum((row.vat for row in self.vat_summary), ZERO).quantize(CENT)

    @property
    def total(self) -> Decimal:
        if self.prices_include_vat:
            return self.subtotal
        return (self.subtotal + self.vat_total).quantize(CENT)


def allocate(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split ``total`` (whole cents) over ``weights`` in proportion, exactly.

    Each share is floored to the cent; the cents left over go one by one to
    the largest remainders, ties to the earlier weight. The shares always
    add up to ``total``.
    """
    if not weights:
        return []
    weight_sum = sum(weights, ZERO)
    if weight_sum == 0:
        return [total] + [ZERO.quantize(CENT)] * (len(weights) - 1)
    raw = [total * w / weight_sum for w in weights]
    floors = [r.quantize(CENT, rounding=ROUND_FLOOR) for r in raw]
    left = int(((total - sum(floors, ZERO)) / CENT).to_integral_value())
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - floors[i]), i))
    shares = list(floors)
    step = CENT if left >= 0 else -CENT
    for k in range(abs(left)):
        shares[order[k % len(order)]] += step
    return [s.quantize(CENT) for s in shares]


def effective_vat(line: LineInput, ctx: PricingContext) -> tuple[VatChoice, str]:
    if line.vat_override is not None:
        return line.vat_override, OVERRIDE
    if ctx.bill_vat is not None:
        return ctx.bill_vat, BILL
    if ctx.customer_vat is not None:
        return ctx.customer_vat, CUSTOMER
    if ctx.type_vat is not None:
        return ctx.type_vat, TYPE
    return line.item_vat, ITEM


def effective_discount(line: LineInput, ctx: PricingContext) -> tuple[Decimal, str]:
    if not line.discountable:
        return ZERO, NONE
    if line.discount_override is not None:
        return line.discount_override, OVERRIDE
    if ctx.bill_discount is not None:
        return ctx.bill_discount, BILL
    if ctx.customer_discount is not None:
        return ctx.customer_discount, CUSTOMER
    if ctx.type_discount is not None:
        return ctx.type_discount, TYPE
    return ZERO, NONE


def effective_unit_price(line: LineInput, vat: VatChoice, ctx: PricingContext) -> Decimal:
    if not ctx.prices_include_vat or vat.rate == line.item_vat.rate:
        return line.unit_price
    net = line.unit_price * HUNDRED / (HUNDRED + line.item_vat.rate)
    return round_money(net * (HUNDRED + vat.rate) / HUNDRED)


def vat_in(amount: Decimal, rate: Decimal, prices_include_vat: bool) -> Decimal:
    """The VAT in (incl.) or on (excl.) an amount, rounded half-up."""
    if prices_include_vat:
        return round_money(amount * rate / (HUNDRED + rate))
    return round_money(amount * rate / HUNDRED)


def price_bill(inputs: Sequence[LineInput], ctx: PricingContext = PricingContext()) -> PricedBill:
    """Price every line and the VAT summary of a bill."""
    staged = []
    for line in inputs:
        vat, vat_source = effective_vat(line, ctx)
        unit = effective_unit_price(line, vat, ctx)
        gross = round_money(line.quantity * unit)
        pct, source = effective_discount(line, ctx)
        staged.append([line, vat, vat_source, unit, gross, pct, source, ZERO])

    bill_lines = [s for s in staged if s[6] == BILL]
    if bill_lines and ctx.bill_discount:
        base = sum((s[4] for s in bill_lines), ZERO)
        amount = round_money(base * ctx.bill_discount / HUNDRED)
        for s, share in zip(bill_lines, allocate(amount, [s[4] for s in bill_lines])):
            s[7] = share
    for s in staged:
        if s[6] not in (BILL, NONE):
            s[7] = round_money(s[4] * s[5] / HUNDRED)

    amounts = [(s[4] - s[7]).quantize(CENT) for s in staged]
    vat_shares = [ZERO.quantize(CENT)] * len(staged)
    summary = []
    for rate in sorted({s[1].rate for s in staged}, reverse=True):
        idx = [i for i, s in enumerate(staged) if s[1].rate == rate]
        rate_amount = sum((amounts[i] for i in idx), ZERO)
        if ctx.vat_rounding == "line":
            shares = [vat_in(amounts[i], rate, ctx.prices_include_vat) for i in idx]
            rate_vat = sum(shares, ZERO)
        else:
            rate_vat = vat_in(rate_amount, rate, ctx.prices_include_vat)
            shares = allocate(rate_vat, [amounts[i] for i in idx])
        for i, share in zip(idx, shares):
            vat_shares[i] = share
        if ctx.prices_include_vat:
            base, total = rate_amount - rate_vat, rate_amount
        else:
            base, total = rate_amount, rate_amount + rate_vat
        summary.append(VatSummaryRow(rate, base.quantize(CENT), rate_vat.quantize(CENT),
                                     total.quantize(CENT)))

    lines = [
        PricedLine(
            source=s[0], unit_price=s[3], gross=s[4], discount_percent=s[5],
            discount_source=s[6], discount_amount=s[7].quantize(CENT), amount=amounts[i],
            vat=s[1], vat_source=s[2], vat_amount=vat_shares[i],
        )
        for i, s in enumerate(staged)
    ]
    return PricedBill(lines=lines, vat_summary=summary,
                      prices_include_vat=ctx.prices_include_vat)
