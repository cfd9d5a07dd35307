"""Receipts as plain text for real receipt printers: 32, 42 or 48 columns.

``ReceiptData`` holds everything a receipt says, with named fields. It is built
from the bill when the sale is completed (``from_bill``) and from the database
for a reprint (``data_for_sale``: the sale's own snapshots — lines, VAT rows,
payments — with the customer's account balance as it is now, marked as a copy).
``render`` lays it out at a width; every text is plain (markup stays literal,
control characters are removed) and cut by terminal cells (a CJK character
takes two), so no line is ever wider than the printer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Sequence

import peewee as pw

from tui_pos.db.models import (
    Customer, Payment, Sale, SaleLine, SaleVat, TenderMethod, Voucher,
)
from tui_pos.money import (
    ZERO, format_date, format_money, format_percent, format_quantity,
)
from tui_pos.services import accounts, config, printing
from tui_pos.services.errors import NotFound, ValidationError
from tui_pos.services.receipts import cells, cut_cells
from tui_pos.services.text import printable

COPY_MARK = "** COPY **"
WEB_SHOP = "web shop"  # sales.WEB_SHOP: the tender of an order paid online


@dataclass(frozen=True)
class ReceiptLine:
    name: str
    quantity: Decimal
    unit_price: Decimal
    gross: Decimal
    vat_rate: Decimal
    discount_percent: Decimal = ZERO  # the line's own discount …
    discount_source: str = "none"     # … and where it came from (override/customer/type)
    discount_amount: Decimal = ZERO
    bill_discount_percent: Decimal | None = None
    bill_discount_amount: Decimal = ZERO
    amount: Decimal = ZERO            # after both discounts


@dataclass(frozen=True)
class VatRow:
    rate: Decimal
    base: Decimal
    vat: Decimal
    total: Decimal


@dataclass(frozen=True)
class ReceiptPayment:
    """One tender as printed: the same names as ``tenders.PaymentRow``."""

    method: str
    amount: Decimal       # what it paid of the sale (a refund: negative)
    tendered: Decimal     # handed over
    change: Decimal       # given back
    rounding: Decimal = ZERO
    voucher_number: str = ""


@dataclass(frozen=True)
class ReceiptData:
    number: int
    when: dt.datetime
    store_lines: tuple[str, ...] = ()   # name, address lines, the receipt header
    vat_number: str = ""
    footer_lines: tuple[str, ...] = ()
    locale: str | None = None
    currency: str = "EUR"
    kind: str = "sale"                  # or "return"
    return_of: int | None = None        # the sale a return was against
    copy: bool = False                  # a reprint
    void: bool = False                  # a reprint of a sale voided since
    customer_name: str = ""
    customer_number: str = ""
    balance: Decimal | None = None      # the customer's account balance; None: no account
    profile: str = ""
    cashier: str = ""
    terminal: str = ""
    lines: tuple[ReceiptLine, ...] = ()
    vat_rows: tuple[VatRow, ...] = ()
    payments: tuple = ()                # ReceiptPayment or tenders.PaymentRow
    prices_include_vat: bool = True
    subtotal: Decimal = ZERO
    vat_total: Decimal = ZERO
    discount_total: Decimal = ZERO
    total: Decimal = ZERO

    @property
    def change(self) -> Decimal:
        return sum((p.change for p in self.payments), ZERO)


def store_parts(settings: config.Settings) -> dict:
    """The store's header and footer fields of ``ReceiptData`` from its configuration."""
    return dict(
        store_lines=(settings.store_name, *settings.address.splitlines(),
                     *settings.receipt_header.splitlines()),
        vat_number=settings.vat_number,
        footer_lines=tuple(settings.receipt_footer.splitlines()),
        locale=settings.locale, currency=settings.currency)


# -- the layout ------------------------------------------------------------------------------

def plain(text: str) -> str:
    """One line of stored text as plain receipt text: no control characters."""
    return " ".join(printable(str(text)).split())


class Page:
    """Rows of one receipt at ``width`` terminal cells."""

    def __init__(self, width: int, locale: str | None) -> None:
        self.width, self.locale = width, locale
        self.rows: list[str] = []

    def money(self, value: Decimal) -> str:
        return format_money(value, locale=self.locale)

    def cut(self, text: str) -> str:
        """Plain text cut to the width; the layout's own indent kept."""
        indent = " " * (len(text) - len(text.lstrip(" ")))
        return cut_cells(indent + plain(text), self.width)

    def add(self, text: str) -> None:
        self.rows.append(self.cut(text))

    def centred(self, text: str) -> None:
        text = self.cut(text)
        self.rows.append(" " * ((self.width - cells(text)) // 2) + text)

    def rule(self) -> None:
        self.rows.append("-" * self.width)

    def row(self, left: str, right: str) -> None:
        """``left`` and ``right`` on one line, or on two (right-aligned) when too wide."""
        left, right = self.cut(left), cut_cells(right, self.width)
        space = self.width - cells(left) - cells(right)
        if space >= 1:
            self.rows.append(f"{left}{' ' * space}{right}")
        else:
            self.rows.extend([left, " " * (self.width - cells(right)) + right])


def render(data: ReceiptData, width: int = printing.DEFAULT_WIDTH) -> str:
    """The receipt as text, ``width`` columns (32, 42 or 48), one newline per row."""
    page = Page(max(24, int(width)), data.locale)
    if data.copy:
        page.centred(COPY_MARK)
    _store(page, data)
    _who(page, data)
    _lines(page, data)
    _totals(page, data)
    _vat(page, data)
    for text in data.footer_lines:
        if plain(text):
            page.centred(text)
    if data.copy:
        page.centred(COPY_MARK)
    return "\n".join(row.rstrip() for row in page.rows) + "\n"


def _store(page: Page, data: ReceiptData) -> None:
    for text in data.store_lines:
        if plain(text):
            page.centred(text)
    if plain(data.vat_number):
        page.centred(f"VAT {data.vat_number}")
    page.rule()


def _who(page: Page, data: ReceiptData) -> None:
    when = f"{format_date(data.when, data.locale)} {data.when:%H:%M}"
    page.row(f"Sale {data.number}", when)
    if data.kind == "return":
        page.add(f"RETURN of sale {data.return_of}" if data.return_of else
                 "RETURN (no receipt)")
    if data.void:
        page.add("VOIDED: this sale was cancelled")
    if plain(data.customer_name) or plain(data.customer_number):
        page.add(f"Customer: {data.customer_name} ({data.customer_number})")
        if data.balance is not None:
            page.row("Account balance", page.money(data.balance))
    if plain(data.profile):
        page.add(f"Profile: {data.profile}")
    cashier = f"Cashier: {plain(data.cashier)}" if plain(data.cashier) else ""
    till = f"Till: {plain(data.terminal)}" if plain(data.terminal) else ""
    if cashier and till and cells(cashier) + 2 + cells(till) <= page.width:
        page.row(cashier, till)
    else:
        for text in (cashier, till):
            if text:
                page.add(text)
    page.rule()


def _lines(page: Page, data: ReceiptData) -> None:
    loc = data.locale
    rates = [format_percent(line.vat_rate, loc) for line in data.lines]
    tag = max([3, *map(cells, rates)])  # the VAT rate after each amount, right-aligned
    pad = " " * (tag + 1)               # discounts line up under the amounts
    for line, rate in zip(data.lines, rates):
        page.add(line.name)
        page.row(f"  {format_quantity(line.quantity, loc)} x {page.money(line.unit_price)}",
                 f"{page.money(line.gross)} {rate:>{tag}}")
        if line.discount_amount:
            page.row(f"  discount {format_percent(line.discount_percent, loc)} "
                     f"({plain(line.discount_source)})",
                     page.money(-line.discount_amount) + pad)
        if line.bill_discount_amount:
            page.row(f"  bill discount {format_percent(line.bill_discount_percent or 0, loc)}",
                     page.money(-line.bill_discount_amount) + pad)
    page.rule()


def _totals(page: Page, data: ReceiptData) -> None:
    money = page.money
    if not data.prices_include_vat:
        page.row("Subtotal excl. VAT", money(data.subtotal))
        page.row("VAT", money(data.vat_total))
    if data.discount_total > 0:
        page.row("You saved", money(data.discount_total))
    page.row(f"TOTAL {plain(data.currency)}", money(data.total))
    for p in data.payments:
        page.row(f"{'Refund' if p.amount < 0 else 'Paid'} ({_tender(p)})", money(p.amount))
        if p.rounding:
            page.row("  rounding", money(p.rounding))
        if p.tendered != p.amount + p.rounding:
            page.row("  tendered", money(p.tendered))
    if data.change:
        page.row("Change", money(data.change))


def _tender(payment) -> str:
    """"Cash", "Web shop" as the web-shop import always wrote it ("web shop"), and a
    voucher with the first four characters of its number only (it is as good as cash)."""
    what = plain(payment.method)
    if what.casefold() == WEB_SHOP:
        what = WEB_SHOP
    number = plain(getattr(payment, "voucher_number", "") or "")
    if number:
        what += f" {number[:4]}…" if len(number) > 4 else f" {number}"
    return what


def _vat(page: Page, data: ReceiptData) -> None:
    """One row per rate — base, VAT, total in columns — or two rows when the
    amounts do not fit the columns (a 32-column printer, a large sale)."""
    if not data.vat_rows:
        return
    money, width = page.money, page.width
    column = (width - 5) // 3
    first = width - 3 * column
    page.add("")
    page.rows.append("Rate".ljust(first) + "".join(h.rjust(column)
                                                    for h in ("base", "VAT", "total")))
    for r in data.vat_rows:
        rate = format_percent(r.rate, data.locale)
        amounts = [money(r.base), money(r.vat), money(r.total)]
        if cells(rate) < first and all(len(a) < column for a in amounts):
            page.rows.append(rate.ljust(first) + "".join(a.rjust(column) for a in amounts))
        else:
            page.row(f"{rate} total", amounts[2])
            page.row(f"  base {amounts[0]}", f"VAT {amounts[1]}")


# -- built at sale time -----------------------------------------------------------------------

def from_bill(number: int, header, draft, bill, settings: config.Settings,
              payments: Sequence = (), balance: Decimal | None = None, *,
              kind: str = "sale", return_of: int | None = None) -> ReceiptData:
    """The receipt of a bill being completed (``header``: sales.SaleHeader;
    ``payments``: tenders.PaymentRow; ``balance``: the customer's account after it)."""
    lines = tuple(
        ReceiptLine(d.name, p.quantity, p.unit_price, p.gross, p.vat.rate,
                    p.discount_percent, p.discount_source, p.discount_amount,
                    p.bill_discount_percent, p.bill_discount_amount, p.amount)
        for d, p in zip(draft.lines, bill.lines))
    return ReceiptData(
        number=number, when=header.created_at, **store_parts(settings),
        kind=kind, return_of=return_of,
        customer_name=header.customer_name, customer_number=header.customer_number,
        balance=balance, profile=header.profile_name, cashier=header.cashier,
        terminal=header.terminal, lines=lines,
        vat_rows=tuple(VatRow(r.rate, r.base, r.vat, r.total) for r in bill.vat_summary),
        payments=tuple(payments), prices_include_vat=bill.prices_include_vat,
        subtotal=bill.subtotal, vat_total=bill.vat_total,
        discount_total=bill.discount_total, total=bill.total)


def width_for(terminal: str) -> int:
    """The receipt width of a terminal's printer (cached per process)."""
    return printing.settings_for(terminal).width


# -- built from the database (a reprint) ------------------------------------------------------

def data_for_sale(sale_id: int, copy: bool = False) -> ReceiptData:
    """A past sale's receipt from its own snapshots; the customer's balance as it is now."""
    sale = Sale.get_or_none(Sale.id == sale_id)
    if sale is None:
        raise NotFound("There is no such sale", "sale")
    lines = tuple(
        ReceiptLine(l.name, l.quantity, l.unit_price, l.gross, l.vat_rate,
                    l.discount_percent, l.discount_source, l.discount_amount,
                    l.bill_discount_percent, l.bill_discount_amount or ZERO, l.amount)
        for l in SaleLine.select().where(SaleLine.sale == sale_id).order_by(SaleLine.position))
    vat_rows = tuple(VatRow(v.rate, v.base, v.vat, v.total)
                     for v in SaleVat.select().where(SaleVat.sale == sale_id)
                     .order_by(SaleVat.rate.desc()))
    payments = tuple(  # the tender's name as the till showed it ("Cash"), if it still has one
        ReceiptPayment(name or method, amount, tendered, change, rounding or ZERO,
                       voucher or "")
        for method, name, amount, tendered, change, rounding, voucher in (
            Payment.select(Payment.method, TenderMethod.name, Payment.amount, Payment.tendered,
                           Payment.change, Payment.rounding, Voucher.number)
            .join(TenderMethod, pw.JOIN.LEFT_OUTER, on=(Payment.tender_method == TenderMethod.id))
            .switch(Payment)
            .join(Voucher, pw.JOIN.LEFT_OUTER, on=(Payment.voucher == Voucher.id))
            .where(Payment.sale == sale_id).order_by(Payment.id).tuples()))
    return_of = None
    if sale.return_of_id is not None:
        return_of = Sale.select(Sale.number).where(Sale.id == sale.return_of_id).scalar()
    return ReceiptData(
        number=sale.number, when=sale.created_at, **store_parts(config.get_settings()),
        kind=sale.kind or "sale", return_of=return_of, copy=copy,
        void=sale.status == "void",
        customer_name=sale.customer_name, customer_number=sale.customer_number,
        balance=balance_now(sale.customer_id), profile=sale.profile_name,
        cashier=sale.cashier, terminal=sale.terminal, lines=lines, vat_rows=vat_rows,
        payments=payments, prices_include_vat=sale.prices_include_vat,
        subtotal=sale.subtotal, vat_total=sale.vat_total,
        discount_total=sale.discount_total, total=sale.total)


def balance_now(customer_id: int | None) -> Decimal | None:
    """The customer's account balance now (``accounts``), None when they have no credit
    account. Cheap for the many customers without one: one indexed look-up."""
    if customer_id is None:
        return None
    has_account = (Customer.select(Customer.id)
                   .where((Customer.id == customer_id) & Customer.credit_limit.is_null(False))
                   .exists())
    return accounts.balance(customer_id) if has_account else None


def for_sale(sale_id: int, copy: bool = False, width: int | None = None) -> str:
    """A past sale's receipt as text, at ``width`` or its terminal's width."""
    data = data_for_sale(sale_id, copy)
    return render(data, width or width_for(data.terminal))


@dataclass(frozen=True)
class Reprint:
    number: int
    text: str


def reprint(number: int | str | None, terminal: str) -> Reprint:
    """Sale ``number``'s receipt marked as a copy, at ``terminal``'s printer width;
    no number: the last sale made on ``terminal``."""
    typed = printable(str(number if number is not None else "")).strip()
    query = Sale.select(Sale.id, Sale.number)
    if not typed:
        row = query.where(Sale.terminal == terminal).order_by(Sale.number.desc()).tuples().first()
        if row is None:
            raise NotFound(f"No sale was made on {terminal} yet", "number")
    else:
        if not (typed.isascii() and typed.isdigit()) or len(typed) > 18:
            raise ValidationError("A receipt number is digits only", "number")
        row = query.where(Sale.number == int(typed)).tuples().first()
        if row is None:
            raise NotFound(f"There is no sale {typed}", "number")
    sale_id, sale_number = row
    return Reprint(sale_number, for_sale(sale_id, copy=True, width=width_for(terminal)))
