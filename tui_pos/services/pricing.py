"""The pricing engine (SPEC §2): one function family for bill, receipt and reports.

Pure functions over plain values — no database, no UI. A bill is priced as:

1. **VAT class** per line, first that applies: the cashier's line override →
   a bill-wide override → the customer's own VAT class → the customer type's →
   the item's. When shelf prices include VAT and the effective rate differs
   from the item's, the unit price is re-based: net = price / (1 + item rate),
   new price = net × (1 + effective rate), rounded half-up to the cent (a
   €12.10 item at 21 % costs €10.00 for a tax-exempt customer).
2. **Gross** = quantity × unit price, rounded half-up to the cent.
3. **Line discount** (only on discountable lines; labour and non-discountable
   items never): the cashier's line override → the customer's own → the
   customer type's → none, rounded half-up per line.
4. **Bill discount** (SPEC §2): a percentage that applies *after* each
   discountable line's own discount, compounded — it never replaces a line's
   discount, so it can never raise a price. It is computed once over the
   discountable lines, round_half_up(Σ (gross − line discount) × % / 100),
   and spread over them in proportion to what each still costs, the last
   cents going to the largest remainders (ties: the earlier line), so the
   parts add up exactly and VAT falls with it. Each line records both
   discounts and where its line discount came from.
5. **VAT** per rate over the receipt, rounded half-up once per rate (or per
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
BILL = "bill"  # the bill-wide VAT override; a discount source on sales before schema 2
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
    discount_percent: Decimal  # the line's own discount (override, customer or type)
    discount_source: str
    discount_amount: Decimal
    amount: Decimal  # gross − both discounts; incl. VAT when prices include VAT
    vat: VatChoice
    vat_source: str
    vat_amount: Decimal  # this line's share of its rate's VAT
    bill_discount_percent: Decimal | None = None  # None: no bill discount on this line
    bill_discount_amount: Decimal = ZERO  # this line's share of the bill discount

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
        """Every discount on the bill: the lines' own and the bill discount."""
        return sum((line.discount_amount + line.bill_discount_amount for line in self.lines),
                   ZERO).quantize(CENT)

    @property
    def bill_discount_total(self) -> Decimal:
        return sum((line.bill_discount_amount for line in self.lines), ZERO).quantize(CENT)

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
    return _place_cents(total, [total * w / weight_sum for w in weights])


def percentage_of(amounts: Sequence[Decimal], percent: Decimal) -> list[Decimal]:
    """``percent`` of the ``amounts`` together, rounded half-up once, split over them.

    Each amount's share is its exact percentage floored to the cent; the cents
    left over go to the largest remainders, ties to the earlier amount. The
    shares add up to round_half_up(Σ amounts × percent / 100), and each stays
    within a cent of its own percentage, so with 0 ≤ percent ≤ 100 no share
    turns an amount's sign or grows it — also on a bill of sales and returns
    whose sum is near zero (where dividing by that sum would not).
    """
    exact = [a * percent / HUNDRED for a in amounts]
    return _place_cents(round_money(sum(exact, ZERO)), exact)


def _place_cents(total: Decimal, raw: Sequence[Decimal]) -> list[Decimal]:
    """Whole-cent shares of ``total`` near ``raw`` (which adds up to about it):
    floors first, then the cents left over by largest remainder, ties earlier."""
    if not raw:
        return []
    floors = [r.quantize(CENT, rounding=ROUND_FLOOR) for r in raw]
    left = int(((total - sum(floors, ZERO)) / CENT).to_integral_value())
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - floors[i]), i))
    shares = list(floors)
    step = CENT if left >= 0 else -CENT
    for k in range(abs(left)):
        shares[order[k % len(order)]] += step
    return [share.quantize(CENT) for share in shares]


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
    """The line's own discount, first that applies: the cashier's override →
    the customer's own → the customer type's → none. The bill discount is not
    one of them: it comes on top (``price_bill``)."""
    if not line.discountable:
        return ZERO, NONE
    if line.discount_override is not None:
        return line.discount_override, OVERRIDE
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


@dataclass
class _Staged:
    """One line on its way through ``price_bill``."""

    source: LineInput
    vat: VatChoice
    vat_source: str
    unit_price: Decimal
    gross: Decimal
    discount_percent: Decimal
    discount_source: str
    discount_amount: Decimal
    bill_discount_percent: Decimal | None = None
    bill_discount_amount: Decimal = ZERO

    @property
    def amount(self) -> Decimal:
        return (self.gross - self.discount_amount - self.bill_discount_amount).quantize(CENT)


def _stage(line: LineInput, ctx: PricingContext) -> _Staged:
    """VAT class, unit price, gross and the line's own discount."""
    vat, vat_source = effective_vat(line, ctx)
    unit = effective_unit_price(line, vat, ctx)
    gross = round_money(line.quantity * unit)
    percent, source = effective_discount(line, ctx)
    discount = round_money(gross * percent / HUNDRED) if source != NONE else ZERO
    return _Staged(line, vat, vat_source, unit, gross, percent, source, discount.quantize(CENT))


def _apply_bill_discount(staged: Sequence[_Staged], percent: Decimal | None) -> None:
    """The bill discount on top of each discountable line's own, spread exactly."""
    if not percent:
        return
    on_bill = [s for s in staged if s.source.discountable]
    shares = percentage_of([s.gross - s.discount_amount for s in on_bill], percent)
    for s, share in zip(on_bill, shares):
        s.bill_discount_percent, s.bill_discount_amount = percent, share


def price_bill(inputs: Sequence[LineInput], ctx: PricingContext = PricingContext()) -> PricedBill:
    """Price every line and the VAT summary of a bill."""
    staged = [_stage(line, ctx) for line in inputs]
    _apply_bill_discount(staged, ctx.bill_discount)

    amounts = [s.amount for s in staged]
    vat_shares = [ZERO.quantize(CENT)] * len(staged)
    summary = []
    for rate in sorted({s.vat.rate for s in staged}, reverse=True):
        idx = [i for i, s in enumerate(staged) if s.vat.rate == rate]
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
            source=s.source, unit_price=s.unit_price, gross=s.gross,
            discount_percent=s.discount_percent, discount_source=s.discount_source,
            discount_amount=s.discount_amount, amount=amounts[i], vat=s.vat,
            vat_source=s.vat_source, vat_amount=vat_shares[i],
            bill_discount_percent=s.bill_discount_percent,
            bill_discount_amount=s.bill_discount_amount.quantize(CENT),
        )
        for i, s in enumerate(staged)
    ]
    return PricedBill(lines=lines, vat_summary=summary,
                      prices_include_vat=ctx.prices_include_vat)
