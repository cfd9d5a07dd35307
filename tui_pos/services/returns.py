"""Voids and returns (issue 8, part 4): undoing a sale, whole or in part.

``void_sale`` takes back a whole sale of today's register session: it stays in
the books with status "void" and a ``SaleVoid`` row (why, who, approved by),
its account entries and voucher use reversed, its item sums taken out — all in
one transaction with an audit entry. Reports count status = 'completed' only,
so a void drops out of them; ``reports.voided_sales`` lists them (the Void Report).

``complete_return`` writes a *return*: a sale of kind "return" with negative
lines. Against a receipt each line names the sold line it takes back
(``returned_from``) and is priced as that line was charged — its amount and
discounts in proportion to the quantity returned. The proportion is taken
cumulatively (what all returns of a line have taken back so far, minus what
the earlier ones took), each rounded half-up to the cent as SPEC §2 rounds,
so returning a line in pieces gives back exactly what was paid for it. VAT
per rate is recomputed the way the original sale rounded it (once per rate or
per line), cumulatively as well, so a full return reverses the original's VAT
rows exactly. Without a receipt (a manager's approval) the items are priced
at today's prices. The refund goes to the original tender by default, or to
cash, card, the customer's account or a voucher.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Sequence

import peewee as pw

from tui_pos.db import bulk
from tui_pos.db.models import (
    Customer, Payment, RegisterSession, Sale, SaleLine, SaleVat, SaleVoid, Sequence as Counter,
    TenderMethod, Voucher, database, now,
)
from tui_pos.money import CENT, ZERO, format_money, format_quantity, from_minor, parse_quantity, \
    round_money
from tui_pos.services import accounts, audit, config, item_sales, receipt_text, register, \
    sales, tenders
from tui_pos.services.actors import Actor, require
from tui_pos.services.errors import NotFound, ValidationError, as_field, check
from tui_pos.services.pricing import VatSummaryRow, vat_in
from tui_pos.services.text import checked, has_controls, printable

REASON_LENGTH = 200  # SaleVoid.reason


# -- finding the sale ---------------------------------------------------------------------------

def parse_sale_number(number: object) -> int:
    """A receipt number as typed ("12", " 12 "): a whole number, else a clear message."""
    if isinstance(number, int) and not isinstance(number, bool):
        value = number
    else:
        text = printable(str(number if number is not None else "")).strip()
        check(bool(text), "Type the receipt (sale) number", "number")
        check(text.isascii() and text.isdigit() and len(text) <= 18,
              f"A receipt number is digits only, not {text[:20]!r}", "number")
        value = int(text)
    check(0 < value < 10**18, "There is no such receipt number", "number")
    return value


def _sale(number: object, for_update: bool = False) -> Sale:
    value = parse_sale_number(number)
    query = Sale.select().where(Sale.number == value)
    if for_update and database.for_update:  # PostgreSQL; SQLite: BEGIN IMMEDIATE's lock
        query = query.for_update()
    sale = query.first()
    if sale is None:
        raise NotFound(f"There is no sale {value}", "number")
    return sale


# -- what can still be returned -----------------------------------------------------------------

@dataclass(frozen=True)
class ReturnableLine:
    """One sold line: what was sold, what has come back already, what still may."""

    id: int
    position: int
    sku: str
    name: str
    sold: Decimal
    returned: Decimal
    returnable: Decimal
    unit_price: Decimal
    gross: Decimal
    discount_percent: Decimal
    discount_source: str
    discount_amount: Decimal
    bill_discount_percent: Decimal | None
    bill_discount_amount: Decimal
    amount: Decimal
    vat_class_name: str
    vat_rate: Decimal
    vat_source: str
    item_id: int | None


@dataclass(frozen=True)
class PaidBy:
    """One tender of the original sale, for refunding to it."""

    method_id: int | None
    method: str
    kind: str
    amount: Decimal
    voucher: str = ""


@dataclass(frozen=True)
class ReturnableSale:
    id: int
    number: int
    created_at: dt.datetime
    business_date: dt.date
    cashier: str
    customer_id: int | None
    customer_name: str
    total: Decimal
    prices_include_vat: bool
    lines: tuple[ReturnableLine, ...]
    payments: tuple[PaidBy, ...]

    @property
    def anything_left(self) -> bool:
        return any(line.returnable > 0 for line in self.lines)


def _sums(sql: str, params: tuple) -> list[tuple]:
    """Rows of a raw query over integer columns (money in cents, quantities in 1/1000)."""
    return list(database.execute_sql(sql.replace("?", database.param), params).fetchall())


RETURNED_SQL = ("SELECT l.returned_from_id, SUM(l.quantity), SUM(l.amount) FROM sale_line AS l "
                "JOIN sale AS s ON s.id = l.sale_id JOIN sale_line AS o ON o.id = l.returned_from_id "
                "WHERE o.sale_id = ? AND s.status = 'completed' GROUP BY l.returned_from_id")


def _returned(sale_id: int) -> dict[int, tuple[Decimal, Decimal]]:
    """{sold line id: (quantity, amount) its returns that are not void took back} — both
    positive, as they were sold."""
    return {line_id: (-from_minor(int(qty), 3), -from_minor(int(amount)))
            for line_id, qty, amount in _sums(RETURNED_SQL, (sale_id,))}


def _returned_per_line(sale_id: int) -> dict[int, Decimal]:
    return {line_id: qty for line_id, (qty, _) in _returned(sale_id).items()}


def _check_returnable(sale: Sale) -> None:
    check(sale.kind == "sale", f"Sale {sale.number} is itself a return; it cannot be "
          "returned (void it instead)", "number")
    check(sale.status == "completed", f"Sale {sale.number} was voided; nothing on it can be "
          "returned", "number")


def _payments_of(sale_id: int) -> tuple[PaidBy, ...]:
    rows = (Payment.select(Payment.tender_method, Payment.method, TenderMethod.kind,
                           Payment.amount, Voucher.number)
            .join(TenderMethod, pw.JOIN.LEFT_OUTER, on=(Payment.tender_method == TenderMethod.id))
            .switch(Payment).join(Voucher, pw.JOIN.LEFT_OUTER, on=(Payment.voucher == Voucher.id))
            .where(Payment.sale == sale_id).order_by(Payment.id).tuples())
    return tuple(PaidBy(method_id, method, kind or _legacy_kind(method), amount, voucher or "")
                 for method_id, method, kind, amount, voucher in rows)


def _legacy_kind(method: str) -> str:
    """A payment from before tender methods (schema 6): "cash", "card", "web shop"."""
    return method if method in ("cash", "card") else "other"


def returnable(number: object) -> ReturnableSale:
    """The sale behind a receipt number, each line with what may still come back."""
    sale = _sale(number)
    _check_returnable(sale)
    return _returnable_of(sale)


def _returnable_of(sale: Sale) -> ReturnableSale:
    returned = _returned_per_line(sale.id)
    lines = []
    for line in SaleLine.select().where(SaleLine.sale == sale.id).order_by(SaleLine.position):
        back = returned.get(line.id, ZERO)
        left = max(line.quantity - back, ZERO) if line.quantity > 0 else ZERO
        lines.append(ReturnableLine(
            id=line.id, position=line.position, sku=line.sku, name=line.name,
            sold=line.quantity, returned=back, returnable=left, unit_price=line.unit_price,
            gross=line.gross, discount_percent=line.discount_percent,
            discount_source=line.discount_source, discount_amount=line.discount_amount,
            bill_discount_percent=line.bill_discount_percent,
            bill_discount_amount=line.bill_discount_amount, amount=line.amount,
            vat_class_name=line.vat_class_name, vat_rate=line.vat_rate,
            vat_source=line.vat_source, item_id=line.item_id))
    return ReturnableSale(
        id=sale.id, number=sale.number, created_at=sale.created_at,
        business_date=sale.business_date, cashier=sale.cashier, customer_id=sale.customer_id,
        customer_name=sale.customer_name, total=sale.total,
        prices_include_vat=sale.prices_include_vat, lines=tuple(lines),
        payments=_payments_of(sale.id))


@dataclass(frozen=True)
class CustomerSale:
    """One of a customer's sales, for finding the receipt a return is against."""

    number: int
    created_at: dt.datetime
    total: Decimal
    lines: int


def customer_sales(customer_id: int, limit: int = 50) -> list[CustomerSale]:
    """A customer's completed sales (not returns), newest first: their history at the till."""
    if not isinstance(customer_id, int) or isinstance(customer_id, bool):
        raise NotFound("That customer does not exist", "customer")
    query = (Sale.select(Sale.number, Sale.created_at, Sale.total, pw.fn.COUNT(SaleLine.id))
             .join(SaleLine, on=(SaleLine.sale == Sale.id))
             .where((Sale.customer == customer_id) & (Sale.kind == "sale")
                    & (Sale.status == "completed"))
             .group_by(Sale.id, Sale.number, Sale.created_at, Sale.total)
             .order_by(Sale.number.desc()).limit(max(1, min(limit, 500))))
    return [CustomerSale(*row) for row in query.tuples()]


# -- voids ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class VoidedSale:
    number: int
    total: Decimal
    reason: str
    approver: str


@dataclass(frozen=True)
class VoidableSale:
    """What the void pop-up shows before the reason is asked."""

    number: int
    kind: str
    created_at: dt.datetime
    cashier: str
    customer_name: str
    total: Decimal


def voidable(number: object, today: dt.date | None = None) -> VoidableSale:
    """The sale behind ``number`` if it may be voided now (read-only; ``void_sale``
    checks again in its transaction), else the reason it may not."""
    sale = _sale(parse_sale_number(number))
    _check_voidable(sale, today or dt.date.today())
    return VoidableSale(sale.number, sale.kind, sale.created_at, sale.cashier,
                        sale.customer_name, sale.total)


def void_sale(actor: Actor, number: object, reason: str,
              today: dt.date | None = None) -> VoidedSale:
    """Void a sale (or a return) of today, rung up in the register session still open
    on its terminal: a manager's work (``NeedsApproval`` for a cashier), with a reason.

    In one transaction: the sale's status "void", a ``SaleVoid`` row, its account
    entries and voucher use reversed, its item sums taken out, an audit entry."""
    value = parse_sale_number(number)
    why = checked(reason, "Reason", "reason", REASON_LENGTH, required=True)
    require(actor, "manager", f"Void sale {value}")  # asked once the form is right
    today = today or dt.date.today()
    try:
        with database.atomic():
            sale = _sale(value, for_update=True)
            _check_voidable(sale, today)
            changed = (Sale.update(status="void")
                       .where((Sale.id == sale.id) & (Sale.status == "completed")).execute())
            check(changed == 1, f"Sale {sale.number} is already void", "number")
            SaleVoid.create(sale=sale.id, at=now(), reason=why, staff=actor.staff_id,
                            staff_name=printable(actor.name)[:60],
                            approver_name=printable(actor.approver_name)[:60],
                            register_session=sale.register_session_id)
            accounts.reverse_sale(actor, sale.id)
            tenders.give_back_vouchers(sale.id)
            _take_back_voucher_credits(sale.id)
            item_sales.unrecord(sale.id, sale.business_date)
            what = "Return" if sale.kind == "return" else "Sale"
            audit.record(actor, "void", f"{what} {sale.number} voided",
                         {"status": ["completed", "void"], "reason": [None, why],
                          "total": [str(sale.total), None]})
    except pw.IntegrityError:  # a void row already there: voided at the same moment
        raise ValidationError(f"Sale {value} is already void", "number") from None
    except pw.OperationalError as exc:
        raise ValidationError(f"The void could not be saved ({exc}); try again",
                              "number") from None
    return VoidedSale(sale.number, sale.total, why, actor.approver_name)


def _take_back_voucher_credits(sale_id: int) -> None:
    """Voiding a return refunded onto a voucher: the credit comes off it again, unless
    it has been spent since (then the void is refused)."""
    for voucher_id, amount in (Payment.select(Payment.voucher, Payment.amount)
                               .where((Payment.sale == sale_id) & Payment.voucher.is_null(False)
                                      & (Payment.amount < 0)).tuples()):
        taken = (Voucher.update(balance=Voucher.balance + amount)
                 .where((Voucher.id == voucher_id) & (Voucher.balance >= -amount)).execute())
        check(taken == 1, "The refund on the voucher has been spent since; this return "
              "cannot be voided", "number")


def _check_voidable(sale: Sale, today: dt.date) -> None:
    check(sale.status == "completed", f"Sale {sale.number} is already void", "number")
    check(sale.business_date == today,
          f"Sale {sale.number} is of {sale.business_date.isoformat()}: only today's sales "
          "can be voided — take the items back as a return instead", "number")
    check(sale.register_session_id is not None,
          f"Sale {sale.number} was not rung up in a register session; it cannot be voided "
          "— take the items back as a return instead", "number")
    session = RegisterSession.get_or_none(RegisterSession.id == sale.register_session_id)
    check(session is not None and session.closed_at is None and session.open_on is not None,
          f"Sale {sale.number}'s register session is closed (Z); take the items back as a "
          "return instead", "number")
    later = (Sale.select(Sale.number).where((Sale.return_of == sale.id)
                                            & (Sale.status == "completed")).order_by(Sale.number))
    numbers = [str(n) for (n,) in later.tuples()]
    check(not numbers, f"Sale {sale.number} has returns ({', '.join(numbers)}): void those "
          "first", "number")


# -- returns ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReturnLine:
    """A line of the return, as it will be written (negative)."""

    item_id: int | None
    sku: str
    name: str
    quantity: Decimal
    unit_price: Decimal
    discountable: bool
    gross: Decimal
    discount_percent: Decimal
    discount_source: str
    discount_amount: Decimal
    vat_class_name: str
    vat_rate: Decimal
    vat_source: str
    amount: Decimal
    bill_discount_percent: Decimal | None
    bill_discount_amount: Decimal
    returned_from: int | None


@dataclass(frozen=True)
class PricedReturn:
    lines: tuple[ReturnLine, ...]
    vat: tuple[VatSummaryRow, ...]
    prices_include_vat: bool

    @property
    def subtotal(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO).quantize(CENT)

    @property
    def discount_total(self) -> Decimal:
        return sum((line.discount_amount + line.bill_discount_amount for line in self.lines),
                   ZERO).quantize(CENT)

    @property
    def vat_total(self) -> Decimal:
        return sum((row.vat for row in self.vat), ZERO).quantize(CENT)

    @property
    def total(self) -> Decimal:
        if self.prices_include_vat:
            return self.subtotal
        return (self.subtotal + self.vat_total).quantize(CENT)


def _share(value: Decimal, sold: Decimal, before: Decimal, now_qty: Decimal) -> Decimal:
    """The part of ``value`` that ``now_qty`` of ``sold`` takes after ``before`` came back:
    cumulative, so all the parts of a fully returned line add up to ``value`` exactly."""
    return round_money(value * (before + now_qty) / sold) - round_money(value * before / sold)


def _wanted(lines: Sequence, what_sold: ReturnableSale) -> dict[int, Decimal]:
    """{sold line id: quantity to return} from [(line id or SKU, quantity)], checked."""
    by_id = {line.id: line for line in what_sold.lines}
    wanted: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for entry in lines:
        check(isinstance(entry, (tuple, list)) and len(entry) == 2,
              "Each returned line is (line or SKU, quantity)", "lines")
        key, qty = entry
        quantity = as_field("quantity", parse_quantity, qty)
        check(quantity > 0, "Return a positive quantity (the return makes it negative)",
              "quantity")
        wanted[_line_for(key, quantity, by_id, what_sold, wanted)] += quantity
    check(bool(wanted), "Choose what comes back: a line and its quantity", "lines")
    for line_id, quantity in wanted.items():
        line = by_id[line_id]
        check(quantity <= line.returnable,
              f"{line.name}: {format_quantity(quantity)} cannot come back — "
              f"{format_quantity(line.sold)} sold, {format_quantity(line.returned)} returned "
              f"already, {format_quantity(line.returnable)} left", "quantity")
    return dict(wanted)


def _line_for(key: object, quantity: Decimal, by_id: dict, what_sold: ReturnableSale,
              wanted: dict) -> int:
    if isinstance(key, int) and not isinstance(key, bool):
        check(key in by_id, f"Sale {what_sold.number} has no such line", "lines")
        return key
    sku = printable(str(key or "")).strip()
    matching = [line for line in what_sold.lines if line.sku.casefold() == sku.casefold()]
    check(bool(matching), f"Sale {what_sold.number} has no line {sku[:40]!r}", "lines")
    for line in matching:  # the first with room left
        if line.returnable - wanted.get(line.id, ZERO) >= quantity:
            return line.id
    return matching[0].id


def _vat_mode(sale_id: int, lines: Sequence[SaleLine], include: bool) -> dict[Decimal, str]:
    """How the original sale rounded its VAT, per rate: "receipt" (once over the rate's
    lines) or "line" (per line), found from its own VAT rows (the setting may have
    changed since)."""
    modes = {}
    for row in SaleVat.select().where(SaleVat.sale == sale_id):
        at_rate = [line.amount for line in lines if line.vat_rate == row.rate]
        per_receipt = vat_in(sum(at_rate, ZERO), row.rate, include)
        per_line = sum((vat_in(a, row.rate, include) for a in at_rate), ZERO)
        modes[row.rate] = "line" if per_receipt != row.vat and per_line == row.vat else "receipt"
    return modes


def _returned_amounts(sale_id: int) -> dict[int, Decimal]:
    """{sold line id: amount its non-void returns took back so far (negative)}."""
    return {line_id: -amount for line_id, (_, amount) in _returned(sale_id).items()}


def price_return(what_sold: ReturnableSale, wanted: dict[int, Decimal]) -> PricedReturn:
    """The return's lines and VAT rows, as the sold lines were charged (see the module)."""
    sold_lines = list(SaleLine.select().where(SaleLine.sale == what_sold.id))
    by_id = {line.id: line for line in sold_lines}
    include = what_sold.prices_include_vat
    back_before = _returned_amounts(what_sold.id)
    left = {line.id: line.returnable for line in what_sold.lines}
    for sold, qty in wanted.items():
        check(sold in by_id and sold in left, f"Sale {what_sold.number} has no such line",
              "lines")
        check(isinstance(qty, Decimal) and ZERO < qty <= left[sold],
              f"At most {format_quantity(left[sold])} of that line can come back", "quantity")
    out: list[ReturnLine] = []
    for sold in sorted(wanted, key=lambda i: by_id[i].position):
        line, qty = by_id[sold], wanted[sold]
        before = next(r.returned for r in what_sold.lines if r.id == sold)
        amount = -_share(line.amount, line.quantity, before, qty)
        discount = -_share(line.discount_amount, line.quantity, before, qty)
        bill_discount = -_share(line.bill_discount_amount, line.quantity, before, qty)
        out.append(ReturnLine(
            item_id=line.item_id, sku=line.sku, name=line.name, quantity=-qty,
            unit_price=line.unit_price, discountable=line.discountable,
            gross=amount + discount + bill_discount, discount_percent=line.discount_percent,
            discount_source=line.discount_source, discount_amount=discount,
            vat_class_name=line.vat_class_name, vat_rate=line.vat_rate,
            vat_source=line.vat_source, amount=amount,
            bill_discount_percent=line.bill_discount_percent,
            bill_discount_amount=bill_discount, returned_from=sold))
    modes = _vat_mode(what_sold.id, sold_lines, include)
    vat_rows = []
    for rate in sorted({line.vat_rate for line in out}, reverse=True):
        now_lines = [line for line in out if line.vat_rate == rate]
        if modes.get(rate) == "line":
            vat = sum((vat_in(back_before.get(l.returned_from, ZERO) + l.amount, rate, include)
                       - vat_in(back_before.get(l.returned_from, ZERO), rate, include)
                       for l in now_lines), ZERO)
        else:
            prior = sum((amount for line_id, amount in back_before.items()
                         if by_id[line_id].vat_rate == rate), ZERO)
            now_amount = sum((line.amount for line in now_lines), ZERO)
            vat = vat_in(prior + now_amount, rate, include) - vat_in(prior, rate, include)
        amount = sum((line.amount for line in now_lines), ZERO)
        base, total = (amount - vat, amount) if include else (amount, amount + vat)
        vat_rows.append(VatSummaryRow(rate, base.quantize(CENT), vat.quantize(CENT),
                                      total.quantize(CENT)))
    return PricedReturn(tuple(out), tuple(vat_rows), include)


def item_entries(text: str) -> list[tuple[str, str]]:
    """What was typed for a return without a receipt — "MUG-01, 2*COF-250" — as
    [(SKU, quantity)] (the quantities are checked when the return is priced)."""
    check(isinstance(text, str) and not has_controls(text), "Type the items' SKUs, "
          "e.g. MUG-01, 2*COF-250", "items")
    entries = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        qty, star, sku = part.partition("*")
        entries.append((sku.strip(), qty.strip()) if star else (part, "1"))
    check(bool(entries) and len(entries) <= 100, "Type the items' SKUs, e.g. MUG-01, "
          "2*COF-250", "items")
    return entries


def price_without_receipt(lines: Sequence) -> PricedReturn:
    """Items by SKU at today's prices, priced by the Sales Bill's engine (negative lines)."""
    draft = sales.SaleDraft.new()
    for entry in lines:
        check(isinstance(entry, (tuple, list)) and len(entry) == 2,
              "Each returned line is (SKU, quantity)", "lines")
        sku, qty = entry
        quantity = as_field("quantity", parse_quantity, qty)
        check(quantity > 0, "Return a positive quantity (the return makes it negative)",
              "quantity")
        draft.add_item(str(sku), -quantity)
    check(bool(draft.lines), "Choose what comes back: an item and its quantity", "lines")
    bill = draft.priced()
    out = tuple(ReturnLine(
        item_id=d.item_id, sku=d.sku, name=d.name, quantity=p.quantity,
        unit_price=p.unit_price, discountable=p.discountable, gross=p.gross,
        discount_percent=p.discount_percent, discount_source=p.discount_source,
        discount_amount=p.discount_amount, vat_class_name=p.vat.name, vat_rate=p.vat.rate,
        vat_source=p.vat_source, amount=p.amount, bill_discount_percent=p.bill_discount_percent,
        bill_discount_amount=p.bill_discount_amount, returned_from=None)
        for d, p in zip(draft.lines, bill.lines))
    return PricedReturn(out, tuple(bill.vat_summary), bill.prices_include_vat)


# -- the refund --------------------------------------------------------------------------------

def default_refunds(what_sold: ReturnableSale, refund: Decimal) -> list[tenders.TenderInput]:
    """Back to the tenders the sale was paid with: each up to what it paid, in order."""
    paid = [p for p in what_sold.payments if p.method_id is not None and p.amount > 0]
    if not paid:  # a sale from before tender methods: its method by kind
        kinds = [p.kind for p in what_sold.payments if p.amount > 0] or ["cash"]
        method = _method_of_kind(kinds[0])
        return [tenders.TenderInput(method.id, refund)]
    out, left = [], refund
    for n, p in enumerate(paid):
        if n == len(paid) - 1:  # the rest, whatever is left
            out.append(tenders.TenderInput(p.method_id, "", p.voucher))
            break
        part = min(left, p.amount)
        if part > 0:
            out.append(tenders.TenderInput(p.method_id, part, p.voucher))
            left -= part
        if left <= 0:
            break
    return out


def _method_of_kind(kind: str):
    try:
        return tenders.method_of_kind(kind)
    except ValidationError:
        return tenders.method_of_kind("cash")


def _refund_rows(total: Decimal, refunds: Sequence[tenders.TenderInput],
                 cash_rounding: bool) -> list[tenders.PaymentRow]:
    """The refund split over its tenders as payment rows (negative amounts). A refund
    onto a voucher number that does not exist yet issues that voucher (empty; the
    refund is credited onto it after the payments are written)."""
    for tender in refunds:
        if tenders.get_method(tender.method_id).kind == "voucher":
            _issue_voucher(tender.voucher)
    return tenders.settle(total, refunds, cash_rounding)


def _issue_voucher(number: str) -> None:
    """A new, empty voucher for a refund (inside the return's transaction)."""
    text = printable(str(number or "")).strip()
    if not text or Voucher.select().where(Voucher.number == text).exists():
        return  # none typed (settle says so) or it exists (settle checks it)
    clean = checked(text, "Voucher number", "voucher", tenders.VOUCHER_LENGTH, required=True)
    Voucher.create(number=clean, initial=ZERO, balance=ZERO, note="Issued for a refund")


CASH_SQL = ("SELECT COALESCE(SUM(p.amount + p.rounding), 0) FROM payment AS p "
            "JOIN sale AS s ON s.id = p.sale_id "
            "LEFT JOIN tender_method AS m ON m.id = p.tender_method_id "
            "WHERE s.register_session_id = ? AND s.status = 'completed' AND "
            "(m.kind = 'cash' OR (p.tender_method_id IS NULL AND p.method = 'cash'))")
MOVED_SQL = ("SELECT kind, COALESCE(SUM(amount), 0) FROM cash_movement WHERE session_id = ? "
             "GROUP BY kind")


def cash_in_drawer(session_id: int) -> Decimal:
    """What the drawer of a session should hold now: the float, cash taken less change
    given (and cash refunded), paid in less paid out."""
    (cash,), = _sums(CASH_SQL, (session_id,))
    moved = {kind: from_minor(int(total)) for kind, total in _sums(MOVED_SQL, (session_id,))}
    opening = RegisterSession.get_by_id(session_id).opening_float
    return (opening + from_minor(int(cash)) + moved.get("paid_in", ZERO)
            - moved.get("paid_out", ZERO))


# -- completing a return ---------------------------------------------------------------------------

def complete_return(actor: Actor, number: object | None, lines: Sequence,
                    refunds: Sequence[tenders.TenderInput] = (), reason: str = "",
                    customer_id: int | None = None, receipts_dir: str | Path | None = None,
                    at: dt.datetime | None = None) -> sales.CompletedSale:
    """Take items back: against receipt ``number`` (its lines by id or SKU, up to what is
    left) or, with ``number`` None, by SKU at today's price (a manager's approval and
    a reason).
    ``refunds``: the tenders it goes back to (empty: the original sale's; without a
    receipt, cash). All of it or nothing, with the next sale number."""
    require(actor, "cashier", "Take items back")
    no_receipt = number is None or (isinstance(number, str) and not number.strip())
    why = checked(reason, "Reason", "reason", REASON_LENGTH, required=no_receipt)
    if no_receipt:  # asked once the form is right
        require(actor, "manager", "A return without a receipt")
        number = None
    settings = config.get_settings()
    created = at or now()
    try:
        with database.atomic():
            result = _write_return(actor, number, lines, refunds, why, customer_id, settings,
                                   created)
    except pw.OperationalError as exc:
        raise ValidationError(f"The return could not be saved ({exc}); try again",
                              "number") from None
    number_written, sale_id, total, rows, text = result
    path, error = sales.save_receipt(number_written, text, receipts_dir)
    return _completed(sale_id, number_written, total, text, path, error, rows)


def _completed(sale_id, number, total, text, path, error, rows) -> sales.CompletedSale:
    paid, change = tenders.paid_and_change(rows)  # cash handed out (negative), none back
    return sales.CompletedSale(sale_id, number, total, paid, change, text, path, error,
                               tuple(rows))


def _write_return(actor, number, lines, refunds, why, customer_id, settings, created):
    session_id = register.require_open(actor.terminal)
    original = None
    if number is not None:
        original_row = _sale(number, for_update=True)  # two tills returning one sale: in turn
        _check_returnable(original_row)
        original = _returnable_of(original_row)
        priced = price_return(original, _wanted(lines, original))
        customer_id = original.customer_id
    else:
        priced = price_without_receipt(lines)
    refund = -priced.total
    check(refund > 0, "Nothing to refund: choose what comes back", "lines")
    chosen = list(refunds)
    if not chosen:
        chosen = (default_refunds(original, refund) if original is not None
                  else [tenders.TenderInput(tenders.method_of_kind("cash").id, refund)])
    rows = _refund_rows(priced.total, chosen, bool(getattr(settings, "cash_rounding", False)))
    _check_cash(rows, session_id)
    sale_number = bulk.next_value(Counter, "sale")
    sale_id = _insert_sale(actor, sale_number, original, priced, customer_id, session_id,
                           created, tenders.paid_and_change(rows))
    _insert_lines(sale_id, priced)
    bulk.insert_rows(SaleVat, sales.VAT_FIELDS, [(sale_id, r.rate, r.base, r.vat, r.total)
                                                 for r in priced.vat])
    tenders.write_payments(sale_id, rows)
    for row in rows:
        if row.kind == "voucher" and row.voucher_id is not None:
            tenders.credit_voucher(row.voucher_id, -row.amount)
            (Voucher.update(initial=Voucher.balance)  # a voucher issued for this refund
             .where((Voucher.id == row.voucher_id) & (Voucher.initial == 0)).execute())
        if row.kind == "account":
            check(customer_id is not None, "A refund to account needs the customer: return "
                  "against their receipt", "method")
            accounts.refund_in_sale(actor, customer_id, -row.amount, sale_id, session_id)
    item_sales.record(sale_id, created.date())
    text = _receipt(sale_id)
    Sale.update(receipt_text=text).where(Sale.id == sale_id).execute()
    subject = (f"Return {sale_number} of sale {original.number}" if original
               else f"Return {sale_number} without a receipt")
    audit.record(actor, "refund", subject,
                 {"total": [None, str(priced.total)], "reason": [None, why or None],
                  "refunded to": [None, ", ".join(r.method for r in rows)]})
    return sale_number, sale_id, priced.total, rows, text


def _check_cash(rows, session_id: int) -> None:
    out = sum((-(r.amount + r.rounding) for r in rows if r.kind == "cash"), ZERO)
    if out > 0:
        held = cash_in_drawer(session_id)
        check(out <= held, f"The drawer holds {format_money(held)}: not enough for a cash "
              f"refund of {format_money(out)} — refund to card, account or a voucher",
              "method")


def _insert_sale(actor, number, original, priced: PricedReturn, customer_id, session_id,
                 created, paid_change: tuple[Decimal, Decimal]) -> int:
    source = Sale.get_by_id(original.id) if original else None
    number_name = ((source.customer_number, source.customer_name) if source
                   else _customer_snapshot(customer_id))
    sale = Sale.create(
        number=number, created_at=created, business_date=created.date(), status="completed",
        cashier=printable(actor.name)[:60], staff=actor.staff_id,
        terminal=printable(actor.terminal)[:60], kind="return",
        return_of=original.id if original else None, register_session=session_id,
        customer=customer_id,
        customer_number=number_name[0], customer_name=number_name[1],
        customer_type=source.customer_type_id if source else None,
        customer_type_name=source.customer_type_name if source else "",
        profile=source.profile_id if source else None,
        profile_name=source.profile_name if source else "",
        prices_include_vat=priced.prices_include_vat,
        bill_discount=source.bill_discount if source else None,
        subtotal=priced.subtotal, discount_total=priced.discount_total,
        vat_total=priced.vat_total, total=priced.total, paid=paid_change[0],
        change=paid_change[1],
        receipt_text="")
    return sale.id


def _customer_snapshot(customer_id: int | None) -> tuple[str, str]:
    """(number, name) of the customer a return without a receipt is for, as it is now."""
    if customer_id is None:
        return "", ""
    customer = Customer.get_or_none(Customer.id == customer_id) if isinstance(
        customer_id, int) and not isinstance(customer_id, bool) else None
    if customer is None:
        raise NotFound("That customer does not exist", "customer")
    return customer.number, customer.display_name


RETURN_LINE_FIELDS = (*sales.LINE_FIELDS, SaleLine.returned_from)


def _insert_lines(sale_id: int, priced: PricedReturn) -> None:
    bulk.insert_rows(SaleLine, RETURN_LINE_FIELDS, [
        (sale_id, n, line.item_id, line.sku, line.name, line.quantity, line.unit_price,
         line.discountable, line.gross, line.discount_percent, line.discount_source,
         line.discount_amount, line.vat_class_name, line.vat_rate, line.vat_source,
         line.amount, line.bill_discount_percent, line.bill_discount_amount,
         line.returned_from)
        for n, line in enumerate(priced.lines, 1)])


def _receipt(sale_id: int) -> str:
    """The return's receipt as the printer gets it (services/receipt_text renders the
    negative lines, RETURN of sale N and each refund), read from the rows just written."""
    return receipt_text.for_sale(sale_id)
